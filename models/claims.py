"""Check-worthiness classifiers: is this sentence a factual claim worth checking? (CheckThat! Task 1 style)

Four estimators with one API (`fit(texts, labels, dev=...)`, `predict_proba`, `predict`, `save`, `load`):
TF-IDF n-grams into logistic regression, logistic regression on frozen MiniLM embeddings, a fine-tuned
MiniLM, and a weighted ensemble of them. Labels are booleans (True = check-worthy); `predict_proba`
returns (n, 2) columns [not check-worthy, check-worthy]. The decision threshold is tuned on dev for
F1 of the check-worthy class, the task's official metric, because the classes are unbalanced (one
sentence in four) and F1's optimum is rarely at 0.5.

Saved models are JSON + safetensors (no pickle), with a model card and a sha256 checked on load. The
stance models' helpers are reused: n-gram featurizer, frozen-embedding encoder, length-bucketed
batches, ensemble weight search.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

from evaluation.claims import checkworthy_f1
from models._torch import build_encoder, loading_device, prepare_torch, resolve_device
from models.baseline import EmbeddingStanceClassifier, _NgramFeatures
from models.encoders import DEFAULT_ENCODER, resolve_encoder
from models.ensemble import WEIGHT_STEP, _combine, _simplex
from models.stance import CARD_FILE, _git_commit, _length_bucketed_batches, _sha256
from models.weights import read_config, shareable, write_config

CLAIMS_CONFIG_FILE = "claims_config.json"
WEIGHTS_FILE = "claims.safetensors"
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)

Progress = Callable[[int, int, str], None]
Dev = tuple[Sequence[str], Sequence[bool]]


def tune_threshold(gold: Sequence[bool], scores: np.ndarray) -> tuple[float, float]:
    """The threshold on P(check-worthy) with the best F1 on these labels, and that F1.

    Among equal F1s the one nearest 0.5 wins: a flat optimum should not drift to an extreme.
    """
    gold_array = np.asarray(gold, dtype=bool)
    results = [(checkworthy_f1(gold_array, scores >= t), -abs(t - 0.5), float(t)) for t in THRESHOLD_GRID]
    best = max(results)
    return best[2], best[0]


def scores_with_intervals(gold: Sequence[bool], predicted: Sequence[bool], seed: int = 0) -> dict[str, Any]:
    """F1, precision and recall of the check-worthy class with seeded 95% bootstrap intervals."""
    from evaluation.bootstrap import bootstrap_interval

    # numpy rather than sklearn: each metric runs on 1000 resamples.
    def precision(g, p) -> float:
        g, p = np.asarray(g, dtype=bool), np.asarray(p, dtype=bool)
        return float((g & p).sum() / p.sum()) if p.sum() else 0.0

    def recall(g, p) -> float:
        g, p = np.asarray(g, dtype=bool), np.asarray(p, dtype=bool)
        return float((g & p).sum() / g.sum()) if g.sum() else 0.0

    gold, predicted = [bool(g) for g in gold], [bool(p) for p in predicted]
    return {
        "items": len(gold),
        "checkworthy": int(sum(gold)),
        **{
            name: {"score": round(metric(gold, predicted), 4), "interval_95": [round(x, 4) for x in bootstrap_interval(metric, gold, predicted, seed=seed)]}
            for name, metric in (("f1", checkworthy_f1), ("precision", precision), ("recall", recall))
        },
    }


@dataclass
class ClaimsTrainingRecord:
    """What the model card reports: data, choices made on dev, scores with intervals, cost."""

    train_examples: int = 0
    train_checkworthy: int = 0
    dev_examples: int = 0
    selected: dict[str, Any] = field(default_factory=dict)
    dev_grid: list[dict[str, Any]] = field(default_factory=list)
    # {"dev": {...}, "test ...": {...}}: each {items, checkworthy, f1: {score, interval_95}, precision: ..., recall: ...}
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)
    training_seconds: float = 0.0
    data_sources: list[str] = field(default_factory=list)
    git_commit: str | None = None
    encoder_sha256: str | None = None


class _Checkworthiness:
    """Threshold tuning, prediction, scoring, persistence and the model card; subclasses supply P(check-worthy)."""

    kind: ClassVar[str]
    default_name: ClassVar[str]
    hyperparameter_class: ClassVar[type]
    classes_ = (False, True)

    def __init__(self, **hyperparameters: Any) -> None:
        self.hyperparameters = self.hyperparameter_class(**hyperparameters)
        self.threshold_ = 0.5
        self.training_ = ClaimsTrainingRecord()
        self.weights_sha256_: str | None = None
        self.name_ = self.default_name
        self.fitted_ = False

    @property
    def model_id(self) -> str:
        return f"{self.name_}@{(self.weights_sha256_ or 'unsaved')[:12]}"

    # ----- what subclasses provide ------------------------------------------------------------------------------
    def _fit(self, texts: list[str], labels: np.ndarray, dev: tuple[list[str], np.ndarray] | None, progress: Progress | None) -> None:
        raise NotImplementedError

    def _positive_proba(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _save_weights(self, directory: Path) -> dict[str, Any]:
        """Writes the weights; returns what the config must hold to restore them (their sha256 included)."""
        raise NotImplementedError

    def _load_weights(self, directory: Path, config: dict[str, Any]) -> str:
        """Restores the weights; returns the sha256 they were checked against."""
        raise NotImplementedError

    def _description(self) -> str:
        raise NotImplementedError

    # ----- the shared API ---------------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[bool], dev: Dev | None = None, data_sources: Sequence[str] = (), progress: Progress | None = None) -> Self:
        """Fits on (texts, labels); with `dev`, selects what the estimator selects and the threshold there."""
        texts, label_array = _checked(texts, labels, "training")
        if len(set(label_array.tolist())) < 2:
            raise ValueError(f"all {len(texts)} training sentences have one label: a classifier needs check-worthy and other sentences")
        dev_pair = _checked(*dev, "dev") if dev is not None and len(dev[0]) else None
        started = time.perf_counter()
        self.training_ = ClaimsTrainingRecord(data_sources=list(data_sources))
        self._fit(texts, label_array, dev_pair, progress)
        self.fitted_ = True
        self.threshold_ = 0.5
        if dev_pair is not None:
            dev_scores = self._positive_proba(dev_pair[0])
            self.threshold_, _ = tune_threshold(dev_pair[1], dev_scores)
            self.training_.scores["dev"] = scores_with_intervals(dev_pair[1], dev_scores >= self.threshold_)
        record = self.training_
        record.train_examples, record.train_checkworthy = len(texts), int(label_array.sum())
        record.dev_examples = len(dev_pair[0]) if dev_pair is not None else 0
        record.selected["threshold"] = self.threshold_
        record.training_seconds = round(time.perf_counter() - started, 1)
        record.git_commit = _git_commit()
        self.weights_sha256_ = None
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 2): columns [not check-worthy, check-worthy]."""
        self._require_fitted()
        positive = self._positive_proba(list(texts)) if len(texts) else np.zeros(0)
        return np.column_stack([1.0 - positive, positive])

    def predict(self, texts: Sequence[str]) -> list[bool]:
        """True where P(check-worthy) reaches the threshold tuned on dev."""
        return [bool(p >= self.threshold_) for p in self.predict_proba(texts)[:, 1]]

    def score(self, texts: Sequence[str], labels: Sequence[bool], name: str, seed: int = 0) -> dict[str, Any]:
        """Scores these labelled sentences with intervals and records them for the model card under `name`."""
        texts, label_array = _checked(texts, labels, name)
        self.training_.scores[name] = scores_with_intervals(label_array, self.predict(texts), seed=seed)
        return self.training_.scores[name]

    def _require_fitted(self) -> None:
        if not self.fitted_:
            raise RuntimeError(f"the {self.kind} check-worthiness classifier is not fitted: call fit() or {type(self).__name__}.load(DIR)")

    # ----- persistence ------------------------------------------------------------------------------------------
    def save(self, directory: Path | str) -> Path:
        """Weights, a config with their sha256, and a model card."""
        self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        weights = self._save_weights(directory)
        self.weights_sha256_ = weights["weights_sha256"]
        config = {
            "kind": self.kind,
            "name": self.name_,
            "hyperparameters": asdict(self.hyperparameters),
            "threshold": self.threshold_,
            "training": asdict(self.training_),
            **weights,
        }
        write_config(directory / CLAIMS_CONFIG_FILE, config)
        (directory / CARD_FILE).write_text(self.model_card(), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path | str) -> Self:
        """Checks kind and the weights' sha256 before using any weight."""
        directory = Path(directory)
        config = read_claims_config(directory)
        if config.get("kind") != cls.kind:
            raise ValueError(f"{directory / CLAIMS_CONFIG_FILE}: kind {config.get('kind')!r} is not {cls.kind!r}; load it with models.registry.load_claims_model")
        model = cls(**config["hyperparameters"])
        model.training_ = ClaimsTrainingRecord(**config["training"])
        model.weights_sha256_ = model._load_weights(directory, config)
        model.threshold_ = float(config["threshold"])
        model.name_ = config["name"]
        model.fitted_ = True
        return model

    def model_card(self) -> str:
        tr = self.training_
        grid = [f"| {' | '.join(str(v) for v in row.values())} |" for row in tr.dev_grid]
        grid_header = [f"| {' | '.join(tr.dev_grid[0])} |", "|" + " --- |" * len(tr.dev_grid[0])] if tr.dev_grid else []
        lines = [
            f"# {self.model_id}",
            "",
            f"Check-worthiness classifier (is this sentence a factual claim worth checking?). {self._description()} Kind `{self.kind}`.",
            "",
            "## Training data",
            *(f"- {source}" for source in tr.data_sources or ["(not recorded)"]),
            f"- {tr.train_examples} training sentences ({tr.train_checkworthy} check-worthy), {tr.dev_examples} dev sentences",
            "",
            "## Hyperparameters",
            *(f"- {key}: {value}" for key, value in asdict(self.hyperparameters).items()),
            *(f"- selected on dev: {key} = {value}" for key, value in tr.selected.items()),
            "",
            "## Results (F1 / precision / recall of the check-worthy class, 95% bootstrap CI)",
            *(
                f"- {name} ({s['items']} sentences, {s['checkworthy']} check-worthy): "
                + "; ".join(f"{m} {s[m]['score']} [{s[m]['interval_95'][0]}, {s[m]['interval_95'][1]}]" for m in ("f1", "precision", "recall"))
                for name, s in tr.scores.items()
            ),
            f"- training time {tr.training_seconds} s",
            *(["", *grid_header, *grid] if grid else []),
            "",
            "## Provenance",
            f"- git commit: {tr.git_commit}",
            f"- weights sha256: {self.weights_sha256_}",
            *([f"- encoder weights sha256: {tr.encoder_sha256}"] if tr.encoder_sha256 else []),
            "",
        ]
        return "\n".join(lines)


