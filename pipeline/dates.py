"""Time expressions resolved against the date of the statement or article that contains them.

dateparser does the reading. Four of its choices misdate news text, and are corrected here: preferring the
past, it skips the reference day itself ("said on Monday" in a Monday article is last week's Monday), and
preferring the future, it skips the reference month ("will open in April", written in April, is next year);
it reads a duration as that long ago ("within six months" is six months back), and a week as any one of its days.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any, Literal

Period = Literal["day", "month", "year"]
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"
)
_YEAR = re.compile(r"\b\d{4}\b")
# A length of time, not a point in it ("six months", "a decade", "two more weeks", "years"): "six months ago" and
# "the next six months" are not lengths alone, and not matched.
_DURATION = re.compile(
    r"(?:(?:about|around|nearly|almost|over|under|more than|less than|up to|at least|at most|another|a further|just|only)\s+)?"
    r"(?:(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"a hundred|a few|few|several|many|some|a couple of|a number of|half a|a half)(?:\s+(?:more|further|additional|full|whole))?\s+"
    r"(?:day|week|fortnight|month|year|decade|century)s?|(?:days|weeks|months|years|decades|centuries))",
    re.IGNORECASE,
)
# Words that put a sentence's dates ahead of the moment it was said ("will open in April", "talks next week").
# "would" too: in reported speech it is the future of the moment spoken of ("said more would follow in March"), and
# so does a to-infinitive of what someone agrees, plans or means to do ("agreed to meet again in July"); "to" before
# an article or "by" is no infinitive ("agreed to the deal in July", "was agreed to by parliament").
_FUTURE_CUES = re.compile(
    r"\b(?:will|won't|would|shall|going to|next|upcoming|planned|scheduled|due|is to|are to"
    r"|(?:agree|aim|expect|intend|plan|pledg|promis|vow)(?:e|s|es|d|ed|ing|ned|ning)?\s+to(?!\s+(?:the|a|an|its|their|by)\b))\b|'ll\b"
    # A condition looks ahead ("if elected on Thursday"), unless its verb is past ("asked if he had resigned on Thursday").
    r"|\b(?:if|unless)\b(?!(?:\W+\w+){0,3}?\W+(?:had|was|were|did)\b)",
    re.IGNORECASE,
)
# A day is past by default, unless the next such day is this many times nearer: "on 1 December" said on 18
# November is in a fortnight, not a year ago. A month alone stays the one just gone ("began in April", said in
# February, is last April).
NEARER_FUTURE = 6


# A cue that opens a coordinated clause ("deported 300 in October and will send more by January") looks forward
# from there on only: what came before it keeps its own tense.
_CLAUSE_OPENER = re.compile(r"(?:\band|\bbut|;)\s+$", re.IGNORECASE)
# "by December" is a deadline: ahead, unless the clause says it is already past ("had left by December").
_DEADLINE = re.compile(r"\bby\s+$", re.IGNORECASE)
_PAST_CUES = re.compile(r"\b(?:had|was|were|did|ago|last)\b", re.IGNORECASE)


def speaks_of_the_future(sentence: str, at: int) -> bool:
    """True when the sentence's tense or wording points forward at the mention `at` (its offset in `sentence`), so a
    month or weekday without a year is ahead: a cue opening a coordinated clause after the mention does not count,
    and `by` right before the mention makes a deadline."""
    for cue in _FUTURE_CUES.finditer(sentence):
        if cue.start() < at or not _CLAUSE_OPENER.search(sentence[: cue.start()]):
            return True
    return bool(_DEADLINE.search(sentence[:at])) and not _PAST_CUES.search(sentence)


# A weekday that names no particular day, but any or each such day: "on a Friday", "every Friday", "on Fridays".
_ANY_WEEKDAY = re.compile(rf"\b(?:(?:a|an|any|each|every)\s+(?:{'|'.join(WEEKDAYS)})\b|(?:{'|'.join(WEEKDAYS)})s\b)", re.IGNORECASE)


def names_no_particular_day(mention: str) -> bool:
    """True when `mention` is a generic weekday ("a Friday", "every Friday", "Fridays"): dateparser would make it the
    nearest one. Pass the word before a weekday with it, as spaCy leaves "a" or "every" out of the DATE entity."""
    return _ANY_WEEKDAY.search(mention) is not None


def is_duration(mention: str) -> bool:
    """True when `mention` is a length of time ("a year", "six more months"): it names no date, whatever dateparser makes of it."""
    return _DURATION.fullmatch(mention.strip()) is not None


@lru_cache(maxsize=8192)
def resolve(mention: str, reference: dt.date | None, future: bool = False, past_only: bool = False) -> tuple[dt.date, Period] | None:
    """The date `mention` names and how precisely (day, month or year), or None when it pins neither.

    Without a year in the text the reference supplies one: the latest such date on or before the reference
    (unless, for a day, the next one is NEARER_FUTURE times nearer; never with `past_only`, for what has happened, such as
    speaking), or the next one on or after it when `future`. With no reference, only a mention with a year resolves.
    A week ("last week") is its month when its days (with `past_only`, those up to the reference) lie in one; with
    `past_only`, a date after the reference ("next week", "in six months") is None: what has happened is not ahead.
    """
    if is_duration(mention) or names_no_particular_day(mention):
        return None
    data = _parser(reference, future).get_date_data(mention)
    if data is None or data.date_obj is None or data.period not in ("time", "day", "week", "month", "year"):
        return None
    has_year = bool(_YEAR.search(mention))
    if reference is None and not has_year:
        return None
    parsed: dt.date = data.date_obj.date()
    if data.period == "week":
        return _week(parsed, reference if past_only else None)
    period: Period = "day" if data.period == "time" else data.period  # "on Monday at noon": the day
    resolved = _resolve_without_year(mention, reference, future, past_only, parsed, period) if reference is not None and not has_year else parsed
    start = {"day": resolved, "month": resolved.replace(day=1), "year": resolved.replace(month=1, day=1)}[period]
    if past_only and reference is not None and start > reference:
        return None
    return resolved, period


@lru_cache(maxsize=4096)  # dateparser is slow, and each dated quote asks after `resolve` parsed the same mention
def week_days(mention: str, reference: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days, up to the reference, of the week a mention names ('last week'), or None for any other mention: a week
    across two months dates no statement, but who held an office then is still the one who held it all week."""
    if reference is None or is_duration(mention):
        return None
    data = _parser(reference, False).get_date_data(mention)
    if data is None or data.date_obj is None or data.period != "week":
        return None
    return _week_span(data.date_obj.date(), reference)


