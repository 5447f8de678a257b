"""Streams statements out of JSONL and CSV files; every bad record is quarantined with its file, line and field."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pydantic import ValidationError

from corpus.schema import Statement

SUPPORTED_SUFFIXES = (".jsonl", ".csv")
# CSV cells are flat: list fields are written as "T1|T2".
CSV_LIST_FIELDS = ("targets",)


@dataclass(frozen=True)
class QuarantinedRecord:
    file: str
    line: int
    field: str
    reason: str
    raw: str

    def describe(self) -> str:
        return f"{self.file}:{self.line}: field '{self.field}': {self.reason}"


@dataclass
class ReadResult:
    """What a read produced besides statements; filled while the iterator is consumed."""

    quarantined: list[QuarantinedRecord]

    def write_quarantine(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            for record in self.quarantined:
                out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")


class InputFileError(ValueError):
    """An input that cannot be read at all (missing, wrong format)."""


def _validation_issue(error: ValidationError) -> tuple[str, str]:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "<record>"
    return field, first["msg"]


def _parse(payload: object, file: str, line: int, raw: str) -> Statement | QuarantinedRecord:
    if not isinstance(payload, dict):
        return QuarantinedRecord(file, line, "<record>", f"expected a JSON object, got {type(payload).__name__}", raw)
    try:
        return Statement.model_validate(payload)
    except ValidationError as error:
        field, reason = _validation_issue(error)
        return QuarantinedRecord(file, line, field, reason, raw)


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Statement | QuarantinedRecord]]:
    with path.open("rb") as handle:
        for line_number, raw_bytes in enumerate(handle, start=1):
            try:
                raw = raw_bytes.decode("utf-8-sig" if line_number == 1 else "utf-8")
            except UnicodeDecodeError as error:
                yield line_number, QuarantinedRecord(str(path), line_number, "<line>", f"invalid UTF-8: {error.reason}", repr(raw_bytes[:200]))
                continue
            if not raw.strip():
                continue
            try:
                payload = json.loads(raw)
            except json.JSONDecodeError as error:
                yield line_number, QuarantinedRecord(str(path), line_number, "<json>", f"malformed JSON: {error.msg} (column {error.colno})", raw[:2000])
                continue
            yield line_number, _parse(payload, str(path), line_number, raw[:2000])


def _iter_csv(path: Path) -> Iterator[tuple[int, Statement | QuarantinedRecord]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"id", "text", "source_type"} - set(reader.fieldnames or [])
        if missing:
            raise InputFileError(f"{path}: CSV header lacks required column(s) {sorted(missing)}")
        for row in reader:
            line_number = reader.line_num
            if None in row:
                yield line_number, QuarantinedRecord(str(path), line_number, "<row>", "more cells than header columns", str(row)[:2000])
                continue
            payload = {key: value for key, value in row.items() if value not in ("", None)}
            for key in CSV_LIST_FIELDS:
                if key in payload:
                    payload[key] = [part.strip() for part in payload[key].split("|") if part.strip()]
            yield line_number, _parse(payload, str(path), line_number, str(row)[:2000])


def read_statements(paths: Iterable[Path], result: ReadResult | None = None) -> Iterator[Statement]:
    """Yields valid statements in file order; quarantined records land in `result`.

    Duplicate ids within one read are quarantined too: the first record wins, so a re-sent id never
    silently overwrites earlier work.
    """
    result = result if result is not None else ReadResult([])
    seen_ids: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InputFileError(f"{path}: unsupported input type {path.suffix!r}; expected one of {SUPPORTED_SUFFIXES}")
        records = _iter_csv(path) if path.suffix.lower() == ".csv" else _iter_jsonl(path)
        for line_number, record in records:
            if isinstance(record, QuarantinedRecord):
                result.quarantined.append(record)
                continue
            where = f"{path}:{line_number}"
            if record.id in seen_ids:
                result.quarantined.append(
                    QuarantinedRecord(str(path), line_number, "id", f"duplicate id {record.id!r} (first seen in {seen_ids[record.id]})", record.model_dump_json()[:2000])
                )
                continue
            seen_ids[record.id] = where
            yield record


class RecordError(ValueError):
    """A gold or prediction file that cannot be scored as it is; names the file, line and field."""


def _strict_records(path: Path, model: type, kind: str) -> list:
    path = Path(path)
    if not path.is_file():
        raise RecordError(f"{path}: no such {kind} file")
    records, seen = [], {}
    with path.open(encoding="utf-8-sig") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                record = model.model_validate_json(raw)
            except ValidationError as error:
                field, reason = _validation_issue(error)
                raise RecordError(f"{path}:{line_number}: field '{field}': {reason}") from None
            if record.id in seen:
                raise RecordError(f"{path}:{line_number}: duplicate id {record.id!r} (first on line {seen[record.id]})")
            seen[record.id] = line_number
            records.append(record)
    if not records:
        raise RecordError(f"{path}: the {kind} file holds no records")
    return records


def read_gold(path: Path) -> list[Statement]:
    """All statements of a gold file, failing on the first bad record (gold must be clean to be scored)."""
    return _strict_records(path, Statement, "gold")


def read_predictions(path: Path) -> list:
    """All records of a prediction file, failing on the first bad or duplicate one."""
    from corpus.schema import PredictionRecord

    return _strict_records(path, PredictionRecord, "prediction")
