"""Checks a report makes of its inputs beyond what the schema checks."""

from __future__ import annotations

import json
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


def check_prediction_spans(gold: Sequence[Statement], predictions: Sequence[PredictionRecord], prediction_path: Path) -> None:
    """Predicted entity, claim and quote offsets must fall inside the gold statement's text: offsets past its end
    were taken on some other text, and scoring them would only count misses."""
    lengths = {statement.id: len(statement.text) for statement in gold}
    for prediction in predictions:
        length = lengths.get(prediction.id)
        if length is None:
            continue
        for kind in ("entities", "claims", "quotes"):
            for index, span in enumerate(getattr(prediction, kind) or []):
                if span.end > length:
                    raise RecordError(
                        f"{prediction_path}:{_line_of(prediction_path, prediction.id)}: field '{kind}.{index}': span "
                        f"[{span.start}, {span.end}) runs past the gold text of {prediction.id!r} ({length} chars)"
                    )


def _line_of(path: Path, record_id: str) -> int | str:
    """The line of the record with this id, looked up only to word an error."""
    with Path(path).open(encoding="utf-8-sig") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                if json.loads(raw).get("id") == record_id:
                    return number
            except (ValueError, AttributeError):
                continue
    return "?"
