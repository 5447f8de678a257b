import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from corpus.targets import load_targets
from pipeline.cli import app, normalise_argv
from tests.conftest import ROOT, TARGETS, tiny_records, write_jsonl

runner = CliRunner()


def test_targets_flag_takes_several_values():
    argv = ["predict", "in.jsonl", "--out", "p.jsonl", "--targets", "T1", "T2", "--model", "m"]
    assert normalise_argv(argv) == ["predict", "in.jsonl", "--out", "p.jsonl", "--targets", "T1", "--targets", "T2", "--model", "m"]


def test_run_stores_statements_and_quarantines_bad_ones(tmp_path, tiny_config):
    records = tiny_records()[:4]
    path = tmp_path / "in.jsonl"
    bad = "".join(f'{{"id": "bad{i}", "source_type": "tweet"}}\n' for i in range(6))
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + bad, encoding="utf-8")
    db = tmp_path / "run.db"
    result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert "quarantined" in result.output and "in.jsonl:5" in result.output and "… and 1 more in" in result.output
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM statements").fetchone()[0] == 4
    assert connection.execute("SELECT COUNT(DISTINCT statement_id) FROM stances").fetchone()[0] == 4
    assert connection.execute("SELECT COUNT(*) FROM statements WHERE speaker_actor IS NOT NULL").fetchone()[0] == 4
    # A second run skips what this model already scored and stores nothing twice; --rerun re-scores.
    again = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert re.search(r"skipped: already scored\s*│\s*4", again.output), again.output
    assert connection.execute("SELECT COUNT(*) FROM statements").fetchone()[0] == 4
    forced = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db), "--rerun"])
    assert re.search(r"skipped: already scored\s*│\s*0", forced.output), forced.output
    assert connection.execute("SELECT COUNT(*) FROM stances").fetchone()[0] == 4 * len(TARGETS)


def test_a_rerun_takes_corrected_dates_and_a_conflict_names_the_input_line(tmp_path, tiny_config):
    records = tiny_records()[:3]
    path, db = tmp_path / "in.jsonl", tmp_path / "run.db"
    write_jsonl(path, records)
    assert runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)]).exit_code == 0
    corrected = [
        dict(records[0], date="2022-02-02", outlet="Rudaw"),
        {k: v for k, v in records[1].items() if k != "date"},
        dict(records[2], text=records[2]["text"] + " Changed."),  # same id, other text: refused
    ]
    write_jsonl(path, corrected)
    result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert re.search(r"skipped: already scored\s*│\s*2", result.output) and re.search(r"corrected date, url, outlet\s*│\s*1", result.output)
    conflict = json.loads((tiny_config.parent / "quarantine.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (conflict["file"], conflict["line"], conflict["field"]) == (str(path), 3, "id")
    stored = dict(sqlite3.connect(db).execute("SELECT id, date || '/' || IFNULL(outlet, '') FROM statements").fetchall())
    assert stored[records[0]["id"]] == "2022-02-02/Rudaw"
    assert stored[records[1]["id"]].startswith(records[1]["date"]), "a field the input leaves out erases nothing"
    write_jsonl(path, [dict(records[0], date="2022-02-02", outlet="", url="   ")])  # blank says nothing either
    blank = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert "corrected date" not in blank.output, blank.output
    row = sqlite3.connect(db).execute("SELECT outlet, url FROM statements WHERE id=?", (records[0]["id"],)).fetchone()
    assert row == ("Rudaw", None)


def test_a_corrected_date_moves_an_office_to_its_holder_on_that_date(tmp_path, tiny_config):
    record = dict(tiny_records()[0], id="pm-1", speaker="Iraqi Prime Minister", date="2022-11-05")
    path, db = tmp_path / "in.jsonl", tmp_path / "run.db"
    write_jsonl(path, [record])
    assert runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)]).exit_code == 0
    connection = sqlite3.connect(db)
    actor = "SELECT speaker_actor FROM statements WHERE id='pm-1'"
    assert connection.execute(actor).fetchone()[0] == "Mohammed Shia al-Sudani"
    write_jsonl(path, [dict(record, date="2021-11-05")])
    result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert re.search(r"corrected date, url, outlet\s*│\s*1", result.output), result.output
    assert connection.execute(actor).fetchone()[0] == "Mustafa Al-Kadhimi"
    write_jsonl(path, [{k: v for k, v in record.items() if k != "date"}])  # no date given: the stored date and actor stand
    result = runner.invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db), "--rerun"])
    assert connection.execute(actor).fetchone()[0] == "Mustafa Al-Kadhimi"
    assert "stored without a date" not in result.output and re.search(r"speakers resolved to actors\s*│\s*1/1", result.output)


