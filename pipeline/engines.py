"""Where enrichment runs. The run itself (reading, deciding what needs scoring, writing) stays in one
process either way; an engine only turns chunks of statements into (statement, record) pairs.

`local` enriches in this process. `dask` (`pip install '.[dask]'`) sends each chunk to a Dask worker,
which loads the models once and returns the records; see `pipeline/dask_engine.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Protocol

from corpus.schema import PredictionRecord, Statement
from pipeline.actors import ActorRegistry
from pipeline.config import StancewatchConfig
from pipeline.enrich import Enricher

ENGINES = ("local", "dask")
Pairs = list[tuple[Statement, PredictionRecord]]


class Engine(Protocol):
    registry: ActorRegistry
    model_id: str | None
    model_hash: str | None
    claims_hash: str | None
    claims_threshold: float | None
    default_targets: list[str]
    trained_targets: frozenset[str]

    def targets_for(self, statement: Statement) -> list[str]: ...

    def enrich_chunks(self, chunks: Iterable[list[Statement]]) -> Iterator[Pairs]:
        """One list of pairs per chunk, in chunk order."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """Enriches in this process with one spaCy pipeline (NER, actors, stance)."""

    def __init__(self, config: StancewatchConfig) -> None:
        self.enricher = Enricher(config)
        self.registry = self.enricher.registry
        self.model_id = self.enricher.model_id
        self.model_hash = self.enricher.model.weights_sha256_
        self.claims_hash = self.enricher.claims_hash
        self.claims_threshold = self.enricher.claims_threshold
        self.default_targets = self.enricher.default_targets
        self.trained_targets = self.enricher.trained_targets

    def targets_for(self, statement: Statement) -> list[str]:
        return self.enricher.targets_for(statement)

    def enrich_chunks(self, chunks: Iterable[list[Statement]]) -> Iterator[Pairs]:
        for chunk in chunks:
            yield list(self.enricher.enrich(chunk))

    def close(self) -> None:
        """Nothing to release: the models go with the process."""


@contextmanager
def open_engine(config: StancewatchConfig, name: str = "local", scheduler: str | None = None) -> Iterator[Engine]:
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
    if name == "local":
        if scheduler is not None:
            raise ValueError("--scheduler needs --engine dask")
        engine: Engine = LocalEngine(config)
    else:
        try:
            from pipeline.dask_engine import DaskEngine
        except ImportError as error:
            raise ValueError(f"--engine dask needs the dask extra ({error.name} is missing): pip install '.[dask]'") from None
        engine = DaskEngine(config, scheduler)
    try:
        yield engine
    finally:
        engine.close()