def read_claims_config(directory: Path) -> dict[str, Any]:
    config_path = Path(directory) / CLAIMS_CONFIG_FILE
    if not config_path.is_file():
        raise FileNotFoundError(
            f"{directory}: no trained claims model here ({CLAIMS_CONFIG_FILE} missing); "
            f"train one with `python -m benchmarks.checkthat --save {directory}` (needs ../shared/data)"
        )
    return read_config(config_path)


def _checked(texts: Sequence[str], labels: Sequence[bool], what: str) -> tuple[list[str], np.ndarray]:
    if len(texts) != len(labels):
        raise ValueError(f"{what}: {len(texts)} sentences but {len(labels)} labels")
    if len(texts) == 0:
        raise ValueError(f"{what}: no sentences")
    odd = sorted({repr(label) for label in labels if not isinstance(label, (bool, np.bool_))})
    if odd:
        raise ValueError(f"{what}: labels must be booleans (True = check-worthy), got {odd[:5]}")
    return list(texts), np.asarray(labels, dtype=bool)


def _save_arrays(directory: Path, tensors: dict[str, np.ndarray], kind: str) -> dict[str, Any]:
    from safetensors.numpy import save_file

    save_file({k: np.ascontiguousarray(v) for k, v in tensors.items()}, str(directory / WEIGHTS_FILE), metadata={"kind": kind})
    shareable(directory / WEIGHTS_FILE)
    return {"weights_file": WEIGHTS_FILE, "weights_sha256": _sha256(directory / WEIGHTS_FILE)}


