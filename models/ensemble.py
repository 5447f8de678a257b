"""A weighted ensemble of stance classifiers, weights chosen on dev.

The members fail differently (n-grams catch hashtags and slogans, the fine-tuned encoder catches
paraphrase and implication), so averaging their log-probabilities beats either alone; the weights and
one temperature are the only things fitted on dev. Weights minimise dev log-loss: a proper scoring
rule over every pair, where F_avg on a few hundred dev pairs swings with a handful of argmax flips
and picked a single member on SemEval-2016's dev carve.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import numpy as np

from corpus.schema import STANCE_LABELS
from models.decision import DECISIONS, DecisionRule, argmax_labels, fit_decision_offsets
from models.stance import CARD_FILE, CONFIG_FILE
from models.weights import read_config, write_config

MODEL_KIND = "weighted-ensemble"
WEIGHT_STEP = 0.1


def _f_avg(gold: Sequence[str], predicted: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=["favor", "against"], average="macro", zero_division=0))


def _simplex(members: int, step: float) -> list[np.ndarray]:
    ticks = int(round(1 / step))
    return [np.array(c) / ticks for c in itertools.product(range(ticks + 1), repeat=members) if sum(c) == ticks]


def _combine(probabilities: Sequence[np.ndarray], weights: np.ndarray, temperature: float) -> np.ndarray:
    """Weighted geometric mean of the members' probabilities: `weights` has one value per member, or one row per pair."""
    weights = np.asarray(weights)
    per_pair = weights.T[:, :, None] if weights.ndim == 2 else weights[:, None, None]
    logits = sum(w * np.log(np.clip(p, 1e-9, 1.0)) for w, p in zip(per_pair, probabilities))
    logits = logits / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=-1, keepdims=True)


class MemberModels:
    """What a model built from member models shares: an id that names its members' arithmetic, passing it on,
    and one encoder pass where two members read the same frozen encoder."""

    members: list
    name_: str
    weights_sha256_: str | None
    # Found on first use, forgotten when members are refitted or change arithmetic.
    _sharing: list[tuple[object, object, tuple[int, object] | None]] | None = None

    def leaves(self) -> Iterator[object]:
        """The member models at the bottom of nested ensembles and stacks."""
        for member in self.members:
            yield from member.leaves() if isinstance(member, MemberModels) else [member]

    def additions(self) -> list[dict]:
        """The `add_targets` calls since the full fit, as the first member that fitted heads for them recorded them
        (every such member takes every call)."""
        return next((leaf.additions() for leaf in self.leaves() if hasattr(leaf, "additions")), [])

    def _encoder_sharing(self) -> list[tuple[object, object, tuple[int, object] | None]]:
        """(provider, consumer, fork) triples: a MiniLM stance member whose bottom layers stayed as pretrained, and an
        embedding member whose encoder has the same weights there, tokenizer limit and arithmetic. With the whole
        encoder shared the first's mean embeddings are the second's; with only the bottom layers shared (fork: their
        number and the consumer's top layers) the first runs the pretrained top layers again on their output."""
        if self._sharing is None:
            from models.baseline import EmbeddingStanceClassifier
            from models.stance import StanceClassifier

            leaves = list(self.leaves())
            providers = [m for m in leaves if isinstance(m, StanceClassifier) and m.network_ is not None and m.hyperparameters.frozen_layers > 0]
            consumers = [m for m in leaves if isinstance(m, EmbeddingStanceClassifier)]
            self._sharing = []
            for consumer in consumers:
                for provider in providers[:1]:
                    shared = _shared_layers(provider, consumer)
                    layers = consumer.encoder_.config.num_hidden_layers if consumer.encoder_ is not None else 0
                    if shared == layers and layers:
                        self._sharing.append((provider, consumer, None))
                    elif shared:
                        self._sharing.append((provider, consumer, (shared, consumer.encoder_.encoder.layer[shared:])))
        return self._sharing

    @contextmanager
    def one_encoder_pass(self) -> Iterator[None]:
        """While predicting, the MiniLM member leaves each text's pretrained embedding for the embedding member."""
        triples = [(p, c, f) for p, c, f in self._encoder_sharing() if p.embedding_sink is None and c.embedding_cache is None]
        shared: dict[str, np.ndarray] = {}
        for provider, consumer, fork in triples:
            provider.embedding_sink = consumer.embedding_cache = shared
            provider.embedding_fork = fork
        try:
            yield
        finally:
            for provider, consumer, _ in triples:
                provider.embedding_sink = consumer.embedding_cache = None
                provider.embedding_fork = None

    @property
    def model_id(self) -> str:
        precisions = {getattr(m, "precision_", "fp32") for m in self.members} - {"fp32"}
        return f"{self.name_}@{(self.weights_sha256_ or 'unsaved')[:12]}" + "".join(f"+{p}" for p in sorted(precisions))

    def set_precision(self, precision: str) -> Self:
        """Passes the inference arithmetic to every member that has an encoder."""
        for member in self.members:
            member.set_precision(precision)
        self._sharing = None
        return self


