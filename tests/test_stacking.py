"""The stacked classifier: meta heads fitted on out-of-fold member predictions, the members' API, a verified identity.

Out-of-fold stacking needs more pairs than the tiny fixtures hold, so the model here learns three targets of
our corpus's train split (726 pairs; TF-IDF and frozen-MiniLM members, no fine-tuning) and is scored on dev.
"""

import numpy as np
import pytest

from corpus.loaders import pair_rows
from corpus.reader import read_gold
from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
from models.registry import load_stance_model
from models.stacking import META_FILE, StackedStanceClassifier
from tests.conftest import TARGETS, tiny_pairs, tampered_copy

CORPUS = "corpus/data/border_crisis"
CORPUS_TARGETS = ["Belarus instrumentalizes migrants", "EU visa restrictions on Iraq", "Poland's border pushbacks"]


def _corpus_pairs(split: str) -> tuple[list[str], list[str], list[str]]:
    rows = [r for r in pair_rows(read_gold(f"{CORPUS}/{split}.jsonl")) if r["target"] in CORPUS_TARGETS]
    return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]


def _members():
    return [TfidfStanceClassifier(min_target_pairs=10, C=10.0), EmbeddingStanceClassifier(min_target_pairs=10, C=30.0)]


def _f_avg(gold, predicted) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=["favor", "against"], average="macro", zero_division=0))


@pytest.fixture(scope="module")
def stacked_dir(tmp_path_factory):
    # The shipped members, with char 3-4 grams instead of 2-5 to keep the suite fast.
    members = [TfidfStanceClassifier(C=10.0, class_weight="balanced", char_ngrams=(3, 4)), EmbeddingStanceClassifier(C=4.0)]
    model = StackedStanceClassifier(members, folds=3).fit(*_corpus_pairs("train"), dev=_corpus_pairs("dev"))
    return model.save(tmp_path_factory.mktemp("stacked") / "model")


def test_reloads_identically_and_scores_held_out_statements(stacked_dir):
    model = load_stance_model(stacked_dir)
    assert isinstance(model, StackedStanceClassifier)
    corpus_targets = sorted(CORPUS_TARGETS)
    assert set(model.meta_heads_) == {*corpus_targets, None}
    texts, targets, gold = _corpus_pairs("dev")
    probabilities = model.predict_proba(texts, targets)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-9)
    # Always "none" scores 0 here and a label-blind model about 0.3; the stack scores about 0.6.
    assert _f_avg(gold, model.predict(texts, targets)) >= 0.5
    assert model.scores_["dev F_avg"] == pytest.approx(_f_avg(gold, list(np.array(model.labels)[probabilities.argmax(1)])), abs=1e-4)
    unique = list(dict.fromkeys(texts))[:10]
    grouped = model.predict_proba_grouped(unique, [corpus_targets] * len(unique))
    np.testing.assert_allclose(np.vstack(grouped), model.predict_proba([t for t in unique for _ in corpus_targets], corpus_targets * len(unique)), atol=1e-9)
    assert {"tfidf-linear out-of-fold F_avg", "minilm-embedding-lr out-of-fold F_avg"} <= set(model.scores_)


def test_tampered_meta_heads_are_refused(stacked_dir, tmp_path):
    with pytest.raises(ValueError, match="sha256"):
        StackedStanceClassifier.load(tampered_copy(stacked_dir, tmp_path / "copy", META_FILE))


def test_fold_clones_reuse_the_chosen_hyperparameters_and_the_encodings():
    texts, targets, labels = tiny_pairs()
    member = EmbeddingStanceClassifier(min_target_pairs=10, c_grid=(0.3, 30.0))
    member.embedding_cache = {}
    member.fit(texts, targets, labels, dev=(texts, targets, labels))
    clone = member.clone_for_folds()
    chosen = member.training_.selected["per_target"]
    assert (clone.hyperparameters.C, clone.hyperparameters.class_weight) == (chosen["C"], chosen["class_weight"])
    assert not clone.heads_ and clone.embedding_cache is member.embedding_cache and set(texts) <= set(member.embedding_cache)
    np.testing.assert_allclose(member.embed(texts[:3]), member._embed(texts[:3]), atol=1e-5)


def test_a_new_target_is_added_without_refitting_and_uses_the_global_meta_head(stacked_dir):
    model = load_stance_model(stacked_dir)
    before = model.predict_proba(*tiny_pairs()[:2])
    new_target = "Airlines share the blame"
    texts = [text for text, target in zip(*tiny_pairs()[:2]) if target == TARGETS[1]]
    labels = [label for label, target in zip(tiny_pairs()[2], tiny_pairs()[1]) if target == TARGETS[1]]
    model.add_targets(texts, [new_target] * len(texts), labels)
    np.testing.assert_allclose(model.predict_proba(*tiny_pairs()[:2]), before, atol=1e-9)
    assert new_target not in model.meta_heads_
    assert np.mean([p == g for p, g in zip(model.predict(texts, [new_target] * len(texts)), labels)]) >= 0.8
    reloaded = load_stance_model(model.save(stacked_dir.parent / "with-new-target"))
    np.testing.assert_allclose(reloaded.predict_proba(texts, [new_target] * len(texts)), model.predict_proba(texts, [new_target] * len(texts)), atol=1e-9)


def test_the_card_names_a_refitted_target_apart_and_drops_its_meta_head(stacked_dir):
    model = load_stance_model(stacked_dir)
    known = CORPUS_TARGETS[0]
    texts, labels = zip(*[(text, label) for text, target, label in zip(*_corpus_pairs("dev")) if target == known][:12])
    model.add_targets(texts, [known] * len(texts), labels, data_sources=["refit.jsonl (sha256 0123456789ab)"])
    card = (model.save(stacked_dir.parent / "refitted") / "MODEL_CARD.md").read_text()
    assert f"- refitted targets ['{known}']: refit.jsonl (sha256 0123456789ab) (heads in the members;" in card, card
    assert f"meta heads for {len(CORPUS_TARGETS) - 1} targets" in card and known not in model.meta_heads_


def test_bad_settings_fail_early():
    with pytest.raises(ValueError, match="2 folds"):
        StackedStanceClassifier(_members(), folds=1)
    with pytest.raises(ValueError, match="member"):
        StackedStanceClassifier([]).fit(*tiny_pairs())


def test_a_frozen_attention_member_stacks_out_of_fold_and_shares_its_encoder_pass(tmp_path):
    from models.stance import StanceClassifier
    from models.stacking import default_stack

    texts, targets, labels = tiny_pairs()
    attention = StanceClassifier(frozen_layers=6, epochs=1, seed=13)
    model = default_stack(seed=13, folds=2, attention=attention).fit(texts, targets, labels, dev=(texts, targets, labels))
    assert "target-attention-minilm out-of-fold F_avg" in model.scores_ and len(model.members) == 3
    assert model._encoder_sharing() == [(attention, model.members[1], None)]  # the whole encoder
    reloaded = load_stance_model(model.save(tmp_path / "model"))
    np.testing.assert_allclose(reloaded.predict_proba(texts, targets), model.predict_proba(texts, targets), atol=1e-5)
    new_target = "Airlines share the blame"
    reloaded.add_targets(texts[:20], [new_target] * 20, labels[:20])
    assert reloaded.predict_proba(texts[:2], [new_target] * 2).shape == (2, 3)