def _load_arrays(directory: Path, config: dict[str, Any]) -> tuple[dict[str, np.ndarray], str]:
    from safetensors.numpy import load_file

    weights = directory / config["weights_file"]
    actual = _sha256(weights)
    if actual != config["weights_sha256"]:
        raise ValueError(f"{weights}: sha256 {actual[:12]} does not match the config's {config['weights_sha256'][:12]}")
    return load_file(str(weights)), actual


# ----- linear heads ------------------------------------------------------------------------------------------------
@dataclass
class LinearHyperparameters:
    c_grid: tuple[float, ...] = (0.3, 1.0, 3.0, 10.0)
    class_weight_grid: tuple[str, ...] = ("none", "balanced")
    max_iter: int = 3000
    seed: int = 13

    def __post_init__(self) -> None:
        self.c_grid = tuple(float(c) for c in self.c_grid)
        self.class_weight_grid = tuple(self.class_weight_grid)
        if not self.c_grid or min(self.c_grid) <= 0:
            raise ValueError(f"c_grid needs positive values, got {self.c_grid}")
        unknown = set(self.class_weight_grid) - {"none", "balanced"}
        if unknown or not self.class_weight_grid:
            raise ValueError(f"class_weight_grid values must be 'none' or 'balanced', got {self.class_weight_grid}")


