"""The statement record and its gold annotations: the one schema every stage and every check reads."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

StanceLabel = Literal["favor", "against", "none"]
SourceType = Literal["official", "tweet", "press"]
STANCE_LABELS: tuple[StanceLabel, ...] = ("favor", "against", "none")
ONTONOTES_LABELS = frozenset(
    "PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE "
    "DATE TIME PERCENT MONEY QUANTITY ORDINAL CARDINAL".split()
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Years a statement can plausibly carry: a typo such as "0202-11-03" is an error, not a date in the second century.
PLAUSIBLE_YEARS = range(1900, 2101)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ].*)?$")
# An ISO 639 language code with optional subtags ("en", "ckb", "pt-BR"): what the detector writes and filters read.
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# A JSON "\udc00" escape decodes to half a surrogate pair: a str Python holds but cannot encode, store or hash.
_UNPAIRED_SURROGATE = re.compile("[\ud800-\udfff]")
# Written probabilities are rounded (predict keeps 4 decimals), so three of them sum to 1 only this closely.
PROBABILITY_SUM_TOLERANCE = 0.01


def _field_error(location: tuple[str | int, ...], message: str, value: object) -> ValidationError:
    """A validation error located at a nested field, for checks that need the whole record: the reader then names
    `gold.entities.3` rather than the record."""
    return ValidationError.from_exception_data(
        "Statement", [InitErrorDetails(type=PydanticCustomError("value_error", message), loc=location, input=value)]
    )


def _unpaired_surrogate(value: object, location: tuple[str | int, ...] = ()) -> tuple[tuple[str | int, ...], str] | None:
    """(where, the character) of the first unpaired surrogate in a decoded JSON value, or None."""
    if isinstance(value, str):
        match = _UNPAIRED_SURROGATE.search(value)
        return (location, match.group()) if match else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _unpaired_surrogate(item, (*location, key))
        if found is not None:
            return found
    return None


def blank_to_none(value: object) -> object:
    """An empty or whitespace-only string says nothing: read as absent, it never erases a stored value."""
    return None if isinstance(value, str) and not value.strip() else value


def iso_date(value: object) -> dt.date | None:
    """A date given as YYYY-MM-DD (a timestamp's date part is taken); an empty string is no date.

    Stricter than pydantic's own date parsing, which takes a number as a Unix timestamp (1638489600 ->
    2021-12-03) and "20211203" as one: a statement's date must say what it means.
    """
    if value is None or isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not _ISO_DATE.match(text):
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")
        try:
            # A timestamp's time must be a time too: "2021-11-10T25:00:00" is a typo, not the 10th.
            day = dt.datetime.fromisoformat(text).date() if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError as error:
            raise ValueError(f"{value!r} is not a calendar date ({error})") from None
    else:
        raise ValueError(f"expected a date as a YYYY-MM-DD string, got {type(value).__name__} {value!r}")
    if day is not None and day.year not in PLAUSIBLE_YEARS:
        raise ValueError(f"year {day.year} of {value!r} is outside {PLAUSIBLE_YEARS.start}-{PLAUSIBLE_YEARS.stop - 1}: a typo?")
    return day


class Span(_Strict):
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "Span":
        if self.end <= self.start:
            raise ValueError(f"span end ({self.end}) must be greater than start ({self.start})")
        return self


class EntitySpan(Span):
    label: str

    @field_validator("label")
    @classmethod
    def _known_label(cls, label: str) -> str:
        if label not in ONTONOTES_LABELS:
            raise ValueError(f"unknown entity label {label!r}; expected one of {sorted(ONTONOTES_LABELS)}")
        return label


class ClaimSpan(Span):
    checkworthy: bool = True


class QuoteSpan(Span):
    speaker: str
    cue: str | None = None


class GoldStance(_Strict):
    target: str = Field(min_length=1)
    label: StanceLabel


class Gold(_Strict):
    stances: list[GoldStance] = []
    entities: list[EntitySpan] = []
    claims: list[ClaimSpan] = []
    quotes: list[QuoteSpan] = []
    # Why the annotator kept a statement as a hard case (sarcasm, negation, hedge, ...): for error slices.
    hard_case: str | None = None

    @model_validator(mode="after")
    def _one_label_per_target(self) -> "Gold":
        targets = [s.target for s in self.stances]
        duplicates = sorted({t for t in targets if targets.count(t) > 1})
        if duplicates:
            raise ValueError(f"target labelled twice: {duplicates}")
        return self

    def stance_for(self, target: str) -> StanceLabel | None:
        return next((s.label for s in self.stances if s.target == target), None)


class ArticleOrigin(_Strict):
    """Where a statement found inside an article sits in it: offsets into the article text, the cue verb and
    the speaker as the text names them (kept when no actor resolves), and a time the text gives only vaguely."""

    article_id: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    cue: str | None = None
    speaker_mention: str | None = None
    kind: str | None = None  # direct, mixed, indirect, according_to, continuation, press_release
    period: str | None = None  # YYYY-MM or YYYY when the text dates the statement only to a month or year
    date_mention: str | None = None


class Statement(_Strict):
    """One thing someone said, as it enters the pipeline."""

    id: str = Field(min_length=1)
    text: str
    source_type: SourceType
    speaker: str | None = None
    date: dt.date | None = None
    lang: str = "en"
    url: str | None = None
    outlet: str | None = None
    targets: list[str] | None = None
    gold: Gold | None = None
    origin: ArticleOrigin | None = None  # set on statements the pipeline found in an article

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, record: object) -> object:
        found = _unpaired_surrogate(record)
        if found is not None:
            location, character = found
            raise _field_error(location, f"holds an unpaired surrogate {character!r}, which is not Unicode text (a broken \\u escape?)", character)
        return record

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("text is empty or whitespace")
        return text

    @field_validator("targets")
    @classmethod
    def _each_target_named_once(cls, targets: list[str] | None) -> list[str] | None:
        if targets is None:
            return None
        if not targets:
            raise ValueError("an empty list names no target: leave 'targets' out to score every configured target")
        for index, target in enumerate(targets):
            if not target.strip():
                raise ValueError(f"target #{index + 1} is empty or whitespace")
            if target in targets[:index]:
                raise ValueError(f"target {target!r} is listed twice")
        return targets

    @field_validator("lang")
    @classmethod
    def _language_code(cls, lang: str) -> str:
        if not _LANGUAGE_CODE.match(lang):
            raise ValueError(f"{lang!r} is not a language code such as 'en', 'ckb' or 'pt-BR'")
        return lang

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> dt.date | None:
        return iso_date(value)

    @field_validator("speaker", "url", "outlet", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: object) -> object:
        return blank_to_none(value)

    @model_validator(mode="after")
    def _spans_inside_text(self) -> "Statement":
        if self.gold is None:
            return self
        for kind in ("entities", "claims", "quotes"):
            for index, span in enumerate(getattr(self.gold, kind)):
                if span.end > len(self.text):
                    raise _field_error(
                        ("gold", kind, index), f"span [{span.start}, {span.end}) runs past the text ({len(self.text)} chars)", span
                    )
        if self.targets:
            for index, stance in enumerate(self.gold.stances):
                if stance.target not in self.targets:
                    raise _field_error(
                        ("gold", "stances", index, "target"),
                        f"target {stance.target!r} is not among the record's targets {self.targets}: it would never be predicted",
                        stance.target,
                    )
        return self

    @property
    def content_hash(self) -> str:
        """Identifies what was scored: the same text by the same speaker is the same work."""
        payload = "\x1f".join([self.text, self.speaker or "", self.source_type])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


class PredictedEntity(_Strict):
    start: int
    end: int
    label: str
    text: str
    actor: str | None = None


class ActorRef(_Strict):
    name: str
    kind: str
    affiliation: str


class PredictedStance(_Strict):
    target: str
    label: StanceLabel
    probs: dict[StanceLabel, float]

    @field_validator("probs")
    @classmethod
    def _probabilities(cls, probs: dict[str, float]) -> dict[str, float]:
        """Empty (no probabilities given), or a distribution over all three labels: calibration reads them as one."""
        outside = {label: p for label, p in probs.items() if not 0.0 <= p <= 1.0}
        if outside:
            raise ValueError(f"probabilities outside [0, 1]: {outside}")
        if probs and set(probs) != set(STANCE_LABELS):
            raise ValueError(f"probabilities for {sorted(probs)}; give all of {list(STANCE_LABELS)} or none")
        if probs and abs(sum(probs.values()) - 1.0) > PROBABILITY_SUM_TOLERANCE:
            raise ValueError(f"probabilities sum to {sum(probs.values()):.4f}, not 1")
        return probs


class PredictedQuantity(_Strict):
    """A number a claim states: `value`, or a range `low`..`high` (qualifier "from": a change between them)."""

    start: int
    end: int
    text: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None  # "over", "nearly", "between", ... as written
    unit: str | None = None  # a unit ("dollar", "kilometre", "per week") or the counted noun ("people", "smugglers")
    dimension: str | None = None  # quantulum3's entity ("currency", "length"), or "count" for counted nouns


class PredictedDate(_Strict):
    start: int
    end: int
    text: str
    iso: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY, to the precision the text gives
    precision: Literal["day", "month", "year"] | None = None
    exact: bool = False


class PredictedClaim(ClaimSpan):
    """A candidate claim sentence with its check-worthiness score and what it states, normalized."""

    text: str = ""
    score: float | None = Field(default=None, ge=0.0, le=1.0)
    quantities: list[PredictedQuantity] = []
    dates: list[PredictedDate] = []
    entities: list[PredictedEntity] = []
    speaker: str | None = None
    speaker_actor: str | None = None


class Provenance(_Strict):
    model_id: str
    model_name: str
    model_version: str
    weights_sha256: str
    content_hash: str
    spacy_model: str
    stancewatch_version: str
    # The claims model, when claims were scored.
    claims_model_id: str | None = None
    claims_weights_sha256: str | None = None
    # The P(check-worthy) from which a claim counts as check-worthy: the model's dev-tuned one or `[claims] threshold`.
    claims_threshold: float | None = None


class PredictionRecord(_Strict):
    """What `stancewatch predict` writes per statement, and what evaluation reads."""

    id: str
    source_type: SourceType | None = None
    speaker: str | None = None
    date: dt.date | None = None
    entities: list[PredictedEntity] = []
    speaker_actor: ActorRef | None = None
    stances: list[PredictedStance] = []
    claims: list[PredictedClaim] | None = None
    quotes: list[QuoteSpan] | None = None
    provenance: Provenance | None = None
    origin: ArticleOrigin | None = None
    # A statement found in an article carries its text and the article's outlet and url: the input held only the article.
    text: str | None = None
    outlet: str | None = None
    url: str | None = None
    # The detected language, and why the statement was left unscored when the models do not read it.
    lang: str | None = None
    unscored: str | None = None

    @model_validator(mode="after")
    def _one_stance_per_target(self) -> "PredictionRecord":
        targets = [s.target for s in self.stances]
        for index, target in enumerate(targets):
            if target in targets[:index]:
                raise _field_error(("stances", index, "target"), f"target {target!r} predicted twice (first at stances.{targets.index(target)})", target)
        return self
