"""Named-entity scores: exact-span precision, recall and F1 per label and micro, as conlleval computes them.

Also reads the CoNLL-2003 column format and maps spaCy's OntoNotes labels onto CoNLL's four, so that a
spaCy pipeline can be scored on the CoNLL test set.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, percentile_interval, resample_indices

CONLL_LABELS = ("PER", "ORG", "LOC", "MISC")

# OntoNotes -> CoNLL-2003. CoNLL's LOC covers countries, cities and facilities alike; MISC covers
# nationalities, events, products, works, laws and languages. OntoNotes' numeric and time labels
# (DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL) have no CoNLL counterpart: they map to
# nothing and are dropped before scoring, so they never count as false positives.
ONTONOTES_TO_CONLL: dict[str, str] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}

# A span is (start, end, label); start and end are token or character offsets, end exclusive.
EntitySpanTuple = tuple[int, int, str]


def to_conll_label(ontonotes_label: str) -> str | None:
    """The CoNLL label for an OntoNotes label, or None for the labels CoNLL does not annotate."""
    return ONTONOTES_TO_CONLL.get(ontonotes_label)


@dataclass(frozen=True)
class ConllSentence:
    tokens: list[str]
    tags: list[str]
    line: int  # where the sentence starts in its file, for error messages

    def entities(self) -> list[EntitySpanTuple]:
        return iob_spans(self.tags)


def _check_tag(tag: str, where: str) -> None:
    if tag != "O" and not (tag[:2] in ("B-", "I-") and len(tag) > 2):
        raise ValueError(f"{where}: NER tag {tag!r} is not IOB; expected O, B-<label> or I-<label>")


def read_conll(path: Path) -> list[ConllSentence]:
    """Sentences of a CoNLL-2003 column file: token first, NER tag last; blank lines and -DOCSTART- end a sentence."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such CoNLL file")
    sentences: list[ConllSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    start_line = 0

    def close_sentence() -> None:
        if tokens:
            sentences.append(ConllSentence(list(tokens), list(tags), start_line))
            tokens.clear()
            tags.clear()

    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            columns = line.split()
            if not columns or columns[0] == "-DOCSTART-":
                close_sentence()
                continue
            if len(columns) < 2:
                raise ValueError(f"{path}:{line_number}: expected 'token ... NER-tag' columns, got {line.strip()!r}")
            _check_tag(columns[-1], f"{path}:{line_number}")
            if not tokens:
                start_line = line_number
            tokens.append(columns[0])
            tags.append(columns[-1])
    close_sentence()
    if not sentences:
        raise ValueError(f"{path}: holds no sentences")
    return sentences


def iob_spans(tags: Sequence[str]) -> list[EntitySpanTuple]:
    """Token spans (start, end, label) from IOB tags, read as conlleval reads them.

    An entity starts at B-X, or at I-X after O or after another label (IOB1 files and sloppy taggers
    start entities with I-); it runs while the next tag is I-X.
    """
    spans: list[EntitySpanTuple] = []
    start, label = None, None
    for index, tag in enumerate([*tags, "O"]):
        _check_tag(tag, f"tag {index}")
        prefix, _, tag_label = tag.partition("-")
        continues = prefix == "I" and tag_label == label
        if label is not None and not continues:
            spans.append((start, index, label))
            start, label = None, None
        if prefix in ("B", "I") and not continues:
            start, label = index, tag_label
    return spans


def _counts(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> tuple[int, int, int]:
    correct = sum((Counter(gold) & Counter(predicted)).values())
    return correct, len(predicted) - correct, len(gold) - correct


def _prf(correct: int, predicted: int, gold: int) -> dict[str, float | int]:
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "gold": gold, "predicted": predicted, "correct": correct}


def span_scores(gold_docs: Sequence[Sequence[EntitySpanTuple]], predicted_docs: Sequence[Sequence[EntitySpanTuple]]) -> dict[str, object]:
    """Exact-span scores: a predicted entity counts only when start, end and label all match a gold one.

    Per label over every label seen in gold or predictions, and micro over all entities (the CoNLL
    headline figure). Documents are scored separately, so offsets only need to be unique within one.
    """
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(f"need one prediction list per document; got {len(gold_docs)} gold and {len(predicted_docs)} predicted")
    gold_per_label: Counter[str] = Counter()
    predicted_per_label: Counter[str] = Counter()
    correct_per_label: Counter[str] = Counter()
    for gold, predicted in zip(gold_docs, predicted_docs):
        gold_per_label.update(label for _, _, label in gold)
        predicted_per_label.update(label for _, _, label in predicted)
        for (_, _, label), count in (Counter(gold) & Counter(predicted)).items():
            correct_per_label[label] += count
    labels = sorted(gold_per_label.keys() | predicted_per_label.keys())
    per_label = {label: _prf(correct_per_label[label], predicted_per_label[label], gold_per_label[label]) for label in labels}
    micro = _prf(sum(correct_per_label.values()), sum(predicted_per_label.values()), sum(gold_per_label.values()))
    return {"documents": len(gold_docs), "per_label": per_label, "micro": micro}


def micro_f1_interval(
    gold_docs: Sequence[Sequence[EntitySpanTuple]],
    predicted_docs: Sequence[Sequence[EntitySpanTuple]],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> tuple[float, float]:
    """95% bootstrap interval of micro F1, resampling whole documents (entities in one sentence are not independent)."""
    counts = np.array([_counts(gold, predicted) for gold, predicted in zip(gold_docs, predicted_docs)], dtype=float)
    draws = []
    for index in resample_indices(len(counts), resamples, seed):
        correct, false_positives, false_negatives = counts[index].sum(axis=0)
        denominator = 2 * correct + false_positives + false_negatives
        draws.append(2 * correct / denominator if denominator else 0.0)
    return percentile_interval(draws)