@dataclass
class TfidfClaimsHyperparameters(LinearHyperparameters):
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 3

    def __post_init__(self) -> None:
        super().__post_init__()
        self.word_ngrams = (int(self.word_ngrams[0]), int(self.word_ngrams[1]))
        self.char_ngrams = (int(self.char_ngrams[0]), int(self.char_ngrams[1]))


@dataclass
class EmbeddingClaimsHyperparameters(LinearHyperparameters):
    c_grid: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)
    encoder: str = DEFAULT_ENCODER
    max_length: int = 128
    batch_size: int = 64
    threads: int | None = None


class _LinearCheckworthiness(_Checkworthiness):
    """Logistic regression on subclass features; C and class weighting chosen by dev F1 at each one's best threshold."""

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        self.coef_ = np.zeros(0)
        self.intercept_ = 0.0

    def _featurize(self, texts: list[str], fit: bool) -> Any:
        raise NotImplementedError

    def _fit(self, texts, labels, dev, progress) -> None:
        from sklearn.linear_model import LogisticRegression

        hp = self.hyperparameters
        features = self._featurize(texts, fit=True)
        dev_features = self._featurize(dev[0], fit=False) if dev is not None else None
        grid = [(c, w) for w in hp.class_weight_grid for c in sorted(hp.c_grid)] if dev is not None else [(hp.c_grid[0], hp.class_weight_grid[0])]
        best: tuple[float, Any] | None = None
        for c, weight in grid:
            model = LogisticRegression(C=c, class_weight=None if weight == "none" else weight, max_iter=hp.max_iter, random_state=hp.seed)
            model.fit(features, labels)
            if dev_features is not None:
                threshold, f1 = tune_threshold(dev[1], model.predict_proba(dev_features)[:, 1])
                self.training_.dev_grid.append({"C": c, "class_weight": weight, "threshold": threshold, "dev_f1": round(f1, 4)})
            else:
                f1 = 0.0
            if best is None or f1 > best[0]:  # the first of equal scores: the stronger regularisation
                best = (f1, model)
                self.training_.selected.update({"C": c, "class_weight": weight})
            if progress is not None:
                progress(1, len(grid), f"C={c} class_weight={weight}")
        model = best[1]
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])

    def _positive_proba(self, texts: list[str]) -> np.ndarray:
        from scipy.special import expit

        return expit(np.asarray(self._featurize(texts, fit=False) @ self.coef_).ravel() + self.intercept_)


