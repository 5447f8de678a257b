"""What a claim states, normalized: quantities (value or range, qualifier, unit), dates (ISO where exact), entities.

quantulum3 finds and parses the numbers ("2 million" -> 2e6, "ten" -> 10, "7,500 to 8,000" -> a range,
"$4 billion" -> 4e9 dollar, "12 km" -> 12 kilometre). It leaves three gaps this module fills:
it does not keep qualifiers ("over 2000"), it has no unit for counted things ("2000 people" is
dimensionless to it), and it will read a unit into any word ("ten migrant" -> mi·gr·a·nt). So a unit
is kept only when each of its parts is a whole word of the match; otherwise the counted noun after the
number becomes the unit ("ten migrant smugglers" -> smugglers), or an abbreviation ending the phrase ("1.2 million
TEU"). Press shorthand it misreads ("€5m" as euro·metre, "1.5bn" as barns, "$250-300 million" as one sum, "£1.2bn-£1.5bn"
as pounds to a power, "a £310m" as one pound) is spelled out before it parses, with offsets kept into the original text;
so are shares in words ("one in five", "a third of", "two-thirds of", "down by a fifth"), as the percent they state (20, 33.333333, 66.666667
percent, as "20%" reads). spaCy's NER (already run on the statement) supplies the DATE entities, which dateparser resolves
against the statement's date, and the named entities. Years are dates, not quantities, unless they count something ("over
2000 people"); a year after a preposition counts only a plural noun right after it ("Since 2015 EU states" is a date), and
two years as a range are a period ("From 2015 to 2020 exports rose"). A fraction after an ordinal names a period ("the
first half of the year"), not a quantity. A number that begins a compound ("a 508-km fence", "a 10% rise", "a four-day
week") is kept: the compound usually states the measured fact.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from spacy.tokens import Span

from pipeline.dates import is_duration, names_no_particular_day, speaks_of_the_future
from pipeline.dates import resolve as resolve_date

NUMERIC_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "ORDINAL", "DATE", "TIME"})
QUALIFIERS = (
    "more than", "less than", "fewer than", "greater than", "at least", "at most", "up to", "as many as", "as few as", "close to",
    "just over", "just under", "well over", "nearly", "almost", "over", "under", "above", "below", "about", "around",
    "approximately", "roughly", "some", "only", "exactly", "between", "from",
)
RANGE_QUALIFIERS = frozenset({"between", "from"})
_QUALIFIER_AT_END = re.compile(r"\b(" + "|".join(re.escape(q) for q in QUALIFIERS) + r")\s*$", re.IGNORECASE)
_NUMBER_TOKEN = re.compile(r"^[\d.,]+$")
_LEADING_RANGE_WORD = re.compile(r"(?:between|from)\s+", re.IGNORECASE)
NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen "
    "nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion "
    "billions trillion dozen dozens half quarter and a an to".split()
)
# Words between a number and what it counts, before any other word ("7,500 of the migrants", "three other Iraqi cities").
COUNT_BRIDGES = frozenset({"of", "the", "other", "more", "additional", "new", "those", "these", "their", "our"})
# quantulum reads ordinals as fractions ("third" -> 1/3); spaCy's ORDINAL entities miss sentence-initial ones. In order.
ORDINAL_WORDS = tuple("first second third fourth fifth sixth seventh eighth ninth tenth".split())
# A fraction after an ordinal names a period ("the first half of the year", "second-quarter profits"): it ranks, as the ordinal does.
_ORDINAL_PERIOD = re.compile(rf"\b(?:{'|'.join(ORDINAL_WORDS)}|last|\d+(?:st|nd|rd|th))[ -](?:half|quarter)\b", re.IGNORECASE)
# A share in words ("one in five", "a third of", "two-thirds of", "half of", "half their") is read as the percent it states, so it compares
# with "20%". Only these two forms: an ordinal that ranks ("a third term", "the fifth time") has no "of" after it.
SMALL_NUMBER_WORDS = {word: value for value, word in enumerate("one two three four five six seven eight nine ten".split(), start=1)}
FRACTION_DENOMINATORS = {"half": 2, "quarter": 4} | {word: rank for rank, word in enumerate(ORDINAL_WORDS, start=1) if rank > 2}
_SMALL_NUMBER = "|".join(SMALL_NUMBER_WORDS)
# "half of" after "the", "first" or "second" is a period ("the first half of 2020"), not a share. A change by a share
# ("down by a fifth", "cut by half") has no "of": after "by" a fraction ends the phrase, and counts only after a word of
# change (_CHANGE_BEFORE_BY), as "backed by a third party" is no share.
# "half" needs no "of" before a determiner: "half their harvest", "half the members" (but "half an hour" is time).
_PREDETERMINED = r"(?:the|their|its|his|her|our|your|all|these|those)\b"
_SHARE = re.compile(
    rf"\b(?:(?P<part>{_SMALL_NUMBER}|\d{{1,3}}) in (?P<whole>{_SMALL_NUMBER}|\d{{1,3}}(?:,\d{{3}})*)"
    rf"|(?P<by>(?<=\bby ))?(?:(?P<numerator>an?|{_SMALL_NUMBER})[ -])?(?<!the )(?<!first )(?<!second )"
    rf"(?P<fraction>{'|'.join(FRACTION_DENOMINATORS)})s?(?(by)(?![\w-])|(?=\s+of\b|(?<=half)\s+{_PREDETERMINED})))\b",
    re.IGNORECASE,
)
_CHANGE_BEFORE_BY = re.compile(
    r"\b(?:up|down|ris(?:e|es|en|ing)|rose|f[ae]ll(?:s|en|ing)?|drop(?:s|ped|ping)?|declin(?:e|es|ed|ing)|grow(?:s|n|ing)?|grew"
    r"|increas(?:e|es|ed|ing)|decreas(?:e|es|ed|ing)|cut(?:s|ting)?|reduc(?:e|es|ed|ing)|slash(?:es|ed|ing)?|rais(?:e|es|ed|ing)"
    r"|lower(?:s|ed|ing)?|climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|boost(?:s|ed|ing)?|shr[iau]nk(?:s|ing)?)\b(?:\s+[\w'-]+){0,3}\s+by\s+$",
    re.IGNORECASE,
)
SCALE_WORDS = {"k": "thousand", "m": "million", "mn": "million", "mln": "million", "b": "billion", "bn": "billion", "tn": "trillion", "trn": "trillion"}
# "m" and "b" are also metres and barns: they scale a number only beside a currency ("€5m", "5m euros"); "5k" is 5,000
# (a kelvin is a capital K).
SCALE_NEEDS_CURRENCY = frozenset({"m", "b"})
_CURRENCY_BEFORE = r"(?:[$€£¥₹]|[A-Z]{1,2}\$|(?:USD|EUR|GBP|JPY|CHF|CNY)\s?)"
_CURRENCY_AFTER = re.compile(
    r"\s*(?:euros?|dollars?|pounds?|sterling|yen|yuan|francs?|rupees?|roubles?|rubles?|dinars?|USD|EUR|GBP)\b", re.IGNORECASE
)
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_SCALE = r"thousand|million|billion|trillion|" + "|".join(sorted(SCALE_WORDS, key=len, reverse=True))
_SCALED_NUMBER = re.compile(rf"(?P<currency>{_CURRENCY_BEFORE})?{_NUMBER}(?P<gap>\s?)(?P<scale>{_SCALE})(?![A-Za-z])")
# "250-300 million", "£1.2bn-£1.5bn", "$250m to $300m": a scale written once belongs to both ends, and a currency written on
# both is read once (quantulum reads "£1.2 billion - £1.5 billion" as two sums). "and" joins a range only when the scale is
# shared ("between 250 and 300 million"): "£5m and £3m" are two sums.
_SCALED_RANGE = re.compile(
    rf"(?P<currency>{_CURRENCY_BEFORE})?{_NUMBER}(?P<low_suffix>(?:\s?(?P<low_scale>{_SCALE})(?![A-Za-z]))?)"
    rf"(?P<connector>\s*(?:-|–|—|to|(?(low_scale)(?!)|and))\s*{_CURRENCY_BEFORE}?){_NUMBER}(?P<gap>\s?)(?P<scale>{_SCALE})(?![A-Za-z])"
)
# The two ends of a range as written: "7,500 to 8,000", "four to five", "£1.2bn-£1.5bn", "$250 million to $300 million".
_RANGE_CONNECTOR = re.compile(
    rf"\d[A-Za-z]*\s*(?:-|–|—|to|and)\s*{_CURRENCY_BEFORE}?\w|\b\w+\s+(?:to|and)\s+{_CURRENCY_BEFORE}?\w", re.IGNORECASE
)
# "£5m and £3m": quantulum reads "and £3m" as units of the first sum, so two sums are parted by a comma; after "between" they
# are a range ("between $5 and $10"), which quantulum reads with "to".
_SUM_AND_SUM = re.compile(rf"\s+(?:and|or)\s+(?={_CURRENCY_BEFORE}\d)")
_BETWEEN_BEFORE = re.compile(r"\bbetween(?:\s+\S+){1,2}$", re.IGNORECASE)
# "passed by 71 to 58": a tally, not a range (quantulum drops a range whose second end is lower, and both numbers with it).
# Only "to": a dash between a higher and a lower number is as often a span of years ("2020-21").
_TALLY = re.compile(rf"(?<![\w.,])(?P<first>{_NUMBER})(?P<connector>\s+to\s+)(?P<second>{_NUMBER})(?!\w|[.,]\d)")
CURRENCY_CODES = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
# A comma before one or two digits and a scale word is a decimal comma ("1,5 million", "2,5 mln"): never thousands.
_DECIMAL_COMMA = re.compile(rf"(?<=\d),(?=\d{{1,2}}\s?(?:{_SCALE})(?![A-Za-z]))")
# Dots every three digits are thousands ("the 4.000 migrants"): read so only when the number counts something.
_THOUSANDS_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+")
# Currencies quantulum does not know, by the words and codes the press uses for them; `_other_currencies` adds every
# currency's English name from CLDR (babel) and the bare nouns of those names ("dinars", "kronor"), and "crowns", the
# English for koruna, krona and krone. Bare nouns that are also plain English words ("mark", "real", "value") stay out.
OTHER_CURRENCIES = {"złoty": "Polish złoty", "zloty": "Polish złoty", "złotys": "Polish złoty", "zlotys": "Polish złoty",
                    "zł": "Polish złoty", "pln": "Polish złoty", "crown": "crown", "crowns": "crown"}
NOT_CURRENCY_NOUNS = frozenset({"gold", "unit", "units", "value", "mark", "marks", "real", "reals", "won", "dong", "sol", "soles",
                                "dram", "drams", "pound", "pounds", "kip", "kips", "austral", "australs"})


@lru_cache(maxsize=1)
def _other_currencies() -> tuple[dict[str, str], re.Pattern[str]]:
    """{name as written, lower case: the currency's unit name} and the pattern that finds one after a number."""
    from babel import Locale
    from babel.numbers import get_currency_name

    names: dict[str, str] = {}
    for code, display in Locale("en").currencies.items():
        if "(" in display or code.startswith("X"):  # a historical issue ("(1990–1992)") or no currency (gold, SDR)
            continue
        one, many = (get_currency_name(code, count=count, locale="en") for count in (1, 2))
        names |= {one.lower(): one, many.lower(): one}
        if (noun := one.split()[-1].lower()) not in NOT_CURRENCY_NOUNS:
            names |= {noun: noun, many.split()[-1].lower(): noun}
    names |= OTHER_CURRENCIES
    words = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return names, re.compile(rf"\s*(?:(?:{_SCALE})\s*)?(?P<word>{words})\b", re.IGNORECASE)


_OTHER_CURRENCY_BEFORE = re.compile(r"\b(?P<word>PLN|zł)\s?$", re.IGNORECASE)
_CODE_BEFORE_NUMBER = re.compile(r"\b(?P<code>USD|EUR|GBP|JPY) ?(?=\d)")
# quantulum reads "a £310 million" as 1 pound to the power 3.1e8: the article goes before it parses.
_ARTICLE_BEFORE_SUM = re.compile(rf"\b[Aa]n? (?={_CURRENCY_BEFORE}\d)")
_PER_CENT = re.compile(r"(?<=\d) ?per ?cent\b", re.IGNORECASE)
# Number words that are articles or pronouns far more often than counts ("a turn", "one of the world's").
NOT_COUNTS = frozenset({"a", "an", "one"})
COUNT_LOOKAHEAD = 5
MIN_UNIT_CHARS, MAX_UNIT_CHARS = 2, 5
# A number in a DATE entity is a year only within these years (as the input schema's dates).
MIN_YEAR, MAX_YEAR = 1900, 2100
# "Since 2015 EU states", "In 2020 ISIS lost", "By 2030 emissions must halve": a year spaCy tags DATE right after one of
# these is a date, and the plural noun after it is not what it counts. After "in" or "from" it is a count when a plural
# common noun follows it directly ("in 2000 cases", "from 1950 households"). "over 2000 people" has no such preposition,
# and keeps the usual look-ahead for what it counts.
YEAR_PREPOSITIONS = frozenset({"since", "in", "by", "until", "before", "after", "from"})
YEAR_OR_COUNT_PREPOSITIONS = frozenset({"in", "from"})
ISO_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


# quantulum reads a bare 'minute' or 'second' as an angle; in the news it is time unless the text marks an angle.
TIME_NOT_ANGLE = {"minute of arc": "minute", "second of arc": "second"}
_ANGLE_MARK = re.compile(r"[°′″]|\barc\b|\bdegree", re.IGNORECASE)


@lru_cache(maxsize=1)
def _quantulum():
    """quantulum3's parser, without its scikit-learn unit classifier: that is a pickle (which we never load)
    written by an older scikit-learn; the dictionary disambiguation it falls back to is enough here."""
    from quantulum3 import classifier, parser

    classifier.USE_CLF = False
    return parser


@lru_cache(maxsize=1)
def _inflect():
    import inflect

    return inflect.engine()


def _is_plural_noun(token) -> bool:
    # inflect singularises any word ("was" -> "wa"), so stop words and non-words are ruled out first.
    return token.is_alpha and not token.is_stop and len(token.text) > 2 and bool(_inflect().singular_noun(token.text.lower()))


def _unit_is_in_text(quantity, surface: str) -> bool:
    """True when every part of quantulum's unit is a whole word or symbol of the match (not "mi" inside "migrant"),
    and none is the preposition "in" read as inches ("3.5 percent in Q3" is not percent·inch·quintal)."""
    parts = [d.get("surface") or "" for d in quantity.unit.original_dimensions]
    return bool(parts) and "in" not in parts and all(
        re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", surface, re.IGNORECASE) for p in parts if p
    )


def _number_prefix_length(surface: str) -> int:
    """Characters of `surface` that spell the number itself, when quantulum glued a false unit onto it."""
    end = 0
    for match in re.finditer(r"\S+", surface):
        word = match.group().lower().strip(",")
        if not (_NUMBER_TOKEN.match(word) or word in NUMBER_WORDS or re.match(r"^[\d.,]+[-–—][\d.,]+$", word)):
            break
        end = match.end()
    return end


def _counted_noun(span: Span, end_char: int) -> str | None:
    """The plural noun a count refers to, within a few words after it ("2000 people", "ten migrant smugglers")."""
    doc = span.doc
    following = [t for t in doc[span.start : span.end] if t.idx >= end_char][:COUNT_LOOKAHEAD]
    seen_word = False
    for index, token in enumerate(following):
        if _is_plural_noun(token):
            # 'overseas nurses': inflect takes the adjective for a plural too; the noun it modifies is the one counted.
            after = following[index + 1] if index + 1 < len(following) else None
            return (after if after is not None and _is_plural_noun(after) else token).text.lower()
        if token.is_punct or token.like_num or (token.is_stop and (seen_word or token.lower_ not in COUNT_BRIDGES)):
            return None
        seen_word = seen_word or not token.is_stop
    return None


def _is_year_after_preposition(span: Span, start: int, end: int) -> bool:
    """True when the number at [start, end) of the doc is a year after one of YEAR_PREPOSITIONS; after "in" or "from",
    only with no plural common noun (one in no named entity: "In 2020 ISIS") right after it."""
    doc = span.doc
    number = doc.char_span(start, end)
    if number is None or not number.text.isdigit() or not MIN_YEAR <= int(number.text) <= MAX_YEAR or number.start == 0:
        return False
    preposition = doc[number.start - 1].lower_
    after = doc[number.end] if number.end < span.end else None
    counts = preposition in YEAR_OR_COUNT_PREPOSITIONS and after is not None and not after.ent_type_ and _is_plural_noun(after)
    return preposition in YEAR_PREPOSITIONS and not counts


def _abbreviated_unit(span: Span, end_char: int) -> str | None:
    """A unit quantulum does not know, written as an abbreviation right after the number and ending the phrase
    ("1.2 million TEU in 2022"): not a name ("300 BBC journalists"), a word in capitals ("IS") or an abbreviation that
    modifies a noun after it ("300 GP trainees"). The claims pipeline has no tagger: a stop word or punctuation ends it."""
    following = [t for t in span if t.idx >= end_char][:2]
    if not following:
        return None
    word = following[0]
    if not (word.is_alpha and word.is_upper and MIN_UNIT_CHARS <= len(word) <= MAX_UNIT_CHARS) or word.ent_type_ or word.is_stop:
        return None
    return word.text if len(following) == 1 or following[1].is_punct or following[1].is_stop else None


def _is_period(surface: str, start: int, end: int, dates: list[Span]) -> bool:
    """True when a range's ends are both years and spaCy dates one of them ("from 2015 to 2020"): a period, whose years
    are dates, as a single year after a preposition is. "from 2000 to 2500 people" has an end that is no year."""
    years = re.findall(r"\d[\d.,]*", surface)
    return all(year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR for year in years) and any(
        d.start_char < end and start < d.end_char for d in dates
    )


def _qualifier(text: str, start: int, is_range: bool) -> str | None:
    match = _QUALIFIER_AT_END.search(text[max(0, start - 24) : start])
    qualifier = match.group(1).lower() if match else None
    # "between" and "from" qualify a range; before a single number they are plain prepositions ("from three cities").
    return None if qualifier in RANGE_QUALIFIERS and not is_range else qualifier


# Number words that can state a count on their own ("a", "and" only do inside a number: "a hundred and five").
_COUNT_WORDS = NUMBER_WORDS - {"a", "an", "and", "to"}


def _may_state_a_quantity(text: str) -> bool:
    """A digit, a count word or a share in words: the only texts a kept quantity can come from."""
    words = re.findall(r"[a-z]+", text.lower())
    return bool(re.search(r"\d", text)) or not _COUNT_WORDS.isdisjoint(words) or bool(_SHARE.search(text))


def _word_value(word: str) -> int:
    """A small number in words or digits ("an", "five", "1,000")."""
    word = word.lower()
    return 1 if word in ("a", "an") else SMALL_NUMBER_WORDS.get(word) or int(word.replace(",", ""))


def _share_percent(match: re.Match) -> float | None:
    """The percent a matched share states ("one in five" -> 20, "two-thirds" -> 66.67, "down by a fifth" -> 20), or None
    where the words state no share: a fraction other than "half" with no number before it ("the third of May"), "by" a
    fraction after no word of change, or a part not less than the whole ("ten in five minutes")."""
    if match.group("by") is not None and not _CHANGE_BEFORE_BY.search(match.string, 0, match.start()):
        return None
    if match.group("whole"):
        part, whole = _word_value(match.group("part")), _word_value(match.group("whole"))
    else:
        numerator, fraction = match.group("numerator"), match.group("fraction").lower()
        if numerator is None and fraction != "half":
            return None
        part, whole = _word_value(numerator or "a"), FRACTION_DENOMINATORS[fraction]
    return 100 * part / whole if 0 < part < whole else None


def _scale_word(match: re.Match, text: str, group: str = "scale") -> str | None:
    """The scale a matched abbreviation or word (in `group`) stands for, or None where it is a unit ("a 5m wall")."""
    scale = match.group(group)
    if scale.lower() in ("thousand", "million", "billion", "trillion"):
        return scale.lower()
    if scale not in SCALE_WORDS:
        return None  # "5M", "5BN": capitals are units or codes more often than scales
    if scale in SCALE_NEEDS_CURRENCY and not (match.group("currency") or _CURRENCY_AFTER.match(text, match.end())):
        return None
    return SCALE_WORDS[scale]


class _SpelledOut:
    """`text` with press shorthand spelled out for quantulum, and the way back to the original offsets."""

    def __init__(self, text: str):
        edits: list[tuple[int, int, str]] = []  # (start, end, replacement) in `text`, never overlapping
        self.shares: list[tuple[int, int]] = []  # [start, end) in `text` of each share spelled out as a percent
        ranges: list[tuple[int, int]] = []
        for match in _SCALED_RANGE.finditer(text):
            high_scale = _scale_word(match, text)
            low_scale = _scale_word(match, text, "low_scale") if match.group("low_scale") else high_scale
            if high_scale is None or low_scale is None:
                continue
            # the low end's scale as written, or (empty) where the scale it shares goes
            edits.append((*match.span("low_suffix"), f" {low_scale}"))
            # quantulum reads "250 million-300 million" and "$250 million - $300 million" as two sums, "250 million to
            # 300 million" as a range
            edits.append((*match.span("connector"), " to "))
            edits.append((match.start("gap"), match.end("scale"), f" {high_scale}"))
            ranges.append(match.span())
        for match in _SCALED_NUMBER.finditer(text):
            scale = _scale_word(match, text)
            if scale is not None and not any(start <= match.start() < end for start, end in ranges):
                edits.append((match.start("gap"), match.end("scale"), f" {scale}"))
        # Currency codes quantulum does not read before a number ("EUR 12m"), and "per cent" it reads as per·cent.
        for match in _CODE_BEFORE_NUMBER.finditer(text):
            if not any(start < match.start() < end for start, end in ranges):  # a range's second code goes with its connector
                edits.append((match.start(), match.end(), CURRENCY_CODES[match.group("code")]))
        for match in _SUM_AND_SUM.finditer(text):
            if not any(start <= match.start() < end for start, end in ranges):
                edits.append((*match.span(), " to " if _BETWEEN_BEFORE.search(text, 0, match.start()) else ", "))
        for match in _TALLY.finditer(text):
            is_lower = float(match.group("second").replace(",", "")) < float(match.group("first").replace(",", ""))
            if is_lower and not any(start <= match.start() < end for start, end in ranges):
                edits.append((*match.span("connector"), ", "))
        for match in _ARTICLE_BEFORE_SUM.finditer(text):
            edits.append((match.start(), match.end(), ""))
        for match in _PER_CENT.finditer(text):
            edits.append((match.start(), match.end(), " percent"))
        for match in _DECIMAL_COMMA.finditer(text):
            edits.append((match.start(), match.end(), "."))
        for match in _SHARE.finditer(text):
            percent = _share_percent(match)
            if percent is not None:
                edits.append((match.start(), match.end(), f"{percent!r} percent"))
                self.shares.append(match.span())
        edits.sort()
        self.pieces: list[tuple[int, int, int, int, bool]] = []  # (new start, new end, old start, old end, edited)
        parts, new_at, old_at = [], 0, 0
        for start, end, replacement in edits + [(len(text), len(text), "")]:
            for old_start, old_end, piece, edited in ((old_at, start, text[old_at:start], False), (start, end, replacement, True)):
                if piece or old_start < old_end:
                    self.pieces.append((new_at, new_at + len(piece), old_start, old_end, edited))
                    parts.append(piece)
                    new_at += len(piece)
            old_at = end
        self.text = "".join(parts)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the new text's [start, end)."""
        return self._at(start, is_end=False), self._at(end, is_end=True)

    def _at(self, position: int, is_end: bool) -> int:
        for new_start, new_end, old_start, old_end, edited in self.pieces:
            if new_start <= position < new_end or (is_end and new_start < position <= new_end):
                if edited:
                    return old_end if is_end else old_start
                return old_start + position - new_start
        return self.pieces[-1][3] if self.pieces else position


def normalize_quantities(span: Span) -> list[dict[str, Any]]:
    """Quantities stated in `span`, offsets into the whole doc.

    Each: {start, end, text, value, low, high, qualifier, unit, dimension}; a range ("7,500 to 8,000",
    "four to five") has `low` and `high` and no `value`; qualifier "from" marks a change between the two.
    """
    if not _may_state_a_quantity(span.text):
        return []  # quantulum's parse is most of the claims stage's time; most sentences hold no number at all
    doc, offset = span.doc, span.start_char
    dates = [e for e in doc.ents if e.label_ in ("DATE", "TIME") and e.start_char < span.end_char and span.start_char < e.end_char]
    ordinals = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "ORDINAL"]
    ordinals += [(offset + m.start(), offset + m.end()) for m in _ORDINAL_PERIOD.finditer(span.text)]
    found = []
    spelled = _SpelledOut(span.text)
    currency_names, currency_after = _other_currencies()
    for quantity in _quantulum().parse(spelled.text):
        start, end = (offset + position for position in spelled.original(*quantity.span))
        leading = _LEADING_RANGE_WORD.match(doc.text, start, end)
        start += leading.end() - leading.start() if leading else 0  # "between 250 and 300": the qualifier, not the quantity
        surface = doc.text[start:end]
        number_length = _number_prefix_length(surface)
        number = surface[:number_length].lower()
        number_end = start + (number_length or 1)
        # a share ("one in five", "a third") starts with what the checks below take for an article or an ordinal
        is_share = (start - offset, end - offset) in spelled.shares
        is_ordinal = surface.lower() in ORDINAL_WORDS or any(s < number_end and start < e for s, e in ordinals)
        if not is_share and (number in NOT_COUNTS or is_ordinal):
            continue
        if not is_share and not _may_state_a_quantity(surface):
            continue  # quantulum reads some words as numbers ("negative" -> 0)
        dimension = quantity.unit.entity.name
        unit: str | None = quantity.unit.name
        if unit == "dimensionless" or not _unit_is_in_text(quantity, spelled.text[quantity.span[0] : quantity.span[1]]):
            end = start + (_number_prefix_length(surface) or len(surface))
            surface = doc.text[start:end].rstrip()
            end = start + len(surface)
            in_a_date = any(d.start_char <= start and end <= d.end_char for d in dates)  # "in 2021 G7 leaders met": a year
            unit = None if in_a_date and _is_year_after_preposition(span, start, end) else _counted_noun(span, end)
            dimension = "count" if unit else None
            abbreviation = None if unit or in_a_date else _abbreviated_unit(span, end)
            if abbreviation:  # part of the quantity, as "km" is of "12 km"; its dimension is unknown
                unit, end = abbreviation, doc.text.index(abbreviation, end) + len(abbreviation)
                surface = doc.text[start:end]
        if unit is None and any(d.start_char <= start and end <= d.end_char for d in dates):
            continue  # a year or a day of the month, reported as a date
        value = quantity.value
        if unit in TIME_NOT_ANGLE and not _ANGLE_MARK.search(surface):  # 'a 40-minute drive' is no minute of arc
            unit, dimension = TIME_NOT_ANGLE[unit], "time"
        if unit == "dozen":  # "a dozen were children": twelve, counting what follows if anything
            value, unit = value * 12, _counted_noun(span, end)
            dimension = "count" if unit else None
        if dimension == "count" and _THOUSANDS_DOTS.fullmatch(surface):
            value = int(surface.replace(".", ""))  # "the 4.000 migrants" are four thousand, not four
        currency = currency_after.match(doc.text, end) or _OTHER_CURRENCY_BEFORE.search(doc.text, max(0, start - 5), start)
        if currency and dimension in (None, "count"):  # "PLN 1.6 billion", "300 zlotys", "1,000 Iraqi dinars"
            unit, dimension = currency_names[currency.group("word").lower()], "currency"
            if currency.start() >= end:
                end = currency.end()
                surface = doc.text[start:end]
        uncertainty = quantity.uncertainty
        is_range = bool(uncertainty) and bool(_RANGE_CONNECTOR.search(surface))
        if is_range and _is_period(surface, start, end, dates):
            continue  # "From 2015 to 2020 exports rose": a period, not a count of exports
        found.append(
            {
                "start": start, "end": end, "text": surface,
                "value": None if is_range else _plain(value),
                "low": _plain(quantity.value - uncertainty) if is_range else None,
                "high": _plain(quantity.value + uncertainty) if is_range else None,
                "qualifier": _qualifier(doc.text, start, is_range), "unit": unit, "dimension": dimension,
            }
        )
    return found


