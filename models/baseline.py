"""Classical stance baselines with StanceClassifier's API: TF-IDF n-grams or frozen MiniLM embeddings, linear heads.

They train in a minute or two on two cores, give the fine-tuned model a floor to beat and a partner to stack
with, and need no GPU. Each target with enough training pairs gets its own logistic regression; one global,
target-conditioned regression covers every other target, unseen ones included. C and class weighting are
chosen on the dev pairs handed to `fit` (carved from training data, never the test split).

Saved models are JSON + safetensors arrays (vocabularies, idf, coefficients): nothing a user loads is
unpickled, and predictions are plain numpy arithmetic on those arrays.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np

from corpus.schema import STANCE_LABELS
from models.decision import DecisionRule, argmax_labels
from models._torch import build_encoder, inference_context, prepare_torch, resolve_precision
from models.encoders import DEFAULT_ENCODER, resolve_encoder
from models.text import readable
from models.stance import CARD_FILE, CONFIG_FILE, _git_commit, _sha256
from models.weights import read_config, shareable, write_config

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

WEIGHTS_FILE = "heads.safetensors"
TFIDF_KIND = "tfidf-linear"
EMBEDDING_KIND = "minilm-embedding-lr"
CLASS_WEIGHTS = ("none", "balanced")

Pairs = tuple[Sequence[str], Sequence[str], Sequence[str]]
Progress = Callable[[int, int, str], None]
Head = str | None  # a target's own head, or None for the global one
Choice = tuple[float, str]  # (C, class_weight)


@dataclass
class LinearHeadHyperparameters:
    """Shared by both baselines; `C` and `class_weight` are used as given only when `fit` gets no dev pairs."""

    # Options added after models were saved, with the value that keeps those models as they were trained.
    SAVED_BEFORE_OPTIONS: ClassVar[dict[str, Any]] = {"readable_text": False}

    min_target_pairs: int = 30
    C: float = 1.0
    class_weight: str = "balanced"
    c_grid: tuple[float, ...] = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
    class_weight_grid: tuple[str, ...] = CLASS_WEIGHTS
    max_iter: int = 3000
    # lbfgs and a frozen encoder are deterministic: the seed is recorded for the card and matches StanceClassifier's API.
    seed: int = 13
    # Hashtags and handles as words, links as `http` (models/text.py). The embedding model encodes that form; the
    # TF-IDF model counts the n-grams of the raw text and of that form (`#lovewins`: its characters and `love wins`).
    readable_text: bool = True

    def __post_init__(self) -> None:
        # JSON round trips turn tuples into lists.
        self.c_grid = tuple(float(c) for c in self.c_grid)
        self.class_weight_grid = tuple(self.class_weight_grid)
        for weight in (self.class_weight, *self.class_weight_grid):
            if weight not in CLASS_WEIGHTS:
                raise ValueError(f"class weighting must be one of {CLASS_WEIGHTS}, got {weight!r}")
        if not self.c_grid or not self.class_weight_grid:
            raise ValueError("c_grid and class_weight_grid need at least one value each")
        if min(self.C, *self.c_grid) <= 0:
            raise ValueError(f"C must be > 0, got C={self.C} and c_grid={self.c_grid}")
        if self.min_target_pairs < 1:
            raise ValueError(f"min_target_pairs must be >= 1, got {self.min_target_pairs}")


@dataclass
class TfidfHyperparameters(LinearHeadHyperparameters):
    word_ngrams: tuple[int, int] = (1, 3)
    char_ngrams: tuple[int, int] = (2, 5)
    # Char n-grams seen once in a target's few hundred tweets are mostly noise and double the vocabulary.
    char_min_df: int = 2

    def __post_init__(self) -> None:
        super().__post_init__()
        self.word_ngrams = (int(self.word_ngrams[0]), int(self.word_ngrams[1]))
        self.char_ngrams = (int(self.char_ngrams[0]), int(self.char_ngrams[1]))


@dataclass
class EmbeddingHyperparameters(LinearHeadHyperparameters):
    # Unit-length 384-d embeddings need weaker regularisation than sparse TF-IDF.
    C: float = 3.0
    c_grid: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0, 30.0)
    encoder: str = DEFAULT_ENCODER
    max_length: int = 128
    batch_size: int = 64
    threads: int | None = None


@dataclass
class BaselineTrainingRecord:
    """What the model card reports: data, what dev chose and why, and the cost."""

    train_examples: int = 0
    dev_examples: int = 0
    label_counts: dict[str, int] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    # Training pairs per target in the fit its head came from: a refit from fewer pairs is then named with both counts.
    target_pairs: dict[str, int] = field(default_factory=dict)
    target_heads: list[str] = field(default_factory=list)
    selected: dict[str, dict[str, Any]] = field(default_factory=dict)
    dev_grid: list[dict[str, Any]] = field(default_factory=list)
    dev_f_avg: float | None = None
    dev_macro_f1: float | None = None
    training_seconds: float = 0.0
    data_sources: list[str] = field(default_factory=list)
    git_commit: str | None = None
    encoder_sha256: str | None = None
    # One entry per `add_targets` call: the targets (those already learnt listed again as `refitted`, with their
    # `earlier_pairs`), their training pairs and files, and their dev F_avg (None without dev pairs).
    added_targets: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class LinearHead:
    """One logistic regression as plain arrays: all that is saved and all that prediction needs."""

    classes: list[str]
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def from_sklearn(cls, model: Any) -> "LinearHead":
        # Copies: a warm-started model goes on to overwrite its coefficients for the next C.
        return cls([str(c) for c in model.classes_], model.coef_.astype(np.float64), model.intercept_.astype(np.float64))

    def proba(self, features: Any) -> np.ndarray:
        """(n, 3) in STANCE_LABELS order; a label the head never saw in training gets probability 0."""
        from scipy.special import expit

        scores = np.asarray(features @ self.coef.T) + self.intercept
        if len(self.classes) == 2:  # sklearn keeps one row for binary problems: logistic, not softmax
            positive = expit(scores[:, 0])
            known = np.column_stack([1.0 - positive, positive])
        else:
            shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
            known = shifted / shifted.sum(axis=1, keepdims=True)
        out = np.zeros((known.shape[0], len(STANCE_LABELS)))
        out[:, [STANCE_LABELS.index(label) for label in self.classes]] = known
        return out


class _LinearHeadsStance(DecisionRule):
    """Per-target heads + a global fallback, dev selection, persistence; subclasses supply the features.

    Heads are keyed by target; the key None is the global head, so no target name can collide with it.
    """

    kind: ClassVar[str]
    labels = STANCE_LABELS
    hyperparameter_class: ClassVar[type[LinearHeadHyperparameters]]
    default_name: ClassVar[str]

    def __init__(self, **hyperparameters: Any) -> None:
        self.hyperparameters = self.hyperparameter_class(**hyperparameters)
        self.heads_: dict[Head, LinearHead] = {}
        self.training_ = BaselineTrainingRecord()
        self.weights_sha256_: str | None = None
        self.name_ = self.default_name

    @property
    def model_id(self) -> str:
        return f"{self.name_}@{(self.weights_sha256_ or 'unsaved')[:12]}"

    def set_precision(self, precision: str) -> Self:
        """Inference arithmetic of the encoder, for the models that have one (see EmbeddingStanceClassifier)."""
        resolve_precision(precision)
        return self

    # ----- what subclasses provide ------------------------------------------------------------------------------
    def _encode(self, texts: Sequence[str], targets: Sequence[str]) -> Any:
        """Per-call work shared by all heads (the embedding model encodes each unique text once here)."""
        return list(texts), list(targets)

    def _encode_for_prediction(self, texts: Sequence[str], targets: Sequence[str]) -> Any:
        """As `_encode`, once the heads are fixed: work that depends on every head's featurizer may be shared."""
        return self._encode(texts, targets)

    def _features(self, head: Head, encoded: Any, rows: np.ndarray, fit: bool) -> Any:
        """Feature matrix of `rows` for `head`; `fit` also fits that head's featurizer."""
        raise NotImplementedError

    def _description(self) -> str:
        raise NotImplementedError

    def _reset(self) -> None:
        """Forgets what an earlier fit learnt, so that refitting on other targets leaves no stale head."""
        self.heads_ = {}
        self.weights_sha256_ = None

    def _extra_tensors(self) -> dict[str, np.ndarray]:
        return {}

    def _restore(self, tensors: dict[str, np.ndarray]) -> None:
        """Rebuilds featurizers once the heads are back."""

    def _encoder_sha256(self) -> str | None:
        return None

    # ----- training --------------------------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        labels: Sequence[str],
        dev: Pairs | None = None,
        data_sources: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Self:
        """Fits one head per well-populated target and a global head; with `dev`, picks C and class weight by dev F_avg."""
        hp = self.hyperparameters
        _check_labels(labels, "training")
        if dev is not None:
            _check_labels(dev[2], "dev")
        if len(texts) == 0:
            raise ValueError("no training pairs: the training data holds no gold stances")
        if len(set(labels)) < 2:
            raise ValueError(f"all training pairs are labelled {labels[0]!r}: a classifier needs at least two stance labels")
        started = time.perf_counter()
        train_targets, label_array = np.array(targets, dtype=object), np.array(labels, dtype=object)
        own_heads = [
            t for t in sorted(set(targets))
            if (train_targets == t).sum() >= hp.min_target_pairs and len(set(label_array[train_targets == t])) >= 2
        ]
        grid = [(c, w) for w in hp.class_weight_grid for c in sorted(hp.c_grid)] if dev is not None else [(hp.C, hp.class_weight)]
        dev_texts, dev_targets, dev_gold = (list(part) for part in (dev or ((), (), ())))
        dev_rows: dict[Head, np.ndarray] = {t: np.flatnonzero(np.array(dev_targets, dtype=object) == t) for t in own_heads}
        dev_rows[None] = np.arange(len(dev_targets))

        self._reset()
        encoded = self._encode(list(texts) + dev_texts, list(targets) + dev_targets)
        candidates: dict[Head, dict[Choice, LinearHead]] = {}
        dev_proba: dict[Head, dict[Choice, np.ndarray]] = {}
        for head in [*own_heads, None]:
            train_rows = np.arange(len(texts)) if head is None else np.flatnonzero(train_targets == head)
            features = self._features(head, encoded, train_rows, fit=True)
            has_dev = len(dev_rows[head]) > 0
            dev_features = self._features(head, encoded, len(texts) + dev_rows[head], fit=False) if has_dev else None
            candidates[head], dev_proba[head] = {}, {}
            for choice, fitted in self._fit_path(features, label_array[train_rows], grid):
                candidates[head][choice] = fitted
                dev_proba[head][choice] = fitted.proba(dev_features) if has_dev else np.zeros((0, len(STANCE_LABELS)))
            if progress is not None:
                progress(1, len(own_heads) + 1, f"fitted the {head or 'global'} head")

        # Own heads share one choice, scored on their pooled dev pairs; the global head is scored on every dev pair,
        # standing in for the unseen targets it exists for.
        selected: dict[str, dict[str, Any]] = {}
        dev_grid: list[dict[str, Any]] = []
        for group, heads in ([("per_target", own_heads)] if own_heads else []) + [("global", [None])]:
            gold = [dev_gold[i] for h in heads for i in dev_rows[h]]
            scores = {choice: _f_avg(gold, np.vstack([dev_proba[h][choice] for h in heads])) for choice in grid} if gold else {}
            dev_grid += [{"heads": group, "C": c, "class_weight": w, "dev_f_avg": round(v, 4)} for (c, w), v in scores.items()]
            # max keeps the first of equal scores: unweighted before balanced, the stronger regularisation first.
            best = max(grid, key=lambda choice: scores.get(choice, -1.0))
            selected[group] = {"C": best[0], "class_weight": best[1]}
            self.heads_.update({h: candidates[h][best] for h in heads})

        dev_f_avg = dev_macro = None
        if dev_gold:
            from sklearn.metrics import f1_score

            proba = dev_proba[None][_choice(selected["global"])].copy()
            for head in own_heads:
                proba[dev_rows[head]] = dev_proba[head][_choice(selected["per_target"])]
            predicted = argmax_labels(proba)
            dev_f_avg = round(_f_avg(dev_gold, proba), 4)
            dev_macro = round(float(f1_score(dev_gold, predicted, labels=list(STANCE_LABELS), average="macro", zero_division=0)), 4)

        self.training_ = BaselineTrainingRecord(
            train_examples=len(texts),
            dev_examples=len(dev_gold),
            label_counts={label: int((label_array == label).sum()) for label in STANCE_LABELS},
            targets=sorted(set(targets)),
            target_pairs=dict(sorted(Counter(targets).items())),
            target_heads=own_heads,
            selected=selected,
            dev_grid=dev_grid,
            dev_f_avg=dev_f_avg,
            dev_macro_f1=dev_macro,
            training_seconds=round(time.perf_counter() - started, 1),
            data_sources=list(data_sources),
            git_commit=_git_commit(),
            encoder_sha256=self._encoder_sha256(),
        )
        return self

    def add_targets(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        labels: Sequence[str],
        dev: Pairs | None = None,
        data_sources: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Self:
        """Fits a head for each target in these pairs and keeps every other head, the global one included.

        An analyst's new target costs one small fit, not a retrain; a target already known gets its
        head refitted on the new pairs alone (recorded as `refitted`, apart from the added ones). C and
        class weight are the ones the full fit chose for per-target heads, or chosen on `dev` pairs of
        the new targets when given.
        """
        self._require_fitted()
        _check_labels(labels, "training")
        if len(texts) == 0:
            raise ValueError("no pairs to add: the file holds no gold stances")
        started = time.perf_counter()
        selected = self.training_.selected.get("per_target") or self.training_.selected["global"]
        dev_texts, dev_targets, dev_gold = (list(part) for part in (dev or ((), (), ())))
        new_targets = sorted(set(targets))
        dev_has_new = any(t in new_targets for t in dev_targets)
        hp = self.hyperparameters
        grid = [(c, w) for w in hp.class_weight_grid for c in sorted(hp.c_grid)] if dev_has_new else [_choice(selected)]
        encoded = self._encode(list(texts) + dev_texts, list(targets) + dev_targets)
        train_targets, label_array = np.array(targets, dtype=object), np.array(labels, dtype=object)
        dev_target_array = np.array(dev_targets, dtype=object)
        for target in new_targets:
            rows = np.flatnonzero(train_targets == target)
            if len(set(label_array[rows])) < 2:
                raise ValueError(f"target {target!r}: all {len(rows)} pairs share one label; a head needs at least two")
            features = self._features(target, encoded, rows, fit=True)
            dev_rows = np.flatnonzero(dev_target_array == target)
            dev_features = self._features(target, encoded, len(texts) + dev_rows, fit=False) if len(dev_rows) else None
            fitted = list(self._fit_path(features, label_array[rows], grid))
            if dev_features is not None:
                gold = [dev_gold[i] for i in dev_rows]
                fitted.sort(key=lambda item: -_f_avg(gold, item[1].proba(dev_features)))
            self.heads_[target] = fitted[0][1]
            if progress is not None:
                progress(1, len(new_targets), f"fitted the {target} head")
        record = self.training_
        new_dev = np.flatnonzero(np.isin(dev_target_array, new_targets)) if len(dev_target_array) else np.array([], dtype=int)
        dev_f_avg = None
        if len(new_dev):
            new_dev_texts, new_dev_targets = [dev_texts[i] for i in new_dev], [dev_targets[i] for i in new_dev]
            dev_f_avg = round(_f_avg([dev_gold[i] for i in new_dev], self.predict_proba(new_dev_texts, new_dev_targets)), 4)
        # A target learnt before, by its own head or the global one, now has a head fitted on these pairs alone.
        refitted = sorted(set(new_targets) & set(record.targets))
        record.added_targets.append({
            "targets": new_targets, "train_pairs": len(texts), "refitted": refitted,
            "earlier_pairs": {t: record.target_pairs.get(t) for t in refitted},
            "dev_pairs": int(len(new_dev)), "dev_f_avg": dev_f_avg, "base_model": self.model_id, "git_commit": _git_commit(),
            "label_counts": {t: dict(Counter(label_array[train_targets == t])) for t in new_targets},
            "data_sources": list(data_sources),
        })
        record.targets = sorted(set(record.targets) | set(new_targets))
        record.target_pairs = dict(sorted({**record.target_pairs, **Counter(targets)}.items()))
        record.target_heads = sorted(set(record.target_heads) | set(new_targets))
        record.training_seconds = round(record.training_seconds + time.perf_counter() - started, 1)
        self.weights_sha256_ = None  # record.git_commit stays the base training's; the added entry has its own
        return self

    def additions(self) -> list[dict[str, Any]]:
        """The `add_targets` calls since the full fit, oldest first (see BaselineTrainingRecord.added_targets)."""
        return self.training_.added_targets

    def _fit_path(self, features: Any, labels: np.ndarray, grid: list[Choice]) -> Iterator[tuple[Choice, LinearHead]]:
        """Yields (choice, head) along the grid; ascending C warm-starts from the last solution, which saves most of the time."""
        from sklearn.linear_model import LogisticRegression

        hp = self.hyperparameters
        for weight in dict.fromkeys(w for _, w in grid):
            model = LogisticRegression(
                class_weight=None if weight == "none" else weight, max_iter=hp.max_iter, random_state=hp.seed, warm_start=True
            )
            for c in (c for c, w in grid if w == weight):
                model.set_params(C=c).fit(features, labels)
                yield (c, weight), LinearHead.from_sklearn(model)

    # ----- inference -------------------------------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        """(n, 3) probabilities in STANCE_LABELS order; a target without its own head goes to the global head."""
        self._require_fitted()
        encoded = self._encode_for_prediction(texts, targets)
        heads = [t if t in self.heads_ else None for t in targets]
        out = np.zeros((len(heads), len(STANCE_LABELS)))
        for head in dict.fromkeys(heads):
            rows = np.array([i for i, h in enumerate(heads) if h == head])
            out[rows] = self.heads_[head].proba(self._features(head, encoded, rows, fit=False))
        return out

    def predict_proba_grouped(self, texts: Sequence[str], targets_per_text: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        """One (len(targets), 3) array per text, `batch_size` texts at a time to bound memory.

        Texts go in length order, so that an encoder pads each batch to similar lengths (a tweet batched
        with a press paragraph costs as much as two paragraphs).
        """
        results: list[np.ndarray | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            flat_texts = [texts[i] for i in chunk for _ in targets_per_text[i]]
            flat_targets = [t for i in chunk for t in targets_per_text[i]]
            proba = self.predict_proba(flat_texts, flat_targets) if flat_texts else np.zeros((0, len(STANCE_LABELS)))
            for i, rows in zip(chunk, np.split(proba, np.cumsum([len(targets_per_text[i]) for i in chunk])[:-1])):
                results[i] = rows
        return results  # type: ignore[return-value]

    def clone_for_folds(self) -> Self:
        """An unfitted copy that uses, without searching again, the C and class weight this model's fit chose.

        Stacking refits each member on k-1 folds: searching the grid in every fold would cost k times the
        search and pick slightly different models than the one that is shipped.
        """
        self._require_fitted()
        chosen = self.training_.selected.get("per_target") or self.training_.selected["global"]
        return type(self)(**{**asdict(self.hyperparameters), "C": chosen["C"], "class_weight": chosen["class_weight"]})

    def _require_fitted(self) -> None:
        if None not in self.heads_:
            raise RuntimeError(f"the {self.kind} stance classifier is not fitted: call fit() or {type(self).__name__}.load(DIR)")

    # ----- persistence -----------------------------------------------------------------------------------------
    def _head_prefixes(self) -> dict[Head, str]:
        """Tensor-name prefix per head: h0, h1, ... for targets in sorted order, then `global`."""
        own = sorted(h for h in self.heads_ if h is not None)
        return {**{head: f"h{i}" for i, head in enumerate(own)}, None: "global"}

    def save(self, directory: Path | str) -> Path:
        """Writes heads and featurizer arrays as safetensors, a config with their sha256, and a model card."""
        from safetensors.numpy import save_file

        self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        tensors = {}
        for head, prefix in self._head_prefixes().items():
            tensors[f"{prefix}.coef"] = np.ascontiguousarray(self.heads_[head].coef)
            tensors[f"{prefix}.intercept"] = np.ascontiguousarray(self.heads_[head].intercept)
        tensors.update(self._extra_tensors())
        save_file(tensors, str(directory / WEIGHTS_FILE), metadata={"kind": self.kind})
        shareable(directory / WEIGHTS_FILE)
        self.weights_sha256_ = _sha256(directory / WEIGHTS_FILE)
        config = {
            "kind": self.kind,
            "name": self.name_,
            "hyperparameters": asdict(self.hyperparameters),
            "labels": list(STANCE_LABELS),
            "heads": [
                {"target": head, "prefix": prefix, "classes": self.heads_[head].classes} for head, prefix in self._head_prefixes().items()
            ],
            "training": asdict(self.training_),
            "weights_file": WEIGHTS_FILE,
            "weights_sha256": self.weights_sha256_,
        }
        write_config(directory / CONFIG_FILE, config)
        (directory / CARD_FILE).write_text(self.model_card(), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path | str) -> Self:
        """Checks kind and the weights' sha256 before reading a single array."""
        from safetensors.numpy import load_file

        directory = Path(directory)
        config_path = directory / CONFIG_FILE
        if not config_path.is_file():
            raise FileNotFoundError(f"{directory}: no {CONFIG_FILE}; fit a {cls.__name__} and call .save({str(directory)!r})")
        config = read_config(config_path)
        if config.get("kind") != cls.kind:
            raise ValueError(f"{config_path}: kind {config.get('kind')!r} is not {cls.kind!r}; load it with models.registry.load_stance_model")
        weights = directory / WEIGHTS_FILE
        actual = _sha256(weights)
        if actual != config["weights_sha256"]:
            raise ValueError(f"{weights}: sha256 {actual[:12]} does not match the config's {config['weights_sha256'][:12]}")
        tensors = load_file(str(weights))
        model = cls(**{**cls.hyperparameter_class.SAVED_BEFORE_OPTIONS, **config["hyperparameters"]})
        for head in config["heads"]:
            prefix = head["prefix"]
            model.heads_[head["target"]] = LinearHead(head["classes"], tensors[f"{prefix}.coef"], tensors[f"{prefix}.intercept"])
        model.training_ = BaselineTrainingRecord(**config["training"])
        model.weights_sha256_ = actual
        model.name_ = config["name"]
        model._restore(tensors)
        return model

    def model_card(self) -> str:
        tr = self.training_
        grid = [f"| {g['heads']} | {g['C']} | {g['class_weight']} | {g['dev_f_avg']} |" for g in tr.dev_grid]
        lines = [
            f"# {self.model_id}",
            "",
            f"{self._description()} Labels: favor / against / none. Kind `{self.kind}`.",
            "",
            "## Training data",
            *(f"- {source}" for source in tr.data_sources or ["(not recorded)"]),
            f"- {tr.train_examples} training pairs ({', '.join(f'{k} {v}' for k, v in tr.label_counts.items())}), "
            f"{tr.dev_examples} dev pairs, "
            f"{len(tr.targets) - sum(len(a['targets']) - len(a['refitted']) for a in tr.added_targets)} targets in the first fit",
            *(f"- {addition_sources(a)}" for a in tr.added_targets),
            f"- own heads ({len(tr.target_heads)}): {', '.join(tr.target_heads) or '-'}; every other target uses the global head",
            "",
            "## Hyperparameters",
            *(f"- {key}: {value}" for key, value in asdict(self.hyperparameters).items()),
            *(
                f"- {group} heads: C={s['C']}, class_weight={s['class_weight']} ({'chosen on dev' if tr.dev_grid else 'as given'})"
                for group, s in tr.selected.items()
            ),
            "",
            "## Results",
            f"- dev F_avg {tr.dev_f_avg}; dev macro-F1 {tr.dev_macro_f1}",
            *(f"- {_addition_result(a)}" for a in tr.added_targets),
            f"- training time {tr.training_seconds} s",
            *(["", "| heads | C | class_weight | dev F_avg |", "| --- | --- | --- | --- |", *grid] if grid else []),
            "",
            "## Provenance",
            f"- git commit: {tr.git_commit}",
            f"- weights sha256 ({WEIGHTS_FILE}): {self.weights_sha256_}",
            *([f"- encoder weights sha256: {tr.encoder_sha256}"] if tr.encoder_sha256 else []),
            "",
        ]
        return "\n".join(lines)


def _added_and_refitted(addition: dict[str, Any]) -> tuple[list[str], list[str]]:
    """An `add_targets` entry's targets new to the model, and those it had learnt before."""
    return [t for t in addition["targets"] if t not in addition["refitted"]], addition["refitted"]


def addition_sources(addition: dict[str, Any]) -> str:
    """One `add_targets` call as a card's training-data line: what it added or refitted, from which files."""
    added, refitted = _added_and_refitted(addition)
    changed = [*([f"added targets {added}"] if added else []), *([f"refitted targets {refitted}"] if refitted else [])]
    return f"{', '.join(changed)}: {'; '.join(addition.get('data_sources') or ['(files not recorded)'])}"


def _addition_result(a: dict[str, Any]) -> str:
    """One `add_targets` call as a card's results line; refitted targets with the pairs their earlier head had."""
    added, refitted = _added_and_refitted(a)
    earlier = a.get("earlier_pairs", {})
    refits = ", ".join(
        f"{t} ({earlier[t] if earlier.get(t) is not None else 'an unrecorded number of'} pairs before"
        + (f", {sum(a['label_counts'][t].values())} now)" if a.get("label_counts") else ")")
        for t in refitted
    )
    base = a.get("base_model", "the model")
    if added:
        what = f"targets added later to {base} ({', '.join(added)}" + (f"; refitting {refits}" if refits else "")
    else:
        what = f"targets refitted on {base} ({refits}"
    dev = (
        f"dev F_avg {a['dev_f_avg']} on {a['dev_pairs']} dev pairs" if a["dev_f_avg"] is not None
        else f"no dev pairs for the {'added' if added else 'refitted'} targets, so no dev score"
    )
    label_counts = f": {_label_counts_text(a['label_counts'])}" if a.get("label_counts") else ""
    return f"{what}; {a['train_pairs']} training pairs{label_counts}; git commit {a.get('git_commit')}): {dev}"


def _label_counts_text(counts: dict[str, dict[str, int]]) -> str:
    return "; ".join(f"{target} " + ", ".join(f"{label} {counts[target].get(label, 0)}" for label in STANCE_LABELS) for target in counts)


class TfidfStanceClassifier(_LinearHeadsStance):
    """Word 1-3 + char 2-5 gram TF-IDF (sublinear tf) into logistic regression, per target.

    The global head reads "target | text", so the target's own words become features; a linear model
    cannot cross them with the statement's, which is why well-populated targets get their own head.
    """

    kind = TFIDF_KIND
    hyperparameter_class = TfidfHyperparameters
    default_name = "stance-tfidf"

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        self.featurizers_: dict[Head, _NgramFeatures] = {}
        self._shared_: _SharedNgramCounts | None = None

    def _documents(self, texts: Sequence[str]) -> list[str]:
        if not self.hyperparameters.readable_text:
            return list(texts)
        return [text if (words := readable(text)) == text else f"{text}\n{words}" for text in texts]

    def _encode(self, texts: Sequence[str], targets: Sequence[str]) -> tuple[list[str], list[str]]:
        return self._documents(texts), list(targets)

    def _encode_for_prediction(self, texts: Sequence[str], targets: Sequence[str]) -> "_CountedTexts":
        return _CountedTexts(self._documents(texts), list(targets), self._shared_counts())

    def _shared_counts(self) -> "_SharedNgramCounts":
        # Built on first use after the featurizers last changed (fit, add_targets, load).
        if self._shared_ is None:
            self._shared_ = _SharedNgramCounts({h: f for h, f in self.featurizers_.items() if h is not None})
        return self._shared_

    def _features(self, head: Head, encoded: "tuple[list[str], list[str]] | _CountedTexts", rows: np.ndarray, fit: bool) -> "csr_matrix":
        if isinstance(encoded, _CountedTexts):
            if head is not None:
                return encoded.features(head, rows)
            encoded = (encoded.texts, encoded.targets)
        texts, targets = encoded
        documents = [f"{targets[i]} | {texts[i]}" if head is None else texts[i] for i in rows]
        if fit:
            self.featurizers_[head] = _NgramFeatures.fitted(self.hyperparameters, documents)
            self._shared_ = None
        return self.featurizers_[head].transform(documents)

    def _reset(self) -> None:
        super()._reset()
        self.featurizers_ = {}
        self._shared_ = None

    def _extra_tensors(self) -> dict[str, np.ndarray]:
        tensors = {}
        for head, prefix in self._head_prefixes().items():
            tensors.update(self.featurizers_[head].arrays(prefix))
        return tensors

    def _restore(self, tensors: dict[str, np.ndarray]) -> None:
        for head, prefix in self._head_prefixes().items():
            self.featurizers_[head] = _NgramFeatures.from_arrays(self.hyperparameters, tensors, prefix)
        self._shared_ = None

    def _description(self) -> str:
        hp = self.hyperparameters
        return (
            f"TF-IDF word {hp.word_ngrams[0]}-{hp.word_ngrams[1]} + char {hp.char_ngrams[0]}-{hp.char_ngrams[1]} grams "
            "(sublinear tf) into logistic regression: one head per target with enough pairs, one global head on "
            "'target | text' for the rest."
        )


class _NgramFeatures:
    """Word and char TF-IDF blocks side by side, rebuilt at load from vocabulary and idf alone."""

    def __init__(self, vectorizers: list[Any]) -> None:
        self.vectorizers = vectorizers

    @staticmethod
    def _vectorizers(hp: TfidfHyperparameters, vocabularies: list[list[str]] | None = None) -> list[Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vocabularies = vocabularies or [None, None]
        return [
            TfidfVectorizer(ngram_range=hp.word_ngrams, sublinear_tf=True, vocabulary=vocabularies[0]),
            TfidfVectorizer(analyzer="char", ngram_range=hp.char_ngrams, sublinear_tf=True, min_df=hp.char_min_df, vocabulary=vocabularies[1]),
        ]

    @classmethod
    def fitted(cls, hp: TfidfHyperparameters, documents: list[str]) -> "_NgramFeatures":
        vectorizers = cls._vectorizers(hp)
        for vectorizer in vectorizers:
            vectorizer.fit(documents)
        return cls(vectorizers)

    def transform(self, documents: list[str]) -> "csr_matrix":
        from scipy.sparse import hstack

        return hstack([v.transform(documents) for v in self.vectorizers]).tocsr()

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        tensors = {}
        for name, vectorizer in zip(("word", "char"), self.vectorizers):
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
            tensors[f"{prefix}.{name}.terms_utf8"], tensors[f"{prefix}.{name}.term_lengths"] = _pack_strings(terms)
            tensors[f"{prefix}.{name}.idf"] = np.ascontiguousarray(vectorizer.idf_, dtype=np.float64)
        return tensors

    @classmethod
    def from_arrays(cls, hp: TfidfHyperparameters, tensors: dict[str, np.ndarray], prefix: str) -> "_NgramFeatures":
        names = ("word", "char")
        vocabularies = [_unpack_strings(tensors[f"{prefix}.{n}.terms_utf8"], tensors[f"{prefix}.{n}.term_lengths"]) for n in names]
        vectorizers = cls._vectorizers(hp, vocabularies)
        for name, vectorizer in zip(names, vectorizers):
            vectorizer.idf_ = tensors[f"{prefix}.{name}.idf"]
        return cls(vectorizers)


class _SharedNgramCounts:
    """Counts each text's n-grams once for all per-target heads: their vocabularies differ, the analysis does not.

    One CountVectorizer per block (word, char) holds the union of the heads' vocabularies; a head's features
    are its columns of those counts through its own idf and normalisation, the same numbers its
    TfidfVectorizer gives, at one analysis per text instead of one per (text, head).
    """

    def __init__(self, featurizers: dict[str, _NgramFeatures]) -> None:
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self.counters: list[Any] = []
        self.columns: dict[str, list[np.ndarray]] = {head: [] for head in featurizers}
        self.weighting: dict[str, list[Any]] = {head: [] for head in featurizers}
        blocks = len(next(iter(featurizers.values())).vectorizers) if featurizers else 0
        for block in range(blocks):
            union: dict[str, int] = {}
            for head, featurizer in featurizers.items():
                vectorizer = featurizer.vectorizers[block]
                terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
                self.columns[head].append(np.array([union.setdefault(term, len(union)) for term in terms], dtype=np.int64))
                weighting = TfidfTransformer(
                    norm=vectorizer.norm, use_idf=vectorizer.use_idf, smooth_idf=vectorizer.smooth_idf, sublinear_tf=vectorizer.sublinear_tf
                )
                weighting.idf_ = vectorizer.idf_
                self.weighting[head].append(weighting)
            analysis = {k: v for k, v in vectorizer.get_params().items() if k in CountVectorizer().get_params()}
            self.counters.append(CountVectorizer(**{**analysis, "vocabulary": union, "min_df": 1, "max_df": 1.0, "max_features": None}))

    def count(self, texts: list[str]) -> list["csr_matrix"]:
        return [counter.transform(texts) for counter in self.counters]

    def features(self, head: str, counts: list["csr_matrix"], rows: np.ndarray) -> "csr_matrix":
        from scipy.sparse import hstack

        blocks = zip(counts, self.columns[head], self.weighting[head])
        return hstack([weighting.transform(block[rows][:, columns]) for block, columns, weighting in blocks]).tocsr()


class _CountedTexts:
    """A prediction call's pairs, with each unique text's n-grams counted once, when a per-target head first asks."""

    def __init__(self, texts: list[str], targets: list[str], shared: _SharedNgramCounts) -> None:
        self.texts, self.targets, self.shared = texts, targets, shared
        self._counts: list["csr_matrix"] | None = None
        self._text_index: np.ndarray | None = None

    def features(self, head: str, rows: np.ndarray) -> "csr_matrix":
        if self._counts is None:
            unique, self._text_index = _unique_texts(self.texts)
            self._counts = self.shared.count(unique)
        return self.shared.features(head, self._counts, self._text_index[rows])


def _unique_texts(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Each distinct text once (first-seen order), and for every pair the index of its text among them."""
    slot: dict[str, int] = {}
    index = np.array([slot.setdefault(text, len(slot)) for text in texts], dtype=np.int64)
    return list(slot), index


def _pack_strings(strings: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Strings as one UTF-8 byte array + lengths: safetensors holds numbers only, and terms may hold any character."""
    encoded = [s.encode("utf-8") for s in strings]
    return np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), np.array([len(b) for b in encoded], dtype=np.int64)


def _unpack_strings(data: np.ndarray, lengths: np.ndarray) -> list[str]:
    raw = data.tobytes()
    ends = np.cumsum(lengths)
    return [raw[end - length : end].decode("utf-8") for end, length in zip(ends.tolist(), lengths.tolist())]


class EmbeddingStanceClassifier(_LinearHeadsStance):
    """Frozen MiniLM mean-pooled sentence embeddings into logistic regression, per target.

    The global head reads [text, target, text * target] so it can weigh the statement by its target.
    Only the heads are saved; the encoder is resolved by name at load and checked against its recorded hash.
    """

    kind = EMBEDDING_KIND
    hyperparameter_class = EmbeddingHyperparameters
    default_name = "stance-minilm-embedding-lr"

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        self.encoder_ = None
        self.tokenizer_ = None
        self._target_cache: dict[str, np.ndarray] = {}
        # Set to a dict while a stacker refits this model fold by fold, so that each text is encoded once.
        self.embedding_cache: dict[str, np.ndarray] | None = None
        self.precision_ = "fp32"

    @property
    def model_id(self) -> str:
        return super().model_id + ("" if self.precision_ == "fp32" else f"+{self.precision_}")

    def set_precision(self, precision: str) -> Self:
        """bf16 encodes at about twice the speed on CPUs that have it; the heads stay as trained."""
        self.precision_ = resolve_precision(precision)
        self._target_cache.clear()
        return self

    def clone_for_folds(self) -> Self:
        """Shares the loaded encoder and the embedding cache with the copy: the folds re-read the same texts."""
        clone = super().clone_for_folds()
        clone.encoder_, clone.tokenizer_, clone.embedding_cache = self.encoder_, self.tokenizer_, self.embedding_cache
        return clone

    def _load_encoder(self) -> None:
        from transformers import AutoTokenizer

        source = resolve_encoder(self.hyperparameters.encoder)
        self.tokenizer_ = AutoTokenizer.from_pretrained(source)
        self.encoder_ = build_encoder(source).eval()
        self._target_cache.clear()

    def _encoder_sha256(self) -> str | None:
        weights = Path(resolve_encoder(self.hyperparameters.encoder)) / "model.safetensors"
        return _sha256(weights) if weights.is_file() else None

    def _restore(self, tensors: dict[str, np.ndarray]) -> None:
        recorded, actual = self.training_.encoder_sha256, self._encoder_sha256()
        if recorded and actual and recorded != actual:
            raise ValueError(
                f"encoder {self.hyperparameters.encoder!r} resolves to weights with sha256 {actual[:12]}, but these heads "
                f"were trained on {recorded[:12]}: install the encoder they were trained with"
            )
        self._load_encoder()

    def embed(self, strings: Sequence[str]) -> np.ndarray:
        """Unit-length mean-pooled embeddings, (n, d) float32; strings are batched by length to pad little."""
        cache = self.embedding_cache
        if cache is not None:
            missing = list(dict.fromkeys(s for s in strings if s not in cache))
            if missing:
                cache.update(zip(missing, self._embed(missing)))
            return np.array([cache[s] for s in strings], dtype=np.float32).reshape(len(strings), -1)
        return self._embed(strings)

    def _embed(self, strings: Sequence[str]) -> np.ndarray:
        hp = self.hyperparameters
        torch = prepare_torch(threads=hp.threads)
        if self.encoder_ is None:
            self._load_encoder()
        out = np.zeros((len(strings), self.encoder_.config.hidden_size), dtype=np.float32)
        order = sorted(range(len(strings)), key=lambda i: len(strings[i]))
        with inference_context(self.precision_):
            for start in range(0, len(order), hp.batch_size):
                batch = order[start : start + hp.batch_size]
                batch_strings = [readable(strings[i]) if hp.readable_text else strings[i] for i in batch]
                encoded = self.tokenizer_(
                    batch_strings, padding=True, truncation=True, max_length=hp.max_length, return_tensors="pt"
                )
                tokens = self.encoder_(**encoded).last_hidden_state
                mask = encoded["attention_mask"].unsqueeze(-1).to(tokens.dtype)
                mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1.0)
                out[batch] = torch.nn.functional.normalize(mean.float(), dim=-1).numpy()
        return out

    def _encode(self, texts: Sequence[str], targets: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        unique, text_index = _unique_texts(texts)
        missing = sorted(set(targets) - set(self._target_cache))
        if missing:
            self._target_cache.update(zip(missing, self.embed(missing)))
        text_vectors = self.embed(unique)
        target_vectors = np.array([self._target_cache[t] for t in targets], dtype=np.float32).reshape(len(targets), text_vectors.shape[1])
        return text_vectors, text_index, target_vectors

    def _features(self, head: Head, encoded: tuple[np.ndarray, np.ndarray, np.ndarray], rows: np.ndarray, fit: bool) -> np.ndarray:
        text_vectors, text_index, target_vectors = encoded
        statement = text_vectors[text_index[rows]].astype(np.float64)
        if head is not None:
            return statement
        target = target_vectors[rows].astype(np.float64)
        return np.hstack([statement, target, statement * target])

    def _description(self) -> str:
        return (
            f"Logistic regression on frozen `{self.hyperparameters.encoder}` mean-pooled, normalised sentence embeddings: "
            "one head per target with enough pairs, one global head on [text, target, text*target] for the rest."
        )


def _choice(selected: dict[str, Any]) -> Choice:
    return selected["C"], selected["class_weight"]


def _f_avg(gold: Sequence[str], proba: np.ndarray) -> float:
    from evaluation.stance import f_avg

    return f_avg(gold, argmax_labels(proba))


def _check_labels(labels: Sequence[str], what: str) -> None:
    unknown = sorted(set(labels) - set(STANCE_LABELS))
    if unknown:
        raise ValueError(f"unknown stance labels {unknown} in the {what} pairs; expected {list(STANCE_LABELS)}")