class TfidfCheckworthiness(_LinearCheckworthiness):
    """Word and char TF-IDF n-grams into logistic regression: fast, strong on the debate-style train domain."""

    kind = "claims-tfidf-linear"
    default_name = "claims-tfidf"
    hyperparameter_class = TfidfClaimsHyperparameters

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        self.featurizer_: _NgramFeatures | None = None

    def _featurize(self, texts: list[str], fit: bool):
        if fit:
            self.featurizer_ = _NgramFeatures.fitted(self.hyperparameters, texts)
        return self.featurizer_.transform(texts)

    def _save_weights(self, directory: Path) -> dict[str, Any]:
        tensors = {"coef": self.coef_, "intercept": np.array([self.intercept_]), **self.featurizer_.arrays("tfidf")}
        return _save_arrays(directory, tensors, self.kind)

    def _load_weights(self, directory: Path, config: dict[str, Any]) -> str:
        tensors, digest = _load_arrays(directory, config)
        self.coef_, self.intercept_ = tensors["coef"], float(tensors["intercept"][0])
        self.featurizer_ = _NgramFeatures.from_arrays(self.hyperparameters, tensors, "tfidf")
        return digest

    def _description(self) -> str:
        hp = self.hyperparameters
        return f"TF-IDF word {hp.word_ngrams[0]}-{hp.word_ngrams[1]} + char {hp.char_ngrams[0]}-{hp.char_ngrams[1]} grams (sublinear tf) into logistic regression."


class EmbeddingCheckworthiness(_LinearCheckworthiness):
    """Logistic regression on frozen MiniLM sentence embeddings; the encoder is checked against its recorded hash at load."""

    kind = "claims-minilm-embedding-lr"
    default_name = "claims-minilm-embedding-lr"
    hyperparameter_class = EmbeddingClaimsHyperparameters

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        hp = self.hyperparameters
        # The stance baseline's encoder: the same pooling, batching and offline resolution. Sentences are encoded as
        # written: the claims heads were trained that way, and transcripts carry no hashtags to spell out.
        self.encoder_ = EmbeddingStanceClassifier(
            encoder=hp.encoder, max_length=hp.max_length, batch_size=hp.batch_size, threads=hp.threads, readable_text=False
        )

    def _featurize(self, texts: list[str], fit: bool) -> np.ndarray:
        if fit:
            self.training_.encoder_sha256 = self.encoder_._encoder_sha256()
        return self.encoder_.embed(texts).astype(np.float64)

    def _save_weights(self, directory: Path) -> dict[str, Any]:
        return _save_arrays(directory, {"coef": self.coef_, "intercept": np.array([self.intercept_])}, self.kind)

    def _load_weights(self, directory: Path, config: dict[str, Any]) -> str:
        tensors, digest = _load_arrays(directory, config)
        recorded, actual = self.training_.encoder_sha256, self.encoder_._encoder_sha256()
        if recorded and actual and recorded != actual:
            raise ValueError(f"{directory}: encoder weights sha256 {actual[:12]} differ from the {recorded[:12]} this head was trained on")
        self.coef_, self.intercept_ = tensors["coef"], float(tensors["intercept"][0])
        return digest

    def _description(self) -> str:
        return f"Logistic regression on frozen `{self.hyperparameters.encoder}` mean-pooled, normalised sentence embeddings."


