"""The one data path: Statement in, PredictionRecord out (entities, speaker actor, stance per target)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version

from corpus.schema import ActorRef, PredictedClaim, PredictedEntity, PredictedStance, PredictionRecord, Provenance, Statement
from corpus.targets import load_targets
from pipeline.actors import ActorRegistry
from pipeline.config import StancewatchConfig
from pipeline.claims import claims_unavailable_reason
from pipeline.nlp import build_nlp


def stancewatch_version() -> str:
    try:
        return version("stancewatch")
    except PackageNotFoundError:
        return "0+unknown"


def configured_targets(config: StancewatchConfig) -> list[str]:
    names = [t.name for t in load_targets(config.targets.file)] if config.targets.file else []
    names += [n for n in config.targets.names if n not in names]
    if not names:
        raise ValueError("no targets configured: set [targets] file or names in the config, or pass --targets")
    return names


def targets_for(statement: Statement, default_targets: list[str], forced_targets: list[str] | None = None) -> list[str]:
    """Explicit targets for the run win, then the statement's own, then the config's."""
    if forced_targets:
        return list(forced_targets)
    return list(statement.targets) if statement.targets else list(default_targets)


class Enricher:
    """Holds the loaded models for a run; `enrich` streams records in batches."""

    def __init__(self, config: StancewatchConfig, forced_targets: list[str] | None = None, with_stance: bool = True) -> None:
        self.config = config
        self.registry = ActorRegistry.from_files(config.actors.registry)
        self.forced_targets = forced_targets
        self.default_targets = forced_targets or configured_targets(config)
        self.nlp = build_nlp(config, with_stance=with_stance)
        self.with_stance = with_stance
        meta = self.nlp.meta
        self.spacy_model = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
        self.model = self.nlp.get_pipe("stancewatch_stance").model if with_stance else None
        # Why claims are not scored (None when they are): the CLI says it, statements still get stance.
        self.claims_note = claims_unavailable_reason(config)
        self.claims_model = self.nlp.get_pipe("stancewatch_claims").model if self.claims_note is None else None

    @property
    def model_id(self) -> str | None:
        return self.model.model_id if self.model is not None else None

    @property
    def trained_targets(self) -> frozenset[str]:
        from models.registry import trained_targets

        return trained_targets(self.model) if self.model is not None else frozenset()

    @property
    def claims_hash(self) -> str | None:
        """Weights hash of the claims model, or None when statements get stance only."""
        return self.claims_model.weights_sha256_ if self.claims_model is not None else None

    @property
    def claims_threshold(self) -> float | None:
        """The threshold claims are judged by (config's or the model's own), or None without a claims model."""
        return self.nlp.get_pipe("stancewatch_claims").threshold if self.claims_model is not None else None

    def targets_for(self, statement: Statement) -> list[str]:
        return targets_for(statement, self.default_targets, self.forced_targets)

    def enrich(self, statements: Iterable[Statement]) -> Iterator[tuple[Statement, PredictionRecord]]:
        contexts = ((s.text, s) for s in statements)
        for doc, statement in self.nlp.pipe(self._with_targets(contexts), as_tuples=True, batch_size=self.config.nlp.batch_size):
            yield statement, self._record(doc, statement)

    def _with_targets(self, contexts):
        # Targets must be on the Doc before the stance component runs; spaCy copies context through.
        for text, statement in contexts:
            doc = self.nlp.make_doc(text)
            doc._.targets = self.targets_for(statement)
            doc._.reference_date = statement.date  # resolves "October 9" in the statement's claims
            yield doc, statement

    def _record(self, doc, statement: Statement) -> PredictionRecord:
        # An office names whoever held it on the statement's day ('Austria's chancellor' in 2022 is Nehammer).
        actor = self.registry.resolve(statement.speaker, statement.date)
        entities = [
            PredictedEntity(start=e.start_char, end=e.end_char, label=e.label_, text=e.text, actor=e.kb_id_ or None)
            for e in doc.ents
        ]
        provenance = None
        if self.model is not None:
            provenance = Provenance(
                model_id=self.model.model_id,
                model_name=self.model.name_,
                model_version=(self.model.weights_sha256_ or "unsaved")[:12],
                weights_sha256=self.model.weights_sha256_,
                content_hash=statement.content_hash,
                spacy_model=self.spacy_model,
                stancewatch_version=stancewatch_version(),
                claims_model_id=self.claims_model.model_id if self.claims_model is not None else None,
                claims_weights_sha256=self.claims_model.weights_sha256_ if self.claims_model is not None else None,
                claims_threshold=self.claims_threshold,
            )
        return PredictionRecord(
            id=statement.id,
            source_type=statement.source_type,
            speaker=statement.speaker,
            date=statement.date,
            entities=entities,
            speaker_actor=ActorRef(**actor.as_dict()) if actor else None,
            stances=[PredictedStance(**s) for s in doc._.stances],
            claims=self._claims(doc, statement, actor),
            provenance=provenance,
        )

    def _claims(self, doc, statement: Statement, actor) -> list[PredictedClaim] | None:
        """The statement's claims with its speaker; None (not []) when no claims model ran."""
        if doc._.claims is None:
            return None
        speaker_actor = actor.name if actor else None
        return [PredictedClaim(**claim, speaker=statement.speaker, speaker_actor=speaker_actor) for claim in doc._.claims]
