"""Random records and random bytes thrown at ingest: it never crashes and never drops a valid record."""

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.reader import ReadResult, read_statements
from corpus.schema import PLAUSIBLE_YEARS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any unicode a file can hold (lone surrogates cannot be encoded as UTF-8 at all).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
WORD = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Z"), blacklist_characters="|\"'"), min_size=1, max_size=20)

valid_statement = st.fixed_dictionaries(
    {"text": TEXT.filter(lambda t: t.strip()), "source_type": st.sampled_from(["official", "tweet", "press"])},
    optional={
        "speaker": st.none() | WORD,
        "date": st.dates(min_value=dt.date(PLAUSIBLE_YEARS.start, 1, 1), max_value=dt.date(PLAUSIBLE_YEARS.stop - 1, 12, 31)).map(lambda d: d.isoformat()),
        "lang": st.sampled_from(["en", "ar", "ckb", "ru"]),
        "targets": st.lists(WORD, min_size=1, max_size=3, unique=True),
        "url": st.none() | WORD,
    },
)
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT, lambda inner: st.lists(inner) | st.dictionaries(TEXT, inner), max_leaves=8)
# Lines that are never a valid statement: raw bytes, JSON that is not an object, objects with a wrong field.
garbage_line = st.one_of(
    st.binary(max_size=80).map(lambda b: b.replace(b"\n", b" ")),
    json_value.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    st.dictionaries(TEXT, json_value, max_size=4).filter(lambda d: not {"id", "text", "source_type"} <= set(d)).map(lambda d: json.dumps(d).encode()),
    valid_statement.map(lambda r: json.dumps({**r, "id": "g", "source_type": "blog"}).encode()),
    valid_statement.map(lambda r: json.dumps({**r, "id": "g", "text": 42}).encode()),
    # Dates that do not say what they mean: a number (pydantic would take a Unix timestamp), a year out of range.
    valid_statement.map(lambda r: json.dumps({**r, "id": "g", "date": 1638489600}).encode()),
    valid_statement.map(lambda r: json.dumps({**r, "id": "g", "date": "0202-11-03"}).encode()),
)


def _read(path: Path) -> tuple[list, ReadResult]:
    result = ReadResult([])
    return list(read_statements([path], result)), result


@SETTINGS
@given(st.lists(st.one_of(valid_statement.map(lambda r: ("valid", r)), garbage_line.map(lambda b: ("garbage", b))), max_size=25), st.booleans())
def test_jsonl_keeps_every_valid_record_and_quarantines_only_garbage(items, bom):
    lines, expected = [], []
    for index, (kind, item) in enumerate(items):
        if kind == "valid":
            record = {**item, "id": f"v{index}"}
            expected.append(record)
            lines.append(json.dumps(record, ensure_ascii=index % 2 == 0).encode("utf-8"))
        else:
            lines.append(item)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.jsonl"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n")
        kept, result = _read(path)
    assert [(s.id, s.text) for s in kept] == [(r["id"], r["text"]) for r in expected]
    valid_lines = {index + 1 for index, (kind, _) in enumerate(items) if kind == "valid"}
    assert not valid_lines & {q.line for q in result.quarantined}
    assert all(q.file == str(path) and q.reason for q in result.quarantined)


@SETTINGS
@given(st.binary(max_size=2000), st.sampled_from([".jsonl", ".csv"]))
def test_random_bytes_never_crash_ingest(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"random{suffix}"
        path.write_bytes(data)
        kept, result = _read(path)
    assert all(q.file == str(path) and q.line >= 1 for q in result.quarantined)
    assert all(s.text.strip() for s in kept)


@SETTINGS
@given(st.lists(st.one_of(valid_statement.map(lambda r: ("valid", r)), st.sampled_from(["short", "long", "badtype", "bytes"])), max_size=20))
def test_csv_keeps_every_valid_row_between_broken_ones(items):
    header = ["id", "text", "source_type", "speaker", "date", "targets"]
    out = io.StringIO()
    writer = csv.writer(out)  # its \r\n terminator makes it quote a field holding a bare \r
    writer.writerow(header)
    expected = []
    for index, item in enumerate(items):
        if isinstance(item, tuple):
            record = {**item[1], "id": f"v{index}"}
            expected.append(record)
            writer.writerow([record["id"], record["text"], record["source_type"], record.get("speaker") or "", record.get("date", ""), "|".join(record.get("targets", []))])
        elif item == "short":
            writer.writerow([f"b{index}", "cut"])
        elif item == "long":
            writer.writerow([f"b{index}", "text", "press", "", "", "", "extra"])
        elif item == "badtype":
            writer.writerow([f"b{index}", "text", "blog", "", "", ""])
        else:
            out.write("\x00\x01 garbage without quotes\r\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.csv"
        path.write_text(out.getvalue(), encoding="utf-8", newline="")
        kept, _ = _read(path)
    assert [(s.id, s.text) for s in kept] == [(r["id"], r["text"]) for r in expected]