# ----- fine-tuned MiniLM -------------------------------------------------------------------------------------------
@dataclass
class MiniLMClaimsHyperparameters:
    encoder: str = DEFAULT_ENCODER
    max_length: int = 64
    epochs: int = 2
    batch_size: int = 32
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3
    warmup_fraction: float = 0.1
    # Weight on the check-worthy class's loss: 1 / sqrt(its share), as the stance model weights rare labels.
    class_weighting: str = "sqrt"
    # Cap on training sentences (seeded subsample) to bound CPU time; None uses all.
    max_train: int | None = None
    seed: int = 13
    threads: int | None = None
    # "cpu", "cuda" or "auto"; a model trained on a GPU loads on the CPU where there is none.
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.class_weighting not in ("none", "sqrt", "inverse"):
            raise ValueError(f"class_weighting must be 'none', 'sqrt' or 'inverse', got {self.class_weighting!r}")
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(f"epochs and batch_size must be >= 1, got {self.epochs} and {self.batch_size}")


def _build_sentence_network(encoder_source: str | None, encoder_config_dir: Path | None = None):
    torch = prepare_torch()

    class SentenceCheckworthiness(torch.nn.Module):
        """Mean-pooled MiniLM tokens into one logit."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = build_encoder(encoder_source, encoder_config_dir)
            self.head = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(self.encoder.config.hidden_size, 1))

        def forward(self, input_ids, attention_mask):
            tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.head(mean).squeeze(-1)

    return SentenceCheckworthiness()


class MiniLMCheckworthiness(_Checkworthiness):
    """MiniLM fine-tuned end to end (word embeddings frozen); the epoch with the best dev F1 is kept."""

    kind = "claims-minilm-finetuned"
    default_name = "claims-minilm"
    hyperparameter_class = MiniLMClaimsHyperparameters

    def __init__(self, **hyperparameters: Any) -> None:
        super().__init__(**hyperparameters)
        self.network_ = None
        self.tokenizer_ = None
        self.device_ = None

    def _fit(self, texts, labels, dev, progress) -> None:
        hp = self.hyperparameters
        torch = prepare_torch(seed=hp.seed, threads=hp.threads)
        from transformers import AutoTokenizer, get_linear_schedule_with_warmup

        if hp.max_train is not None and len(texts) > hp.max_train:
            keep = np.sort(np.random.default_rng(hp.seed).choice(len(texts), hp.max_train, replace=False))
            texts, labels = [texts[i] for i in keep], labels[keep]
        source = resolve_encoder(hp.encoder)
        self.tokenizer_ = AutoTokenizer.from_pretrained(source)
        self.device_ = resolve_device(hp.device)
        self.network_ = _build_sentence_network(source).to(self.device_)
        weights_path = Path(source) / "model.safetensors"
        self.training_.encoder_sha256 = _sha256(weights_path) if weights_path.is_file() else None
        share = max(float(labels.mean()), 1e-6)
        positive_weight = {"none": 1.0, "sqrt": (1 - share) ** 0.5 / share**0.5, "inverse": (1 - share) / share}[hp.class_weighting]
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(positive_weight, dtype=torch.float32, device=self.device_))
        # Word embeddings are half of MiniLM's weights; updating them densely costs more than the rest of the step.
        self.network_.encoder.get_input_embeddings().weight.requires_grad_(False)
        encoder_params = [p for p in self.network_.encoder.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(
            [{"params": encoder_params, "lr": hp.learning_rate}, {"params": self.network_.head.parameters(), "lr": hp.head_learning_rate}],
            weight_decay=0.01,
        )
        steps_per_epoch = len(_length_bucketed_batches(texts, hp.batch_size, np.random.default_rng(0)))
        total = steps_per_epoch * hp.epochs
        scheduler = get_linear_schedule_with_warmup(optimizer, int(hp.warmup_fraction * total), total)
        rng = np.random.default_rng(hp.seed)
        target = torch.tensor(labels, dtype=torch.float32, device=self.device_)
        best_state, best_f1, best_epoch = None, -1.0, hp.epochs
        for epoch in range(1, hp.epochs + 1):
            self.network_.train()
            for batch in _length_bucketed_batches(texts, hp.batch_size, rng):
                encoded = self._tokenize([texts[i] for i in batch])
                loss = loss_fn(self.network_(encoded["input_ids"], encoded["attention_mask"]), target[batch])
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.network_.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                if progress is not None:
                    progress(1, total, f"epoch {epoch}/{hp.epochs} loss {loss.item():.3f}")
            if dev is not None:
                threshold, f1 = tune_threshold(dev[1], self._positive_proba(dev[0]))
                self.training_.dev_grid.append({"epoch": epoch, "threshold": threshold, "dev_f1": round(f1, 4)})
                if f1 > best_f1:
                    best_f1, best_epoch = f1, epoch
                    best_state = {k: v.detach().clone() for k, v in self.network_.state_dict().items()}
        if best_state is not None:
            self.network_.load_state_dict(best_state)
        self.network_.eval()
        self.training_.selected["epoch"] = best_epoch
        self.training_.selected["train_sentences_used"] = len(texts)

    def _tokenize(self, texts: Sequence[str]):
        return self.tokenizer_(
            list(texts), padding=True, truncation=True, max_length=self.hyperparameters.max_length, return_tensors="pt"
        ).to(self.device_)

    def _positive_proba(self, texts: list[str], batch_size: int = 128) -> np.ndarray:
        torch = prepare_torch(threads=self.hyperparameters.threads)
        self.network_.eval()
        out = np.zeros(len(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                encoded = self._tokenize([texts[i] for i in batch])
                out[batch] = torch.sigmoid(self.network_(encoded["input_ids"], encoded["attention_mask"])).float().cpu().numpy()
        return out

    def _save_weights(self, directory: Path) -> dict[str, Any]:
        from safetensors.torch import save_file

        save_file({k: v.detach().cpu().contiguous() for k, v in self.network_.state_dict().items()}, str(directory / WEIGHTS_FILE), metadata={"kind": self.kind})
        shareable(directory / WEIGHTS_FILE)
        self.network_.encoder.config.save_pretrained(str(directory / "encoder"))
        self.tokenizer_.save_pretrained(str(directory / "tokenizer"))
        return {"weights_file": WEIGHTS_FILE, "weights_sha256": _sha256(directory / WEIGHTS_FILE)}

    def _load_weights(self, directory: Path, config: dict[str, Any]) -> str:
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        weights = directory / config["weights_file"]
        actual = _sha256(weights)
        if actual != config["weights_sha256"]:
            raise ValueError(f"{weights}: sha256 {actual[:12]} does not match the config's {config['weights_sha256'][:12]}")
        prepare_torch(threads=self.hyperparameters.threads)
        self.hyperparameters.device = loading_device(self.hyperparameters.device)
        self.device_ = resolve_device(self.hyperparameters.device)
        self.network_ = _build_sentence_network(None, directory / "encoder")
        self.network_.load_state_dict(load_file(str(weights)))
        self.network_.to(self.device_)
        self.network_.eval()
        self.tokenizer_ = AutoTokenizer.from_pretrained(str(directory / "tokenizer"))
        return actual

    def _description(self) -> str:
        return f"`{self.hyperparameters.encoder}` fine-tuned end to end, mean-pooled tokens into one logit."


# ----- ensemble ----------------------------------------------------------------------------------------------------
@dataclass
class EnsembleClaimsHyperparameters:
    members: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.members = tuple(self.members)


class EnsembleCheckworthiness(_Checkworthiness):
    """Weighted geometric mean of member probabilities; weights and temperature minimise dev log-loss, then the threshold is tuned."""

    kind = "claims-ensemble"
    default_name = "claims-ensemble"
    hyperparameter_class = EnsembleClaimsHyperparameters

    def __init__(self, estimators: Sequence[_Checkworthiness] = (), members: Sequence[str] = ()) -> None:
        """`estimators` to fit; `members` (their kinds) is what a saved config restores before `load` reads them."""
        super().__init__(members=tuple(m.kind for m in estimators) or tuple(members))
        self.members = list(estimators)
        self.weights_ = np.full(len(self.members), 1 / max(1, len(self.members)))
        self.temperature_ = 1.0

    def _fit(self, texts, labels, dev, progress) -> None:
        if dev is None:
            raise ValueError("the ensemble chooses its weights on dev sentences: give dev data")
        for member in self.members:
            if not member.fitted_:
                member.fit(texts, labels, dev=dev, data_sources=self.training_.data_sources, progress=progress)
            self.training_.selected[f"{member.kind} dev F1"] = member.training_.scores["dev"]["f1"]["score"]
        self.fit_weights(*dev)

    def fit_weights(self, texts: Sequence[str], labels: Sequence[bool]) -> Self:
        """Grid over the weight simplex (step 0.1) and a temperature grid for the lowest dev log-loss."""
        probabilities = [m.predict_proba(texts) for m in self.members]
        gold = np.asarray(labels, dtype=int)
        rows = np.arange(len(gold))

        def log_loss(weights: np.ndarray, temperature: float) -> float:
            return float(-np.log(_combine(probabilities, weights, temperature)[rows, gold] + 1e-12).mean())

        self.weights_ = min(_simplex(len(self.members), WEIGHT_STEP), key=lambda w: log_loss(w, 1.0))
        temperatures = np.exp(np.linspace(np.log(0.2), np.log(5.0), 81))
        self.temperature_ = float(min(temperatures, key=lambda t: log_loss(self.weights_, t)))
        self.training_.selected.update({"weights": [round(float(w), 2) for w in self.weights_], "temperature": round(self.temperature_, 4)})
        return self

    def _positive_proba(self, texts: list[str]) -> np.ndarray:
        return _combine([m.predict_proba(texts) for m in self.members], self.weights_, self.temperature_)[:, 1]

    def _identity(self) -> str:
        payload = json.dumps({"members": [m.weights_sha256_ for m in self.members], "weights": [float(w) for w in self.weights_], "t": self.temperature_})
        return hashlib.sha256(payload.encode()).hexdigest()

    def _save_weights(self, directory: Path) -> dict[str, Any]:
        names = []
        for index, member in enumerate(self.members):
            names.append(f"member_{index}_{member.kind}")
            member.save(directory / names[-1])
        return {"member_dirs": names, "weights": [float(w) for w in self.weights_], "temperature": self.temperature_, "weights_sha256": self._identity()}

    def _load_weights(self, directory: Path, config: dict[str, Any]) -> str:
        from models.registry import load_claims_model

        self.members = [load_claims_model(directory / name) for name in config["member_dirs"]]
        self.weights_ = np.array(config["weights"])
        self.temperature_ = float(config["temperature"])
        identity = self._identity()
        if identity != config["weights_sha256"]:
            raise ValueError(f"{directory}: members or weights do not match the saved ensemble identity")
        return identity

    def _description(self) -> str:
        return f"Weighted ensemble of {', '.join(m.kind for m in self.members) or 'members'}; weights and temperature chosen on dev log-loss."


CLAIMS_MODEL_KINDS: dict[str, type[_Checkworthiness]] = {
    cls.kind: cls for cls in (TfidfCheckworthiness, EmbeddingCheckworthiness, MiniLMCheckworthiness, EnsembleCheckworthiness)
}
CLAIMS_MODELS = ("tfidf", "embedding", "minilm", "ensemble")
ENSEMBLE_MEMBERS = ("tfidf", "embedding", "minilm")


def build_claims_model(name: str, seed: int = 13, members: Sequence[str] = ENSEMBLE_MEMBERS, **minilm: Any) -> _Checkworthiness:
    """The estimator named `name`; an ensemble holds `members`. `minilm` settings go to the fine-tuned model."""
    builders = {
        "tfidf": lambda: TfidfCheckworthiness(seed=seed),
        "embedding": lambda: EmbeddingCheckworthiness(seed=seed),
        "minilm": lambda: MiniLMCheckworthiness(seed=seed, **minilm),
    }
    unknown = sorted({name, *members} - {*builders, "ensemble"})
    if unknown or "ensemble" in members or len(members) < (2 if name == "ensemble" else 0):
        raise ValueError(f"unknown claims model(s) {unknown or name!r}; expected {list(CLAIMS_MODELS)}, an ensemble of two or more of {list(builders)}")
    if name == "ensemble":
        return EnsembleCheckworthiness([builders[member]() for member in members])
    return builders[name]()
