import json
import re

import pytest

from corpus.reader import InputFileError, ReadResult, RecordError, read_gold, read_statements
from tests.conftest import tiny_records, write_jsonl


def test_jsonl_and_csv_read_into_one_record_type(tmp_path):
    jsonl = write_jsonl(tmp_path / "a.jsonl", tiny_records()[:2])
    csv_path = tmp_path / "b.csv"
    csv_path.write_text(
        "id,text,source_type,speaker,date,targets\n"
        'c1,"Minsk, again, blamed Warsaw.",press,Vladimir Makei,2021-11-10,Belarus instrumentalizes migrants|Suspending flights to Minsk\n',
        encoding="utf-8",
    )
    statements = list(read_statements([jsonl, csv_path]))
    assert [s.id for s in statements] == ["t01", "t02", "c1"]
    assert statements[2].targets == ["Belarus instrumentalizes migrants", "Suspending flights to Minsk"]
    assert statements[2].date.isoformat() == "2021-11-10"


@pytest.mark.parametrize(
    ("date", "reason"),
    [("05/01/2023", "expected a date as YYYY-MM-DD"), ("20211203", "expected a date as YYYY-MM-DD"),
     (1638489600, "a YYYY-MM-DD string, got int"), ("0202-11-03", "a typo?")],
)
def test_a_date_that_does_not_say_what_it_means_is_quarantined(tmp_path, date, reason):
    path = write_jsonl(tmp_path / "d.jsonl", [{**tiny_records()[0], "date": date}, {**tiny_records()[1], "date": ""}])
    result = ReadResult([])
    kept = list(read_statements([path], result))
    assert [(s.id, s.date) for s in kept] == [("t02", None)], "an empty date is no date"
    assert [(q.line, q.field) for q in result.quarantined] == [(1, "date")] and reason in result.quarantined[0].reason


def test_bad_records_are_quarantined_with_file_line_field_and_the_rest_kept(tmp_path):
    good = tiny_records()[0]
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "id": "x2", "source_type": "blog"}),
        json.dumps({**good, "id": "x3", "text": "   "}),
        json.dumps({**good, "id": "x4", "date": "2021-13-45"}),
        json.dumps(good),  # duplicate id
        json.dumps({**good, "id": "x6", "gold": {"entities": [{"start": 0, "end": 999, "label": "GPE"}]}}),
        json.dumps({**good, "id": "x7", "gold": {"entities": [{"start": 0, "end": 3, "label": "COUNTRY"}]}}),
        json.dumps({**good, "id": "ok2"}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode() + b'{"id": "bad\xff"}\n')
    result = ReadResult([])
    kept = list(read_statements([path], result))
    assert [s.id for s in kept] == ["t01", "ok2"]
    by_line = {q.line: q for q in result.quarantined}
    assert set(by_line) == {2, 3, 4, 5, 6, 7, 8, 10}
    assert by_line[2].field == "<json>"
    assert by_line[3].field == "source_type"
    assert by_line[4].field == "text"
    assert by_line[5].field == "date"
    assert by_line[6].field == "id" and "duplicate" in by_line[6].reason
    assert "runs past the text" in by_line[7].reason
    assert by_line[8].field.startswith("gold.entities")
    assert "UTF-8" in by_line[10].reason
    assert all(q.file == str(path) for q in result.quarantined)
    assert result.write_quarantine(tmp_path / "q.jsonl") is False  # a new file: nothing was there before
    assert len((tmp_path / "q.jsonl").read_text().splitlines()) == 8
    assert result.write_quarantine(tmp_path / "q.jsonl") is True  # the next run appends to these


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(tiny_records()[0]).encode() + b"\n")
    assert [s.id for s in read_statements([path])] == ["t01"]


def test_unreadable_inputs_are_clear_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        list(read_statements([tmp_path / "missing.jsonl"]))
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(InputFileError, match="unsupported input type"):
        list(read_statements([tmp_path / "x.txt"]))
    # A CSV without a required column is bad input, not a user error: quarantined, and other files go on.
    (tmp_path / "nocol.csv").write_text("id,source_type\n1,tweet\n")
    result = ReadResult([])
    assert list(read_statements([tmp_path / "nocol.csv"], result)) == []
    assert result.quarantined[0].line == 1 and "text" in result.quarantined[0].reason


def test_gold_reader_fails_on_first_bad_record_naming_line(tmp_path):
    records = tiny_records()[:3]
    records[1]["gold"]["stances"][0]["label"] = "pro"
    path = write_jsonl(tmp_path / "gold.jsonl", records)
    with pytest.raises(RecordError, match=r"gold.jsonl:2: field 'gold.stances.0.label'"):
        read_gold(path)


def test_a_broken_json_line_reads_the_same_in_a_run_and_in_evaluate(tmp_path):
    """A truncated gold line once read as "Invalid JSON ... at line 2 column 0" under `evaluate` while the run said
    where on line 12 json stopped: both now give the run's '<json>' reason, with the column in the line."""
    records = tiny_records()[:3]
    lines = [json.dumps(r) for r in records]
    lines[1] = lines[1][:-1]  # the closing brace lost
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ReadResult([])
    assert len(list(read_statements([path], result))) == 2
    quarantined = result.quarantined[0]
    expected = f"gold.jsonl:2: field '<json>': {quarantined.reason}"
    assert (quarantined.line, quarantined.field) == (2, "<json>") and "the end of the line" in quarantined.reason
    with pytest.raises(RecordError, match=re.escape(expected)):
        read_gold(path)


def test_gold_reader_names_a_repeated_key_and_a_non_object_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    record = json.dumps(tiny_records()[0])
    path.write_text(record[:-1] + ', "lang": "en", "lang": "pl"}\n', encoding="utf-8")
    with pytest.raises(RecordError, match=r"gold.jsonl:1: field 'lang': the key appears twice"):
        read_gold(path)
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"gold.jsonl:1: field '<record>': expected a JSON object, got list"):
        read_gold(path)
