"""Streams statements out of JSONL and CSV files; every bad record is quarantined with its file, line and field."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, TypeVar

from pydantic import BaseModel, ValidationError

from corpus.schema import Statement

SUPPORTED_SUFFIXES = (".jsonl", ".csv")
# CSV cells are flat: list fields are written as "T1|T2".
CSV_LIST_FIELDS = ("targets",)
# Columns every CSV needs. An empty cell in one is read as an empty value, so it is reported as empty (as in JSONL),
# not as missing; an empty cell in any other column is absent.
REQUIRED_CSV_COLUMNS = frozenset({"id", "text", "source_type"})
# A statement is a remark, a post or a press paragraph: a longer text is a document (split it with
# article ingestion), or a broken export. Quarantined, because the stance model reads only its first
# few hundred tokens and would score a document by its opening.
MAX_TEXT_CHARS = 20_000
# No JSONL line is read whole past this: a hostile or broken file cannot fill memory.
MAX_LINE_BYTES = 1 << 20


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
    # id -> file index * 2**40 + line of each statement read: one small int per id keeps a 1M-id read near 100 MB.
    first_seen: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # What is worth a look but no record's fault: an empty input file, a CSV row whose quoted cell runs over several
    # lines (an unclosed quote swallows the rows after it into one cell, and nothing else would say so).
    notes: list[str] = field(default_factory=list)

    def where(self, statement_id: str) -> tuple[str, int] | None:
        """(file, line) the statement with this id was read from, if this read saw it."""
        location = self.first_seen.get(statement_id)
        return None if location is None else (self.files[location >> 40], location & ((1 << 40) - 1))

    def write_quarantine(self, path: Path) -> bool:
        """Appends this read's rejects; each carries the time of the run (`at`), so that one night's rejects can be
        told from the last night's in a file that keeps them all. True when the file held earlier records."""
        path.parent.mkdir(parents=True, exist_ok=True)
        earlier = path.is_file() and path.stat().st_size > 0
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with path.open("a", encoding="utf-8") as out:
            for record in self.quarantined:
                out.write(json.dumps({**asdict(record), "at": at}, ensure_ascii=False) + "\n")
        return earlier


class InputFileError(ValueError):
    """An input that cannot be read at all (missing, wrong format)."""


def validation_issue(error: ValidationError, whole: str = "<record>") -> tuple[str, str]:
    """The field pydantic refused first, dotted ('gold.stances.0.label'), or `whole` when it refused the record itself,
    and its reason without pydantic's 'Value error, ' prefix."""
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or whole
    return field, first["msg"].removeprefix("Value error, ")


M = TypeVar("M", bound=BaseModel)


class LineError(ValueError):
    """A JSONL line that is no valid record: the field where it fails and why, worded alike by every reader (a run's
    quarantine, `evaluate`, `corpus check`), so one bad line reads the same wherever it is met."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name


def json_object(raw: str) -> dict[str, object]:
    """One JSONL line as a JSON object, or a LineError: '<json>' with the column where json stopped, the key named
    twice, or '<record>' for JSON that is no object."""
    try:
        payload = load_json_line(raw)
    except json.JSONDecodeError as error:
        raise LineError("<json>", malformed_json_reason(error, raw)) from None
    except RepeatedKeyError as error:
        raise LineError(error.key, REPEATED_KEY_REASON) from None
    if not isinstance(payload, dict):
        raise LineError("<record>", f"expected a JSON object, got {type(payload).__name__}")
    return payload


def validated(payload: dict[str, object], model: type[M]) -> M:
    """`payload` as a `model` record, or a LineError naming the first field pydantic refused."""
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise LineError(*validation_issue(error)) from None


def parse_json_line(raw: str, model: type[M]) -> M:
    return validated(json_object(raw), model)


def _parse(payload: dict[str, object], file: str, line: int, raw: str) -> Statement | QuarantinedRecord:
    try:
        return validated(payload, Statement)
    except LineError as error:
        return QuarantinedRecord(file, line, error.field_name, str(error), raw)


def _bounded_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, bytes, size) per line; bytes is None for a line over MAX_LINE_BYTES, skipped unread."""
    line_number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        line_number += 1
        if len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n"):
            yield line_number, raw, len(raw)
            continue
        size = len(raw)
        while raw and not raw.endswith(b"\n"):
            raw = handle.readline(MAX_LINE_BYTES)
            size += len(raw)
        yield line_number, None, size


class RepeatedKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object_without_repeated_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object as a dict, refusing one that names a key twice (json.loads would silently keep the last)."""
    payload = dict(pairs)
    if len(payload) != len(pairs):
        seen: set[str] = set()
        raise RepeatedKeyError(next(key for key, _ in pairs if key in seen or seen.add(key)))
    return payload


def load_json_line(raw: str) -> object:
    """json.loads that raises RepeatedKeyError for an object naming a key twice."""
    return json.loads(raw, object_pairs_hook=_object_without_repeated_keys)


def malformed_json_reason(error: json.JSONDecodeError, raw: str) -> str:
    """The quarantine reason for a line json could not read, with the column (1-based, in characters of the line) where
    it stopped: json's own colno counts from the line's newline when the error is at the line's end ("column 1")."""
    line = raw.rstrip()
    column = min(error.pos, len(line)) + 1
    at_end = ", the end of the line" if column > len(line) else ""
    return f"malformed JSON: {error.msg} (column {column}{at_end})"


REPEATED_KEY_REASON = "the key appears twice in the record: which value was meant?"


def _iter_jsonl(path: Path) -> Iterator[tuple[int, Statement | QuarantinedRecord]]:
    with path.open("rb") as handle:
        for line_number, raw_bytes, size in _bounded_lines(handle):
            if raw_bytes is None:
                yield line_number, QuarantinedRecord(str(path), line_number, "<line>", f"line is {size:,} bytes; the limit is {MAX_LINE_BYTES:,}", "")
                continue
            try:
                # utf-8-sig on every line: files joined with `cat` carry a byte-order mark mid-file.
                raw = raw_bytes.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                yield line_number, QuarantinedRecord(str(path), line_number, "<line>", f"invalid UTF-8: {error.reason}", raw_bytes[:200].decode("utf-8", errors="backslashreplace"))
                continue
            if not raw.strip():
                continue
            try:
                yield line_number, parse_json_line(raw, Statement)
            except LineError as error:
                yield line_number, QuarantinedRecord(str(path), line_number, error.field_name, str(error), raw[:2000])