def _plain(number: float) -> float | int:
    return int(number) if float(number).is_integer() else round(float(number), 6)


# A DATE entity that is only a number, perhaps qualified: a year only between MIN_YEAR and MAX_YEAR.
_BARE_NUMBER = re.compile(r"(?:(?:another|some|about|around|over|nearly|almost|more than|up to)\s+)?\d[\d,]*\+?", re.IGNORECASE)


def normalize_dates(span: Span, reference: dt.date | None, counted: list[dict[str, Any]] = ()) -> list[dict[str, Any]]:
    """DATE entities in `span` as ISO where the text pins them: {start, end, text, iso, precision, exact}.

    A date without a year ("October 9") takes its year from the statement's date: the nearest such day on
    or before it, or on or after it when its clause speaks of the future ("will open in April", "by December",
    "if elected on Thursday"); with neither a year nor a statement date, `iso` is None, as for a weekday that names no
    particular day ("on a Friday", "every Friday", "on Fridays"). `exact` is True only for a whole day. A length of time ("by a year", "within a decade") is no date, and not reported.
    """
    found = []
    for entity in span.ents:
        if entity.label_ != "DATE" or is_duration(entity.text):
            continue
        if any(q["start"] < entity.end_char and entity.start_char < q["end"] and q["unit"] for q in counted):
            continue  # "over 2000 people": spaCy's small model calls the count a year
        if _BARE_NUMBER.fullmatch(entity.text) and not MIN_YEAR <= int(re.sub(r"\D", "", entity.text)) <= MAX_YEAR:
            continue  # "another 1000+ by January": a count the small model took for a year
        future = speaks_of_the_future(span.text, entity.start_char - span.start_char)
        word_before = span.doc[entity.start - 1].text if entity.start > 0 else ""
        generic = names_no_particular_day(f"{word_before} {entity.text}")  # "on a Friday": any Friday, not the nearest
        resolved = None if generic else resolve_date(entity.text, reference, future)
        iso, precision = (resolved[0].strftime(ISO_FORMATS[resolved[1]]), resolved[1]) if resolved else (None, None)
        found.append({"start": entity.start_char, "end": entity.end_char, "text": entity.text, "iso": iso, "precision": precision, "exact": precision == "day"})
    return found


def claim_entities(span: Span) -> list[dict[str, Any]]:
    """Named entities in `span` (numbers and dates are reported normalized instead), with their linked actor."""
    return [
        {"start": e.start_char, "end": e.end_char, "text": e.text, "label": e.label_, "actor": e.kb_id_ or None}
        for e in span.ents
        if e.label_ not in NUMERIC_LABELS
    ]
