"""The weighted ensemble: dev-chosen weights on the simplex, the members' API, a verified identity on load."""

import json

import numpy as np
import pytest

from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
from models.ensemble import WeightedEnsembleStanceClassifier, _combine
from models.registry import load_stance_model
from models.stance import CONFIG_FILE
from tests.conftest import TARGETS, TINY, tiny_pairs


@pytest.fixture(scope="module")
def ensemble_dir(tmp_path_factory):
    texts, targets, labels = tiny_pairs()
    members = [TfidfStanceClassifier(min_target_pairs=10, C=10.0), EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)]
    model = WeightedEnsembleStanceClassifier(members).fit(texts, targets, labels, dev=(texts, targets, labels))
    return model.save(tmp_path_factory.mktemp("ensemble") / "model")


def test_weights_lie_on_the_simplex_and_reload_identically(ensemble_dir):
    model = load_stance_model(ensemble_dir)
    assert isinstance(model, WeightedEnsembleStanceClassifier)
    assert model.weights_.sum() == pytest.approx(1.0) and (model.weights_ >= 0).all()
    texts, targets, labels = tiny_pairs()
    probabilities = model.predict_proba(texts, targets)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-9)
    assert np.mean([p == g for p, g in zip(model.predict(texts, targets), labels)]) >= 0.9
    grouped = model.predict_proba_grouped(texts[::2], [TARGETS] * len(texts[::2]))
    np.testing.assert_allclose(np.vstack(grouped), probabilities, atol=1e-9)


def test_changed_weights_are_refused(ensemble_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(ensemble_dir, copy)
    config = json.loads((copy / CONFIG_FILE).read_text())
    config["weights"] = [1.0] + [0.0] * (len(config["weights"]) - 1)
    del config["config_sha256"]  # the identity check stands even where the config digest is gone
    (copy / CONFIG_FILE).write_text(json.dumps(config))
    with pytest.raises(ValueError, match="identity"):
        WeightedEnsembleStanceClassifier.load(copy)


def test_combination_is_a_weighted_geometric_mean():
    first = np.array([[0.8, 0.1, 0.1]])
    second = np.array([[0.2, 0.4, 0.4]])
    combined = _combine([first, second], np.array([0.5, 0.5]), 1.0)
    expected = np.sqrt(first * second)
    np.testing.assert_allclose(combined, expected / expected.sum(), atol=1e-12)
    np.testing.assert_allclose(_combine([first, second], np.array([1.0, 0.0]), 1.0), first, atol=1e-12)


def test_members_with_weight_zero_are_not_run(ensemble_dir):
    model = load_stance_model(ensemble_dir)
    texts, targets, _ = tiny_pairs()
    model.weights_ = np.array([1.0, 0.0])
    expected = _combine([model.members[0].predict_proba(texts, targets)], np.array([1.0]), model.temperature_)
    model.members[1] = None  # predicting through a zero-weight member would now fail
    np.testing.assert_allclose(model.predict_proba(texts, targets), expected, atol=1e-12)
    np.testing.assert_allclose(np.vstack(model.predict_proba_grouped(texts[::2], [TARGETS] * len(texts[::2]))), model.predict_proba(texts, targets), atol=1e-9)


def test_bf16_reaches_the_encoder_members_and_the_model_id(ensemble_dir):
    exact = load_stance_model(ensemble_dir)
    fast = load_stance_model(ensemble_dir).set_precision("bf16")
    embedding = next(m for m in fast.members if isinstance(m, EmbeddingStanceClassifier))
    tfidf = next(m for m in fast.members if isinstance(m, TfidfStanceClassifier))
    assert embedding.precision_ == "bf16" and embedding.model_id.endswith("+bf16")
    assert not tfidf.model_id.endswith("+bf16"), "a model without an encoder has no precision to name"
    assert fast.model_id == exact.model_id + "+bf16"
    texts, targets, _ = tiny_pairs()
    np.testing.assert_allclose(fast.predict_proba(texts, targets), exact.predict_proba(texts, targets), atol=0.05)


@pytest.fixture(scope="module", params=[False, True], ids=["last-layer", "layer-mix"])
def frozen_ensemble(request):
    from models.stance import StanceClassifier

    texts, targets, labels = tiny_pairs()
    frozen = StanceClassifier(frozen_layers=6, layer_mix=request.param, epochs=1, seed=13)
    members = [frozen, EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)]
    return WeightedEnsembleStanceClassifier(members).fit(texts, targets, labels, dev=(texts, targets, labels))


def test_a_frozen_encoder_is_run_once_for_both_members(frozen_ensemble):
    model = frozen_ensemble
    model.weights_ = np.array([0.5, 0.5])  # both members run, whatever the tiny dev set chose
    # The member that encodes leaves embeddings of the text as both members read it (hashtags as words).
    texts = [row[1] for row in TINY] + ["No more #OpenBorders, says @EUCommission http://t.co/x1"]
    calls = []
    hook = model.members[1].encoder_.register_forward_hook(lambda *_: calls.append(1))
    try:
        shared = np.vstack(model.predict_proba_grouped(texts, [TARGETS] * len(texts)))
        assert calls == [], "the embedding member encoded texts the frozen member had already encoded"
        model._sharing = []  # the same members, each running its own encoder
        separate = np.vstack(model.predict_proba_grouped(texts, [TARGETS] * len(texts)))
        assert calls, "without sharing the embedding member encodes for itself"
    finally:
        hook.remove()
        model._sharing = None
    np.testing.assert_allclose(shared, separate, atol=1e-4)