def _shared_layers(provider, consumer) -> int:
    """How many bottom layers (the embeddings under them included) the two encoders hold with the same weights, under
    the same text preparation, tokenizer limit and arithmetic; 0 where they cannot share a pass."""
    import torch

    def reading(model) -> tuple:
        return model.precision_, model.hyperparameters.max_length, model.hyperparameters.readable_text

    if reading(provider) != reading(consumer):
        return 0
    if consumer.encoder_ is None:
        consumer._load_encoder()
    if provider.tokenizer_.get_vocab() != consumer.tokenizer_.get_vocab():
        return 0

    def same(mine, theirs) -> bool:
        mine, theirs = mine.state_dict(), theirs.state_dict()
        return mine.keys() == theirs.keys() and all(torch.equal(mine[k].cpu(), theirs[k].cpu()) for k in mine)

    ours, theirs = provider.network_.encoder, consumer.encoder_
    if not same(ours.embeddings, theirs.embeddings):
        return 0
    shared = 0
    for mine, other in zip(ours.encoder.layer, theirs.encoder.layer):
        if not same(mine, other):
            break
        shared += 1
    return shared


class WeightedEnsembleStanceClassifier(DecisionRule, MemberModels):
    """Geometric mean of member probabilities with dev-chosen weights; same API as its members."""

    kind = MODEL_KIND
    labels = STANCE_LABELS

    def __init__(self, members: Sequence[object] = (), decision: str = "argmax") -> None:
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {decision!r}")
        self.members = list(members)
        self.decision = decision
        self.weights_ = np.full(len(self.members), 1 / max(1, len(self.members)))
        self.temperature_ = 1.0
        self.dev_scores_: dict[str, float] = {}
        self.weights_sha256_: str | None = None
        self.name_ = "stance-ensemble"

    def fit(self, texts, targets, labels, dev, data_sources: Sequence[str] = (), progress=None) -> "WeightedEnsembleStanceClassifier":
        """Fits every member on train (each may use dev for its own selection), then the weights on dev."""
        if dev is None or not dev[0]:
            raise ValueError("the ensemble chooses its weights on dev pairs: give a dev file (or let training carve one)")
        self._sharing = None
        for member in self.members:
            started = time.perf_counter()
            member.fit(texts, targets, labels, dev=dev, data_sources=data_sources, progress=progress)
            self.dev_scores_[f"{member.kind} train seconds"] = round(time.perf_counter() - started, 1)
        return self.fit_weights(dev)

    def add_targets(self, texts, targets, labels, dev=None, data_sources: Sequence[str] = (), progress=None) -> "WeightedEnsembleStanceClassifier":
        """Members that can add per-target heads do; the fine-tuned encoder keeps reading new targets zero-shot."""
        adding = [m for m in self.members if hasattr(m, "add_targets")]
        if not adding:
            raise ValueError("no member of this ensemble can add targets without retraining")
        for member in adding:
            # One bar for all members: each reports steps out of its own total.
            def member_progress(step, total, text, member=member):
                progress(step, total * len(adding), f"{member.kind}: {text}")

            member.add_targets(texts, targets, labels, dev=dev, data_sources=data_sources, progress=member_progress if progress else None)
        new_targets = sorted(set(targets))
        dev_rows = [i for i, target in enumerate(dev[1]) if target in new_targets] if dev is not None else []
        if dev_rows:
            predicted = self.predict([dev[0][i] for i in dev_rows], [dev[1][i] for i in dev_rows])
            score = round(_f_avg([dev[2][i] for i in dev_rows], predicted), 4)
            self.dev_scores_[f"added targets {', '.join(new_targets)}: ensemble F_avg on their {len(dev_rows)} dev pairs"] = score
        self.weights_sha256_ = None
        return self

    def fit_weights(self, dev: tuple[Sequence[str], Sequence[str], Sequence[str]]) -> "WeightedEnsembleStanceClassifier":
        """Grid over the weight simplex (step 0.1) and a temperature grid for the lowest dev log-loss."""
        texts, targets, gold = dev
        with self.one_encoder_pass():
            member_probabilities = [member.predict_proba(texts, targets) for member in self.members]
        gold_index = np.array([STANCE_LABELS.index(label) for label in gold])
        rows = np.arange(len(gold))

        def log_loss(weights: np.ndarray, temperature: float) -> float:
            return float(-np.log(_combine(member_probabilities, weights, temperature)[rows, gold_index] + 1e-12).mean())

        for member, probabilities in zip(self.members, member_probabilities):
            self.dev_scores_[f"{member.kind} F_avg"] = round(_f_avg(gold, argmax_labels(probabilities)), 4)
        self.weights_ = min(_simplex(len(self.members), WEIGHT_STEP), key=lambda weights: log_loss(weights, 1.0))
        temperatures = np.exp(np.linspace(np.log(0.2), np.log(5.0), 81))
        self.temperature_ = float(min(temperatures, key=lambda t: log_loss(self.weights_, t)))
        combined = _combine(member_probabilities, self.weights_, self.temperature_)
        self.dev_scores_["ensemble F_avg"] = round(_f_avg(gold, argmax_labels(combined)), 4)
        self.dev_scores_["ensemble log-loss"] = round(log_loss(self.weights_, self.temperature_), 4)
        self.decision_offsets_ = fit_decision_offsets(combined, gold) if self.decision == "f_avg" else None
        if self.decision_offsets_ is not None:
            self.dev_scores_["ensemble F_avg, decision offsets (fitted on this dev)"] = round(_f_avg(gold, self.decide(combined)), 4)
        return self

    def _offsets_list(self) -> list[float] | None:
        return None if self.decision_offsets_ is None else [float(x) for x in self.decision_offsets_]

    def _decision_text(self) -> str:
        if self.decision_offsets_ is None:
            return "the most probable class"
        shifts = ", ".join(f"{label} {offset:+.2f}" for label, offset in zip(STANCE_LABELS, self.decision_offsets_))
        return f"argmax after log-probability offsets chosen for F_avg on dev ({shifts}); probabilities are not shifted"

    def _weighted(self) -> tuple[list[object], np.ndarray]:
        """Members with weight 0 contribute a factor of 1 to the geometric mean: not running them saves their cost."""
        keep = [i for i, w in enumerate(self.weights_) if w > 0]
        return [self.members[i] for i in keep], self.weights_[keep]

    def _target_weights(self, members: list[object], weights: np.ndarray, targets: Iterable[str]) -> dict[str, np.ndarray]:
        """Per target, the weights of the members that learnt it, rescaled to sum to 1. A target added with
        `add_targets` is learnt by the members that fitted heads for it; the fine-tuned encoder reads it zero-shot,
        and on SemEval-2016's held-out target it scored dev F_avg 6.1 against 34-55 for the heads fitted on 10-569
        pairs, while its full-fit weight (0.6) made the ensemble score 6-42 (BENCHMARKS.md, session 22). A target
        no member learnt, or every member did, keeps the full fit's weights."""
        from models.registry import trained_targets

        known = [trained_targets(member) for member in members]
        by_target = {}
        for target in set(targets):
            learnt = np.array([target in k for k in known])
            kept = weights * learnt
            by_target[target] = kept / kept.sum() if learnt.any() and not learnt.all() and kept.sum() > 0 else weights
        return by_target

    def predict_proba(self, texts: Sequence[str], targets: Sequence[str]) -> np.ndarray:
        members, weights = self._weighted()
        with self.one_encoder_pass():
            probabilities = [m.predict_proba(texts, targets) for m in members]
        by_target = self._target_weights(members, weights, targets)
        return _combine(probabilities, np.array([by_target[t] for t in targets]).reshape(len(targets), len(members)), self.temperature_)

    def predict_proba_grouped(self, texts: Sequence[str], targets_per_text: Sequence[Sequence[str]], batch_size: int = 64) -> list[np.ndarray]:
        members, weights = self._weighted()
        with self.one_encoder_pass():
            grouped = [m.predict_proba_grouped(texts, targets_per_text, batch_size) for m in members]
        by_target = self._target_weights(members, weights, itertools.chain.from_iterable(targets_per_text))
        return [
            _combine([g[i] for g in grouped], np.array([by_target[t] for t in targets]).reshape(len(targets), len(members)), self.temperature_)
            for i, targets in enumerate(targets_per_text)
        ]

    def save(self, directory: Path | str) -> Path:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        names = []
        for index, member in enumerate(self.members):
            name = f"member_{index}_{member.kind}"
            member.save(directory / name)
            names.append(name)
        self.weights_sha256_ = _identity(self.members, self.weights_.tolist(), self.temperature_, self._offsets_list())
        config = {
            "kind": MODEL_KIND,
            "name": self.name_,
            "members": names,
            "member_ids": [m.model_id for m in self.members],
            "weights": self.weights_.tolist(),
            "temperature": self.temperature_,
            "decision": self.decision,
            "decision_offsets": self._offsets_list(),
            "dev_scores": self.dev_scores_,
            "weights_sha256": self.weights_sha256_,
        }
        write_config(directory / CONFIG_FILE, config)
        card = [
            f"# {self.model_id}",
            "",
            "Weighted geometric mean of stance classifiers. The weights (a grid over the simplex in steps of 0.1), then the "
            "temperature (81 values from 0.2 to 5), minimise the log-loss on the dev pairs; dev F_avg is reported, not "
            "optimised, so a member alone can score a higher dev F_avg than the ensemble.",
            "",
            *(f"- {mid} (`{name}/`): weight {w:.1f}" for mid, name, w in zip(config["member_ids"], names, config["weights"])),
            f"- temperature {self.temperature_:.3f}",
            f"- labels: {self._decision_text()}",
            *_provenance_lines(self.members),
            *self._addition_lines(),
            "- dev scores:",
            *(f"  - {name}: {value}" for name, value in self.dev_scores_.items()),
            f"- identity sha256: {self.weights_sha256_}, the sha256 of the JSON "
            '`{"members": [each member\'s weights sha256], "weights": [...], "t": temperature}` (with `"offsets"` when '
            "decision offsets were fitted), as `json.dumps` writes it",
            "",
            "Each member folder holds its own model card (hyperparameters, data counts, dev scores with intervals).",
            "",
        ]
        (directory / CARD_FILE).write_text("\n".join(card), encoding="utf-8")
        return directory

    def _addition_lines(self) -> list[str]:
        """Each `--init-from` addition once, with the members that fitted heads for it: only they score the new
        targets, with their full-fit weights rescaled, so a member with weight 0 adds nothing to them."""
        from models.baseline import addition_sources

        additions = self.additions()
        if not additions:
            return []
        fitting = [m.kind for m in self.members if hasattr(m, "add_targets")]
        idle = [m.kind for m, w in zip(self.members, self.weights_) if w == 0 and hasattr(m, "add_targets")]
        unseeing = [m.kind for m in self.members if not hasattr(m, "add_targets")]
        zero_shot, one = ", ".join(unseeing), len(unseeing) == 1
        note = f"  - heads fitted in {', '.join(fitting)}"
        if unseeing and len(idle) == len(fitting):
            note += f"; {zero_shot} read{'s' if one else ''} them zero-shot, since members with weight 0 ({', '.join(idle)}) do not contribute to them"
        elif unseeing:
            note += f"; only these score them, their weights rescaled to sum to 1 ({zero_shot} never saw them and {'has' if one else 'have'} no say)"
        else:
            note += "; the member weights stay as the full fit chose them"
        if idle and len(idle) < len(fitting):
            note += f"; members with weight 0 ({', '.join(idle)}) do not contribute to them"
        return [*(f"- {addition_sources(a)}" for a in additions), note]

    @classmethod
    def load(cls, directory: Path | str) -> "WeightedEnsembleStanceClassifier":
        from models.registry import load_stance_model

        directory = Path(directory)
        config = read_config(directory / CONFIG_FILE)
        members = [load_stance_model(directory / name) for name in config["members"]]
        model = cls(members, decision=config.get("decision", "argmax"))
        model.weights_ = np.array(config["weights"])
        model.temperature_ = float(config["temperature"])
        offsets = config.get("decision_offsets")
        model.decision_offsets_ = None if offsets is None else np.array(offsets)
        model.dev_scores_ = config["dev_scores"]
        model.name_ = config["name"]
        model.weights_sha256_ = _identity(members, config["weights"], config["temperature"], offsets)
        if model.weights_sha256_ != config["weights_sha256"]:
            raise ValueError(f"{directory}: members or weights do not match the saved ensemble identity")
        return model


