"""Every kind of bad input goes to quarantine with file, line and reason; the valid records around it are kept."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from corpus.reader import MAX_LINE_BYTES, MAX_TEXT_CHARS, ReadResult, count_records, read_statements
from pipeline.cli import app
from tests.conftest import tiny_records

runner = CliRunner()


def _good(sid: str, text: str = "Minsk flew the migrants in on purpose.") -> dict:
    return {"id": sid, "text": text, "source_type": "tweet", "speaker": "Fuad Hussein"}


def _line(record: dict) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _read(path):
    result = ReadResult([])
    kept = list(read_statements([path], result))
    return [s.id for s in kept], {q.line: q for q in result.quarantined}


# One case per kind of bad record: (name, the bad line's bytes, field the quarantine names, words in its reason).
BAD_LINES = [
    ("malformed JSON", b'{"id": "m1", "text": "unterminated\n', "<json>", "malformed JSON"),
    ("invalid UTF-8", b'{"id": "u1", "text": "caf\xe9", "source_type": "tweet"}\n', "<line>", "invalid UTF-8"),
    ("empty text", _line({**_good("e1"), "text": ""}), "text", "empty"),
    ("whitespace text", _line({**_good("w1"), "text": " \t\u00a0 "}), "text", "empty"),
    ("text as a number", _line({**_good("n1"), "text": 123}), "text", "string"),
    ("targets as a string", _line({**_good("n2"), "targets": "Belarus"}), "targets", "list"),
    ("speaker as a list", _line({**_good("n3"), "speaker": ["a"]}), "speaker", "string"),
    ("id as a number", _line({**_good("n4"), "id": 7}), "id", "string"),
    ("a JSON array, not an object", b'[1, 2, 3]\n', "<record>", "JSON object"),
    ("unknown source type", _line({**_good("s1"), "source_type": "blog"}), "source_type", "official"),
    ("unknown field", _line({**_good("f1"), "sentiment": "pos"}), "sentiment", "Extra inputs"),
    ("text over the limit", _line(_good("big", "x" * (MAX_TEXT_CHARS + 1))), "text", "limit"),
    ("a 5 MB line", _line(_good("huge", "word " * 1_000_000)), "<line>", "limit"),
    ("a key given twice", b'{"id": "k1", "text": "first", "source_type": "tweet", "text": "second"}\n', "text", "twice"),
    # Valid JSON that decodes to half a surrogate pair: once stopped the whole batch when the text was stored.
    ("an unpaired surrogate escape", b'{"id": "p1", "text": "Minsk flights \\udc00 resumed", "source_type": "tweet"}\n', "text", "surrogate"),
    ("a target listed twice", _line({**_good("t1"), "targets": ["Voluntary repatriation", "Sanctions", "Voluntary repatriation"]}), "targets", "twice"),
    ("an empty target list", _line({**_good("t2"), "targets": []}), "targets", "empty list"),
    ("an empty target name", _line({**_good("t3"), "targets": [""]}), "targets", "empty"),
    ("a lang that is no language code", _line({**_good("l1"), "lang": "english-ish"}), "lang", "language code"),
    ("a timestamp at hour 25", _line({**_good("d1"), "date": "2021-11-10T25:00:00"}), "date", "calendar date"),
]


@pytest.mark.parametrize("name,bad,field,reason", BAD_LINES, ids=[case[0] for case in BAD_LINES])
def test_each_bad_jsonl_record_is_quarantined_between_kept_neighbours(tmp_path, name, bad, field, reason):
    path = tmp_path / "in.jsonl"
    path.write_bytes(_line(_good("before")) + bad + _line(_good("after")))
    kept, quarantined = _read(path)
    assert kept == ["before", "after"], name
    assert list(quarantined) == [2]
    assert quarantined[2].file == str(path) and quarantined[2].field == field
    assert reason.lower() in quarantined[2].reason.lower(), quarantined[2].reason


def test_malformed_json_names_the_column_of_the_line_where_it_stopped(tmp_path):
    from pipeline.ingest import read_article_records

    unclosed = '{"id": "c1", "text": "Zuwa ended the pilot.", "source_type": "tweet", "date": "2024-03-21"'  # no closing brace
    bad_value = '{"id": "c2", "text": "Zuwa ended the pilot.", "source_type": tweet}'
    path = tmp_path / "in.jsonl"
    path.write_text(f"{unclosed}\n{bad_value}\r\n", encoding="utf-8")
    _, quarantined = _read(path)
    assert quarantined[1].reason == f"malformed JSON: Expecting ',' delimiter (column {len(unclosed) + 1}, the end of the line)"
    assert quarantined[2].reason == f"malformed JSON: Expecting value (column {bad_value.index('tweet') + 1})"
    # columns count characters, not bytes, and the article reader says the same
    articles = tmp_path / "articles.jsonl"
    article = '{"text": "Žuwa ended the pilot, said the minister."'
    articles.write_text(article + "\n", encoding="utf-8")
    result = ReadResult([])
    assert list(read_article_records(articles, result)) == []
    assert result.quarantined[0].reason == f"malformed JSON: Expecting ',' delimiter (column {len(article) + 1}, the end of the line)"


def test_an_empty_required_csv_cell_is_reported_as_empty_as_in_jsonl(tmp_path):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(_line({**_good("j1"), "text": ""}) + _line({**_good(""), "text": "Minsk again."}))
    _, from_jsonl = _read(jsonl)
    csv_path = tmp_path / "in.csv"
    csv_path.write_text("id,text,source_type,speaker\nvt-24,Fine.,tweet,@a\nvt-25,,tweet,@a\n,Minsk again.,tweet,@a\n", encoding="utf-8")
    kept, from_csv = _read(csv_path)
    assert kept == ["vt-24"] and list(from_csv) == [3, 4]
    assert (from_csv[3].file, from_csv[3].field, from_csv[3].reason) == (str(csv_path), "text", "text is empty or whitespace")
    assert (from_csv[3].field, from_csv[3].reason) == (from_jsonl[1].field, from_jsonl[1].reason)
    assert (from_csv[4].field, from_csv[4].reason) == (from_jsonl[2].field, from_jsonl[2].reason)


def test_a_50_mb_line_is_never_read_whole(tmp_path):
    import tracemalloc

    path = tmp_path / "huge.jsonl"
    with path.open("wb") as out:
        out.write(b'{"id": "h", "source_type": "tweet", "text": "')
        for _ in range(50):
            out.write(b"x" * 1_000_000)
        out.write(b'"}\n' + _line(_good("after")))
    tracemalloc.start()
    kept, quarantined = _read(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert kept == ["after"] and "50,000,0" in quarantined[1].reason
    assert peak < 4 * MAX_LINE_BYTES


def test_byte_order_marks_at_the_start_and_in_the_middle_are_accepted(tmp_path):
    path = tmp_path / "bom.jsonl"
    # Two BOM-prefixed files joined with `cat`: the second BOM sits at the start of line 2.
    path.write_bytes(b"\xef\xbb\xbf" + _line(_good("a")) + b"\xef\xbb\xbf" + _line(_good("b")))
    assert _read(path) == (["a", "b"], {})
    csv_path = tmp_path / "bom.csv"
    csv_path.write_bytes(b"\xef\xbb\xbfid,text,source_type\nc1,Minsk again.,press\n")
    assert _read(csv_path) == (["c1"], {})


def test_blank_lines_are_skipped_not_quarantined(tmp_path):
    path = tmp_path / "blank.jsonl"
    path.write_bytes(_line(_good("a")) + b"\n   \n" + _line(_good("b")))
    assert _read(path) == (["a", "b"], {})


def test_a_truncated_last_line_is_quarantined(tmp_path):
    path = tmp_path / "cut.jsonl"
    path.write_bytes(_line(_good("a")) + _line(_good("b"))[:30])  # no closing brace, no newline
    kept, quarantined = _read(path)
    assert kept == ["a"] and quarantined[2].field == "<json>"
    csv_path = tmp_path / "cut.csv"
    csv_path.write_text('id,text,source_type,speaker\nc1,Fine.,press,Fuad Hussein\nc2,"Cut in the mid', encoding="utf-8")
    kept, quarantined = _read(csv_path)
    assert kept == ["c1"] and quarantined[3].field == "<row>" and "fewer cells" in quarantined[3].reason


def test_duplicate_ids_with_different_text_keep_the_first(tmp_path):
    path = tmp_path / "dup.jsonl"
    path.write_bytes(_line(_good("d1", "First text.")) + _line(_good("d1", "A different text.")) + _line(_good("d2")))
    result = ReadResult([])
    kept = list(read_statements([path], result))
    assert [(s.id, s.text) for s in kept] == [("d1", "First text."), ("d2", "Minsk flew the migrants in on purpose.")]
    assert result.quarantined[0].line == 2 and "duplicate id 'd1'" in result.quarantined[0].reason
    assert f"{path}:1" in result.quarantined[0].reason
    # `raw` is the record as given, fit to fix and send again: no fields the input never had (`"gold": null`).
    assert json.loads(result.quarantined[0].raw) == _good("d1", "A different text.")


def test_csv_missing_column_cells_wrong_types_and_bad_bytes(tmp_path):
    missing_column = tmp_path / "nocol.csv"
    missing_column.write_text("id,source_type\n1,tweet\n", encoding="utf-8")
    kept, quarantined = _read(missing_column)
    assert kept == [] and quarantined[1].field == "<header>" and "['text']" in quarantined[1].reason
    rows = tmp_path / "rows.csv"
    rows.write_bytes(
        b"id,text,source_type,date\n"
        b"r1,Fine.,press,2021-11-10\n"
        b"r2,Short row,press\n"  # a cell missing
        b"r3,Bad date.,press,last tuesday\n"
        b"r4,caf\xe9 in Minsk,press,2021-11-10\n"  # invalid UTF-8
        b"r5,Too,many,cells,here\n"
        b'r6,"' + b"y" * 200_000 + b'",press,2021-11-10\n'  # over csv's field limit
        b"r7,Also fine.,tweet,2021-11-11\n"
    )
    kept, quarantined = _read(rows)
    assert kept == ["r1", "r7"]
    assert {line: q.field for line, q in quarantined.items()} == {3: "<row>", 4: "date", 5: "<line>", 6: "<row>", 7: "<row>"}
    assert json.loads(quarantined[4].raw) == {"id": "r3", "text": "Bad date.", "source_type": "press", "date": "last tuesday"}
    assert json.loads(quarantined[6].raw)["null"] == ["here"]  # the cell beyond the header
    assert json.loads(quarantined[5].raw)["text"] == "caf\\xe9 in Minsk"  # the bad byte shown, not replaced


def test_run_stores_every_valid_record_and_exits_3_with_a_quarantine_naming_file_and_line(tmp_path, tiny_config):
    good = tiny_records()[:3]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        _line(good[0]) + b"{broken\n" + _line({**good[1], "text": "   "}) + _line(good[1]) + b"\xff\xfe\n" + _line(good[2])
        + _line({**good[0], "text": "Same id, other text."})
    )
    quarantine = tmp_path / "q.jsonl"
    config = tmp_path / "c.toml"
    config.write_text(tiny_config.read_text(encoding="utf-8").replace(str(tiny_config.parent / "quarantine.jsonl"), str(quarantine)))
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(path), "--config", str(config), "--db", str(db)])
    assert result.exit_code == 3, result.output
    stored = {row[0] for row in sqlite3.connect(db).execute("SELECT id FROM statements")}
    assert stored == {r["id"] for r in good}
    records = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["line"] for r in records) == [2, 3, 5, 7]
    assert all(r["file"] == str(path) and r["reason"] and r["at"] for r in records)
    # Nothing quarantined: exit 0.
    clean = tmp_path / "clean.jsonl"
    clean.write_bytes(b"".join(_line(r) for r in good))
    result = runner.invoke(app, ["run", str(clean), "--config", str(config), "--db", str(db)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case", ["a folder", "a JSONL file", "a path through a file"])
def test_a_store_path_that_cannot_hold_a_store_fails_in_one_line_before_models_load(tmp_path, case):
    good = tmp_path / "in.jsonl"
    good.write_bytes(_line(_good("a")))
    config = tmp_path / "c.toml"
    # A stance model folder that holds nothing: had the store check come after the model check, that would fail first.
    config.write_text(f'[stance]\nmodel_dir = "{tmp_path / "no-model"}"\n', encoding="utf-8")
    db = {"a folder": tmp_path, "a JSONL file": good, "a path through a file": good / "x.db"}[case]
    result = runner.invoke(app, ["run", str(good), "--config", str(config), "--db", str(db)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    expected = {"a folder": "is a folder", "a JSONL file": "is not a SQLite database", "a path through a file": f"{good} is a file"}[case]
    assert expected in " ".join(result.output.split()), result.output
    assert good.read_bytes() == _line(_good("a")), "the input file was left as it was"


def test_a_second_run_on_a_store_in_use_stops_before_writing(tmp_path, tiny_config):
    from pipeline.store import exclusive_run

    path = tmp_path / "in.jsonl"
    path.write_bytes(b"".join(_line(r) for r in tiny_records()[:2]))
    db = tmp_path / "s.db"
    with exclusive_run(db):  # the first run, still writing
        result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 1, result.output
    assert "another stancewatch run (pid" in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not db.exists() or not sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE name = 'statements'").fetchall()
    result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 0, result.output  # the lock went with the first run


def test_a_csv_row_over_several_lines_is_kept_and_noted(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text(
        'id,text,source_type\nc1,fine,tweet\nc6,"unterminated quote,tweet\nc7,ok seven about Poland pushbacks",press\nc8,"two\nlines",tweet\n',
        encoding="utf-8",
    )
    result = ReadResult([])
    kept = [s.id for s in read_statements([path], result)]
    assert kept == ["c1", "c6", "c8"]
    assert result.notes == [
        f"{path}:3-4: one row over 2 lines (a quoted cell with line breaks, or a quote left open that took in the rows after it)",
        f"{path}:5-6: one row over 2 lines (a quoted cell with line breaks, or a quote left open that took in the rows after it)",
    ]
    # A quote left open that swallows rows into a row of the wrong width: the quarantine says which lines went in.
    path.write_text('id,text,source_type\nc1,fine,tweet\nc2,"open quote,tweet\nc3,lost,tweet\nc4,quoted",tweet,press\n', encoding="utf-8")
    kept, quarantined = _read(path)
    assert kept == ["c1"] and list(quarantined) == [5]
    assert "lines 3-5 were read as this one row: a quote left open on line 3?" in quarantined[5].reason, quarantined[5].reason


def test_a_utf16_file_is_one_quarantined_record_and_the_other_inputs_go_on(tmp_path):
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(_line(_good("w1")).decode("utf-8").encode("utf-16"))
    good = tmp_path / "good.jsonl"
    good.write_bytes(_line(_good("g1")))
    result = ReadResult([])
    assert [s.id for s in read_statements([wide, good], result)] == ["g1"]
    assert [(q.file, q.line, q.field) for q in result.quarantined] == [(str(wide), 1, "<file>")]
    assert "UTF-16" in result.quarantined[0].reason and "save it as UTF-8" in result.quarantined[0].reason


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_named_too(tmp_path, encoding):
    wide = tmp_path / "wide.csv"
    wide.write_bytes(f"id,text\nw1,Baghdad says flights resume – إيقاف الرحلات\nw2,{'x' * 5000}\n".encode(encoding))
    result = ReadResult([])
    assert list(read_statements([wide], result)) == []
    assert [(q.line, q.field) for q in result.quarantined] == [(1, "<file>")]
    assert f"{encoding.upper().replace('-LE', 'LE').replace('-BE', 'BE')} text without a byte-order mark" in result.quarantined[0].reason


def test_utf8_text_in_a_script_without_ascii_is_not_taken_for_utf16(tmp_path):
    arabic = tmp_path / "arabic.jsonl"
    arabic.write_bytes(_line({**_good("a1"), "text": "تقول بغداد إن الرحلات ستستأنف " * 20, "lang": "ar"}))
    result = ReadResult([])
    assert [s.id for s in read_statements([arabic], result)] == ["a1"] and not result.quarantined


def test_an_empty_file_among_the_inputs_is_noted_and_a_validation_reason_reads_plainly(tmp_path):
    empty, blank, good = tmp_path / "empty.csv", tmp_path / "blank.jsonl", tmp_path / "good.jsonl"
    empty.write_bytes(b"")
    blank.write_bytes(b"\xef\xbb\xbf\n \n")
    good.write_bytes(_line(_good("g1")) + _line({**_good("g2"), "targets": []}))
    result = ReadResult([])
    assert [s.id for s in read_statements([empty, good, blank], result)] == ["g1"]
    assert result.notes == [f"{empty}: no records (the file is empty or blank)", f"{blank}: no records (the file is empty or blank)"]
    assert result.quarantined[0].reason.startswith("an empty list names no target"), "no pydantic 'Value error, ' prefix"


def test_without_a_terminal_progress_is_a_line_on_a_clock_even_while_the_count_stands_still(monkeypatch, capsys):
    import time

    from pipeline import cli

    monkeypatch.setattr(cli, "LOG_PROGRESS_SECONDS", 0.05)
    with cli._LoggedProgress() as progress:
        task = progress.add_task("enriching", total=10)
        time.sleep(0.3)  # a long first batch: nothing counted yet
        progress.advance(task, 4)
    lines = [line for line in capsys.readouterr().err.splitlines() if "enriching" in line]
    assert len(lines) >= 3 and lines[0].endswith("enriching 0/10 (0.0/s)") and " enriching 4/10 " in lines[-1], lines


def test_an_empty_input_says_so(tmp_path, tiny_config):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(empty), "--config", str(tiny_config), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 0, result.output
    assert "the input held no records" in result.output
    full = tmp_path / "full.jsonl"
    full.write_bytes(_line(tiny_records()[0]))
    result = runner.invoke(app, ["run", str(full), "--config", str(tiny_config), "--db", str(tmp_path / "s.db")])
    assert "held no records" not in result.output


def test_the_progress_total_counts_records_as_the_reader_reports_them(tmp_path):
    files = {
        "multi.csv": b'id,text,source_type\nm1,"one cell\nover two lines",tweet\n\nm2,fine,tweet\nm3,"cut,tweet\n',
        "records.jsonl": _line(_good("j1")) + b"\n  \n" + _line(_good("j2")) + b"{not json\n",
        "wide.jsonl": _line(_good("w1")).decode("utf-8").encode("utf-16"),
        "empty.csv": b"",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    paths = [tmp_path / name for name in files]
    result = ReadResult([])
    statements = list(read_statements(paths, result))
    assert count_records(paths) == len(statements) + len(result.quarantined) == 7
