"""Checks a report makes of its inputs beyond what the schema checks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from corpus.reader import RecordError
from corpus.schema import PredictionRecord, Statement


def check_ids_overlap(gold: Sequence[Statement], gold_path: Path, predictions: Sequence[PredictionRecord], prediction_path: Path) -> None:
    """A prediction file that shares no id with the gold file was made for other data: say so instead of scoring 0."""
    gold_ids = {statement.id for statement in gold}
    if not any(prediction.id in gold_ids for prediction in predictions):
        raise RecordError(
            f"{prediction_path}: none of its {len(predictions)} record ids appear in {gold_path} "
            f"(first prediction id {predictions[0].id!r}, first gold id {gold[0].id!r}); were the predictions made from this gold file?"
        )