def _week_span(day: dt.date, until: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """Monday and the last day of the week that holds `day` (Sunday, or `until` if earlier); None when it starts later."""
    monday = day - dt.timedelta(days=day.weekday())
    last = monday + dt.timedelta(days=6) if until is None else min(monday + dt.timedelta(days=6), until)
    return (monday, last) if monday <= last else None


def _week(day: dt.date, until: dt.date | None) -> tuple[dt.date, Period] | None:
    """The month of the week that holds `day` (Monday to Sunday, cut at `until`), or None when its days span two."""
    span = _week_span(day, until)
    if span is None:
        return None
    monday, last = span
    return (monday, "month") if (monday.year, monday.month) == (last.year, last.month) else None


def _resolve_without_year(mention: str, reference: dt.date, future: bool, past_only: bool, parsed: dt.date, period: Period) -> dt.date:
    """dateparser's reading of a mention without a year, corrected for the reference day and month (see the module)."""
    words = set(re.findall(r"[a-z]+", mention.lower()))
    named_weekday = next((i for i, day in enumerate(WEEKDAYS) if day in words), None)
    named_month = next((i + 1 for i, month in enumerate(MONTHS) if month in words), None)
    if period == "day" and named_weekday == reference.weekday() and not re.search(r"\d", mention) and "last" not in words and "next" not in words:
        return reference  # "on Monday", written on a Monday
    if period == "month" and named_month == reference.month:
        return reference.replace(day=1)  # "in April", written in April
    if not future and not past_only and period == "day" and named_month is not None and parsed < reference:
        ahead = _parser(reference, True).get_date_data(mention)
        if ahead is not None and ahead.date_obj is not None:
            upcoming = ahead.date_obj.date()
            if reference <= upcoming and (upcoming - reference) * NEARER_FUTURE < (reference - parsed):
                return upcoming
    return parsed


@lru_cache(maxsize=64)
def _parser(reference: dt.date | None, future: bool):
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_TIME_AS_PERIOD": True}
    if reference is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(reference, dt.time(12))
    return DateDataParser(languages=["en"], settings=settings)
