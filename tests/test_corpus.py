import json
import shutil
from pathlib import Path

import pytest

from corpus.check import DATA_DIR, check_corpus
from corpus.loaders import load_split
from corpus.schema import STANCE_LABELS
from corpus.targets import load_targets


def test_shipped_corpus_passes_its_own_check():
    problems, stats = check_corpus(DATA_DIR)
    assert problems == []
    assert set(stats["domains"]) >= {"border_crisis", "energy_transition"}
    border = stats["domains"]["border_crisis"]  # the figures corpus/README.md gives
    assert border["per_month"]["2021-11"] == 196 and sum(border["per_month"].values()) == sum(border["splits"].values())
    assert border["hard_cases"]["multi_target"] == 97


def test_loaders_return_datasets():
    pairs = load_split("border_crisis", "dev", pairs=True)
    assert set(pairs.column_names) >= {"id", "text", "target", "label"}
    assert set(pairs["label"]) <= set(STANCE_LABELS)
    statements = load_split("border_crisis", "test")
    assert len(statements) * 7 == len(load_split("border_crisis", "test", pairs=True))


def test_check_catches_bad_offsets_leakage_and_unknown_targets(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "border_crisis", data / "border_crisis")
    train = data / "border_crisis" / "train.jsonl"
    test = data / "border_crisis" / "test.jsonl"
    records = [json.loads(line) for line in train.read_text().splitlines()]
    records[0]["gold"]["entities"] = [{"start": 0, "end": len(records[0]["text"]) + 5, "label": "GPE"}]
    records[1]["gold"]["stances"][0]["target"] = "Something else"
    leaked = json.loads(test.read_text().splitlines()[0])
    leaked["id"] = "leaked-copy"
    records.append(leaked)
    lines = [json.dumps(r) for r in records]
    lines[4] = lines[4][:-1] + ', "speaker": "Someone else"}'  # json keeps the last speaker silently
    train.write_text("".join(line + "\n" for line in lines))
    problems, _ = check_corpus(data)
    text = "\n".join(problems)
    assert "train.jsonl:5: field 'speaker': the key appears twice" in text
    assert "field 'gold.entities.0'" in text and "runs past the text" in text
    assert "leaks across splits" in text
    assert "field 'gold.stances.0.target'" in text and "not among the record's targets" in text
    assert "does not resolve" not in text
    records[0]["gold"]["entities"] = []
    records[2]["speaker"] = "Iraqi Prime Minister"  # an office: resolves on the statement's date, as in `run`
    records[3]["speaker"], records[3]["date"] = "Iraqi Prime Minister", None
    records[1]["targets"][0] = "Something else"  # consistent now, but not a target of the domain
    train.write_text("".join(json.dumps(r) + "\n" for r in records))
    problems, _ = check_corpus(data)
    assert any("unknown ['Something else']" in p for p in problems)
    unresolved = [p for p in problems if "does not resolve" in p]
    assert len(unresolved) == 1 and records[3]["id"] in unresolved[0] and "border_crisis.toml" in unresolved[0]


def test_a_corpus_kept_elsewhere_is_checked_with_its_own_targets_and_actors(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    shipped = Path(__file__).resolve().parents[1] / "corpus"
    domain = tmp_path / "data" / "river"
    domain.mkdir(parents=True)
    for split in ("train", "dev", "test"):
        (domain / f"{split}.jsonl").write_text((shipped / "data" / "border_crisis" / f"{split}.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    runner = CliRunner()
    missing = runner.invoke(app, ["corpus", "check", "--data", str(tmp_path / "data")])
    assert missing.exit_code == 1 and "give --targets FILE" in " ".join(missing.output.split()), missing.output
    given = ["--targets", str(shipped / "targets" / "border_crisis.toml"), "--actors", str(shipped / "actors" / "border_crisis.toml")]
    assert runner.invoke(app, ["corpus", "check", "--data", str(tmp_path / "data"), *given]).exit_code == 0
    (domain / "targets.toml").write_text((shipped / "targets" / "border_crisis.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (domain / "actors.toml").write_text((shipped / "actors" / "border_crisis.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["corpus", "check", "--data", str(tmp_path / "data")])
    assert result.exit_code == 0 and "corpus OK" in result.output, result.output
    # A data file the check does not read is named, not passed over: its records would never be checked or trained on.
    (domain / "statements.csv").write_text("id,text,source_type\nx1,A text.,tweet\n", encoding="utf-8")
    stray = runner.invoke(app, ["corpus", "check", "--data", str(tmp_path / "data")], env={"COLUMNS": "400"})
    assert stray.exit_code == 1 and "statements.csv: not read" in " ".join(stray.output.split()), stray.output


BAD_REGISTRY_FILES = {
    "favour key": ("targets", '[[target]]\nname = "A"\nfavour = "x"\n', "[[target]] #1 ('A'): unknown keys ['favour']"),
    "duplicate target": ("targets", '[[target]]\nname = "A"\n\n[[target]]\nname = "A"\n', "target names defined twice: ['A']"),
    "actor defined twice": (
        "actors", '[[actor]]\nname = "X"\nkind = "person"\naffiliation = "P"\n\n[[actor]]\nname = "X"\nkind = "person"\naffiliation = "Q"\n',
        "actor 'X' was defined at",
    ),
    "alias collision": (
        "actors", '[[actor]]\nname = "X"\nkind = "person"\n\n[[actor]]\nname = "Y"\nkind = "person"\naliases = ["x"]\n',
        "alias 'x' of 'Y' already names 'X'",
    ),
    "unknown kind": ("actors", '[[actor]]\nname = "X"\nkind = "planet"\n', "kind 'planet' is not one of"),
}


@pytest.mark.parametrize("case", BAD_REGISTRY_FILES)
def test_corpus_check_names_a_bad_targets_or_actors_file_in_one_error_line(tmp_path, case):
    from typer.testing import CliRunner

    from pipeline.cli import app

    kind, text, message = BAD_REGISTRY_FILES[case]
    bad = tmp_path / f"{kind}.toml"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "check", f"--{kind}", str(bad)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}") and message in lines[0], result.output


def test_a_target_with_a_name_and_a_wrong_key_is_not_said_to_lack_its_name(tmp_path):
    path = tmp_path / "targets.toml"
    path.write_text('[[target]]\nname = "A"\nfavour = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown keys \['favour'\]") as error:
        load_targets(path)
    assert "needs 'name'" not in str(error.value)
    path.write_text('[[target]]\nfavor = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"#1: needs 'name'$"):
        load_targets(path)


def test_a_press_record_needs_a_quote_and_the_check_says_which_way_it_lacks_one(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR / "border_crisis", data / "border_crisis")
    train = data / "border_crisis" / "train.jsonl"
    records = [json.loads(line) for line in train.read_text(encoding="utf-8").splitlines()]
    empty, missing = [i for i, r in enumerate(records) if r["source_type"] == "press"][:2]
    records[empty]["gold"]["quotes"] = []
    del records[missing]["gold"]["quotes"]
    train.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    problems, _ = check_corpus(data)
    quotes = sorted(p for p in problems if "gold.quotes" in p)
    assert quotes == sorted([
        f"{train}:{empty + 1} ({records[empty]['id']}): press record with an empty gold.quotes list: a press record of the gold "
        "corpus quotes someone, so it needs at least one quote",
        f"{train}:{missing + 1} ({records[missing]['id']}): press record without gold.quotes: annotate its quotes (at least one)",
    ])
