import json
import shutil
from pathlib import Path

from corpus.check import DATA_DIR, check_corpus
from corpus.loaders import load_split
from corpus.schema import STANCE_LABELS


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
