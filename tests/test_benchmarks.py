"""Every benchmark script imports and parses its command line: a rename elsewhere must not break them unseen."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import benchmarks
from corpus.external import shared_data_dir

SCRIPTS = sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if not m.name.startswith("_"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_benchmark_script_imports_and_answers_help(name, monkeypatch, capsys):
    module = importlib.import_module(f"benchmarks.{name}")
    monkeypatch.setattr("sys.argv", [name, "--help"])
    with pytest.raises(SystemExit) as exit_:
        module.main()
    assert exit_.value.code == 0 and "usage" in capsys.readouterr().out


def test_dev_sweep_refuses_a_setting_without_seeds(monkeypatch, capsys):
    from benchmarks import dev_sweep

    monkeypatch.setattr("sys.argv", ["dev_sweep", "stance", "--setting", '{"epochs": 1}'])
    with pytest.raises(SystemExit) as exit_:
        dev_sweep.main()
    assert exit_.value.code == 2 and "--setting and --seeds go together" in capsys.readouterr().err


def test_quotes_benchmark_scores_a_folder_of_annotated_articles_with_its_domain_registry(monkeypatch, capsys):
    from benchmarks import quotes

    monkeypatch.setattr("sys.argv", ["quotes", "--articles", "border_crisis", "--split", "dev", "--no-write"])
    quotes.main()
    out = capsys.readouterr().out
    assert "border-crisis articles, dev (16 articles, 215 quotes; border_crisis registry)" in out
    speaker_accuracy = float(out.split("speaker accuracy ")[1].split()[0])
    assert speaker_accuracy >= 70  # a broken resolver names far fewer of these speakers


def test_semeval_benchmark_refuses_an_unknown_ensemble_member(monkeypatch, capsys):
    from benchmarks import semeval2016

    monkeypatch.setattr("sys.argv", ["semeval2016", "--model", "ensemble", "--members", "minilm,bert", "--no-write"])
    with pytest.raises(SystemExit) as exit_:
        semeval2016.main()
    assert exit_.value.code == 2 and "unknown member bert" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/cpuinfo").is_file(), reason="reads /proc/cpuinfo (Linux)")
def test_the_machine_column_names_the_vector_unit_that_decides_bf16_speed():
    from benchmarks._common import VECTOR_UNITS, machine

    flags = set(re.search(r"^flags\s*:(.*)$", Path("/proc/cpuinfo").read_text(), re.M).group(1).split())
    widest = next((name for flag, name in VECTOR_UNITS if flag in flags), None)
    if widest is None:
        pytest.skip("this CPU has none of the vector units the column names")
    assert machine().endswith(f"({widest}), no GPU")


@pytest.mark.skipif(not (shared_data_dir() / "semeval2016_task6_stance").is_dir(), reason="../shared/data/semeval2016_task6_stance is absent")
def test_semeval_benchmark_without_test_chooses_on_dev_and_never_reads_the_test_split(tmp_path, monkeypatch, capsys):
    from benchmarks import semeval2016
    from corpus.external import semeval2016_rows

    splits_read = []

    def recording_rows(split):
        splits_read.append(split)
        return semeval2016_rows(split)

    monkeypatch.setattr(semeval2016, "semeval2016_rows", recording_rows)
    monkeypatch.setattr("sys.argv", ["semeval2016", "--model", "tfidf", "--no-test", "--save", str(tmp_path / "model")])
    semeval2016.main()
    out = capsys.readouterr().out
    assert splits_read == ["train"]
    assert "train min; dev:" in out and "test F_avg" not in out
    assert (tmp_path / "model").is_dir()


@pytest.mark.slow
@pytest.mark.skipif(not (shared_data_dir() / "semeval2016_task6_stance").is_dir(), reason="../shared/data/semeval2016_task6_stance is absent")
def test_out_of_fold_sweep_scores_every_training_tweet_once_and_combines_as_the_shipped_ensemble(tmp_path, monkeypatch):
    import json

    import numpy as np

    from benchmarks import dev_sweep
    from corpus.external import semeval2016_rows
    from evaluation.stance import f_avg
    from models.ensemble import _combine

    # Every fifth training tweet: enough per target and label for five folds, minutes instead of hours.
    rows = semeval2016_rows("train")[::5]
    monkeypatch.setattr(dev_sweep, "semeval2016_rows", lambda split: rows if split == "train" else pytest.fail(f"read {split}"))
    setting = '{"epochs": 1, "frozen_layers": 6, "head_learning_rate": 0.003}'
    monkeypatch.setattr("sys.argv", ["dev_sweep", "stance-oof", "--setting", setting, "--seeds", "13", "--device", "cpu", "--out", str(tmp_path)])
    dev_sweep.main()
    record = json.loads((tmp_path / "stance-oof.jsonl").read_text())
    minilm = np.load(tmp_path / "stance-oof-0.npz")["probabilities"]
    stacked = np.load(tmp_path / "stance-oof-stacked-seed13.npz")["probabilities"]
    assert minilm.shape == stacked.shape == (len(rows), 3) and record["tweets"] == len(rows)
    np.testing.assert_allclose(minilm.sum(1), 1.0, atol=1e-6)  # no tweet left unscored
    np.testing.assert_allclose(stacked.sum(1), 1.0, atol=1e-6)
    gold = [r["label"] for r in rows]
    ensemble = _combine([minilm, stacked], np.array([0.4, 0.6]), 1.0)
    labels = ("favor", "against", "none")
    assert record["ensemble_f_avg_at_0.4"] == round(f_avg(gold, [labels[i] for i in ensemble.argmax(1)]), 4)
    assert record["stacked_f_avg"] > 0.4, "the stacked member's out-of-fold predictions are no better than chance"
