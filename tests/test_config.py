from pathlib import Path

import pytest

from pipeline.config import ConfigError, StancewatchConfig, load_config
from pipeline.enrich import configured_targets


def test_defaults_score_the_border_crisis_targets():
    config = load_config(None)
    assert len(configured_targets(config)) == 7
    assert config.store.db == Path(".stancewatch/stancewatch.db")


@pytest.mark.parametrize(
    "text,message",
    [
        ("[nlp]\nbatch_sise = 3\n", r"\[nlp.batch_sise\]"),
        ("[train]\nepochs = 0\n", r"\[train.epochs\]"),
        ("[train]\nepochs = true\n", r"\[train.epochs\] Input should be a valid integer"),  # a bool is no count
        ("[train]\nlearning_rate = true\n", r"\[train.learning_rate\] Input should be a valid number"),
        ("[train\n", "invalid TOML"),
    ],
)
def test_unknown_keys_and_bad_values_name_the_place(tmp_path, text, message):
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_an_integer_is_still_a_number(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[train]\nhead_learning_rate = 1\n")
    assert load_config(path).train.head_learning_rate == 1.0


def test_paths_written_in_the_file_are_relative_to_it(tmp_path):
    path = tmp_path / "sub" / "c.toml"
    path.parent.mkdir()
    path.write_text('[store]\ndb = "x.db"\n[targets]\nfile = "t.toml"\nnames = ["A"]\n')
    config = load_config(path)
    assert config.store.db == path.parent / "x.db"
    assert config.store.quarantine == StancewatchConfig().store.quarantine
    assert config.targets.file == path.parent / "t.toml"