def _iter_csv(path: Path, notes: list[str]) -> Iterator[tuple[int, Statement | QuarantinedRecord]]:
    with path.open("rb") as handle:
        lines_read = 0
        undecodable: dict[int, str] = {}
        oversized: dict[int, int] = {}

        def decoded(lines: BinaryIO) -> Iterator[str]:
            # Line by line, so one bad byte or one huge line costs its row only: quarantined below.
            nonlocal lines_read
            for line_number, raw, size in _bounded_lines(lines):
                lines_read = line_number
                if raw is None:
                    oversized[line_number] = size
                    yield "\n"
                    continue
                try:
                    yield raw.decode("utf-8-sig")
                except UnicodeDecodeError as error:
                    undecodable[line_number] = error.reason
                    yield raw.decode("utf-8", errors="backslashreplace")  # quarantined: its raw shows the bytes

        def skipped_lines() -> Iterator[tuple[int, QuarantinedRecord]]:
            for number in sorted(n for n in oversized if n <= lines_read):
                reason = f"line is {oversized.pop(number):,} bytes; the limit is {MAX_LINE_BYTES:,}"
                yield number, QuarantinedRecord(str(path), number, "<line>", reason, "")

        reader = csv.DictReader(decoded(handle))
        try:
            fieldnames = reader.fieldnames or []
        except csv.Error as error:
            yield 1, QuarantinedRecord(str(path), 1, "<header>", f"unreadable CSV header: {error}", "")
            return
        missing = REQUIRED_CSV_COLUMNS - set(fieldnames)
        if missing:
            # Every row would fail the same way: one record for the file, and the other inputs go on.
            yield 1, QuarantinedRecord(str(path), 1, "<header>", f"CSV header lacks required column(s) {sorted(missing)}", ",".join(fieldnames)[:2000])
            return
        while True:
            first_line = lines_read + 1
            try:
                row = next(reader)
            except StopIteration:
                yield from skipped_lines()
                return
            except csv.Error as error:
                yield from skipped_lines()
                yield lines_read, QuarantinedRecord(str(path), lines_read, "<row>", f"unreadable CSV row: {error}", "")
                continue
            yield from skipped_lines()
            line_number = lines_read
            bad = [undecodable.pop(n) for n in range(first_line, line_number + 1) if n in undecodable]
            if bad:
                yield line_number, QuarantinedRecord(str(path), line_number, "<line>", f"invalid UTF-8: {bad[0]}", _row_as_json(row))
                continue
            # A quote left open takes in the lines after it up to the next quote: say which lines went into this row.
            spanned = (f" (lines {first_line}-{line_number} were read as this one row: a quote left open on line {first_line}?)"
                       if line_number > first_line else "")
            if None in row:
                yield line_number, QuarantinedRecord(str(path), line_number, "<row>", "more cells than header columns" + spanned, _row_as_json(row))
                continue
            if None in row.values():
                yield line_number, QuarantinedRecord(str(path), line_number, "<row>", "fewer cells than header columns (a cut row?)" + spanned, _row_as_json(row))
                continue
            if spanned:
                notes.append(f"{path}:{first_line}-{line_number}: one row over {line_number - first_line + 1} lines (a quoted cell with line breaks, or a quote left open that took in the rows after it)")
            payload = {key: value for key, value in row.items() if value not in ("", None) or key in REQUIRED_CSV_COLUMNS}
            for key in CSV_LIST_FIELDS:
                if key in payload:
                    payload[key] = [part.strip() for part in payload[key].split("|") if part.strip()]
            yield line_number, _parse(payload, str(path), line_number, _row_as_json(row))


# How much of a file the checks before reading look at: all of a file this small, whose blankness it then shows.
FILE_START_BYTES = 4096


def _file_start(path: Path) -> tuple[bytes, bool]:
    """(the file's first FILE_START_BYTES, whether that is the whole file): one read for the checks below."""
    with path.open("rb") as handle:
        start = handle.read(FILE_START_BYTES + 1)
    return start[:FILE_START_BYTES], len(start) <= FILE_START_BYTES


def _blank(start: bytes, whole: bool) -> bool:
    """A file with no record in it: empty, or only blank lines and byte-order marks."""
    return whole and not start.replace(b"\xef\xbb\xbf", b"").strip()


def _wide_encoding(start: bytes) -> str | None:
    """What makes the file UTF-16 text (what some spreadsheet exports write), or None for anything else.

    Without a byte-order mark the zero bytes give it away: UTF-8 JSON and CSV never hold one, while UTF-16 puts one
    beside every ASCII character (after it in little-endian, before it in big-endian).
    """
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16 text (it starts with that byte-order mark)"
    pairs = len(start) // 2
    if pairs < 2:
        return None
    zeros_first, zeros_second = start[0 : 2 * pairs : 2].count(0), start[1 : 2 * pairs : 2].count(0)
    for order, zeros, others in (("UTF-16LE", zeros_second, zeros_first), ("UTF-16BE", zeros_first, zeros_second)):
        if zeros >= pairs / 2 and others <= pairs / 20:
            return f"{order} text without a byte-order mark (every other byte is zero)"
    return None


def count_records(paths: Iterable[Path]) -> int:
    """About how many records `read_statements` will report for these files, for a progress total: cheaper than
    reading them (no validation), and counting CSV rows, not lines, so a quoted cell over two lines is one."""
    total = 0
    for path in map(Path, paths):
        start, whole = _file_start(path)
        if _wide_encoding(start) is not None or _blank(start, whole):
            total += 0 if _blank(start, whole) else 1
        elif path.suffix.lower() == ".csv":
            with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
                try:
                    total += max(sum(1 for row in csv.reader(handle) if row) - 1, 0)
                except csv.Error:  # the reader quarantines what the count cannot parse; a rough total is enough
                    total += 1
        else:
            with path.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
    return total


