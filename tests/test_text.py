"""Tweets as words the encoder knows: hashtags and handles written out, links as one token."""

import json
import shutil

import numpy as np
import pytest

from models.baseline import EmbeddingStanceClassifier
from models.stance import CONFIG_FILE
from models.text import readable, tag_words
from tests.conftest import tiny_pairs


@pytest.mark.parametrize(
    "tag, words",
    [
        ("WhyImNotVotingForHillary", "Why Im Not Voting For Hillary"),
        ("GOPDebate", "GOP Debate"),
        ("StopHillary2016", "Stop Hillary 2016"),
        ("hillaryforprison", "hillary for prison"),
        ("lovewins", "love wins"),
        ("Benghazi", "Benghazi"),
    ],
)
def test_a_tag_becomes_its_words(tag, words):
    assert tag_words(tag) == words


def test_hashtags_handles_and_links_are_rewritten_and_the_rest_is_kept():
    tweet = "@tedcruz And, #HandOverTheServer she wiped  clean http://t.co/Ab12 #tcot"
    assert readable(tweet) == "@ted cruz And, Hand Over The Server she wiped clean http t cot"
    plain = "Minsk is to blame\nfor all of it 🙂"
    assert readable(plain) is plain


def test_the_embedding_member_reads_the_words(tmp_path):
    texts, targets, labels = tiny_pairs()
    model = EmbeddingStanceClassifier(min_target_pairs=10, C=30.0).fit(texts, targets, labels)
    raw = EmbeddingStanceClassifier(min_target_pairs=10, C=30.0, readable_text=False).fit(texts, targets, labels)
    tweet, written = "No more #OpenBorders", "No more Open Borders"
    np.testing.assert_allclose(model.embed([tweet]), raw.embed([written]), atol=1e-6)
    assert not np.allclose(raw.embed([tweet]), raw.embed([written]), atol=1e-3)


def test_heads_saved_before_the_option_keep_reading_raw_text(tmp_path):
    texts, targets, labels = tiny_pairs()
    directory = EmbeddingStanceClassifier(min_target_pairs=10, C=30.0, readable_text=False).fit(texts, targets, labels).save(tmp_path / "old")
    config = json.loads((directory / CONFIG_FILE).read_text())
    del config["hyperparameters"]["readable_text"], config["config_sha256"]  # both postdate such heads
    (directory / CONFIG_FILE).write_text(json.dumps(config))
    assert EmbeddingStanceClassifier.load(directory).hyperparameters.readable_text is False
    shutil.rmtree(directory)
    directory = EmbeddingStanceClassifier(min_target_pairs=10, C=30.0).fit(texts, targets, labels).save(tmp_path / "new")
    assert EmbeddingStanceClassifier.load(directory).hyperparameters.readable_text is True


@pytest.mark.parametrize("readable_text", [True, False])
def test_the_train_setting_reaches_every_member(readable_text):
    from models.training import build_stance_model
    from pipeline.config import TrainConfig

    settings = TrainConfig(model="stacked-ensemble", readable_text=readable_text).model_dump()
    model = build_stance_model(settings)
    assert [leaf.hyperparameters.readable_text for leaf in model.leaves()] == [readable_text] * 3
