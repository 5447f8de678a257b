"""SQLite store: statements, entities, actors and stance predictions with their provenance.

WAL mode and one transaction per batch: readers work while a run writes, and a crash loses at most
the batch in flight, never what was committed.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

from corpus.schema import PredictionRecord, Statement
from pipeline.actors import ActorRegistry
from pipeline.language import DetectedLanguage

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
CREATE TABLE IF NOT EXISTS claims (
    statement_id TEXT NOT NULL REFERENCES statements(id),
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    checkworthy INTEGER NOT NULL CHECK (checkworthy IN (0, 1)),
    score REAL,
    quantities TEXT NOT NULL,  -- JSON list of {start, end, text, value, low, high, qualifier, unit, dimension}
    dates TEXT NOT NULL,  -- JSON list of {start, end, text, iso, precision, exact}
    entities TEXT NOT NULL,  -- JSON list of {start, end, text, label, actor}
    speaker TEXT,
    speaker_actor TEXT,
    model_hash TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    run_id INTEGER REFERENCES runs(id),
    PRIMARY KEY (statement_id, start, end, model_hash)
);
CREATE INDEX IF NOT EXISTS claims_checkworthy ON claims(checkworthy, statement_id);
CREATE INDEX IF NOT EXISTS statements_by_actor_date ON statements(speaker_actor, date);
-- What trends and the report need to know of a stance model without loading it: the targets it saw labelled
-- examples of (any other target it scored zero-shot). Written by every run, so a store's older models gain it too.
CREATE TABLE IF NOT EXISTS stance_models (
    model_hash TEXT PRIMARY KEY,
    trained_targets TEXT  -- JSON list; NULL: the model does not record what it was trained on
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    source_type TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    date TEXT,
    url TEXT,
    source TEXT,
    run_id INTEGER REFERENCES runs(id)
);
"""


# Columns added after a store was first written: added on open, so an existing database keeps working.
ADDED_COLUMNS = {
    "statements": {
        "lang_detected": "TEXT",  # what the language detector read; `lang` keeps what the input declared
        "lang_score": "REAL",
        "unscored_reason": "TEXT",  # set when the statement was stored but deliberately not scored
        # Statements found in an article: where they sit in it (articles.text[start_char:end_char]), the cue,
        # the speaker as the text names them, and a month or year when the text gives no exact day.
        "article_id": "TEXT REFERENCES articles(id)",
        "start_char": "INTEGER",
        "end_char": "INTEGER",
        "cue": "TEXT",
        "speaker_mention": "TEXT",
        "quote_kind": "TEXT",
        "period": "TEXT",
    },
    # The P(check-worthy) the claim was judged by; NULL in stores written before it was kept.
    "claims": {"threshold": "REAL"},
}


class StoreConflict(ValueError):
    """A statement id already stored with different content: refusing keeps the stored record intact."""


class StoreUnusable(ValueError):
    """The store path cannot hold a store: a folder, another kind of file, or a path through a file."""


class StoreBusy(RuntimeError):
    """Another run is writing to the same store."""


SQLITE_HEADER = b"SQLite format 3\x00"


def check_store_path(path: Path) -> None:
    """Says what is wrong with a store path before any model loads, rather than as sqlite3's traceback at the end."""
    path = Path(path)
    if path.is_dir():
        raise StoreUnusable(f"{path}: is a folder; the store is one SQLite file (give a file path such as {path / 'stancewatch.db'})")
    blocking = next((parent for parent in path.parents if parent.exists() and not parent.is_dir()), None)
    if blocking is not None:
        raise StoreUnusable(f"{path}: {blocking} is a file, so no store can be made under it")
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise StoreUnusable(f"{path}: is not a SQLite database (it starts {header[:12]!r}); give a new or existing store file")