def test_training_into_a_folder_that_holds_a_model_keeps_that_model_aside(tmp_path, tiny_gold):
    config = tmp_path / "c.toml"
    config.write_text('[train]\nmodel = "tfidf"\n')
    out = tmp_path / "model"
    assert runner.invoke(app, ["train", "--train", str(tiny_gold), "--out", str(out), "--config", str(config)]).exit_code == 0
    first = (out / "stance_config.json").read_text()
    # Weights as readable as the config beside them (safetensors alone leaves 0600): a shared model folder loads.
    assert (out / "heads.safetensors").stat().st_mode & 0o777 == (out / "stance_config.json").stat().st_mode & 0o777
    again = runner.invoke(app, ["train", "--train", str(tiny_gold), "--out", str(out), "--config", str(config)])
    assert again.exit_code == 0, again.output
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("model.replaced-")]
    assert len(kept) == 1 and (kept[0] / "stance_config.json").read_text() == first and (out / "stance_config.json").is_file()
    assert not any(p.name.startswith(".model.training") for p in tmp_path.iterdir())
    shared = tmp_path / "shared"  # a folder holding other files: they stay, the model joins them
    shared.mkdir()
    (shared / "notes.txt").write_text("mine")
    assert runner.invoke(app, ["train", "--train", str(tiny_gold), "--out", str(shared), "--config", str(config)]).exit_code == 0
    assert (shared / "notes.txt").read_text() == "mine" and (shared / "stance_config.json").is_file()
    partly = write_jsonl(tmp_path / "partly.jsonl", [*tiny_records(), {"id": "ents-only", "text": "Minsk again.", "source_type": "tweet", "gold": {"entities": []}}])
    assert runner.invoke(app, ["train", "--train", str(partly), "--out", str(tmp_path / "partly"), "--config", str(config)]).exit_code == 0
    card = (tmp_path / "partly" / "MODEL_CARD.md").read_text()
    assert f"(1 of its {len(tiny_records()) + 1} records have no gold.stances and were left out)" in card, card
    a_file = tmp_path / "afile.txt"
    a_file.write_text("hi")
    refused = runner.invoke(app, ["train", "--train", str(tiny_gold), "--out", str(a_file), "--config", str(config)])
    assert refused.exit_code == 1 and "is a file" in refused.output and a_file.read_text() == "hi"


def test_targets_the_model_never_trained_on_are_named(tmp_path, tiny_config, tiny_gold, tiny_model_dir):
    argv = ["predict", str(tiny_gold), "--out", str(tmp_path / "p.jsonl"), "--model", str(tiny_model_dir), "--config", str(tiny_config),
            "--targets", TARGETS[0], "Dam filling on the Almeda"]
    result = runner.invoke(app, normalise_argv(argv))
    assert result.exit_code == 0, result.output
    note = " ".join(result.output.split())
    assert "targets new to this model, scored zero-shot: 'Dam filling on the Almeda'. Their labels are often wrong" in note, result.output


