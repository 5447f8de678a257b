"""Target-conditioned stance classifier: a fine-tuned MiniLM that reads each statement once for all targets.

Every statement is encoded once; each target (encoded by the same encoder) then attends over the
statement's tokens to pool the evidence that concerns it, and a small head labels the pair
favor / against / none. Cost grows with statements, barely with targets, and an unseen target is
just more text, so new targets need no new code.
"""

from __future__ import annotations

import math
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from corpus.schema import STANCE_LABELS
from models.decision import DecisionRule
from models._torch import build_encoder, inference_context, loading_device, prepare_torch, resolve_device, resolve_precision
from models.encoders import DEFAULT_ENCODER, resolve_encoder
from models.text import readable
from models.weights import file_sha256 as _sha256, read_config, shareable, write_config

if TYPE_CHECKING:
    import torch

WEIGHTS_FILE = "model.safetensors"
CONFIG_FILE = "stance_config.json"
CARD_FILE = "MODEL_CARD.md"
MODEL_KIND = "target-attention-minilm"
LABEL_INDEX = {label: index for index, label in enumerate(STANCE_LABELS)}


@dataclass
class StanceHyperparameters:
    # Options added after models were saved, with the value that keeps those models as they were trained.
    SAVED_BEFORE_OPTIONS: ClassVar[dict[str, object]] = {"readable_text": False, "auxiliary_weight": 0.0}

    encoder: str = DEFAULT_ENCODER
    max_length: int = 128
    epochs: int = 4
    batch_size: int = 16
    learning_rate: float = 4e-5
    head_learning_rate: float = 1e-3
    warmup_fraction: float = 0.1
    # "sqrt" weights classes by 1/sqrt(frequency): favor and against are rare next to none,
    # and F_avg / macro-F1 reward getting them right.
    class_weighting: str = "sqrt"
    # Bottom transformer layers kept as pretrained: a few thousand tweets move the top layers, not the whole encoder.
    # All of them (6 for MiniLM-L6) also keeps the embeddings: the encoder is then the pretrained one, and an
    # ensemble whose embedding member reads the same encoder runs it once for both (see models/ensemble.py).
    frozen_layers: int = 0
    # Independently initialised attention heads over the same encoder pass, trained side by side and averaged:
    # a seed ensemble whose extra members cost a few small matrix products at inference.
    heads: int = 1
    # Targets attend over a learned mix of all layers' token states rather than the last layer's (which
    # sentence-transformers trained for whole-sentence similarity); the sentence embedding stays the last layer's.
    layer_mix: bool = False
    # Greedy soup (Wortsman et al. 2022) over this run's epoch checkpoints: the weights of the best dev epochs are
    # averaged while dev macro-F1 does not drop; one model, the variance of a few, no extra training.
    soup: bool = False
    # Hashtags and handles written out as words, links as `http`, before tokenizing (models/text.py).
    readable_text: bool = True
    # Weight of each auxiliary task's loss when the training pairs carry auxiliary labels (SemEval-2016's "opinion
    # towards" and sentiment): the heads also learn them from the same pooled features, which steers what the target
    # attends to (5-fold out-of-fold on SemEval train: +1.7 F_avg alone, +0.9 in the stacked ensemble). The extra
    # outputs are dropped once training ends, so the saved model is an ordinary one.
    auxiliary_weight: float = 0.5
    seed: int = 13
    threads: int | None = None
    # "cpu", "cuda" or "auto"; a model trained on a GPU loads on the CPU where there is none.
    device: str = "cpu"

    def __post_init__(self) -> None:
        if self.heads < 1:
            raise ValueError(f"heads must be >= 1, got {self.heads}")
        if self.auxiliary_weight < 0:
            raise ValueError(f"auxiliary_weight must be >= 0, got {self.auxiliary_weight}")


@dataclass
class TrainingRecord:
    """What the model card reports: enough to reproduce and to judge the model."""

    train_examples: int = 0
    dev_examples: int = 0
    label_counts: dict[str, int] = field(default_factory=dict)
    targets: list[str] = field(default_factory=list)
    training_seconds: float = 0.0
    best_epoch: int = 0
    soup_epochs: list[int] = field(default_factory=list)
    dev_macro_f1: float | None = None
    # Seeded 95% bootstrap intervals of the selected model's dev scores: {"macro_f1": [lo, hi], "f_avg": [...]}.
    dev_scores: dict[str, object] = field(default_factory=dict)
    temperature: float = 1.0
    data_sources: list[str] = field(default_factory=list)
    # Auxiliary tasks learned alongside stance during training only: {task: {label: pairs labelled so}}.
    auxiliary_tasks: dict[str, dict[str, int]] = field(default_factory=dict)
    git_commit: str | None = None


