"""Calibration of the stance probabilities: expected calibration error and the bins behind a reliability diagram.

Analysts read the probabilities as "how sure": a model whose 0.9s are right 60% of the time misleads
even when its accuracy is fine. Bins are equal-width on the probability of the label given (the top
class under the default decision) and follow scikit-learn's `calibration_curve(strategy="uniform")`: bin k holds (k/10, (k+1)/10], the first bin
also holds 0 (Guo et al. 2017, "On Calibration of Modern Neural Networks").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from evaluation.bootstrap import DEFAULT_RESAMPLES, DEFAULT_SEED, cluster_resample_indices, percentile_interval

CALIBRATION_BINS = 10


def _checked(confidences: Sequence[float], correct: Sequence[bool]) -> tuple[np.ndarray, np.ndarray]:
    confidence_array = np.asarray(confidences, dtype=float)
    correct_array = np.asarray(correct, dtype=float)
    if len(confidence_array) != len(correct_array) or not len(confidence_array):
        raise ValueError(f"need equal, non-empty lists; got {len(confidence_array)} confidences and {len(correct_array)} outcomes")
    if np.any((confidence_array < 0) | (confidence_array > 1)):
        raise ValueError(f"confidences must lie in [0, 1]; got values from {confidence_array.min()} to {confidence_array.max()}")
    return confidence_array, correct_array


def _bin_of(confidences: np.ndarray, bins: int) -> np.ndarray:
    return np.searchsorted(np.linspace(0.0, 1.0, bins + 1)[1:-1], confidences, side="left")


def _ece(confidences: np.ndarray, correct: np.ndarray, bins: int) -> float:
    # sum_b |B|/n * |accuracy_b - confidence_b| == sum_b |sum correct_b - sum confidence_b| / n
    bin_ids = _bin_of(confidences, bins)
    correct_sums = np.bincount(bin_ids, weights=correct, minlength=bins)
    confidence_sums = np.bincount(bin_ids, weights=confidences, minlength=bins)
    return float(np.abs(correct_sums - confidence_sums).sum() / len(confidences))


def expected_calibration_error(confidences: Sequence[float], correct: Sequence[bool], bins: int = CALIBRATION_BINS) -> float:
    """Mean gap between confidence and accuracy, weighted by how many predictions fall in each bin."""
    return _ece(*_checked(confidences, correct), bins)


def reliability_bins(confidences: Sequence[float], correct: Sequence[bool], bins: int = CALIBRATION_BINS) -> list[dict[str, object]]:
    """Per bin: its bounds, how many predictions fell in it, their accuracy and mean confidence (None when empty)."""
    confidence_array, correct_array = _checked(confidences, correct)
    bin_ids = _bin_of(confidence_array, bins)
    rows = []
    for k in range(bins):
        inside = bin_ids == k
        count = int(inside.sum())
        rows.append(
            {
                "lower": k / bins,
                "upper": (k + 1) / bins,
                "count": count,
                "accuracy": float(correct_array[inside].mean()) if count else None,
                "confidence": float(confidence_array[inside].mean()) if count else None,
            }
        )
    return rows


def ece_interval_note(calibration: dict[str, object]) -> str | None:
    """Said when the interval misses its own estimate: resampling adds noise to every bin, and noise only raises ECE."""
    lower, upper = calibration["ece_interval_95"]
    if lower <= calibration["ece"] <= upper:
        return None
    return (
        "The ECE of resampled pairs runs above the estimate (ECE is biased upward on small bins and resampling adds "
        "to the bias), so its percentile interval lies above it: read the interval as an upper range."
    )


def calibration_report(
    confidences: Sequence[float],
    correct: Sequence[bool],
    bins: int = CALIBRATION_BINS,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    clusters: Sequence[str] | None = None,
) -> dict[str, object]:
    """ECE with a seeded 95% bootstrap interval (resampling whole `clusters` where given), and the reliability bins."""
    confidence_array, correct_array = _checked(confidences, correct)
    draws = [
        _ece(confidence_array[index], correct_array[index], bins)
        for index in cluster_resample_indices(clusters, len(confidence_array), resamples, seed)
    ]
    return {
        "pairs": len(confidence_array),
        "bins": bins,
        "ece": _ece(confidence_array, correct_array, bins),
        "ece_interval_95": percentile_interval(draws),
        "reliability": reliability_bins(confidence_array, correct_array, bins),
    }
