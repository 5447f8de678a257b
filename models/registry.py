"""Which class loads a saved model folder: read from the folder's config, never guessed from its name."""

from __future__ import annotations

import json
from pathlib import Path

from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
from models.ensemble import WeightedEnsembleStanceClassifier
from models.stacking import StackedStanceClassifier
from models.stance import CONFIG_FILE, MODEL_KIND, StanceClassifier

STANCE_MODEL_KINDS = {
    MODEL_KIND: StanceClassifier,
    TfidfStanceClassifier.kind: TfidfStanceClassifier,
    EmbeddingStanceClassifier.kind: EmbeddingStanceClassifier,
    WeightedEnsembleStanceClassifier.kind: WeightedEnsembleStanceClassifier,
    StackedStanceClassifier.kind: StackedStanceClassifier,
}


def load_stance_model(directory: Path):
    config_path = Path(directory) / CONFIG_FILE
    if not config_path.is_file():
        from models.claims import CLAIMS_CONFIG_FILE

        if (Path(directory) / CLAIMS_CONFIG_FILE).is_file():
            raise FileNotFoundError(f"{directory}: holds a check-worthiness (claims) model, not a stance model")
        raise FileNotFoundError(
            f"{directory}: no trained stance model here ({CONFIG_FILE} missing); "
            "train one with `stancewatch train --train GOLD.jsonl --out NEW_FOLDER` and point [stance] model_dir at it"
        )
    kind = json.loads(config_path.read_text(encoding="utf-8")).get("kind")
    if kind not in STANCE_MODEL_KINDS:
        raise ValueError(f"{config_path}: unknown model kind {kind!r}; known: {sorted(STANCE_MODEL_KINDS)}")
    return STANCE_MODEL_KINDS[kind].load(directory)


def load_claims_model(directory: Path):
    """A saved check-worthiness model of any kind (models/claims.py), by the kind its config names."""
    from models.claims import CLAIMS_CONFIG_FILE, CLAIMS_MODEL_KINDS, read_claims_config

    kind = read_claims_config(Path(directory)).get("kind")
    if kind not in CLAIMS_MODEL_KINDS:
        raise ValueError(f"{Path(directory) / CLAIMS_CONFIG_FILE}: unknown claims model kind {kind!r}; known: {sorted(CLAIMS_MODEL_KINDS)}")
    return CLAIMS_MODEL_KINDS[kind].load(directory)


def trained_targets(model) -> frozenset[str]:
    """The targets a stance model (or any of an ensemble's members) saw labelled examples of: any other target it
    scores zero-shot, from the target's words alone."""
    members = getattr(model, "members", None)
    if members:
        return frozenset().union(*(trained_targets(member) for member in members))
    return frozenset(getattr(getattr(model, "training_", None), "targets", None) or ())