def _build_network(encoder_source: str | None, encoder_config_dir: Path | None = None, heads: int = 1, layer_mix: bool = False, auxiliary_outputs: int = 0):
    torch = prepare_torch()
    from torch import nn

    class TargetHead(nn.Module):
        """A target's query attends over the statement's tokens; a small classifier reads what it pooled."""

        def __init__(self, width: int) -> None:
            super().__init__()
            self.query = nn.Linear(width, width)
            # Auxiliary tasks' logits follow the stance logits in the last layer's output while training.
            self.head = nn.Sequential(
                nn.Linear(4 * width, width), nn.GELU(), nn.Dropout(0.1), nn.Linear(width, len(STANCE_LABELS) + auxiliary_outputs)
            )

        def drop_auxiliary_outputs(self) -> None:
            last = self.head[-1]
            kept = nn.Linear(last.in_features, len(STANCE_LABELS)).to(last.weight.device)
            with torch.no_grad():
                kept.weight.copy_(last.weight[: len(STANCE_LABELS)])
                kept.bias.copy_(last.bias[: len(STANCE_LABELS)])
            self.head[-1] = kept

        def forward(self, tokens: torch.Tensor, mask: torch.Tensor, mean: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            """(B, L, d) statement tokens x (T, d) targets -> (B, T, 3) logits."""
            queries = self.query(targets)
            scores = torch.einsum("bld,td->btl", tokens, queries) / math.sqrt(tokens.shape[-1])
            scores = scores.masked_fill(mask.unsqueeze(1) == 0, torch.finfo(scores.dtype).min)
            pooled = torch.einsum("btl,bld->btd", scores.softmax(-1), tokens)
            batch, n_targets = pooled.shape[:2]
            target_grid = targets.unsqueeze(0).expand(batch, -1, -1)
            mean_grid = mean.unsqueeze(1).expand(-1, n_targets, -1)
            features = torch.cat([pooled, mean_grid, target_grid, pooled * target_grid], dim=-1)
            return self.head(features)

    class TargetAttentionStance(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = build_encoder(encoder_source, encoder_config_dir)
            self.heads = nn.ModuleList(TargetHead(self.encoder.config.hidden_size) for _ in range(heads))
            # Attention reads a learned mix of every layer's states (Peters et al. 2018) instead of the last only.
            layers = self.encoder.config.num_hidden_layers + 1
            self.layer_weights = nn.Parameter(torch.zeros(layers)) if layer_mix else None

        def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            """(token states the targets attend over, the last layer's mean: the sentence embedding)."""
            output = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=self.layer_weights is not None)
            return self._attended(output), _masked_mean(output.last_hidden_state, attention_mask)

        def encode_forked(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, shared: int, pretrained_top) -> tuple:
            """`encode`, plus the pretrained encoder's sentence embedding of the same texts: the bottom `shared` layers
            stayed as pretrained, so only the pretrained top layers run again on their output."""
            from transformers.masking_utils import create_bidirectional_mask

            output = self.encoder(input_ids=input_ids, attention_mask=attention_mask, output_hidden_states=True)
            hidden = output.hidden_states[shared]
            mask = create_bidirectional_mask(config=self.encoder.config, inputs_embeds=hidden, attention_mask=attention_mask)
            for layer in pretrained_top:
                hidden = layer(hidden, mask)
            return self._attended(output), _masked_mean(output.last_hidden_state, attention_mask), _masked_mean(hidden, attention_mask)

        def _attended(self, output) -> torch.Tensor:
            if self.layer_weights is None:
                return output.last_hidden_state
            mix = self.layer_weights.softmax(0)
            return sum(weight * states for weight, states in zip(mix, output.hidden_states))

        def head_logits(self, tokens: torch.Tensor, mask: torch.Tensor, mean: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            """(H, B, T, 3 + auxiliary outputs): each head's logits, each head trained on its own loss."""
            return torch.stack([head(tokens, mask, mean, targets) for head in self.heads])

        def logits(self, tokens: torch.Tensor, mask: torch.Tensor, mean: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
            """(B, T, 3); several heads combine as the geometric mean of their probabilities."""
            per_head = self.head_logits(tokens, mask, mean, targets)[..., : len(STANCE_LABELS)]
            return per_head[0] if len(self.heads) == 1 else per_head.log_softmax(-1).mean(0)

    return TargetAttentionStance()


def _auxiliary_label_ids(auxiliary: Mapping[str, Sequence[str | None]], pairs: int) -> tuple[dict[str, list[str]], np.ndarray | None]:
    """({task: its sorted labels}, (tasks, pairs) label indices with -100 for unlabelled pairs); tasks with fewer
    than two labels teach nothing and are left out."""
    tasks: dict[str, list[str]] = {}
    rows = []
    for task, labels in auxiliary.items():
        if len(labels) != pairs:
            raise ValueError(f"auxiliary task {task!r}: {len(labels)} labels for {pairs} training pairs")
        names = sorted({label for label in labels if label is not None})
        if len(names) < 2:
            continue
        tasks[task] = names
        rows.append([names.index(label) if label is not None else -100 for label in labels])
    return tasks, (np.array(rows) if rows else None)


def _masked_mean(states, attention_mask):
    """Mean of the token states the attention mask keeps: the sentence embedding sentence-transformers trained."""
    mask = attention_mask.unsqueeze(-1).to(states.dtype)
    return (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)


def _current_keys(state: dict) -> dict:
    """Weights saved before heads were a list (one query + head at the top level) load as head 0."""
    return {(f"heads.0.{key}" if key.startswith(("query.", "head.")) else key): value for key, value in state.items()}


def _git_commit() -> str | None:
    """The commit the code was at, '+dirty' when tracked files had uncommitted changes (the card must not claim a
    commit reproduces a model that code outside it trained)."""
    where = Path(__file__).parent
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True, cwd=where).stdout.strip()
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True, check=True, cwd=where).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if changed.strip() else "")


