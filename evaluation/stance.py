"""Stance scores from gold and prediction records: accuracy, macro-F1 and SemEval-2016's F_avg.

Point figures come from scikit-learn. Bootstrap resamples (1,000 per figure, and twice that for a paired
comparison) use `_headline_from_confusion`, which computes the same three figures from a 3x3 confusion
matrix: a resample then costs one `np.bincount` instead of several scikit-learn calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from corpus.schema import STANCE_LABELS, PredictionRecord, Statement
from evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, cluster_resample_indices, paired_bootstrap_test, percentile_interval

HEADLINE_METRICS = ("accuracy", "macro_f1", "f_avg")
SLICE_NOTE = (
    "A label absent from both gold and predictions has F1 0 (the official SemEval-2016 scorer's rule, kept so that "
    "figures compare with published ones): a small slice with every pair right can show macro-F1 0.667 or F_avg 0.5."
)
_LABEL_CODES = {label: code for code, label in enumerate(STANCE_LABELS)}
_F_AVG_CODES = [_LABEL_CODES["favor"], _LABEL_CODES["against"]]


@dataclass
class AlignedStances:
    """(gold, predicted) label pairs matched by statement id and target, with what did not match.

    `missing_pairs` are the pairs a prediction record leaves out: the model abstained on them.
    `gold_pairs` counts every gold pair, including those of statements with no prediction record.
    """

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    probs: list[dict[str, float]] = field(default_factory=list)
    missing_ids: list[str] = field(default_factory=list)
    extra_ids: list[str] = field(default_factory=list)
    missing_pairs: list[tuple[str, str]] = field(default_factory=list)
    gold_pairs: int = 0


def align(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> AlignedStances:
    by_id = {p.id: p for p in predictions}
    gold_ids = {g.id for g in gold}
    aligned = AlignedStances(extra_ids=sorted(set(by_id) - gold_ids))
    for statement in gold:
        if statement.gold is None or not statement.gold.stances:
            continue
        aligned.gold_pairs += len(statement.gold.stances)
        prediction = by_id.get(statement.id)
        if prediction is None:
            aligned.missing_ids.append(statement.id)
            continue
        predicted = {s.target: s for s in prediction.stances}
        for stance in statement.gold.stances:
            if stance.target not in predicted:
                aligned.missing_pairs.append((statement.id, stance.target))
                continue
            aligned.gold.append(stance.label)
            aligned.predicted.append(predicted[stance.target].label)
            aligned.probs.append(dict(predicted[stance.target].probs))
            aligned.targets.append(stance.target)
            aligned.ids.append(statement.id)
    # Pairs in (id, target) order, not file order: seeded bootstrap intervals then do not move when lines are reordered.
    order = sorted(range(len(aligned.ids)), key=lambda i: (aligned.ids[i], aligned.targets[i]))
    for name in ("gold", "predicted", "targets", "ids", "probs"):
        setattr(aligned, name, [getattr(aligned, name)[i] for i in order])
    return aligned


def coverage(aligned: AlignedStances) -> dict[str, object]:
    """How many gold pairs the predictions scored; every other figure is computed on the scored pairs only."""
    scored = len(aligned.gold)
    abstained = len(aligned.missing_pairs)
    return {
        "gold_pairs": aligned.gold_pairs,
        "scored_pairs": scored,
        "abstained_pairs": abstained,
        "pairs_without_prediction_record": aligned.gold_pairs - scored - abstained,
        "rate": scored / aligned.gold_pairs if aligned.gold_pairs else 0.0,
    }


def f_avg(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """SemEval-2016 Task 6's official metric: mean of the F1 of favor and of against, pooled over all targets."""
    return float(f1_score(gold, predicted, labels=["favor", "against"], average="macro", zero_division=0))


def stance_scores(
    gold: Sequence[str], predicted: Sequence[str], intervals: bool = False, resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED,
    clusters: Sequence[str] | None = None,
) -> dict[str, object]:
    """Headline stance figures; with `intervals`, seeded 95% bootstrap intervals on each of them, resampling whole
    `clusters` (each pair's statement id) where given."""
    if not gold:
        raise ValueError("no (statement, target) pairs to score: gold and predictions share no stance labels")
    labels = list(STANCE_LABELS)
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=labels, average=None, zero_division=0)
    scores: dict[str, object] = {
        "pairs": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(np.mean(f1)),
        "f_avg": f_avg(gold, predicted),
        "f1_per_label": dict(zip(labels, map(float, f1))),
        "precision_per_label": dict(zip(labels, map(float, precision))),
        "recall_per_label": dict(zip(labels, map(float, recall))),
        "support_per_label": dict(zip(labels, map(int, support))),
        "confusion_matrix": {
            "labels": labels,
            "rows_gold_columns_predicted": confusion_matrix(gold, predicted, labels=labels).tolist(),
        },
    }
    if intervals:
        scores["interval_95"] = _headline_intervals(gold, predicted, resamples, seed, clusters)
    return scores


def _pair_codes(gold: Sequence[str], predicted: Sequence[str]) -> np.ndarray:
    """One integer per pair, gold * 3 + predicted, so that a bincount is a flattened confusion matrix."""
    width = len(STANCE_LABELS)
    return np.array([_LABEL_CODES[g] * width + _LABEL_CODES[p] for g, p in zip(gold, predicted)], dtype=np.int64)


