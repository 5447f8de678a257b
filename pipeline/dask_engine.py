"""`run --engine dask`: chunks of statements go to Dask workers; the records come back to the one writer.

Each worker process loads the models once (a per-process cache keyed by the config) and turns a chunk of
statements into prediction records. Nothing on a worker touches SQLite: the client writes every chunk
in one transaction, exactly as a local run does, so a run stays idempotent and crash-safe (SQLite
allows one writer, and a single writer is what makes "no statement lost, none duplicated" easy to hold).

Workers must see the model, target and actor files at the same absolute paths as the client (a shared
file system, or the same image); the client sends absolute paths.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from distributed import Client, Future, LocalCluster

from corpus.schema import PredictionRecord, Statement
from pipeline.actors import ActorRegistry
from pipeline.config import StancewatchConfig
from pipeline.engines import Pairs
from pipeline.enrich import Enricher, configured_targets, targets_for

_load_lock = threading.Lock()


@lru_cache(maxsize=2)
def _cached_enricher(config_json: str) -> Enricher:
    return Enricher(StancewatchConfig.model_validate_json(config_json))


def worker_enricher(config_json: str) -> Enricher:
    """The worker process's one Enricher for this config (a lock, in case a worker runs several threads).

    A worker that cannot load the models says which worker it is: the path it lacks may well exist on the
    machine that started the run, where the bare message would send the operator looking in the wrong place."""
    with _load_lock:
        try:
            return _cached_enricher(config_json)
        except (OSError, ValueError) as error:
            from distributed import get_worker

            raise ValueError(
                f"Dask worker {get_worker().address} could not load the models: {error} "
                "(workers must see the model, target and actor files at the same absolute paths as this machine)"
            ) from None


def enrich_partition(config_json: str, statements: list[Statement]) -> list[PredictionRecord]:
    """Runs on a worker: one record per statement, in order."""
    return [record for _, record in worker_enricher(config_json).enrich(statements)]


def model_identity(config_json: str) -> tuple[str | None, str | None, str | None, float | None, frozenset[str]]:
    """Runs on a worker: the id and weights hash of the stance model the workers use, the claims model's hash and
    threshold, and the targets the stance model was trained on."""
    enricher = worker_enricher(config_json)
    return enricher.model_id, enricher.model.weights_sha256_, enricher.claims_hash, enricher.claims_threshold, enricher.trained_targets


def enricher_loads() -> int:
    """Runs on a worker: how many times this worker process has loaded the models."""
    return _cached_enricher.cache_info().misses


def _absolute_paths(config: StancewatchConfig) -> StancewatchConfig:
    """A copy whose paths do not depend on the worker's working directory."""
    config = config.model_copy(deep=True)
    for section_name in type(config).model_fields:
        section = getattr(config, section_name)
        for name in type(section).model_fields:
            value = getattr(section, name)
            if isinstance(value, Path):
                setattr(section, name, value.resolve())
            elif isinstance(value, list) and value and all(isinstance(v, Path) for v in value):
                setattr(section, name, [v.resolve() for v in value])
    return config


class DaskEngine:
    """Sends chunks to Dask workers, a bounded number at a time, and yields their records in chunk order."""

    def __init__(self, config: StancewatchConfig, scheduler: str | None = None) -> None:
        self.config = _absolute_paths(config)
        self._config_json = self.config.model_dump_json()
        if scheduler:
            self.cluster = None
            self.client = Client(scheduler)
        else:
            self.cluster = LocalCluster(
                n_workers=config.dask.workers,
                threads_per_worker=config.dask.threads_per_worker,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self.client = Client(self.cluster)
        try:
            self.registry = ActorRegistry.from_files(self.config.actors.registry)
            self.default_targets = configured_targets(self.config)
            identity = self.client.submit(model_identity, self._config_json, pure=False).result()
            self.model_id, self.model_hash, self.claims_hash, self.claims_threshold, self.trained_targets = identity
        except BaseException:
            self.close()
            raise
        workers = max(1, len(self.client.scheduler_info()["workers"]))
        self.window = workers * config.dask.partitions_per_worker

    def targets_for(self, statement: Statement) -> list[str]:
        return targets_for(statement, self.default_targets)

    def enrich_chunks(self, chunks: Iterable[list[Statement]]) -> Iterator[Pairs]:
        # In chunk order, with at most `window` chunks in flight: bounded memory, deterministic writes.
        pending: deque[tuple[list[Statement], Future | None]] = deque()
        for chunk in chunks:
            future = self.client.submit(enrich_partition, self._config_json, chunk, pure=False) if chunk else None
            pending.append((chunk, future))
            while len(pending) >= self.window:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    @staticmethod
    def _collect(chunk: list[Statement], future: Future | None) -> Pairs:
        if future is None:
            return []
        records = future.result()
        future.release()
        return list(zip(chunk, records, strict=True))

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
