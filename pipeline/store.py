"""SQLite store: statements, entities, actors and stance predictions with their provenance.

WAL mode and one transaction per batch: readers work while a run writes, and a crash loses at most
the batch in flight, never what was committed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from corpus.schema import PredictionRecord, Statement
from pipeline.actors import ActorRegistry

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    inputs TEXT NOT NULL,
    model_id TEXT,
    statements_stored INTEGER DEFAULT 0,
    quarantined INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS actors (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    affiliation TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS statements (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    text TEXT NOT NULL,
    source_type TEXT NOT NULL,
    speaker TEXT,
    speaker_actor TEXT REFERENCES actors(name),
    date TEXT,
    lang TEXT,
    url TEXT,
    outlet TEXT,
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE IF NOT EXISTS entities (
    statement_id TEXT NOT NULL REFERENCES statements(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    label TEXT NOT NULL,
    text TEXT NOT NULL,
    actor TEXT REFERENCES actors(name),
    PRIMARY KEY (statement_id, start, end, label)
);
CREATE TABLE IF NOT EXISTS stances (
    statement_id TEXT NOT NULL REFERENCES statements(id),
    target TEXT NOT NULL,
    label TEXT NOT NULL CHECK (label IN ('favor', 'against', 'none')),
    p_favor REAL NOT NULL,
    p_against REAL NOT NULL,
    p_none REAL NOT NULL,
    model_name TEXT NOT NULL,
    model_version TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    PRIMARY KEY (statement_id, target, model_hash)
);
CREATE INDEX IF NOT EXISTS stances_by_target ON stances(target);
CREATE INDEX IF NOT EXISTS statements_by_actor_date ON statements(speaker_actor, date);
"""


class StoreConflict(ValueError):
    """A statement id already stored with different content: refusing keeps the stored record intact."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.connection = sqlite3.connect(str(self.path), timeout=30)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA foreign_keys=ON")
        self.connection.executescript(SCHEMA)

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sync_actors(self, registry: ActorRegistry) -> None:
        with self.connection:
            self.connection.executemany(
                "INSERT INTO actors(name, kind, affiliation, aliases) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(name) DO UPDATE SET kind=excluded.kind, affiliation=excluded.affiliation, aliases=excluded.aliases",
                [(a.name, a.kind, a.affiliation, json.dumps(list(a.aliases))) for a in registry.actors.values()],
            )

    def start_run(self, inputs: Iterable[str], model_id: str | None) -> int:
        with self.connection:
            cursor = self.connection.execute(
                "INSERT INTO runs(started_at, inputs, model_id) VALUES (?, ?, ?)", (_now(), json.dumps(list(inputs)), model_id)
            )
        return int(cursor.lastrowid)

    def finish_run(self, run_id: int, stored: int, quarantined: int) -> None:
        with self.connection:
            self.connection.execute(
                "UPDATE runs SET finished_at=?, statements_stored=?, quarantined=? WHERE id=?", (_now(), stored, quarantined, run_id)
            )

    def stored_hash(self, statement_id: str) -> str | None:
        row = self.connection.execute("SELECT content_hash FROM statements WHERE id=?", (statement_id,)).fetchone()
        return row[0] if row else None

    def scored_targets(self, statement: Statement, model_hash: str) -> set[str]:
        """Targets this model already scored for this exact statement content."""
        rows = self.connection.execute(
            "SELECT target FROM stances WHERE statement_id=? AND model_hash=? AND content_hash=?",
            (statement.id, model_hash, statement.content_hash),
        ).fetchall()
        return {row[0] for row in rows}

    def check_conflict(self, statement: Statement) -> None:
        stored = self.stored_hash(statement.id)
        if stored is not None and stored != statement.content_hash:
            raise StoreConflict(f"id {statement.id!r} is already stored with different text or speaker (hash {stored})")

    def write_batch(self, pairs: list[tuple[Statement, PredictionRecord]], run_id: int) -> None:
        """Writes one batch atomically; re-writing the same statement replaces its enrichment."""
        with self.connection:
            for statement, record in pairs:
                actor = record.speaker_actor.name if record.speaker_actor else None
                self.connection.execute(
                    "INSERT INTO statements(id, content_hash, text, source_type, speaker, speaker_actor, date, lang, url, outlet, run_id) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET speaker_actor=excluded.speaker_actor, run_id=excluded.run_id",
                    (
                        statement.id, statement.content_hash, statement.text, statement.source_type, statement.speaker, actor,
                        statement.date.isoformat() if statement.date else None, statement.lang, statement.url, statement.outlet, run_id,
                    ),
                )
                self.connection.execute("DELETE FROM entities WHERE statement_id=?", (statement.id,))
                self.connection.executemany(
                    "INSERT OR REPLACE INTO entities(statement_id, start, end, label, text, actor) VALUES (?, ?, ?, ?, ?, ?)",
                    [(statement.id, e.start, e.end, e.label, e.text, e.actor) for e in record.entities],
                )
                if record.provenance is None:
                    continue
                p = record.provenance
                self.connection.executemany(
                    "INSERT OR REPLACE INTO stances(statement_id, target, label, p_favor, p_against, p_none, model_name, "
                    "model_version, model_hash, content_hash, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (statement.id, s.target, s.label, s.probs["favor"], s.probs["against"], s.probs["none"],
                         p.model_name, p.model_version, p.weights_sha256, p.content_hash, run_id)
                        for s in record.stances
                    ],
                )

    def counts(self) -> dict[str, int]:
        return {
            table: self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
            for table in ("statements", "entities", "actors", "stances", "runs")
        }
