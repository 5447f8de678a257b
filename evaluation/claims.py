"""Claim scores: the check-worthy class (CheckThat! Task 1's official metric) and span-overlap F1 for claim spans.

The functions take plain labels and (start, end) span lists, so they work on any source of claims:
gold records, prediction records that carry a `claims` list, or a future claim detector's output.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import precision_recall_fscore_support

from evaluation.bootstrap import DEFAULT_SEED, bootstrap_interval

ClaimSpanTuple = tuple[int, int]


def checkworthy_scores(gold: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float | int | None]:
    """Precision, recall and F1 of the check-worthy (positive) class, as CheckThat! ranks systems.

    Precision is None when nothing was predicted check-worthy and recall None when gold has no check-worthy
    statement (0 of 0 is no score); F1 is then 0, as CheckThat!'s scorer counts it."""
    if len(gold) != len(predicted) or not gold:
        raise ValueError(f"need equal, non-empty label lists; got {len(gold)} gold and {len(predicted)} predicted")
    precision, recall, f1, _ = precision_recall_fscore_support(
        list(gold), list(predicted), labels=[True], pos_label=True, average="binary", zero_division=0
    )
    return {
        "items": len(gold),
        "gold_checkworthy": sum(map(bool, gold)),
        "predicted_checkworthy": sum(map(bool, predicted)),
        "precision": float(precision) if any(predicted) else None,
        "recall": float(recall) if any(gold) else None,
        "f1": float(f1),
    }


def _overlap(first: ClaimSpanTuple, second: ClaimSpanTuple) -> int:
    return min(first[1], second[1]) - max(first[0], second[0])


def overlap_matches(gold: Sequence[ClaimSpanTuple], predicted: Sequence[ClaimSpanTuple]) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of overlapping spans, largest overlap first: (gold index, predicted index) pairs.

    One-to-one keeps a single long predicted span from matching every gold claim it covers; largest
    overlap first gives each gold claim the prediction that best fits it. Ties go to the earlier spans.
    """
    candidates = sorted(
        (
            (-_overlap(gold_span, predicted_span), gold_index, predicted_index)
            for gold_index, gold_span in enumerate(gold)
            for predicted_index, predicted_span in enumerate(predicted)
            if _overlap(gold_span, predicted_span) > 0
        )
    )
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    matches = []
    for _, gold_index, predicted_index in candidates:
        if gold_index not in used_gold and predicted_index not in used_predicted:
            used_gold.add(gold_index)
            used_predicted.add(predicted_index)
            matches.append((gold_index, predicted_index))
    return matches


def span_overlap_scores(
    gold_docs: Sequence[Sequence[ClaimSpanTuple]], predicted_docs: Sequence[Sequence[ClaimSpanTuple]]
) -> dict[str, float | int]:
    """Precision, recall and F1 of claim spans, where a match is any overlap (matched one-to-one per document).

    Claim boundaries are loose even between annotators (does the claim include its attribution?), so
    exact-span scores would punish disagreements no reader cares about.
    """
    if len(gold_docs) != len(predicted_docs):
        raise ValueError(f"need one prediction list per document; got {len(gold_docs)} gold and {len(predicted_docs)} predicted")
    matched = sum(len(overlap_matches(gold, predicted)) for gold, predicted in zip(gold_docs, predicted_docs))
    gold_total = sum(len(gold) for gold in gold_docs)
    predicted_total = sum(len(predicted) for predicted in predicted_docs)
    precision = matched / predicted_total if predicted_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": gold_total, "predicted": predicted_total, "matched": matched, "precision": precision, "recall": recall, "f1": f1}


def checkworthy_f1(gold: Sequence[bool], predicted: Sequence[bool]) -> float:
    """F1 of the check-worthy class as 2TP / (gold positives + predicted positives): fast enough for 1000 resamples."""
    gold_array, predicted_array = np.asarray(gold, dtype=bool), np.asarray(predicted, dtype=bool)
    positives = int(gold_array.sum() + predicted_array.sum())
    return 2 * int((gold_array & predicted_array).sum()) / positives if positives else 0.0


def statement_claim_scores(
    gold_claims: Sequence[Sequence[tuple[int, int, bool]]],
    predicted_claims: Sequence[Sequence[tuple[int, int, bool]]],
    seed: int = DEFAULT_SEED,
) -> dict[str, object]:
    """Check-worthiness per statement and claim spans, from (start, end, checkworthy) claims per statement.

    A statement is check-worthy when any of its claims is, so a detector that scores every sentence and
    one that lists only its check-worthy claims are scored alike. Spans compare the check-worthy claims
    of both sides: a sentence the detector scored and rejected is not a claim it asserts.
    """
    gold_flags = [any(flag for _, _, flag in claims) for claims in gold_claims]
    predicted_flags = [any(flag for _, _, flag in claims) for claims in predicted_claims]
    checkworthy = checkworthy_scores(gold_flags, predicted_flags)
    checkworthy["f1_interval_95"] = list(bootstrap_interval(checkworthy_f1, gold_flags, predicted_flags, seed=seed))
    return {
        "statements": len(gold_flags),
        "checkworthy": checkworthy,
        "spans": span_overlap_scores(
            [[(start, end) for start, end, flag in claims if flag] for claims in gold_claims],
            [[(start, end) for start, end, flag in claims if flag] for claims in predicted_claims],
        ),
    }
