"""Quote scores: span F1, exact and overlap, and speaker attribution accuracy (the PARC / Citron measures)."""

from __future__ import annotations

from collections.abc import Sequence

from evaluation.claims import overlap_matches

QuoteTuple = tuple[int, int, str]


def _prf(matched: int, gold_total: int, predicted_total: int) -> dict[str, float]:
    precision = matched / predicted_total if predicted_total else 0.0
    recall = matched / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"matched": matched, "precision": precision, "recall": recall, "f1": f1}


def _same_speaker(gold: str, predicted: str) -> bool:
    return gold.strip().casefold() == predicted.strip().casefold()


def quote_scores(gold_docs: Sequence[Sequence[QuoteTuple]], predicted_docs: Sequence[Sequence[QuoteTuple]]) -> dict[str, object]:
    """Exact-span and overlap F1 of quote spans, and speaker accuracy.

    `speaker_accuracy` counts every gold quote (a missed quote is a wrong attribution: the analyst never
    sees it); `speaker_accuracy_on_found` counts only the quotes the system found, which is how
    attribution alone is usually reported.
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
        "speaker_accuracy": right_speaker / gold_total if gold_total else 0.0,
        "speaker_accuracy_on_found": right_speaker / overlap if overlap else 0.0,
    }
