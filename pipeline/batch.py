"""Batch jobs: read -> enrich -> store (run) or -> JSONL (predict), streaming, quarantining bad records."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from corpus.reader import QuarantinedRecord, ReadResult, read_statements
from corpus.schema import Statement
from pipeline.config import StancewatchConfig
from pipeline.enrich import Enricher
from pipeline.store import Store, StoreConflict

COMMIT_EVERY = 256


@dataclass
class RunSummary:
    db: Path
    quarantine_file: Path
    stored: int = 0
    skipped: int = 0
    quarantined: int = 0
    speakers_resolved: int = 0
    entities: int = 0
    stances: int = 0
    model_id: str | None = None
    label_counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    quarantine_examples: list[str] = field(default_factory=list)


def _chunks(items: Iterable[Statement], size: int) -> Iterator[list[Statement]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(
    inputs: list[Path], config: StancewatchConfig, on_statement: Callable[[], None] = lambda: None, rerun: bool = False
) -> RunSummary:
    """Stores every valid statement with its enrichment; one transaction per chunk, so a crash keeps what was done.

    A statement whose content this model already scored on all its targets is skipped unless `rerun`.
    """
    enricher = Enricher(config)
    read = ReadResult([])
    conflicts: list[QuarantinedRecord] = []
    summary = RunSummary(db=config.store.db, quarantine_file=config.store.quarantine, model_id=enricher.model_id)
    with Store(config.store.db) as store:
        store.sync_actors(enricher.registry)
        run_id = store.start_run([str(p) for p in inputs], enricher.model_id)
        for chunk in _chunks(read_statements(inputs, read), COMMIT_EVERY):
            accepted = []
            for statement in chunk:
                try:
                    store.check_conflict(statement)
                except StoreConflict as conflict:
                    conflicts.append(QuarantinedRecord("<store>", -1, "id", str(conflict), statement.model_dump_json()[:2000]))
                    on_statement()
                    continue
                if not rerun and set(enricher.targets_for(statement)) <= store.scored_targets(statement, enricher.model.weights_sha256_):
                    summary.skipped += 1
                    on_statement()
                    continue
                accepted.append(statement)
            pairs = []
            for statement, record in enricher.enrich(accepted):
                pairs.append((statement, record))
                summary.speakers_resolved += record.speaker_actor is not None
                summary.entities += len(record.entities)
                summary.stances += len(record.stances)
                for stance in record.stances:
                    summary.label_counts[stance.target][stance.label] += 1
                on_statement()
            store.write_batch(pairs, run_id)
            summary.stored += len(pairs)
        # Records the reader rejected never reached the loop above: count them into the progress once.
        for _ in read.quarantined:
            on_statement()
        read.quarantined.extend(conflicts)
        summary.quarantined = len(read.quarantined)
        store.finish_run(run_id, summary.stored, summary.quarantined)
    read.write_quarantine(config.store.quarantine)
    summary.quarantine_examples = [r.describe() for r in read.quarantined[:5]]
    return summary


def predict_file(
    input_path: Path,
    out_path: Path,
    config: StancewatchConfig,
    targets: list[str] | None,
    on_statement: Callable[[], None] = lambda: None,
) -> tuple[int, list[QuarantinedRecord]]:
    """Writes one prediction record per valid input statement; returns (written, quarantined)."""
    enricher = Enricher(config, forced_targets=targets)
    read = ReadResult([])
    out_path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    partial = out_path.with_suffix(out_path.suffix + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for chunk in _chunks(read_statements([input_path], read), COMMIT_EVERY):
            for _, record in enricher.enrich(chunk):
                out.write(record.model_dump_json() + "\n")
                written += 1
                on_statement()
    partial.replace(out_path)
    read.write_quarantine(config.store.quarantine)
    return written, read.quarantined
