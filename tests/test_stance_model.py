import json

import numpy as np
import pytest

from corpus.schema import STANCE_LABELS
from models.registry import load_stance_model
from models.stance import CONFIG_FILE, WEIGHTS_FILE, StanceClassifier
from tests.conftest import TARGETS, TINY, tampered_copy, tiny_pairs


def test_overfits_tiny_data_and_reloads_identically(tiny_model_dir):
    model = load_stance_model(tiny_model_dir)
    texts, targets, labels = tiny_pairs()
    predicted = model.predict(texts, targets)
    accuracy = np.mean([p == g for p, g in zip(predicted, labels)])
    assert accuracy >= 0.9, f"a model that cannot fit 30 pairs is broken (accuracy {accuracy:.2f})"
    probabilities = model.predict_proba(texts, targets)
    assert probabilities.shape == (len(texts), len(STANCE_LABELS))
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-6)
    again = StanceClassifier.load(tiny_model_dir).predict_proba(texts, targets)
    np.testing.assert_allclose(again, probabilities, atol=1e-6)


def test_grouped_prediction_matches_pairwise(tiny_model_dir):
    model = load_stance_model(tiny_model_dir)
    texts = [TINY[0][1], TINY[7][1]]
    grouped = model.predict_proba_grouped(texts, [TARGETS, TARGETS[::-1]])
    pairwise = model.predict_proba([texts[0], texts[0], texts[1], texts[1]], [TARGETS[0], TARGETS[1], TARGETS[1], TARGETS[0]])
    np.testing.assert_allclose(np.vstack(grouped), pairwise, atol=1e-5)


def test_saved_folder_has_safetensors_card_and_hash(tiny_model_dir):
    config = json.loads((tiny_model_dir / CONFIG_FILE).read_text())
    assert (tiny_model_dir / WEIGHTS_FILE).is_file()
    card = (tiny_model_dir / "MODEL_CARD.md").read_text()
    assert config["weights_sha256"] in card
    assert config["training"]["train_examples"] == 2 * len(TINY)
    assert not list(tiny_model_dir.rglob("*.pkl")) and not list(tiny_model_dir.rglob("*.bin"))


def test_tampered_weights_are_refused(tiny_model_dir, tmp_path):
    with pytest.raises(ValueError, match="does not match"):
        StanceClassifier.load(tampered_copy(tiny_model_dir, tmp_path / "copy", WEIGHTS_FILE))


def test_unfitted_and_unknown_labels_are_clear_errors(tmp_path):
    with pytest.raises(RuntimeError, match="not fitted"):
        StanceClassifier().predict(["x"], ["y"])
    with pytest.raises(ValueError, match="unknown stance labels"):
        StanceClassifier(epochs=1).fit(["x"], ["y"], ["pro"])
    with pytest.raises(FileNotFoundError, match="stancewatch train"):
        load_stance_model(tmp_path)
