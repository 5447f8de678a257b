"""Stance scores from gold and prediction records: accuracy, macro-F1 and SemEval-2016's F_avg."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from corpus.schema import STANCE_LABELS, PredictionRecord, Statement
from evaluation.bootstrap import bootstrap_interval


@dataclass
class AlignedStances:
    """(gold, predicted) label pairs matched by statement id and target, with what did not match."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    extra_ids: list[str] = field(default_factory=list)
    missing_pairs: list[tuple[str, str]] = field(default_factory=list)


def align(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> AlignedStances:
    by_id = {p.id: p for p in predictions}
    gold_ids = {g.id for g in gold}
    aligned = AlignedStances(extra_ids=sorted(set(by_id) - gold_ids))
    for statement in gold:
        if statement.gold is None or not statement.gold.stances:
            continue
        prediction = by_id.get(statement.id)
        if prediction is None:
            aligned.missing_ids.append(statement.id)
            continue
        predicted = {s.target: s.label for s in prediction.stances}
        for stance in statement.gold.stances:
            if stance.target not in predicted:
                aligned.missing_pairs.append((statement.id, stance.target))
                continue
            aligned.gold.append(stance.label)
            aligned.predicted.append(predicted[stance.target])
            aligned.targets.append(stance.target)
            aligned.ids.append(statement.id)
    return aligned


def f_avg(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """SemEval-2016 Task 6's official metric: mean of the F1 of favor and of against, pooled over all targets."""
    return float(f1_score(gold, predicted, labels=["favor", "against"], average="macro", zero_division=0))


def stance_scores(gold: Sequence[str], predicted: Sequence[str], intervals: bool = False) -> dict[str, object]:
    """Headline stance figures; with `intervals`, seeded 95% bootstrap intervals on each of them."""
    if not gold:
        raise ValueError("no (statement, target) pairs to score: gold and predictions share no stance labels")
    per_label = f1_score(gold, predicted, labels=list(STANCE_LABELS), average=None, zero_division=0)
    scores: dict[str, object] = {
        "pairs": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": _macro_f1(gold, predicted),
        "f_avg": f_avg(gold, predicted),
        "f1_per_label": {label: float(score) for label, score in zip(STANCE_LABELS, per_label)},
        "confusion_matrix": {
            "labels": list(STANCE_LABELS),
            "rows_gold_columns_predicted": confusion_matrix(gold, predicted, labels=list(STANCE_LABELS)).tolist(),
        },
    }
    if intervals:
        scores["interval_95"] = {
            "accuracy": bootstrap_interval(lambda g, p: float(accuracy_score(g, p)), gold, predicted),
            "macro_f1": bootstrap_interval(_macro_f1, gold, predicted),
            "f_avg": bootstrap_interval(f_avg, gold, predicted),
        }
    return scores


def _macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return float(f1_score(gold, predicted, labels=list(STANCE_LABELS), average="macro", zero_division=0))


def per_group(aligned: AlignedStances, groups: Sequence[str]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for group in sorted(set(groups)):
        index = [i for i, g in enumerate(groups) if g == group]
        out[group] = stance_scores([aligned.gold[i] for i in index], [aligned.predicted[i] for i in index])
    return out
