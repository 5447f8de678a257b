"""Training from a `datasets` corpus: the code path a hub id takes, exercised on a local folder (no network here)."""

import csv
import json

import pytest
from typer.testing import CliRunner

from corpus.hub import HubStanceSource, hub_stance_rows
from pipeline.cli import app
from tests.conftest import TARGETS, tiny_pairs

runner = CliRunner()
SEMEVAL_SPELLING = {"favor": "FAVOR", "against": "AGAINST", "none": "NONE"}


def write_split(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["Tweet", "Target", "Stance"])
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def dataset_dir(tmp_path):
    """A folder laid out like a hub dataset: one CSV per split, SemEval's column names and label spellings."""
    folder = tmp_path / "semeval-like"
    folder.mkdir()
    rows = [{"Tweet": t, "Target": g, "Stance": SEMEVAL_SPELLING[label]} for t, g, label in zip(*tiny_pairs())]
    write_split(folder / "train.csv", rows)
    write_split(folder / "validation.csv", rows[::3])
    return folder


def test_columns_and_label_spellings_map_onto_our_schema(dataset_dir):
    source = HubStanceSource(str(dataset_dir), "validation", text_column="Tweet", label_column="Stance", target_column="Target")
    rows = hub_stance_rows(source)
    texts, targets, labels = tiny_pairs()
    assert [(r["text"], r["target"], r["label"]) for r in rows] == list(zip(texts, targets, labels))[::3]
    single = hub_stance_rows(HubStanceSource(str(dataset_dir), text_column="Tweet", label_column="Stance", target_column=None, target="Flights"))
    assert {r["target"] for r in single} == {"Flights"}


def test_a_single_local_data_file_is_read_in_its_format(dataset_dir, tmp_path):
    texts, targets, labels = tiny_pairs()
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text("".join(json.dumps({"Tweet": t, "Target": g, "Stance": label}) + "\n" for t, g, label in zip(texts, targets, labels)))
    for path in (dataset_dir / "train.csv", jsonl):
        rows = hub_stance_rows(HubStanceSource(str(path), text_column="Tweet", label_column="Stance", target_column="Target"))
        assert [(r["text"], r["target"], r["label"]) for r in rows] == list(zip(texts, targets, labels))
    with pytest.raises(ValueError, match="a single file holds one split"):
        hub_stance_rows(HubStanceSource(str(jsonl), "validation", text_column="Tweet", label_column="Stance", target_column="Target"))


def test_bad_labels_and_columns_name_the_dataset_row_and_field(dataset_dir):
    write_split(dataset_dir / "train.csv", [{"Tweet": "ok", "Target": "T", "Stance": "FAVOR"}, {"Tweet": "x", "Target": "T", "Stance": "MAYBE"}])
    with pytest.raises(ValueError, match=r"record 2 \(counting from 1, a CSV header not counted\): field 'Stance': label 'MAYBE' is none of"):
        hub_stance_rows(HubStanceSource(str(dataset_dir), text_column="Tweet", label_column="Stance", target_column="Target"))
    with pytest.raises(ValueError, match=r"no column\(s\) \['text'\]; it has \['Tweet', 'Target', 'Stance'\]"):
        hub_stance_rows(HubStanceSource(str(dataset_dir), label_column="Stance", target_column="Target"))


def test_stancewatch_train_reads_a_dataset_and_records_where_it_came_from(tmp_path, dataset_dir):
    config = tmp_path / "c.toml"
    config.write_text(f'[train]\nmodel = "tfidf"\n[targets]\nnames = {json.dumps(TARGETS)}\n')
    out = tmp_path / "model"
    arguments = ["train", "--dataset", str(dataset_dir), "--dev-split", "validation", "--text-column", "Tweet",
                 "--label-column", "Stance", "--target-column", "Target", "--out", str(out), "--config", str(config)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    card = (out / "MODEL_CARD.md").read_text()
    assert f"{dataset_dir}, split train" in card and f"{dataset_dir}, split validation" in card
    from models.registry import load_stance_model

    texts, targets, labels = tiny_pairs()
    accuracy = sum(p == g for p, g in zip(load_stance_model(out).predict(texts, targets), labels)) / len(labels)
    assert accuracy >= 0.9, f"a model trained on the dataset's rows should fit them (accuracy {accuracy:.2f})"
    both = runner.invoke(app, ["train", "--train", "x.jsonl", "--dataset", str(dataset_dir), "--out", str(out)])
    assert both.exit_code == 1 and "exactly one of --train" in both.output


def test_a_dataset_file_is_named_with_its_sha256_in_the_card(tmp_path, dataset_dir):
    import hashlib

    config = tmp_path / "c.toml"
    config.write_text('[train]\nmodel = "tfidf"\n')
    data, out = dataset_dir / "train.csv", tmp_path / "model"
    arguments = ["train", "--dataset", str(data), "--text-column", "Tweet", "--label-column", "Stance", "--target-column", "Target",
                 "--out", str(out), "--config", str(config)]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 0, result.output
    card = (out / "MODEL_CARD.md").read_text()
    assert f"- {data}, split train (sha256 {hashlib.sha256(data.read_bytes()).hexdigest()[:12]})" in card, card
