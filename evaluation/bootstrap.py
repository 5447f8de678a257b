"""Seeded percentile bootstrap for any metric, and a paired bootstrap test between two systems.

Every function draws its resamples from `resample_indices()`, so one seed gives the same samples to every metric
and to both systems of a comparison: the paired test then measures the systems' difference, not the
noise of two independent draws.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
SIGNIFICANCE_LEVEL = 0.05


def resample_indices(size: int, count: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED) -> Iterator[np.ndarray]:
    """`count` index arrays of length `size`, drawn with replacement; the same seed gives the same arrays."""
    if size < 1:
        raise ValueError(f"cannot resample an empty sample (size {size})")
    if count < 1:
        raise ValueError(f"resamples must be at least 1, got {count}")
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield rng.integers(0, size, size)


def cluster_resample_indices(
    clusters: Sequence[str] | None, size: int, count: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED
) -> Iterator[np.ndarray]:
    """Like `resample_indices`, but drawing whole clusters (the pairs of one statement, scored on 7 targets, are not 7
    independent draws: resampling them one by one gives intervals too narrow). Without clusters, or with one pair per
    cluster in order, it draws exactly what `resample_indices` draws."""
    if clusters is None:
        yield from resample_indices(size, count, seed)
        return
    if len(clusters) != size:
        raise ValueError(f"need one cluster per pair; got {len(clusters)} clusters for {size} pairs")
    members: dict[str, list[int]] = {}
    for index, cluster in enumerate(clusters):
        members.setdefault(cluster, []).append(index)
    groups = [np.array(indices) for indices in members.values()]
    for drawn in resample_indices(len(groups), count, seed):
        yield np.concatenate([groups[g] for g in drawn])


def percentile_interval(scores: Sequence[float] | np.ndarray, confidence: float = 0.95) -> tuple[float, float]:
    """The central `confidence` share of bootstrap scores."""
    tail = (1 - confidence) / 2
    return float(np.quantile(scores, tail)), float(np.quantile(scores, 1 - tail))


def bootstrap_interval(
    metric: Callable[[Sequence[str], Sequence[str]], float],
    gold: Sequence[str],
    predicted: Sequence[str],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """95% percentile interval of `metric` over resampled pairs (with replacement)."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError(f"need equal, non-empty label lists; got {len(gold)} gold and {len(predicted)} predicted")
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    scores = [metric(gold_array[index], predicted_array[index]) for index in resample_indices(len(gold_array), resamples, seed)]
    return percentile_interval(scores, confidence)


def paired_bootstrap_test(differences: Sequence[float] | np.ndarray, observed_difference: float, alpha: float = SIGNIFICANCE_LEVEL) -> dict[str, object]:
    """Two-sided test of "B - A = 0" from B - A computed on the same resamples for both systems.

    The p-value is twice the smaller share of resampled differences on either side of zero, with the
    usual add-one Monte Carlo correction so that a finite number of resamples never claims p = 0.
    Identical systems give differences of exactly zero on every resample and p = 1.
    """
    differences = np.asarray(differences, dtype=float)
    count = len(differences)
    at_or_below = int(np.sum(differences <= 0))
    at_or_above = int(np.sum(differences >= 0))
    p_value = min(1.0, 2 * (min(at_or_below, at_or_above) + 1) / (count + 1))
    if p_value >= alpha or observed_difference == 0:
        verdict = "no significant difference"
    else:
        verdict = "B significantly better" if observed_difference > 0 else "B significantly worse"
    return {
        "difference": float(observed_difference),
        "interval_95": percentile_interval(differences),
        "p_value": p_value,
        "significant": verdict != "no significant difference",
        "verdict": verdict,
    }