def _group_pairs(texts: Sequence[str], targets: Sequence[str]) -> tuple[list[str], list[list[tuple[int, str]]]]:
    """Pairs -> unique texts, each with the (pair index, target) asked of it."""
    unique: dict[str, int] = {}
    asked: list[list[tuple[int, str]]] = []
    for pair_index, (text, target) in enumerate(zip(texts, targets, strict=True)):
        slot = unique.setdefault(text, len(unique))
        if slot == len(asked):
            asked.append([])
        asked[slot].append((pair_index, target))
    return list(unique), asked


class StanceClassifier(DecisionRule):
    """scikit-learn-style estimator over (text, target) pairs with labels favor / against / none."""

    kind = MODEL_KIND
    labels = STANCE_LABELS

    def __init__(self, **hyperparameters: object) -> None:
        self.hyperparameters = StanceHyperparameters(**hyperparameters)  # type: ignore[arg-type]
        self.network_ = None
        self.tokenizer_ = None
        self.temperature_ = 1.0
        self.training_ = TrainingRecord()
        self.weights_sha256_: str | None = None
        self.name_ = "stance-minilm"
        self.device_ = None
        self.precision_ = "fp32"
        self._target_cache: dict[str, np.ndarray] = {}
        # Set by an ensemble while it predicts, when this encoder is frozen and an embedding member reads the same
        # one: each text's unit-length mean embedding is left here, and that member does not encode it again.
        self.embedding_sink: dict[str, np.ndarray] | None = None
        # Set with the sink when only the bottom layers are the pretrained ones: (how many, the pretrained top layers
        # that turn their output into the embedding member's).
        self.embedding_fork: tuple[int, object] | None = None

    # ----- identity -------------------------------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        digest = (self.weights_sha256_ or "unsaved")[:12]
        return f"{self.name_}@{digest}" + ("" if self.precision_ == "fp32" else f"+{self.precision_}")

    @property
    def encoder_frozen(self) -> bool:
        """Whether training leaves the whole encoder as pretrained (every layer and the embeddings)."""
        layers = self.network_.encoder.config.num_hidden_layers if self.network_ is not None else None
        return layers is not None and self.hyperparameters.frozen_layers >= layers

    def set_precision(self, precision: str) -> "StanceClassifier":
        """Inference arithmetic: "fp32", "bf16" or "auto"; the weights stay as trained."""
        self.precision_ = resolve_precision(precision)
        self._target_cache.clear()
        return self

    def clone_for_folds(self) -> "StanceClassifier":
        """An unfitted copy with the same hyperparameters, for a stack's out-of-fold training."""
        return type(self)(**asdict(self.hyperparameters))

    # ----- training -------------------------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        targets: Sequence[str],
        labels: Sequence[str],
        dev: tuple[Sequence[str], Sequence[str], Sequence[str]] | None = None,
        data_sources: Sequence[str] = (),
        progress=None,
        auxiliary: Mapping[str, Sequence[str | None]] | None = None,
    ) -> "StanceClassifier":
        """Fine-tunes encoder and head; keeps the epoch with the best dev macro-F1 and calibrates on dev.

        `auxiliary` maps a task name to one label per training pair (None where a pair has none), e.g. SemEval-2016's
        sentiment; with `auxiliary_weight` > 0 the heads learn those tasks too, during training only."""
        hp = self.hyperparameters
        torch = prepare_torch(seed=hp.seed, threads=hp.threads)
        from transformers import AutoTokenizer, get_linear_schedule_with_warmup

        unknown = sorted(set(labels) - set(STANCE_LABELS))
        if unknown:
            raise ValueError(f"unknown stance labels {unknown}; expected {STANCE_LABELS}")
        if len(texts) == 0:
            raise ValueError("no training pairs: the training file holds no gold stances")
        source = resolve_encoder(hp.encoder)
        self.tokenizer_ = AutoTokenizer.from_pretrained(source)
        self.device_ = resolve_device(hp.device)
        auxiliary_tasks, auxiliary_ids = _auxiliary_label_ids(auxiliary or {}, len(texts)) if hp.auxiliary_weight > 0 else ({}, None)
        auxiliary_outputs = sum(len(labels) for labels in auxiliary_tasks.values())
        self.network_ = _build_network(source, heads=hp.heads, layer_mix=hp.layer_mix, auxiliary_outputs=auxiliary_outputs).to(self.device_)
        layers = self.network_.encoder.config.num_hidden_layers
        if hp.frozen_layers > layers:  # else the model card would record layers that were never there
            raise ValueError(f"frozen_layers = {hp.frozen_layers}: the encoder {hp.encoder!r} has {layers} layers; freeze at most {layers} (all of them)")
        self._target_cache.clear()
        started = time.perf_counter()

        unique_texts, asked = _group_pairs(texts, targets)
        # What the encoder reads, written once rather than every epoch; batches still group by the texts' own length.
        encoder_texts = self._readable(unique_texts)
        label_ids = np.array([LABEL_INDEX[label] for label in labels])
        counts = np.bincount(label_ids, minlength=len(STANCE_LABELS)).astype(float)
        weights = self._class_weights(counts)
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32, device=self.device_))

        # The 30k x 384 word-embedding matrix is half the encoder's weights: updating it densely every
        # step costs more than the rest of the step and overfits a few thousand examples.
        self.network_.encoder.get_input_embeddings().weight.requires_grad_(False)
        if hp.frozen_layers > 0:
            # Under frozen layers the embeddings stay pretrained too, so what the frozen layers output is the
            # pretrained encoder's, and an embedding member can take it from this model's pass (models/ensemble.py).
            self.network_.encoder.embeddings.requires_grad_(False)
        for layer in self.network_.encoder.encoder.layer[: hp.frozen_layers]:
            layer.requires_grad_(False)
        if self.encoder_frozen:
            self.network_.encoder.requires_grad_(False)
        encoder_params = [p for p in self.network_.encoder.parameters() if p.requires_grad]
        head_params = [p for name, p in self.network_.named_parameters() if not name.startswith("encoder.")]
        optimizer = torch.optim.AdamW(
            [{"params": encoder_params, "lr": hp.learning_rate}, {"params": head_params, "lr": hp.head_learning_rate}],
            weight_decay=0.01,
        )
        steps_per_epoch = len(_length_bucketed_batches(unique_texts, hp.batch_size, np.random.default_rng(0)))
        total_steps = steps_per_epoch * hp.epochs
        scheduler = get_linear_schedule_with_warmup(optimizer, int(hp.warmup_fraction * total_steps), total_steps)
        rng = np.random.default_rng(hp.seed)

        checkpoints: list[tuple[float, int, dict]] = []
        for epoch in range(1, hp.epochs + 1):
            self.network_.train()
            for batch in _length_bucketed_batches(unique_texts, hp.batch_size, rng):
                batch_targets = sorted({target for i in batch for _, target in asked[i]})
                target_slot = {target: slot for slot, target in enumerate(batch_targets)}
                gold = torch.full((len(batch), len(batch_targets)), -100, dtype=torch.long)
                for row, i in enumerate(batch):
                    for pair_index, target in asked[i]:
                        gold[row, target_slot[target]] = int(label_ids[pair_index])
                all_logits = self._training_logits([encoder_texts[i] for i in batch], batch_targets)
                logits = all_logits[..., : len(STANCE_LABELS)]
                every_head_gold = gold.unsqueeze(0).expand(logits.shape[0], -1, -1)
                loss = loss_fn(logits.reshape(-1, len(STANCE_LABELS)), every_head_gold.reshape(-1).to(self.device_))
                if auxiliary_ids is not None:
                    loss = loss + hp.auxiliary_weight * self._auxiliary_loss(all_logits, auxiliary_tasks, auxiliary_ids, batch, asked, target_slot)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.network_.parameters(), 1.0)
                optimizer.step()
                scheduler.step()
                if progress is not None:
                    progress(1, total_steps, f"epoch {epoch}/{hp.epochs} loss {loss.item():.3f}")
            if dev is not None:
                checkpoints.append((self._dev_macro_f1(dev), epoch, {k: v.detach().cpu().clone() for k, v in self.network_.state_dict().items()}))
                # Only the checkpoints a soup could use are kept: four 90 MB states at most.
                checkpoints = sorted(checkpoints, key=lambda c: (-c[0], c[1]))[: 4 if hp.soup else 1]
        best_score, best_epoch, soup_epochs = -1.0, hp.epochs, []
        if checkpoints:
            best_score, best_epoch, soup_epochs = self._select_checkpoints(checkpoints, dev)
        for head in self.network_.heads:
            head.drop_auxiliary_outputs()
        self._target_cache.clear()
        if dev is not None:
            self.temperature_ = self._fit_temperature(dev)

        self.training_ = TrainingRecord(
            train_examples=len(texts),
            dev_examples=len(dev[0]) if dev is not None else 0,
            label_counts={label: int(counts[i]) for i, label in enumerate(STANCE_LABELS)},
            targets=sorted(set(targets)),
            training_seconds=round(time.perf_counter() - started, 1),
            best_epoch=best_epoch,
            soup_epochs=soup_epochs,
            dev_macro_f1=round(best_score, 4) if dev is not None else None,
            dev_scores=self._dev_scores_with_intervals(dev) if dev is not None else {},
            temperature=round(self.temperature_, 4),
            data_sources=list(data_sources),
            auxiliary_tasks={
                task: {label: int((ids == index).sum()) for index, label in enumerate(labels)}
                for (task, labels), ids in zip(auxiliary_tasks.items(), auxiliary_ids if auxiliary_ids is not None else [])
            },
            git_commit=_git_commit(),
        )
        return self

    def _auxiliary_loss(self, all_logits, tasks: dict[str, list[str]], label_ids: np.ndarray, batch, asked, target_slot):
        """Sum over auxiliary tasks of the cross-entropy of their outputs, over the batch's pairs that carry a label."""
        torch = prepare_torch()
        loss = all_logits.new_zeros(())
        start = len(STANCE_LABELS)
        for task_ids, labels in zip(label_ids, tasks.values()):
            gold = torch.full(all_logits.shape[1:3], -100, dtype=torch.long)
            for row, i in enumerate(batch):
                for pair_index, target in asked[i]:
                    gold[row, target_slot[target]] = int(task_ids[pair_index])
            if (gold >= 0).any():
                task_logits = all_logits[..., start : start + len(labels)]
                every_head_gold = gold.unsqueeze(0).expand(task_logits.shape[0], -1, -1).reshape(-1).to(self.device_)
                loss = loss + torch.nn.functional.cross_entropy(task_logits.reshape(-1, len(labels)), every_head_gold, ignore_index=-100)
            start += len(labels)
        return loss

    def _select_checkpoints(self, checkpoints: list[tuple[float, int, dict]], dev) -> tuple[float, int, list[int]]:
        """Loads the best dev checkpoint, then (with `soup`) averages in each next-best one that does not lower dev macro-F1."""
        (best_score, best_epoch, best_state), *rest = checkpoints
        soup, score = [best_state], best_score
        self.network_.load_state_dict(best_state)
        epochs = [best_epoch]
        for _, epoch, state in rest:
            self.network_.load_state_dict(_average_states([*soup, state]))
            self._target_cache.clear()
            trial = self._dev_macro_f1(dev)
            if trial >= score:
                soup, score = [*soup, state], trial
                epochs.append(epoch)
        self.network_.load_state_dict(_average_states(soup))
        return score, best_epoch, epochs if len(epochs) > 1 else []

    def _class_weights(self, counts: np.ndarray) -> np.ndarray:
        mode = self.hyperparameters.class_weighting
        safe = np.maximum(counts, 1.0)
        if mode == "none":
            weights = np.ones_like(safe)
        elif mode == "sqrt":
            weights = 1.0 / np.sqrt(safe)
        elif mode == "inverse":
            weights = 1.0 / safe
        else:
            raise ValueError(f"class_weighting must be 'none', 'sqrt' or 'inverse', got {mode!r}")
        return weights / weights.mean()

    def _dev_scores_with_intervals(self, dev: tuple[Sequence[str], Sequence[str], Sequence[str]]) -> dict[str, object]:
        from evaluation.bootstrap import bootstrap_interval
        from evaluation.stance import f_avg
        from sklearn.metrics import f1_score

        def macro_f1(gold, predicted) -> float:
            return float(f1_score(gold, predicted, labels=list(STANCE_LABELS), average="macro", zero_division=0))

        gold, predicted = list(dev[2]), self.predict(dev[0], dev[1])
        return {
            name: {"score": round(metric(gold, predicted), 4), "interval_95": [round(x, 4) for x in bootstrap_interval(metric, gold, predicted)]}
            for name, metric in (("macro_f1", macro_f1), ("f_avg", f_avg))
        }

    def _dev_macro_f1(self, dev: tuple[Sequence[str], Sequence[str], Sequence[str]]) -> float:
        from sklearn.metrics import f1_score

        predicted = self.predict(dev[0], dev[1])
        return float(f1_score(list(dev[2]), predicted, labels=list(STANCE_LABELS), average="macro", zero_division=0))

    def _fit_temperature(self, dev: tuple[Sequence[str], Sequence[str], Sequence[str]]) -> float:
        """One scalar that minimises dev NLL: fixes over-confidence without changing any argmax."""
        torch = prepare_torch()
        logits = torch.tensor(self._logits(dev[0], dev[1]), dtype=torch.float64)
        gold = torch.tensor([LABEL_INDEX[label] for label in dev[2]])
        log_temperature = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.LBFGS([log_temperature], lr=0.1, max_iter=100)

        def closure():
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(logits / log_temperature.exp(), gold)
            loss.backward()
            return loss

        optimizer.step(closure)
        return float(log_temperature.detach().exp().clamp(0.05, 20.0))

    # ----- inference ------------------------------------------------------------------------------------------
    def _tokenize(self, texts: Sequence[str]):
        return self.tokenizer_(
            list(texts), padding=True, truncation=True, max_length=self.hyperparameters.max_length, return_tensors="pt"
        ).to(self.device_)

    def _readable(self, texts: Sequence[str]) -> list[str]:
        return [readable(text) for text in texts] if self.hyperparameters.readable_text else list(texts)

    def _encode_targets(self, targets: Sequence[str], grad: bool):
        torch = prepare_torch()
        if grad:
            encoded = self._tokenize(targets)
            return self.network_.encode(encoded["input_ids"], encoded["attention_mask"])[1]
        missing = [t for t in targets if t not in self._target_cache]
        if missing:
            with inference_context(self.precision_, self.device_):
                encoded = self._tokenize(missing)
                vectors = self.network_.encode(encoded["input_ids"], encoded["attention_mask"])[1]
            for target, vector in zip(missing, vectors):
                self._target_cache[target] = vector.float().cpu().numpy().copy()
        return torch.tensor(np.stack([self._target_cache[t] for t in targets]), device=self.device_)

    def _training_logits(self, encoder_texts: Sequence[str], targets: Sequence[str]):
        """(H, B, T, 3) logits of every head, with gradients; the texts are already in the form the encoder reads."""
        encoded = self._tokenize(encoder_texts)
        tokens, mean = self.network_.encode(encoded["input_ids"], encoded["attention_mask"])
        return self.network_.head_logits(tokens, encoded["attention_mask"], mean, self._encode_targets(targets, grad=True))

    def logits_grouped(self, texts: Sequence[str], targets_per_text: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        """Raw logits, one (len(targets), 3) array per text; texts are batched by length to pad little."""
        self._require_fitted()
        torch = prepare_torch()
        self.network_.eval()
        results: list[np.ndarray | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with inference_context(self.precision_, self.device_):
            for start in range(0, len(order), batch_size):
                batch = order[start : start + batch_size]
                batch_targets = sorted({t for i in batch for t in targets_per_text[i]})
                if not batch_targets:
                    for i in batch:
                        results[i] = np.zeros((0, len(STANCE_LABELS)))
                    continue
                slot = {t: s for s, t in enumerate(batch_targets)}
                batch_texts = [texts[i] for i in batch]
                encoded = self._tokenize(self._readable(batch_texts))
                if self.embedding_sink is not None and self.embedding_fork is not None:
                    tokens, mean, sentence = self.network_.encode_forked(encoded["input_ids"], encoded["attention_mask"], *self.embedding_fork)
                else:
                    tokens, mean = self.network_.encode(encoded["input_ids"], encoded["attention_mask"])
                    sentence = mean
                if self.embedding_sink is not None:
                    unit = torch.nn.functional.normalize(sentence.float(), dim=-1).cpu().numpy()
                    self.embedding_sink.update(zip(batch_texts, unit))
                targets = self._encode_targets(batch_targets, grad=False)
                logits = self.network_.logits(tokens, encoded["attention_mask"], mean, targets).float().cpu().numpy()
                for row, i in enumerate(batch):
                    results[i] = logits[row, [slot[t] for t in targets_per_text[i]]]
        return results  # type: ignore[return-value]

    def predict_proba_grouped(self, texts: Sequence[str], targets_per_text: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        """Calibrated probabilities, columns in STANCE_LABELS order, one array per text."""
        return [_softmax(logits / self.temperature_) for logits in self.logits_grouped(texts, targets_per_text, batch_size)]

    def _logits(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        unique_texts, asked = _group_pairs(texts, targets)
        grouped = self.logits_grouped(unique_texts, [[t for _, t in pairs] for pairs in asked])
        out = np.zeros((len(texts), len(STANCE_LABELS)))
        for pairs, logits in zip(asked, grouped):
            for (pair_index, _), row in zip(pairs, logits):
                out[pair_index] = row
        return out

    def predict_proba(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        return _softmax(self._logits(texts, targets) / self.temperature_)

    def _require_fitted(self) -> None:
        if self.network_ is None:
            raise RuntimeError("the stance classifier is not fitted: call fit() or StanceClassifier.load(DIR)")

    # ----- persistence ----------------------------------------------------------------------------------------
    def save(self, directory: Path | str) -> Path:
        """Writes safetensors weights, tokenizer, encoder config, our config and a model card."""
        from safetensors.torch import save_file

        self._require_fitted()
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.network_.state_dict().items()}
        save_file(state, str(directory / WEIGHTS_FILE), metadata={"kind": MODEL_KIND})
        shareable(directory / WEIGHTS_FILE)
        self.network_.encoder.config.save_pretrained(str(directory / "encoder"))
        self.tokenizer_.save_pretrained(str(directory / "tokenizer"))
        self.weights_sha256_ = _sha256(directory / WEIGHTS_FILE)
        config = {
            "kind": MODEL_KIND,
            "name": self.name_,
            "hyperparameters": asdict(self.hyperparameters),
            "labels": list(STANCE_LABELS),
            "temperature": self.temperature_,
            "training": asdict(self.training_),
            "weights_sha256": self.weights_sha256_,
        }
        write_config(directory / CONFIG_FILE, config)
        (directory / CARD_FILE).write_text(self.model_card(), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: Path | str) -> "StanceClassifier":
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        directory = Path(directory)
        config_path = directory / CONFIG_FILE
        if not config_path.is_file():
            raise FileNotFoundError(f"{directory}: no {CONFIG_FILE}; train one with `stancewatch train --train FILE --out {directory}`")
        config = read_config(config_path)
        if config.get("kind") != MODEL_KIND:
            raise ValueError(f"{config_path}: kind {config.get('kind')!r} is not {MODEL_KIND!r}")
        actual = _sha256(directory / WEIGHTS_FILE)
        if actual != config["weights_sha256"]:
            raise ValueError(f"{directory / WEIGHTS_FILE}: sha256 {actual[:12]} does not match the config's {config['weights_sha256'][:12]}")
        model = cls(**{**StanceHyperparameters.SAVED_BEFORE_OPTIONS, **config["hyperparameters"]})
        prepare_torch(threads=model.hyperparameters.threads)
        model.hyperparameters.device = loading_device(model.hyperparameters.device)
        model.device_ = resolve_device(model.hyperparameters.device)
        hp = model.hyperparameters
        model.network_ = _build_network(None, directory / "encoder", heads=hp.heads, layer_mix=hp.layer_mix)
        model.network_.load_state_dict(_current_keys(load_file(str(directory / WEIGHTS_FILE))))
        model.network_.to(model.device_)
        model.network_.eval()
        model.tokenizer_ = AutoTokenizer.from_pretrained(str(directory / "tokenizer"))
        model.temperature_ = float(config["temperature"])
        model.training_ = TrainingRecord(**config["training"])
        model.weights_sha256_ = actual
        model.name_ = config["name"]
        return model

    def model_card(self) -> str:
        hp, tr = self.hyperparameters, self.training_
        lines = [
            f"# {self.model_id}",
            "",
            "Target-conditioned stance classifier (favor / against / none) "
            + (f"trained on the frozen, pretrained `{hp.encoder}`" if self.encoder_frozen else f"fine-tuned from `{hp.encoder}`")
            + ": each target attends over the statement's tokens.",
            "",
            "## Training data",
            *(f"- {source}" for source in tr.data_sources or ["(not recorded)"]),
            f"- {tr.train_examples} training pairs ({', '.join(f'{k} {v}' for k, v in tr.label_counts.items())}), "
            f"{tr.dev_examples} dev pairs, {len(tr.targets)} targets",
            *(
                ["- auxiliary tasks learned alongside stance while training (their outputs are not kept): "
                 + "; ".join(f"{task} ({', '.join(f'{k} {v}' for k, v in counts.items())})" for task, counts in tr.auxiliary_tasks.items())]
                if tr.auxiliary_tasks else []
            ),
            "",
            "## Hyperparameters",
            *(f"- {key}: {value}" for key, value in asdict(hp).items()),
            "",
            "## Results",
            f"- best epoch {tr.best_epoch}; dev macro-F1 {tr.dev_macro_f1}; temperature {tr.temperature}",
            *([f"- weights: the average of epochs {', '.join(map(str, tr.soup_epochs))} (greedy soup on dev)"] if tr.soup_epochs else []),
            *(
                f"- dev {name}: {values['score']} (95% bootstrap CI {values['interval_95'][0]}–{values['interval_95'][1]})"
                for name, values in tr.dev_scores.items()
            ),
            f"- training time {tr.training_seconds} s",
            "",
            "## Provenance",
            f"- git commit: {tr.git_commit}",
            f"- weights sha256: {self.weights_sha256_}",
            "",
        ]
        return "\n".join(lines)


def _length_bucketed_batches(texts: Sequence[str], batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length: padding is wasted compute, and press paragraphs sit beside tweets."""
    order = rng.permutation(len(texts))
    pool = 32 * batch_size
    batches = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool], key=lambda i: len(texts[i]))
        batches += [np.array(chunk[i : i + batch_size]) for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def _average_states(states: list[dict]) -> dict:
    """Uniform average of floating-point tensors; integer buffers (position ids) are taken from the first."""
    return {
        key: (sum(state[key] for state in states) / len(states)) if value.is_floating_point() else value
        for key, value in states[0].items()
    }


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


