from pathlib import Path

import pytest

from pipeline.config import ConfigError, StancewatchConfig, load_config
from pipeline.enrich import configured_targets


def test_defaults_score_the_border_crisis_targets():
    config = load_config(None)
    assert len(configured_targets(config)) == 7
    assert config.store.db == Path(".stancewatch/stancewatch.db")


def test_unknown_keys_and_bad_values_name_the_place(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[nlp]\nbatch_sise = 3\n")
    with pytest.raises(ConfigError, match=r"\[nlp.batch_sise\]"):
        load_config(path)
    path.write_text("[train]\nepochs = 0\n")
    with pytest.raises(ConfigError, match=r"\[train.epochs\]"):
        load_config(path)
    path.write_text("[train]\nepochs = true\n")
    with pytest.raises(ConfigError, match=r"\[train.epochs\] Input should be a valid integer"):
        load_config(path)
    path.write_text("[train]\nlearning_rate = true\n")
    with pytest.raises(ConfigError, match=r"\[train.learning_rate\] Input should be a valid number"):
        load_config(path)
    path.write_text("[train]\nhead_learning_rate = 1\n")  # an integer is still a number
    assert load_config(path).train.head_learning_rate == 1.0
    path.write_text("[train\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(path)


def test_paths_written_in_the_file_are_relative_to_it(tmp_path):
    path = tmp_path / "sub" / "c.toml"
    path.parent.mkdir()
    path.write_text('[store]\ndb = "x.db"\n[targets]\nfile = "t.toml"\nnames = ["A"]\n')
    config = load_config(path)
    assert config.store.db == path.parent / "x.db"
    assert config.store.quarantine == StancewatchConfig().store.quarantine
    assert config.targets.file == path.parent / "t.toml"