@contextmanager
def exclusive_run(path: Path) -> Iterator[None]:
    """One writing run per store at a time: a second would redo the first's work and take credit for it.

    The lock is an flock on `DB.run-lock` beside the store (never on the database file: SQLite's own POSIX locks
    are dropped when any other descriptor of that file closes). The kernel releases it when the process dies, so a
    killed run never leaves the store locked."""
    import fcntl

    path = Path(path)
    lock_path = path.with_name(path.name + ".run-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path.touch(exist_ok=True)
    with lock_path.open("r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = handle.read().strip() or "another process"
            raise StoreBusy(f"{path}: another stancewatch run ({holder}) is writing to this store; wait for it to end or give another --db") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {_now()}")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            handle.flush()


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
        self._add_missing_columns()

    def _add_missing_columns(self) -> None:
        # BEGIN IMMEDIATE: two processes opening an old store at once must not both add a column.
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            for table, columns in ADDED_COLUMNS.items():
                present = {row[1] for row in self.connection.execute(f"PRAGMA table_info({table})")}
                for name, kind in columns.items():
                    if name not in present:
                        self.connection.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise

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

    def record_stance_model(self, model_hash: str, trained_targets: frozenset[str]) -> None:
        """Keeps the targets this model was trained on, so trends can flag the ones it scores zero-shot (empty: unknown)."""
        with self.connection:
            self.connection.execute(
                "INSERT INTO stance_models(model_hash, trained_targets) VALUES (?, ?) "
                "ON CONFLICT(model_hash) DO UPDATE SET trained_targets=excluded.trained_targets",
                (model_hash, json.dumps(sorted(trained_targets), ensure_ascii=False) if trained_targets else None),
            )

    def unfinished_before(self, run_id: int) -> list[tuple[int, str, int]]:
        """(id, started_at, statements kept) of the runs that stopped without finishing since the last one that did:
        with one writing run at a time (`exclusive_run`), an unfinished run before this one was killed."""
        rows = self.connection.execute(
            "SELECT id, started_at, statements_stored FROM runs WHERE finished_at IS NULL AND id < ? AND id > "
            "COALESCE((SELECT MAX(id) FROM runs WHERE finished_at IS NOT NULL AND id < ?), 0) ORDER BY id",
            (run_id, run_id),
        )
        return [(int(i), str(started), int(kept or 0)) for i, started, kept in rows]

    def finish_run(self, run_id: int, quarantined: int) -> None:
        """Marks the run done; `statements_stored` grew with each committed batch, so a killed run's row says what it kept."""
        with self.connection:
            self.connection.execute("UPDATE runs SET finished_at=?, quarantined=? WHERE id=?", (_now(), quarantined, run_id))

    def _count_into_run(self, run_id: int, statements: int) -> None:
        self.connection.execute("UPDATE runs SET statements_stored=statements_stored+? WHERE id=?", (statements, run_id))

    def scored_targets(self, statement: Statement, model_hash: str) -> set[str]:
        """Targets this model already scored for this exact statement content."""
        rows = self.connection.execute(
            "SELECT target FROM stances WHERE statement_id=? AND model_hash=? AND content_hash=?",
            (statement.id, model_hash, statement.content_hash),
        ).fetchall()
        return {row[0] for row in rows}

    def stored_unscored(self, statement: Statement) -> bool:
        """Whether this exact statement content is already stored, deliberately unscored."""
        row = self.connection.execute(
            "SELECT 1 FROM statements WHERE id=? AND content_hash=? AND unscored_reason IS NOT NULL", (statement.id, statement.content_hash)
        ).fetchone()
        return row is not None

    def has_claims(self, statement: Statement, claims_hash: str) -> bool:
        """Whether this claims model already stored the claims of this exact statement content."""
        row = self.connection.execute(
            "SELECT 1 FROM claims WHERE statement_id=? AND model_hash=? AND content_hash=? LIMIT 1", (statement.id, claims_hash, statement.content_hash)
        ).fetchone()
        return row is not None

    def rejudge_claims(self, claims_hash: str, threshold: float) -> int:
        """Judges this claims model's stored claims by `threshold` where another one judged them: the stored score
        decides, so a changed `[claims] threshold` needs no model run. Returns how many statements had a claim turned."""
        where = "WHERE model_hash = ?2 AND score IS NOT NULL AND threshold IS NOT ?1"
        with self.connection:
            (turned,) = self.connection.execute(
                f"SELECT COUNT(DISTINCT statement_id) FROM claims {where} AND checkworthy IS NOT (score >= ?1)", (threshold, claims_hash)
            ).fetchone()
            self.connection.execute(f"UPDATE claims SET checkworthy = (score >= ?1), threshold = ?1 {where}", (threshold, claims_hash))
        return turned

    def admit(self, statement: Statement) -> tuple[Statement, bool]:
        """Raises when the id is stored with other content. Otherwise returns the statement, with the stored date
        when the input has none (an office then resolves to the same holder, and claims' dates take the same year,
        as on the run that stored the date), and whether this very statement is already stored. One lookup."""
        row = self.connection.execute("SELECT content_hash, date FROM statements WHERE id=?", (statement.id,)).fetchone()
        if row is None:
            return statement, False
        stored_hash, stored_date = row
        if stored_hash != statement.content_hash:
            raise StoreConflict(f"id {statement.id!r} is already stored with a different text, speaker or source_type (hash {stored_hash})")
        if statement.date is None and stored_date:
            statement = statement.model_copy(update={"date": date.fromisoformat(stored_date)})
        return statement, True

    def refresh_metadata(self, statement: Statement, actor_on_date: str | None) -> bool:
        """Takes a corrected date, url or outlet of an already stored statement (none of them changes what was scored).

        A field the input leaves empty never erases a stored value. `actor_on_date` is who the speaker is on the
        statement's date: a corrected date can move an office ("the fisheries minister") to another holder, so
        with a date the statement's and its claims' actor follow it. True when something changed.
        """
        day = statement.date.isoformat() if statement.date else None
        with self.connection:
            # Only a date can move the actor: without one, the skip path stays one UPDATE a statement.
            before = self.connection.execute("SELECT speaker_actor FROM statements WHERE id=?", (statement.id,)).fetchone() if day else None
            changed = self.connection.execute(
                "UPDATE statements SET date=COALESCE(?1, date), url=COALESCE(?2, url), outlet=COALESCE(?3, outlet), "
                "speaker_actor=CASE WHEN ?1 IS NULL THEN speaker_actor ELSE ?5 END "
                "WHERE id=?4 AND ((?1 IS NOT NULL AND date IS NOT ?1) OR (?2 IS NOT NULL AND url IS NOT ?2) OR (?3 IS NOT NULL AND outlet IS NOT ?3))",
                (day, statement.url, statement.outlet, statement.id, actor_on_date),
            ).rowcount
            if changed and before is not None and before[0] != actor_on_date:
                self.connection.execute(
                    "UPDATE claims SET speaker_actor=? WHERE statement_id=? AND speaker_actor IS ?", (actor_on_date, statement.id, before[0])
                )
            if changed and statement.origin is not None:
                self._write_origin(statement)
        return bool(changed)

    def _upsert_statement(
        self, statement: Statement, actor: str | None, run_id: int, detected: DetectedLanguage | None, unscored_reason: str | None
    ) -> None:
        # `lang` keeps the language the input declared; without one, the detected language stands in.
        declared = "lang" in statement.model_fields_set or detected is None
        self.connection.execute(
            "INSERT INTO statements(id, content_hash, text, source_type, speaker, speaker_actor, date, lang, url, outlet, run_id, "
            "lang_detected, lang_score, unscored_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET speaker_actor=excluded.speaker_actor, run_id=excluded.run_id, "
            "lang=excluded.lang, lang_detected=excluded.lang_detected, lang_score=excluded.lang_score, unscored_reason=excluded.unscored_reason, "
            "date=COALESCE(excluded.date, date), url=COALESCE(excluded.url, url), outlet=COALESCE(excluded.outlet, outlet)",
            (
                statement.id, statement.content_hash, statement.text, statement.source_type, statement.speaker, actor,
                statement.date.isoformat() if statement.date else None, statement.lang if declared else detected.lang,
                statement.url, statement.outlet, run_id,
                detected.lang if detected else None, detected.score if detected else None, unscored_reason,
            ),
        )
        if statement.origin is not None:
            self._write_origin(statement)

    def write_article(self, article, run_id: int) -> None:
        """Stores an article once; statements point into its text by offsets. Same id, other text: a conflict;
        same text with a corrected title, outlet, date or url: those are taken (an empty one erases nothing)."""
        stored = self.connection.execute("SELECT sha256 FROM articles WHERE id=?", (article.id,)).fetchone()
        if stored is not None and stored[0] != article.sha256:
            raise StoreConflict(f"article id {article.id!r} is already stored with different text (sha256 {stored[0][:12]})")
        with self.connection:
            self.connection.execute(
                "INSERT INTO articles(id, sha256, text, source_type, title, outlet, date, url, source, run_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET run_id=excluded.run_id, "
                "title=COALESCE(excluded.title, title), outlet=COALESCE(excluded.outlet, outlet), "
                "date=COALESCE(excluded.date, date), url=COALESCE(excluded.url, url)",
                (article.id, article.sha256, article.text, article.source_type, article.title, article.outlet,
                 article.date.isoformat() if article.date else None, article.url, article.location, run_id),
            )

    def _write_origin(self, statement: Statement) -> None:
        origin = statement.origin
        self.connection.execute(
            "UPDATE statements SET article_id=?, start_char=?, end_char=?, cue=?, speaker_mention=?, quote_kind=?, period=? WHERE id=?",
            (origin.article_id, origin.start, origin.end, origin.cue, origin.speaker_mention, origin.kind, origin.period, statement.id),
        )

    def write_unscored(self, items: list[tuple[Statement, DetectedLanguage, str, str | None]], run_id: int) -> None:
        """Stores statements the models must not score (e.g. an unsupported language), each with its reason and
        its speaker's actor."""
        with self.connection:
            for statement, detected, reason, actor in items:
                self._upsert_statement(statement, actor, run_id, detected, reason)
            self._count_into_run(run_id, len(items))

    def write_batch(
        self, pairs: list[tuple[Statement, PredictionRecord]], run_id: int, languages: Mapping[str, DetectedLanguage] | None = None
    ) -> None:
        """Writes one batch atomically; re-writing the same statement replaces its enrichment.

        `languages` holds the detected language per statement id, where the run detected it.
        """
        languages = languages or {}
        with self.connection:
            self._count_into_run(run_id, len(pairs))
            for statement, record in pairs:
                actor = record.speaker_actor.name if record.speaker_actor else None
                self._upsert_statement(statement, actor, run_id, languages.get(statement.id), None)
                self.connection.execute("DELETE FROM entities WHERE statement_id=?", (statement.id,))
                self.connection.executemany(
                    "INSERT OR REPLACE INTO entities(statement_id, start, end, label, text, actor) VALUES (?, ?, ?, ?, ?, ?)",
                    [(statement.id, e.start, e.end, e.label, e.text, e.actor) for e in record.entities],
                )
                self._write_claims(statement, record, run_id)
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

    def _write_claims(self, statement: Statement, record: PredictionRecord, run_id: int) -> None:
        """Replaces this claims model's claims of the statement; records without scored claims leave the table alone."""
        model_hash = record.provenance.claims_weights_sha256 if record.provenance is not None else None
        if record.claims is None or model_hash is None:
            return
        self.connection.execute("DELETE FROM claims WHERE statement_id=? AND model_hash=?", (statement.id, model_hash))
        self.connection.executemany(
            "INSERT INTO claims(statement_id, start, end, text, checkworthy, score, quantities, dates, entities, speaker, speaker_actor, "
            "model_hash, content_hash, run_id, threshold) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    statement.id, c.start, c.end, c.text, int(c.checkworthy), c.score,
                    json.dumps([q.model_dump() for q in c.quantities], ensure_ascii=False),
                    json.dumps([d.model_dump() for d in c.dates], ensure_ascii=False),
                    json.dumps([e.model_dump() for e in c.entities], ensure_ascii=False),
                    c.speaker, c.speaker_actor, model_hash, statement.content_hash, run_id, record.provenance.claims_threshold,
                )
                for c in record.claims
            ],
        )

    def counts(self) -> dict[str, int]:
        return {
            table: self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
            for table in ("statements", "entities", "actors", "stances", "claims", "runs")
        }