def as_given(statement: Statement) -> str:
    """A read record as JSON with only the fields its input gave: a quarantined record can be fixed and sent again,
    and no `"entities": []` (annotated: none) appears where the input said nothing."""
    return statement.model_dump_json(exclude_unset=True)[:2000]


def _row_as_json(row: dict) -> str:
    """A CSV row as a JSON object (cells beyond the header under null), for the quarantine's `raw`."""
    return json.dumps(row, ensure_ascii=False)[:2000]


def read_statements(paths: Iterable[Path], result: ReadResult | None = None) -> Iterator[Statement]:
    """Yields valid statements in file order; quarantined records land in `result`.

    Streams: memory holds one line at a time plus one small entry per id seen. Duplicate ids within one
    read are quarantined too: the first record wins, so a re-sent id never silently overwrites earlier
    work. A text over MAX_TEXT_CHARS is quarantined.
    """
    result = result if result is not None else ReadResult([])
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise InputFileError(f"{path}: unsupported input type {path.suffix!r}; expected one of {SUPPORTED_SUFFIXES}")
        result.files.append(str(path))
        start, whole = _file_start(path)
        wide = _wide_encoding(start)
        if wide is not None:
            # Every line would fail as invalid UTF-8: one record for the file says what to do about it.
            result.quarantined.append(QuarantinedRecord(str(path), 1, "<file>", f"the file is {wide}; save it as UTF-8", ""))
            continue
        if _blank(start, whole):
            result.notes.append(f"{path}: no records (the file is empty or blank)")
            continue
        records = _iter_csv(path, result.notes) if path.suffix.lower() == ".csv" else _iter_jsonl(path)
        for line_number, record in records:
            if isinstance(record, QuarantinedRecord):
                result.quarantined.append(record)
                continue
            if len(record.text) > MAX_TEXT_CHARS:
                result.quarantined.append(
                    QuarantinedRecord(str(path), line_number, "text", f"text is {len(record.text):,} characters; the limit is {MAX_TEXT_CHARS:,} (split documents into statements)", record.text[:200])
                )
                continue
            first = result.where(record.id)
            if first is not None:
                result.quarantined.append(
                    QuarantinedRecord(str(path), line_number, "id", f"duplicate id {record.id!r} (first seen in {first[0]}:{first[1]})", as_given(record))
                )
                continue
            result.first_seen[record.id] = ((len(result.files) - 1) << 40) + line_number
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
                record = parse_json_line(raw, model)
            except LineError as error:
                raise RecordError(f"{path}:{line_number}: field '{error.field_name}': {error}{_other_kind_hint(raw, kind)}") from None
            if record.id in seen:
                raise RecordError(f"{path}:{line_number}: duplicate id {record.id!r} (first on line {seen[record.id]})")
            seen[record.id] = line_number
            records.append(record)
    if not records:
        raise RecordError(f"{path}: the {kind} file holds no records")
    return records


def _other_kind_hint(raw: str, kind: str) -> str:
    """A hint when the record is plainly the other kind of file: gold and predictions swapped on the command line."""
    try:
        keys = set(json.loads(raw))
    except (ValueError, TypeError):
        return ""
    if kind == "gold" and "text" not in keys and {"stances", "provenance"} & keys:
        return " (this looks like a predictions file: `evaluate` takes GOLD.jsonl first, then PRED.jsonl)"
    if kind == "prediction" and "text" in keys and "gold" in keys:
        return " (this looks like a gold file: `evaluate` takes GOLD.jsonl first, then PRED.jsonl)"
    return ""


def read_gold(path: Path) -> list[Statement]:
    """All statements of a gold file, failing on the first bad record (gold must be clean to be scored)."""
    return _strict_records(path, Statement, "gold")


def read_predictions(path: Path) -> list:
    """All records of a prediction file, failing on the first bad or duplicate one."""
    from corpus.schema import PredictionRecord

    return _strict_records(path, PredictionRecord, "prediction")