def _provenance_lines(members: Sequence[object]) -> list[str]:
    """Training data, seed and git commit as the members recorded them (one line each where they agree)."""
    # Training records are dataclasses, except the stacked model's, a dict.
    records = [vars(r) if hasattr(r, "__dict__") else (r or {}) for r in (getattr(member, "training_", None) for member in members)]
    fields = {
        "training data": [tuple(r.get("data_sources") or ()) for r in records],
        "git commit": [r.get("git_commit") for r in records],
        "seed": [getattr(getattr(member, "hyperparameters", None), "seed", None) or getattr(member, "seed", None) for member in members],
    }
    lines = []
    for name, values in fields.items():
        known = list(dict.fromkeys(v for v in values if v))
        if known:
            shown = ["; ".join(v) if isinstance(v, tuple) else str(v) for v in known]
            lines.append(f"- {name}: {shown[0]}" if len(shown) == 1 else f"- {name} (differs between members): {' | '.join(shown)}")
    return lines


def _identity(members: Sequence[object], weights: list[float], temperature: float, offsets: list[float] | None) -> str:
    """Hash of what decides the ensemble's output; offsets join it only when fitted, so older saved ensembles keep theirs."""
    identity = {"members": [m.weights_sha256_ for m in members], "weights": weights, "t": temperature}
    if offsets is not None:
        identity["offsets"] = offsets
    return hashlib.sha256(json.dumps(identity).encode()).hexdigest()