def _confusion(codes: np.ndarray) -> np.ndarray:
    width = len(STANCE_LABELS)
    return np.bincount(codes, minlength=width * width).reshape(width, width)


def _headline_from_confusion(matrix: np.ndarray) -> dict[str, float]:
    """Accuracy, macro-F1 and F_avg from a confusion matrix (rows gold), equal to scikit-learn's with zero_division=0."""
    true_positives = np.diag(matrix).astype(float)
    denominator = matrix.sum(axis=0) + matrix.sum(axis=1)  # 2 tp + fp + fn
    f1 = np.divide(2 * true_positives, denominator, out=np.zeros_like(true_positives), where=denominator > 0)
    return {
        "accuracy": float(true_positives.sum() / matrix.sum()),
        "macro_f1": float(f1.mean()),
        "f_avg": float(f1[_F_AVG_CODES].mean()),
    }


def _headline_intervals(
    gold: Sequence[str], predicted: Sequence[str], resamples: int, seed: int, clusters: Sequence[str] | None = None
) -> dict[str, tuple[float, float]]:
    codes = _pair_codes(gold, predicted)
    draws: dict[str, list[float]] = {metric: [] for metric in HEADLINE_METRICS}
    for index in cluster_resample_indices(clusters, len(codes), resamples, seed):
        for metric, value in _headline_from_confusion(_confusion(codes[index])).items():
            draws[metric].append(value)
    return {metric: percentile_interval(values) for metric, values in draws.items()}


def paired_comparison(
    gold: Sequence[str],
    predicted_a: Sequence[str],
    predicted_b: Sequence[str],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    clusters: Sequence[str] | None = None,
) -> dict[str, object]:
    """Paired bootstrap test of system B against system A on the same gold pairs, per headline metric (resampling
    whole `clusters`, each pair's statement id, where given).

    Each resample draws one index array and scores both systems on it, so the spread of B - A reflects
    how the systems differ on the same statements rather than which statements happened to be drawn.
    """
    if not gold or not (len(gold) == len(predicted_a) == len(predicted_b)):
        raise ValueError(f"need equal, non-empty label lists; got {len(gold)} gold, {len(predicted_a)} A and {len(predicted_b)} B")
    codes_a, codes_b = _pair_codes(gold, predicted_a), _pair_codes(gold, predicted_b)
    observed_a = _headline_from_confusion(_confusion(codes_a))
    observed_b = _headline_from_confusion(_confusion(codes_b))
    differences: dict[str, list[float]] = {metric: [] for metric in HEADLINE_METRICS}
    for index in cluster_resample_indices(clusters, len(gold), resamples, seed):
        scores_a = _headline_from_confusion(_confusion(codes_a[index]))
        scores_b = _headline_from_confusion(_confusion(codes_b[index]))
        for metric in HEADLINE_METRICS:
            differences[metric].append(scores_b[metric] - scores_a[metric])
    return {
        "pairs": len(gold),
        "resamples": resamples,
        "seed": seed,
        "metrics": {
            metric: {
                "a": observed_a[metric],
                "b": observed_b[metric],
                **paired_bootstrap_test(differences[metric], observed_b[metric] - observed_a[metric]),
            }
            for metric in HEADLINE_METRICS
        },
    }


def per_group(aligned: AlignedStances, groups: Sequence[str], order: Sequence[str] | None = None) -> dict[str, dict[str, object]]:
    """Stance scores per group value (target, source type, ...); `order` fixes the order, else sorted."""
    indices_by_group: dict[str, list[int]] = {}
    for index, group in enumerate(groups):
        indices_by_group.setdefault(group, []).append(index)
    keys = [g for g in order if g in indices_by_group] if order is not None else sorted(indices_by_group)
    return {
        group: stance_scores([aligned.gold[i] for i in indices_by_group[group]], [aligned.predicted[i] for i in indices_by_group[group]])
        for group in keys
    }


def confidence(probs: Mapping[str, float], label: str) -> float | None:
    """The model's confidence in the label it gave: that label's probability (None when it gave none).

    Not the largest probability: a decision rule with per-class offsets (`decision = "f_avg"`) can pick
    another label, and calibration asks how often a label given with probability p is right."""
    return probs.get(label) if probs else None


def most_confident_errors(aligned: AlignedStances, texts: Mapping[str, str], count: int) -> list[dict[str, object]]:
    """The `count` wrong predictions the model was surest of: where a reader learns most per minute spent.

    Pairs whose prediction carries no probabilities cannot be ranked and are left out.
    """
    wrong = [
        i for i in range(len(aligned.gold)) if aligned.gold[i] != aligned.predicted[i] and _confidence(aligned, i) is not None
    ]
    wrong.sort(key=lambda i: (-_confidence(aligned, i), aligned.ids[i], aligned.targets[i]))
    return [
        {
            "id": aligned.ids[i],
            "text": texts[aligned.ids[i]],
            "target": aligned.targets[i],
            "gold": aligned.gold[i],
            "predicted": aligned.predicted[i],
            "probability": _confidence(aligned, i),
        }
        for i in wrong[:count]
    ]


def _confidence(aligned: AlignedStances, index: int) -> float | None:
    return confidence(aligned.probs[index], aligned.predicted[index])
