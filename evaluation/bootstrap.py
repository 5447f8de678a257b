"""Seeded percentile bootstrap for any metric over paired (gold, predicted) labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000


def bootstrap_interval(
    metric: Callable[[Sequence[str], Sequence[str]], float],
    gold: Sequence[str],
    predicted: Sequence[str],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """95% percentile interval of `metric` over resampled pairs (with replacement)."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError(f"need equal, non-empty label lists; got {len(gold)} gold and {len(predicted)} predicted")
    rng = np.random.default_rng(seed)
    gold_array, predicted_array = np.asarray(gold), np.asarray(predicted)
    scores = np.empty(resamples)
    for i in range(resamples):
        index = rng.integers(0, len(gold_array), len(gold_array))
        scores[i] = metric(gold_array[index], predicted_array[index])
    tail = (1 - confidence) / 2
    return float(np.quantile(scores, tail)), float(np.quantile(scores, 1 - tail))