def test_a_new_target_that_nearly_names_a_trained_one_asks_did_you_mean_and_is_kept_as_given(tmp_path, tiny_config, tiny_model_dir):
    miscased, misspelt = TARGETS[1].lower().replace(" ", "  ", 1), TARGETS[0].replace("instrumentalizes", "instrumentalises")
    out = tmp_path / "p.jsonl"
    argv = ["predict", str(write_jsonl(tmp_path / "in.jsonl", tiny_records()[:2])), "--out", str(out), "--model", str(tiny_model_dir),
            "--config", str(tiny_config), "--targets", miscased, misspelt, "Dam filling on the Almeda"]
    result = runner.invoke(app, normalise_argv(argv))
    assert result.exit_code == 0, result.output
    note = " ".join(result.output.split())
    assert f"'{misspelt}' (did you mean '{TARGETS[0]}'?)" in note, note
    assert f"(did you mean '{TARGETS[1]}'?)" in note and "'Dam filling on the Almeda', " in note, note
    assert {s["target"] for line in out.read_text().splitlines() for s in json.loads(line)["stances"]} == {miscased, misspelt, "Dam filling on the Almeda"}
    # `run` says the same of a record's own targets, and stores them as given
    record = {**_without_gold(tiny_records()[0]), "targets": [TARGETS[0].upper()]}
    db = tmp_path / "s.db"
    ran = runner.invoke(app, ["run", str(write_jsonl(tmp_path / "own.jsonl", [record])), "--config", str(tiny_config), "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    assert f"'{TARGETS[0].upper()}' (did you mean '{TARGETS[0]}'?)" in " ".join(ran.output.split()), ran.output
    with sqlite3.connect(db) as connection:
        assert {row[0] for row in connection.execute("select target from stances")} == {TARGETS[0].upper()}


def _without_gold(record: dict) -> dict:
    return {key: value for key, value in record.items() if key != "gold"}


def test_the_run_says_when_records_naming_their_own_targets_leave_config_targets_out(tmp_path, tiny_config):
    own = [{**_without_gold(record), "targets": [TARGETS[0]]} for record in tiny_records()[:2]]
    configured = {**_without_gold(tiny_records()[2]), "targets": None}  # no targets of its own: scored on the config's
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(write_jsonl(tmp_path / "in.jsonl", [*own, configured])), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert re.search(r"config targets left out: own targets\s*│\s*2", result.output), result.output
    note = " ".join(result.output.split())
    left_out = note.split("2 statement(s) name their own `targets`, which win over the config's [targets]: they were not scored on ")[1]
    assert f"'{TARGETS[1]}'" in left_out.split(". ")[0] and f"'{TARGETS[0]}'" not in left_out.split(". ")[0], note
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*) from stances where target = ?", (TARGETS[1],)).fetchone() == (1,)


def test_a_missing_input_fails_before_any_model_loads_and_leaves_nothing_behind(tmp_path, tiny_config):
    db, out = tmp_path / "never.db", tmp_path / "never.jsonl"
    result = runner.invoke(app, ["run", str(tmp_path / "nothere.jsonl"), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 1 and "nothere.jsonl: no such file" in result.output and not db.exists()
    result = runner.invoke(app, ["predict", str(tmp_path), "--out", str(out), "--config", str(tiny_config)])
    assert result.exit_code == 1 and "is a folder" in result.output
    assert list(tmp_path.iterdir()) == []


def test_predict_then_evaluate_round_trip(tmp_path, tiny_config, tiny_gold, tiny_model_dir):
    out = tmp_path / "pred.jsonl"
    argv = ["predict", str(tiny_gold), "--out", str(out), "--model", str(tiny_model_dir), "--config", str(tiny_config), "--targets", *TARGETS]
    result = runner.invoke(app, normalise_argv(argv))
    assert result.exit_code == 0, result.output
    assert "new to this model" not in result.output, "every target was trained on"
    predictions = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(predictions) == len(tiny_records())
    first = predictions[0]
    assert {s["target"] for s in first["stances"]} == set(TARGETS)
    assert set(first["stances"][0]["probs"]) == {"favor", "against", "none"}
    assert first["speaker_actor"]["name"] == "Fuad Hussein"
    assert first["provenance"]["weights_sha256"] and first["provenance"]["content_hash"]
    report_path = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", str(tiny_gold), str(out), "--json", str(report_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(report_path.read_text())
    assert report["stance"]["pairs"] == 2 * len(tiny_records())
    assert report["stance"]["f_avg"] > 0.8
    assert set(report["stance_per_target"]) == set(TARGETS) and report["other_text_ids"] == []
    assert "gold_taught_model" not in report  # the default config's model did not make these predictions
    # The gold file is the one the model was trained and tuned on: said, whether the model comes from the config or --model.
    for where in (["--config", str(tiny_config)], ["--model", str(tiny_model_dir)]):
        page = tmp_path / "report.html"
        result = runner.invoke(app, ["evaluate", str(tiny_gold), str(out), "--json", str(report_path), "--html", str(page), *where], env={"COLUMNS": "300"})
        assert result.exit_code == 0 and "The gold file taught" in result.output and "The gold file taught" in page.read_text(), result.output
        taught = json.loads(report_path.read_text())["gold_taught_model"]
        assert taught["model"] == first["provenance"]["model_id"] and len(taught["sources"]) == 2  # train and dev
    wrong_model = runner.invoke(app, ["evaluate", str(tiny_gold), str(out), "--model", str(tmp_path)])
    assert wrong_model.exit_code == 1 and "no saved stance model here" in wrong_model.output
    # Gold whose text changed since the predictions were made: still scored by id, and named.
    edited = write_jsonl(tmp_path / "edited.jsonl", [dict(r, text=r["text"] + " (edited)") if r["id"] == "t01" else r for r in tiny_records()])
    result = runner.invoke(app, ["evaluate", str(edited), str(out), "--json", str(report_path), "--model", str(tiny_model_dir)])
    assert result.exit_code == 0 and "predictions made on other text" in result.output, result.output
    assert json.loads(report_path.read_text())["other_text_ids"] == ["t01"] and "taught" not in result.output


def test_evaluate_reports_missing_and_extra_ids(tmp_path, tiny_gold):
    predictions = [{"id": "t01", "stances": [{"target": TARGETS[0], "label": "favor", "probs": {"favor": 1.0, "against": 0.0, "none": 0.0}}]},
                   {"id": "zzz", "stances": []}]
    pred = write_jsonl(tmp_path / "p.jsonl", predictions)
    result = runner.invoke(app, ["evaluate", str(tiny_gold), str(pred), "--json", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert "t02" in report["missing_ids"] and report["extra_ids"] == ["zzz"]
    assert {"id": "t01", "target": TARGETS[1]} in report["missing_pairs"]
    swapped = runner.invoke(app, ["evaluate", str(pred), str(tiny_gold)])
    assert swapped.exit_code == 1 and "this looks like a predictions file" in " ".join(swapped.output.split()), swapped.output


def test_user_errors_exit_1_with_one_line(tmp_path):
    bad_config = tmp_path / "c.toml"
    bad_config.write_text("[stance]\nmodel_dri = 'x'\n")
    result = runner.invoke(app, ["run", str(tmp_path / "x.jsonl"), "--config", str(bad_config)])
    assert result.exit_code == 1 and "model_dri" in result.output
    result = runner.invoke(app, ["evaluate", str(tmp_path / "none.jsonl"), str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and "no such gold file" in result.output


def test_train_and_predict_with_a_configured_baseline_model(tmp_path, tiny_gold):
    config = tmp_path / "c.toml"
    config.write_text(f'[train]\nmodel = "tfidf"\n[targets]\nnames = {json.dumps(TARGETS)}\n[store]\nquarantine = "{tmp_path / "q.jsonl"}"\n')
    out = tmp_path / "model"
    result = runner.invoke(app, ["train", "--train", str(tiny_gold), "--dev", str(tiny_gold), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    saved = json.loads((out / "stance_config.json").read_text())
    assert saved["kind"] == "tfidf-linear"
    predictions = tmp_path / "p.jsonl"
    result = runner.invoke(app, ["predict", str(tiny_gold), "--out", str(predictions), "--model", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    first = json.loads(predictions.read_text().splitlines()[0])
    assert first["provenance"]["weights_sha256"] == saved["weights_sha256"]
    assert len(first["stances"]) == len(TARGETS)


def test_a_new_target_is_added_without_retraining(tmp_path, tiny_gold):
    base_records = [dict(r, targets=TARGETS[:1], gold={"stances": r["gold"]["stances"][:1]}) for r in tiny_records()]
    new_records = [dict(r, targets=TARGETS[1:], gold={"stances": r["gold"]["stances"][1:]}) for r in tiny_records()]
    base_file, new_file = write_jsonl(tmp_path / "base.jsonl", base_records), write_jsonl(tmp_path / "new.jsonl", new_records)
    config = tmp_path / "c.toml"
    config.write_text('[train]\nmodel = "tfidf"\n')
    base, extended = tmp_path / "base", tmp_path / "extended"
    assert runner.invoke(app, ["train", "--train", str(base_file), "--out", str(base), "--config", str(config)]).exit_code == 0
    result = runner.invoke(app, ["train", "--train", str(new_file), "--dev", str(new_file), "--out", str(extended), "--init-from", str(base)])
    assert result.exit_code == 0, result.output
    from models.registry import load_stance_model

    before, after = load_stance_model(base), load_stance_model(extended)
    assert TARGETS[1] not in before.heads_ and TARGETS[1] in after.heads_
    texts = [r["text"] for r in tiny_records()]
    # The old target's head is untouched: identical probabilities.
    assert (before.predict_proba(texts, [TARGETS[0]] * len(texts)) == after.predict_proba(texts, [TARGETS[0]] * len(texts))).all()
    assert "few labelled pairs" in " ".join(result.output.split()), "a handful of pairs fits a head, and the command says so"
    card = (extended / "MODEL_CARD.md").read_text()
    assert "added targets" in card
    assert f"targets added later to {before.model_id} ({TARGETS[1]}; {len(new_records)} training pairs: {TARGETS[1]} favor" in card
    assert f"on {len(new_records)} dev pairs" in card and f"dev: {new_file}" in card
    # The first fit's commit stays in the card; the extension's own is on its line.
    assert f"- git commit: {before.training_.git_commit}" in card and "targets in the first fit" in card


def test_refitting_a_known_target_is_warned_of_and_carded_apart_with_the_files_hashes(tmp_path, tiny_gold):
    import hashlib

    def sha(path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]

    config = tmp_path / "c.toml"
    config.write_text('[train]\nmodel = "tfidf"\n')
    base, refit = tmp_path / "base", tmp_path / "refit"
    assert runner.invoke(app, ["train", "--train", str(tiny_gold), "--out", str(base), "--config", str(config)]).exit_code == 0
    assert f"- {tiny_gold} (sha256 {sha(tiny_gold)})" in (base / "MODEL_CARD.md").read_text()
    earlier = json.loads((base / "stance_config.json").read_text())["training"]["train_examples"] // len(TARGETS)
    # Six statements for a target the model already learnt from the training file: a refit, not an addition.
    refit_file = write_jsonl(tmp_path / "refit.jsonl", [dict(r, targets=TARGETS[:1], gold={"stances": r["gold"]["stances"][:1]}) for r in tiny_records()[:6]])
    result = runner.invoke(app, ["train", "--train", str(refit_file), "--out", str(refit), "--init-from", str(base)])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"refits targets {base} already knew: '{TARGETS[0]}' ({earlier} pairs in the earlier fit, 6 now)" in output, result.output
    card = (refit / "MODEL_CARD.md").read_text()
    assert f"- refitted targets ['{TARGETS[0]}']: {refit_file} (sha256 {sha(refit_file)})" in card and "added targets" not in card, card
    assert f"{len(TARGETS)} targets in the first fit" in card
    assert f"({TARGETS[0]} ({earlier} pairs before, 6 now); 6 training pairs" in card and "no dev pairs for the refitted targets" in card


def test_a_folder_without_a_model_or_a_broken_registry_fails_before_the_pipeline_starts(tmp_path, tiny_config):
    path = write_jsonl(tmp_path / "in.jsonl", tiny_records()[:2])
    out = tmp_path / "p.jsonl"
    result = runner.invoke(app, ["predict", str(path), "--out", str(out), "--config", str(tiny_config), "--model", str(tmp_path / "nomodel")])
    assert result.exit_code == 1 and "no trained stance model here" in result.output
    assert "predicting" not in result.output and not out.exists()
    broken = tmp_path / "actors.toml"
    broken.write_text("[[actor]]\nname = \n", encoding="utf-8")
    config = tmp_path / "c.toml"
    config.write_text(tiny_config.read_text(encoding="utf-8") + f'\n[actors]\nregistry = ["{broken}"]\n', encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--config", str(config), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1 and "actors.toml: invalid TOML" in result.output and "enriching" not in result.output
    assert not (tmp_path / "s.db").exists()
    targets = tmp_path / "targets.toml"
    targets.write_text("[[target]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"targets\.toml: invalid TOML"):
        load_targets(targets)


def test_an_unsupported_input_type_or_a_pipe_fails_before_any_model_loads_and_creates_no_store(tmp_path, tiny_config):
    import os

    gz = tmp_path / "in.jsonl.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00")
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(gz), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 1 and "unsupported input type '.gz'" in result.output and "enriching" not in result.output
    assert not db.exists()
    page = tmp_path / "a.pdf"
    page.write_bytes(b"%PDF")
    result = runner.invoke(app, ["predict", str(page), "--articles", "--out", str(tmp_path / "p.jsonl"), "--config", str(tiny_config)])
    assert result.exit_code == 1 and "articles are read from .txt, .html, .htm, .jsonl files" in result.output
    fifo = tmp_path / "in.jsonl"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["run", str(fifo), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 1 and "not a regular file" in result.output and not db.exists()


def test_python_dash_m_runs_the_cli_as_the_script_does(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "missing.jsonl"
    completed = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(missing)], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 1 and "no such file" in completed.stdout + completed.stderr


def test_run_records_the_targets_its_model_knows_so_trends_name_the_zero_shot_ones(tmp_path, tiny_config):
    records = [{**record, "targets": [TARGETS[0], "Dam filling on the Almeda"], "gold": None} for record in tiny_records()]
    db = tmp_path / "zs.db"
    result = runner.invoke(app, ["run", str(write_jsonl(tmp_path / "in.jsonl", records)), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["trends", "--db", str(db), "--by", "actor", "--min-count", "1"], env={"COLUMNS": "400"})
    assert shown.exit_code == 0, shown.output
    assert "scored 'Dam filling on the Almeda' zero-shot: it never saw a labelled example of it" in shown.output
    assert repr(TARGETS[0]) not in shown.output.split("zero-shot:")[1]
