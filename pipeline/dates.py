"""Time expressions resolved against the date of the statement or article that contains them.

dateparser does the reading. Two of its choices misdate news text, and are corrected here: preferring the
past, it skips the reference day itself ("said on Monday" in a Monday article is last week's Monday), and
preferring the future, it skips the reference month ("will open in April", written in April, is next year).
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
# Words that put a sentence's dates ahead of the moment it was said ("will open in April", "talks next week").
# "would" too: in reported speech it is the future of the moment spoken of ("said more would follow in March").
_FUTURE_CUES = re.compile(
    r"\b(?:will|won't|would|shall|going to|next|upcoming|plans? to|planned|intends? to|scheduled|due|is to|are to|expected to)\b|'ll\b",
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


@lru_cache(maxsize=8192)
def resolve(mention: str, reference: dt.date | None, future: bool = False, past_only: bool = False) -> tuple[dt.date, Period] | None:
    """The date `mention` names and how precisely (day, month or year), or None when it pins neither.

    Without a year in the text the reference supplies one: the latest such date on or before the reference
    (unless, for a day, the next one is NEARER_FUTURE times nearer; never with `past_only`, for what has happened, such as
    speaking), or the next one on or after it when `future`. With no reference, only a mention with a year resolves.
    """
    data = _parser(reference, future).get_date_data(mention)
    if data is None or data.date_obj is None or data.period not in ("time", "day", "month", "year"):
        return None
    period: Period = "day" if data.period == "time" else data.period  # "on Monday at noon": the day
    has_year = bool(_YEAR.search(mention))
    if reference is None and not has_year:
        return None
    parsed: dt.date = data.date_obj.date()
    if reference is not None and not has_year:
        words = set(re.findall(r"[a-z]+", mention.lower()))
        named_weekday = next((i for i, day in enumerate(WEEKDAYS) if day in words), None)
        named_month = next((i + 1 for i, month in enumerate(MONTHS) if month in words), None)
        if period == "day" and named_weekday == reference.weekday() and not re.search(r"\d", mention) and "last" not in words and "next" not in words:
            parsed = reference  # "on Monday", written on a Monday
        elif period == "month" and named_month == reference.month:
            parsed = reference.replace(day=1)  # "in April", written in April
        elif not future and not past_only and period == "day" and named_month is not None and parsed < reference:
            ahead = _parser(reference, True).get_date_data(mention)
            if ahead is not None and ahead.date_obj is not None:
                upcoming = ahead.date_obj.date()
                if reference <= upcoming and (upcoming - reference) * NEARER_FUTURE < (reference - parsed):
                    parsed = upcoming
    return parsed, period


@lru_cache(maxsize=64)
def _parser(reference: dt.date | None, future: bool):
    from dateparser.date import DateDataParser

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "future" if future else "past", "RETURN_TIME_AS_PERIOD": True}
    if reference is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(reference, dt.time(12))
    return DateDataParser(languages=["en"], settings=settings)
