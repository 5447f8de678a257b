"""Labels from probabilities: argmax by default, F_avg offsets fitted on dev only when asked."""

import json

import numpy as np
import pytest

from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
from models.decision import DecisionRule, fit_decision_offsets
from models.ensemble import WeightedEnsembleStanceClassifier
from models.registry import load_stance_model
from models.stance import CONFIG_FILE
from tests.conftest import tiny_pairs


def _underconfident_favor(rows: int = 200) -> tuple[np.ndarray, list[str]]:
    """Every favor pair gives favor 0.40 against none's 0.45: argmax calls them all none, F_avg wants them favor."""
    gold = ["favor", "against", "none", "none"] * (rows // 4)
    probabilities = {"favor": [0.40, 0.15, 0.45], "against": [0.05, 0.80, 0.15], "none": [0.10, 0.10, 0.80]}
    return np.array([probabilities[label] for label in gold]), gold


def test_offsets_recover_a_class_that_argmax_misses():
    probabilities, gold = _underconfident_favor()
    rule = DecisionRule()
    assert "favor" not in rule.decide(probabilities)
    rule.decision_offsets_ = fit_decision_offsets(probabilities, gold)
    assert rule.decision_offsets_[0] > np.log(0.45 / 0.40) and rule.decision_offsets_[2] == 0.0
    assert rule.decide(probabilities) == gold


def test_no_offsets_where_argmax_is_already_right():
    probabilities, gold = _underconfident_favor()
    probabilities[np.array(gold) == "favor"] = [0.80, 0.10, 0.10]
    assert DecisionRule().decide(probabilities) == gold
    np.testing.assert_allclose(fit_decision_offsets(probabilities, gold), 0.0)


def test_offsets_are_deterministic_and_check_their_input():
    probabilities, gold = _underconfident_favor()
    np.testing.assert_array_equal(fit_decision_offsets(probabilities, gold), fit_decision_offsets(probabilities, gold))
    with pytest.raises(ValueError, match="gold labels"):
        fit_decision_offsets(probabilities, gold[:-1])


def test_ensemble_fits_saves_and_reloads_its_offsets(tmp_path):
    texts, targets, labels = tiny_pairs()
    members = [TfidfStanceClassifier(min_target_pairs=10, C=10.0), EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)]
    model = WeightedEnsembleStanceClassifier(members, decision="f_avg").fit(texts, targets, labels, dev=(texts, targets, labels))
    assert model.decision_offsets_ is not None
    reloaded = load_stance_model(model.save(tmp_path / "model"))
    np.testing.assert_array_equal(reloaded.decision_offsets_, model.decision_offsets_)
    assert reloaded.predict(texts, targets) == model.decide(model.predict_proba(texts, targets))
    config = json.loads((tmp_path / "model" / CONFIG_FILE).read_text())
    config["decision_offsets"] = [0.0, 0.9, 0.0]
    del config["config_sha256"]  # the identity check stands even where the config digest is gone
    (tmp_path / "model" / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ValueError, match="identity"):
        load_stance_model(tmp_path / "model")


def test_unknown_decision_is_refused():
    with pytest.raises(ValueError, match="decision must be one of"):
        WeightedEnsembleStanceClassifier([], decision="threshold")