def test_an_encoder_fine_tuned_only_at_the_top_shares_its_pretrained_bottom_layers(frozen_ensemble):
    from models.stance import StanceClassifier

    assert [fork for _, _, fork in frozen_ensemble._encoder_sharing()] == [None]  # the whole encoder
    texts, targets, labels = tiny_pairs()
    tuned = StanceClassifier(frozen_layers=0, epochs=1, seed=13)
    model = WeightedEnsembleStanceClassifier([tuned, EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)])
    model.fit(texts, targets, labels, dev=(texts, targets, labels))
    assert model._encoder_sharing() == [], "an encoder fine-tuned from the embeddings up shares nothing"

    # The bottom four layers (and the embeddings under them) stay pretrained: one pass for both members, the
    # embedding member's top two layers run on that pass's layer-4 states.
    partly = StanceClassifier(frozen_layers=4, epochs=1, seed=13)
    model = WeightedEnsembleStanceClassifier([partly, EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)])
    model.fit(texts, targets, labels, dev=(texts, targets, labels))
    model.weights_ = np.array([0.5, 0.5])
    (_, consumer, fork), = model._encoder_sharing()
    assert not partly.encoder_frozen and fork is not None and fork[0] == 4 and len(fork[1]) == 2
    texts = [row[1] for row in TINY]
    calls = []
    hook = consumer.encoder_.register_forward_hook(lambda *_: calls.append(1))
    try:
        shared = np.vstack(model.predict_proba_grouped(texts, [TARGETS] * len(texts)))
        assert calls == [], "the embedding member ran its whole encoder although four layers were shared"
        model._sharing = []
        separate = np.vstack(model.predict_proba_grouped(texts, [TARGETS] * len(texts)))
    finally:
        hook.remove()
        model._sharing = None
    np.testing.assert_allclose(shared, separate, atol=1e-4)


def test_targets_added_later_read_once_in_the_card_with_the_members_that_add_nothing_to_them(tmp_path, tiny_gold):
    import hashlib

    from models.stance import StanceClassifier
    from models.training import add_targets_to_model
    from tests.conftest import tiny_records, write_jsonl

    texts, targets, labels = tiny_pairs()
    members = [StanceClassifier(frozen_layers=6, epochs=1, max_length=48, seed=13), TfidfStanceClassifier(min_target_pairs=10)]
    model = WeightedEnsembleStanceClassifier(members).fit(texts, targets, labels, dev=(texts, targets, labels), data_sources=[str(tiny_gold)])
    model.weights_ = np.array([1.0, 0.0])  # the member that learns the new target's head has no say
    base = model.save(tmp_path / "base")
    new_target = "Airlines share the blame"
    new_file = write_jsonl(tmp_path / "new.jsonl", [
        dict(r, targets=[new_target], gold={"stances": [{"target": new_target, "label": r["gold"]["stances"][1]["label"]}]}) for r in tiny_records()
    ])
    add_targets_to_model(base, new_file, tmp_path / "extended", None)
    card = (tmp_path / "extended" / "MODEL_CARD.md").read_text()
    # The first fit's data once (the MiniLM member, which adds no head, read the same), then the addition on its own line.
    assert f"- training data: {tiny_gold}\n" in card and "differs between members" not in card, card
    assert f"- added targets ['{new_target}']: {new_file} (sha256 {hashlib.sha256(new_file.read_bytes()).hexdigest()[:12]})" in card
    assert "target-attention-minilm reads them zero-shot" in card and "members with weight 0 (tfidf-linear) do not contribute to them" in card
    member_card = (tmp_path / "extended" / "member_1_tfidf-linear" / "MODEL_CARD.md").read_text()
    assert "no dev pairs for the added targets" in member_card and "on 0 dev pairs" not in member_card


def test_an_added_target_is_scored_by_the_members_that_learnt_it(tmp_path):
    """The fine-tuned encoder cannot add a target and reads it zero-shot (SemEval's held-out target: dev F_avg 6 against
    34-55 for the fitted heads), so an added target's pairs combine only the members that fitted heads for it; the
    targets every member learnt keep the full fit's weights."""
    from models.stance import StanceClassifier

    texts, targets, labels = tiny_pairs()
    members = [StanceClassifier(frozen_layers=6, epochs=1, max_length=48, seed=13), TfidfStanceClassifier(min_target_pairs=10)]
    model = WeightedEnsembleStanceClassifier(members).fit(texts, targets, labels, dev=(texts, targets, labels))
    model.weights_, model.temperature_ = np.array([0.6, 0.4]), 1.0
    new_target = "Airlines share the blame"
    model.add_targets([row[1] for row in TINY], [new_target] * len(TINY), [row[2] for row in TINY])
    pairs_texts, pairs_targets = texts[:4] + texts[:4], targets[:4] + [new_target] * 4
    combined = model.predict_proba(pairs_texts, pairs_targets)
    minilm, tfidf = (member.predict_proba(pairs_texts, pairs_targets) for member in model.members)
    np.testing.assert_allclose(combined[:4], _combine([minilm[:4], tfidf[:4]], np.array([0.6, 0.4]), 1.0), atol=1e-9)
    np.testing.assert_allclose(combined[4:], tfidf[4:], atol=1e-6)
    grouped = model.predict_proba_grouped(texts[:4], [[targets[i], new_target] for i in range(4)])
    np.testing.assert_allclose(np.vstack([g[1] for g in grouped]), tfidf[4:], atol=1e-6)
    card = (model.save(tmp_path / "extended") / "MODEL_CARD.md").read_text()
    assert "only these score them, their weights rescaled to sum to 1 (target-attention-minilm never saw them and has no say)" in card
