"""Stacked generalisation of stance classifiers: per-target logistic regressions over the members'
cross-validated log-probabilities.

A geometric-mean ensemble gives each member one weight for every target, but on SemEval-2016 the
n-gram model wins on some targets and the embedding model on others. The stacker learns that per
target, from out-of-fold predictions: each member is refitted on k-1 folds and predicts the held-out
fold, so the meta-learner never sees the overconfident predictions a member makes on its own
training pairs. Members keep the hyperparameters they are built with (a dev carve of a few hundred
pairs picked erratic ones: C=0.1 for TF-IDF on SemEval-2016, where 5-fold cross-validation on the
training split prefers 10); dev pairs only set one temperature and give a held-out score for the card.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from corpus.schema import STANCE_LABELS
from models.decision import DecisionRule
from models.baseline import _f_avg, addition_sources
from models.ensemble import MemberModels
from models.stance import CARD_FILE, CONFIG_FILE, _git_commit, _sha256
from models.weights import read_config, shareable, write_config

MODEL_KIND = "stacked"
META_FILE = "meta.safetensors"


def default_stack(seed: int = 13, encoder: str | None = None, folds: int = 5, attention=None, readable_text: bool = True) -> "StackedStanceClassifier":
    """TF-IDF n-grams and frozen MiniLM embeddings, with the C and class weighting that 5-fold cross-validation
    on SemEval-2016's training split preferred (TF-IDF C=10 balanced; embeddings C=4 unweighted).

    `attention`, an unfitted target-attention MiniLM model, joins as a third member: trained k + 1 times (best on a
    frozen encoder, where each training takes minutes and its encoder pass is the embedding member's too).
    `readable_text`: both members read hashtags and handles as words (models/text.py)."""
    from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier

    embedding = {"encoder": encoder} if encoder else {}
    members = [
        TfidfStanceClassifier(seed=seed, C=10.0, class_weight="balanced", readable_text=readable_text),
        EmbeddingStanceClassifier(seed=seed, C=4.0, class_weight="none", readable_text=readable_text, **embedding),
    ]
    return StackedStanceClassifier([*members, *([attention] if attention is not None else [])], folds=folds, seed=seed)


def _meta_features(probabilities: Sequence[np.ndarray]) -> np.ndarray:
    return np.hstack([np.log(np.clip(p, 1e-6, 1.0)) for p in probabilities])


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class StackedStanceClassifier(DecisionRule, MemberModels):
    """Members + per-target meta heads fitted on out-of-fold member predictions; the members' API."""

    kind = MODEL_KIND
    labels = STANCE_LABELS

    def __init__(self, members: Sequence[object] = (), folds: int = 5, meta_C: float = 1.0, min_target_pairs: int = 30, seed: int = 13) -> None:
        if folds < 2:
            raise ValueError(f"stacking needs at least 2 folds, got {folds}")
        if meta_C <= 0:
            raise ValueError(f"meta_C must be > 0, got {meta_C}")
        self.members = list(members)
        self.folds, self.meta_C, self.min_target_pairs, self.seed = folds, meta_C, min_target_pairs, seed
        self.meta_heads_: dict[str | None, object] = {}
        self.temperature_ = 1.0
        self.scores_: dict[str, float] = {}
        self.training_: dict[str, object] = {}
        self.weights_sha256_: str | None = None
        self.name_ = "stance-stacked"

    # ----- training ----------------------------------------------------------------------------------------------
    def fit(self, texts, targets, labels, dev=None, data_sources: Sequence[str] = (), progress=None) -> "StackedStanceClassifier":
        """Fits the members on all pairs, then their fold clones for out-of-fold predictions, then the meta heads.

        `dev` sets the temperature only; the members are fitted with the hyperparameters they were built with.
        """
        from sklearn.model_selection import StratifiedGroupKFold

        if not self.members:
            raise ValueError("a stacked classifier needs at least one member")
        self._sharing = None
        started = time.perf_counter()
        texts, targets, labels = list(texts), list(targets), list(labels)
        gold = np.array([STANCE_LABELS.index(label) for label in labels])
        target_array = np.array(targets, dtype=object)
        caches = [self._start_cache(member) for member in self.members]
        for member in self.members:
            member.fit(texts, targets, labels, data_sources=data_sources, progress=progress)

        # Whole statements stay in one fold (a statement labelled for seven targets must not leak across folds);
        # folds are stratified by target and label so every target's heads see every label.
        splitter = StratifiedGroupKFold(n_splits=self.folds, shuffle=True, random_state=self.seed)
        strata = [f"{t}|{label}" for t, label in zip(targets, labels)]
        out_of_fold = [np.zeros((len(texts), len(STANCE_LABELS))) for _ in self.members]
        for fold, (inside, held) in enumerate(splitter.split(texts, strata, groups=texts), start=1):
            for member, oof in zip(self.members, out_of_fold):
                clone = member.clone_for_folds()
                clone.fit([texts[i] for i in inside], [targets[i] for i in inside], [labels[i] for i in inside])
                oof[held] = clone.predict_proba([texts[i] for i in held], [targets[i] for i in held])
            if progress is not None:
                progress(1, self.folds, f"out-of-fold predictions, fold {fold}/{self.folds}")
        for member, cache in zip(self.members, caches):
            if cache:
                member.embedding_cache = None

        features = _meta_features(out_of_fold)
        self.meta_heads_ = {}
        own = [t for t in sorted(set(targets)) if (target_array == t).sum() >= self.min_target_pairs and len(set(gold[target_array == t])) >= 2]
        for head in [*own, None]:
            rows = np.arange(len(texts)) if head is None else np.flatnonzero(target_array == head)
            self.meta_heads_[head] = self._fit_meta(features[rows], gold[rows])
        cross_validated = self._meta_proba(features, targets)
        self.scores_ = {f"{m.kind} out-of-fold F_avg": round(_f_avg(labels, p), 4) for m, p in zip(self.members, out_of_fold)}
        self.scores_["stacked out-of-fold F_avg (meta in-sample)"] = round(_f_avg(labels, cross_validated), 4)
        if dev is not None and len(dev[0]):
            self._calibrate(dev)
        self.training_ = {
            "train_pairs": len(texts),
            "dev_pairs": len(dev[0]) if dev is not None else 0,
            "targets": sorted(set(targets)),
            "meta_heads": own,
            "data_sources": list(data_sources),
            "training_seconds": round(time.perf_counter() - started, 1),
            "git_commit": _git_commit(),
        }
        self.weights_sha256_ = None
        return self

    @staticmethod
    def _start_cache(member) -> bool:
        """Members that encode texts keep the encodings for their fold clones: every fold re-reads the same texts."""
        if hasattr(member, "embedding_cache"):
            member.embedding_cache = {}
            return True
        return False

    def _fit_meta(self, features: np.ndarray, gold: np.ndarray):
        from sklearn.linear_model import LogisticRegression

        from models.baseline import LinearHead

        model = LogisticRegression(C=self.meta_C, max_iter=3000, random_state=self.seed)
        labels = np.array(STANCE_LABELS, dtype=object)[gold]
        return LinearHead.from_sklearn(model.fit(features, labels))

    def _meta_proba(self, features: np.ndarray, targets: Sequence[str], temperature: float = 1.0) -> np.ndarray:
        heads = [t if t in self.meta_heads_ else None for t in targets]
        out = np.zeros((len(targets), len(STANCE_LABELS)))
        for head in dict.fromkeys(heads):
            rows = np.array([i for i, h in enumerate(heads) if h == head])
            out[rows] = self.meta_heads_[head].proba(features[rows])
        if temperature == 1.0:
            return out
        return _softmax(np.log(np.clip(out, 1e-12, 1.0)) / temperature)

    def _calibrate(self, dev) -> None:
        """One temperature for the lowest dev log-loss; argmax (and so F_avg) is unchanged by it."""
        texts, targets, labels = (list(part) for part in dev)
        gold = np.array([STANCE_LABELS.index(label) for label in labels])
        features = _meta_features([m.predict_proba(texts, targets) for m in self.members])
        rows = np.arange(len(gold))

        def log_loss(temperature: float) -> float:
            return float(-np.log(self._meta_proba(features, targets, temperature)[rows, gold] + 1e-12).mean())

        self.temperature_ = float(min(np.exp(np.linspace(np.log(0.2), np.log(5.0), 81)), key=log_loss))
        self.scores_["dev F_avg"] = round(_f_avg(labels, self._meta_proba(features, targets)), 4)
        self.scores_["dev log-loss"] = round(log_loss(self.temperature_), 4)

    def add_targets(self, texts, targets, labels, dev=None, data_sources: Sequence[str] = (), progress=None) -> "StackedStanceClassifier":
        """Members add a head per new target (a target-attention member reads it zero-shot); the global meta head
        combines them (no out-of-fold pairs to fit a new one)."""
        adding = [m for m in self.members if hasattr(m, "add_targets")]
        if not adding:
            raise ValueError("no member of this stacked model can add targets without retraining")
        for member in adding:
            member.add_targets(texts, targets, labels, dev=dev, data_sources=data_sources, progress=progress)
        for target in set(targets):
            self.meta_heads_.pop(target, None)
        self.training_["targets"] = sorted(set(self.training_.get("targets", [])) | set(targets))
        self.training_["meta_heads"] = sorted(h for h in self.meta_heads_ if h is not None)
        self.weights_sha256_ = None
        return self

    # ----- inference ---------------------------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        self._require_fitted()
        with self.one_encoder_pass():
            features = _meta_features([m.predict_proba(texts, targets) for m in self.members])
        return self._meta_proba(features, list(targets), self.temperature_)

    def predict_proba_grouped(self, texts: Sequence[str], targets_per_text: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        self._require_fitted()
        with self.one_encoder_pass():
            grouped = [m.predict_proba_grouped(texts, targets_per_text, batch_size) for m in self.members]
        results = []
        for i, targets in enumerate(targets_per_text):
            features = _meta_features([g[i] for g in grouped])
            results.append(self._meta_proba(features, list(targets), self.temperature_))
        return results

    def _require_fitted(self) -> None:
        if None not in self.meta_heads_:
            raise RuntimeError("the stacked stance classifier is not fitted: call fit() or StackedStanceClassifier.load(DIR)")

    # ----- persistence -------------------------------------------------------------------------------------------
    def _identity(self, member_hashes: Sequence[str | None], meta_sha256: str) -> str:
        identity = json.dumps({"members": list(member_hashes), "meta": meta_sha256, "t": self.temperature_})
        return hashlib.sha256(identity.encode()).hexdigest()

    def save(self, directory: Path | str) -> Path:
        from safetensors.numpy import save_file

        self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        names = []
        for index, member in enumerate(self.members):
            names.append(f"member_{index}_{member.kind}")
            member.save(directory / names[-1])
        prefixes = {head: f"h{i}" for i, head in enumerate(sorted(h for h in self.meta_heads_ if h is not None))} | {None: "global"}
        tensors = {}
        for head, prefix in prefixes.items():
            tensors[f"{prefix}.coef"] = np.ascontiguousarray(self.meta_heads_[head].coef)
            tensors[f"{prefix}.intercept"] = np.ascontiguousarray(self.meta_heads_[head].intercept)
        save_file(tensors, str(directory / META_FILE), metadata={"kind": MODEL_KIND})
        shareable(directory / META_FILE)
        meta_sha256 = _sha256(directory / META_FILE)
        self.weights_sha256_ = self._identity([m.weights_sha256_ for m in self.members], meta_sha256)
        config = {
            "kind": MODEL_KIND,
            "name": self.name_,
            "members": names,
            "member_ids": [m.model_id for m in self.members],
            "hyperparameters": {"folds": self.folds, "meta_C": self.meta_C, "min_target_pairs": self.min_target_pairs, "seed": self.seed},
            "meta_heads": [{"target": h, "prefix": p, "classes": self.meta_heads_[h].classes} for h, p in prefixes.items()],
            "meta_sha256": meta_sha256,
            "temperature": self.temperature_,
            "scores": self.scores_,
            "training": self.training_,
            "weights_sha256": self.weights_sha256_,
        }
        write_config(directory / CONFIG_FILE, config)
        (directory / CARD_FILE).write_text(self.model_card(config), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path | str) -> "StackedStanceClassifier":
        from safetensors.numpy import load_file

        from models.baseline import LinearHead
        from models.registry import load_stance_model

        directory = Path(directory)
        config = read_config(directory / CONFIG_FILE)
        if config.get("kind") != MODEL_KIND:
            raise ValueError(f"{directory / CONFIG_FILE}: kind {config.get('kind')!r} is not {MODEL_KIND!r}")
        meta_sha256 = _sha256(directory / META_FILE)
        if meta_sha256 != config["meta_sha256"]:
            raise ValueError(f"{directory / META_FILE}: sha256 {meta_sha256[:12]} does not match the config's {config['meta_sha256'][:12]}")
        model = cls([load_stance_model(directory / name) for name in config["members"]], **config["hyperparameters"])
        tensors = load_file(str(directory / META_FILE))
        for head in config["meta_heads"]:
            model.meta_heads_[head["target"]] = LinearHead(head["classes"], tensors[f"{head['prefix']}.coef"], tensors[f"{head['prefix']}.intercept"])
        model.temperature_ = float(config["temperature"])
        model.scores_, model.training_, model.name_ = config["scores"], config["training"], config["name"]
        model.weights_sha256_ = model._identity([m.weights_sha256_ for m in model.members], meta_sha256)
        if model.weights_sha256_ != config["weights_sha256"]:
            raise ValueError(f"{directory}: members or meta heads do not match the saved identity")
        return model

    def model_card(self, config: dict) -> str:
        tr = self.training_
        return "\n".join([
            f"# {self.model_id}",
            "",
            f"Stacked generalisation: per-target logistic regressions (C={self.meta_C}) over the members' {self.folds}-fold "
            "out-of-fold log-probabilities; targets without enough pairs use a global meta head. One temperature on dev.",
            "",
            "## Members",
            *(f"- {mid} (its own card in {name}/)" for mid, name in zip(config["member_ids"], config["members"])),
            "",
            "## Training data",
            *(f"- {source}" for source in tr.get("data_sources") or ["(not recorded)"]),
            f"- {tr.get('train_pairs')} training pairs, {tr.get('dev_pairs')} dev pairs; meta heads for {len(tr.get('meta_heads', []))} targets",
            *(
                f"- {addition_sources(a)} (heads in the members; the global meta head combines them for these targets)"
                for a in self.additions()
            ),
            "",
            "## Results",
            *(f"- {name}: {value}" for name, value in self.scores_.items()),
            f"- temperature {self.temperature_:.3f}; training time {tr.get('training_seconds')} s",
            "",
            "## Provenance",
            f"- git commit: {tr.get('git_commit')}",
            f"- meta heads sha256 ({META_FILE}): {config['meta_sha256']}",
            f"- identity sha256 (member weight hashes + meta heads + temperature): {self.weights_sha256_}",
            "",
        ])
