import json
import shutil

from corpus.check import DATA_DIR, check_corpus
from corpus.loaders import load_split
from corpus.schema import STANCE_LABELS


def test_shipped_corpus_passes_its_own_check():
    problems, stats = check_corpus(DATA_DIR)
    assert problems == []
    assert set(stats["domains"]) >= {"border_crisis", "energy_transition"}


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
    train.write_text("".join(json.dumps(r) + "\n" for r in records))
    problems, _ = check_corpus(data)
    text = "\n".join(problems)
    assert "runs past the text" in text
    assert "leaks across splits" in text
    records[0]["gold"]["entities"] = []
    train.write_text("".join(json.dumps(r) + "\n" for r in records))
    problems, _ = check_corpus(data)
    assert any("unknown ['Something else']" in p for p in problems)
