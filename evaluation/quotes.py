"""Quote scores: span F1, exact and overlap, and speaker attribution accuracy (the PARC / Citron measures)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from corpus.reader import LineError, parse_json_line
from evaluation.claims import overlap_matches

# (start, end, speaker): the speaker is the actor's canonical name, or the mention when no actor resolved.
QuoteTuple = tuple[int, int, str]


class ArticleGoldError(ValueError):
    """An article gold file that does not fit the article it is scored against."""


def speaker_key(actor: str | None, mention: str | None) -> str:
    """What speaker accuracy compares: the actor when one resolved, else the mention as the text gives it."""
    return actor or mention or ""


def load_article_gold(gold_path: Path, article_text: str) -> list[QuoteTuple]:
    """Quote tuples of an offsets-only article gold file, refusing an article whose text is not the annotated one
    (a different sha256 means every offset would point at the wrong words)."""
    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    digest = hashlib.sha256(article_text.encode("utf-8")).hexdigest()
    if digest != gold["sha256"]:
        raise ArticleGoldError(
            f"{gold_path}: annotated article has sha256 {gold['sha256'][:12]}..., this text has {digest[:12]}...: "
            f"not the same article text (edited, re-encoded or another file); offsets would be wrong"
        )
    quotes = [(q["start"], q["end"], speaker_key(q.get("speaker"), q.get("speaker_mention"))) for q in gold["quotes"]]
    outside = [q for q in quotes if not 0 <= q[0] < q[1] <= len(article_text)]
    if outside:
        raise ArticleGoldError(f"{gold_path}: spans {outside[:3]} fall outside the article ({len(article_text)} chars)")
    return quotes


class _QuoteGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    quote: str = Field(min_length=1)
    speaker: str = Field(min_length=1)
    cue: str | None = None


class AnnotatedArticle(BaseModel):
    """One article with its quotes annotated in place (`corpus/articles/other_domains/*.jsonl`): the quoted text is
    kept beside its offsets, so that an edited article or a shifted span is caught on reading."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    title: str = ""
    date: dt.date
    outlet: str | None = None
    text: str = Field(min_length=1)
    quotes: list[_QuoteGold]

    @model_validator(mode="after")
    def _spans_hold_their_quotes(self) -> "AnnotatedArticle":
        for index, quote in enumerate(self.quotes):
            if self.text[quote.start : quote.end] != quote.quote:
                raise ValueError(f"quotes.{index}: text[{quote.start}:{quote.end}] is not the annotated quote {quote.quote[:40]!r}")
        return self

    def gold_tuples(self) -> list[QuoteTuple]:
        return [(q.start, q.end, q.speaker) for q in self.quotes]


def read_annotated_articles(path: Path) -> list[AnnotatedArticle]:
    """Every article of a JSONL file, or an ArticleGoldError naming the file, line and field of the first bad one."""
    articles = []
    with Path(path).open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                articles.append(parse_json_line(line, AnnotatedArticle))
            except LineError as error:
                raise ArticleGoldError(f"{path}:{number}: field '{error.field_name}': {error}") from None
    return articles


def _prf(matched: int, gold_total: int, predicted_total: int) -> dict[str, float]:
    precision = matched / predicted_total if predicted_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"matched": matched, "precision": precision, "recall": recall, "f1": f1}


def _same_speaker(gold: str | None, predicted: str | None) -> bool:
    """Case aside, and a leading article aside: 'A senior European diplomat' is the 'senior European diplomat'."""
    return _speaker_words(gold) == _speaker_words(predicted) != ""


def _speaker_words(speaker: str | None) -> str:
    return re.sub(r"^(?:the|an?)\s+", "", (speaker or "").strip().casefold())


def quote_scores(gold_docs: Sequence[Sequence[QuoteTuple]], predicted_docs: Sequence[Sequence[QuoteTuple]]) -> dict[str, object]:
    """Exact-span and overlap F1 of quote spans, and speaker accuracy.

    `speaker_accuracy` counts every gold quote (a missed quote is a wrong attribution: the analyst never
    sees it); `speaker_accuracy_on_found` counts only the quotes the system found, which is how
    attribution alone is usually reported. Each is None when it counts nothing (no gold quote, none found):
    0 of 0 is no score, not a score of 0.
    """
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(f"need one prediction list per document; got {len(gold_docs)} gold and {len(predicted_docs)} predicted")
    gold_total = sum(len(d) for d in gold_docs)
    predicted_total = sum(len(d) for d in predicted_docs)
    exact = overlap = right_speaker = 0
    for gold, predicted in zip(gold_docs, predicted_docs):
        exact += len({(s, e) for s, e, _ in gold} & {(s, e) for s, e, _ in predicted})
        matches = overlap_matches([(s, e) for s, e, _ in gold], [(s, e) for s, e, _ in predicted])
        overlap += len(matches)
        right_speaker += sum(_same_speaker(gold[g][2], predicted[p][2]) for g, p in matches)
    return {
        "gold": gold_total,
        "predicted": predicted_total,
        "exact": _prf(exact, gold_total, predicted_total),
        "overlap": _prf(overlap, gold_total, predicted_total),
        "speaker_accuracy": right_speaker / gold_total if gold_total else None,
        "speaker_accuracy_on_found": right_speaker / overlap if overlap else None,
    }


def quote_score_intervals(
    gold_docs: Sequence[Sequence[QuoteTuple]], predicted_docs: Sequence[Sequence[QuoteTuple]], resamples: int = 1000, seed: int = 0
) -> dict[str, tuple[float, float]]:
    """95% bootstrap intervals of exact F1, overlap F1 and speaker accuracy, resampling whole documents (the quotes
    of one article share its speakers and its style, so they are not independent draws)."""
    from evaluation.bootstrap import percentile_interval, resample_indices

    draws: dict[str, list[float]] = {"exact_f1": [], "overlap_f1": [], "speaker_accuracy": []}
    for index in resample_indices(len(gold_docs), resamples, seed):
        scores = quote_scores([gold_docs[i] for i in index], [predicted_docs[i] for i in index])
        draws["exact_f1"].append(scores["exact"]["f1"])
        draws["overlap_f1"].append(scores["overlap"]["f1"])
        if scores["speaker_accuracy"] is not None:
            draws["speaker_accuracy"].append(scores["speaker_accuracy"])
    return {name: percentile_interval(values) if values else None for name, values in draws.items()}
