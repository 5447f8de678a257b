"""Incremental, streaming and crash-safe runs: SIGKILL mid-run and run again loses nothing and duplicates nothing."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.config import load_config
from pipeline.enrich import configured_targets
from tests.conftest import ROOT, TINY

STANCEWATCH = Path(sys.executable).with_name("stancewatch")
# Statements in the crash test: enough for the run to take several seconds in tiny batches.
CRASH_STATEMENTS = 200


def _statements(count: int, prefix: str = "s") -> list[dict]:
    """Distinct statements made from the tiny corpus: same words, a numbered clause so each text differs."""
    records = []
    for index in range(count):
        _, text, *_ = TINY[index % len(TINY)]
        records.append({"id": f"{prefix}{index:05d}", "text": f"{text} (remark {index})", "source_type": "tweet", "speaker": "Fuad Hussein"})
    return records


def _write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _config(tmp_path: Path, tiny_config: Path, commit_every: int) -> Path:
    """The tiny model's config with this test's own store and a small transaction size."""
    text = tiny_config.read_text(encoding="utf-8")
    text = text.replace(str(tiny_config.parent / "store.db"), str(tmp_path / "store.db"))
    text = text.replace(str(tiny_config.parent / "quarantine.jsonl"), str(tmp_path / "quarantine.jsonl"))
    text = text.replace("[store]\n", f"[store]\ncommit_every = {commit_every}\n")
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _count(db: Path, sql: str) -> int:
    """A read-only reader, as the report is; 0 before the run has created the store."""
    if not db.exists():
        return 0
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql).fetchone()[0]
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return 0
        raise
    finally:
        connection.close()


def _run_cli(*args: str) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    return subprocess.Popen([str(STANCEWATCH), "run", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=ROOT)


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_run_stopped_mid_way_then_rerun_loses_nothing_and_duplicates_nothing(tmp_path, tiny_config, stop):
    records = _statements(CRASH_STATEMENTS)
    data = _write_jsonl(tmp_path / "in.jsonl", records)
    config = _config(tmp_path, tiny_config, commit_every=16)
    targets = len(configured_targets(load_config(config)))
    db = tmp_path / "store.db"
    process = _run_cli(str(data), "--config", str(config))
    deadline = time.monotonic() + 300
    readings = []
    # A concurrent reader (as the report is) polls the store in WAL mode while the run writes.
    while time.monotonic() < deadline and process.poll() is None:
        stored = _count(db, "SELECT COUNT(*) FROM statements")
        readings.append(stored)
        if stored >= 3 * 16:
            break
        time.sleep(0.2)
    assert process.poll() is None, "the run finished before it could be killed: raise CRASH_STATEMENTS"
    process.send_signal(stop)
    stopped_output = process.communicate(timeout=60)[0].decode()
    if stop == signal.SIGTERM:  # as Ctrl-C: the batch in flight rolls back, the run says so
        assert process.returncode == 130 and "interrupted" in stopped_output and "Traceback" not in stopped_output, stopped_output
    assert readings == sorted(readings), "a reader saw the store shrink"
    stored_at_kill = _count(db, "SELECT COUNT(*) FROM statements")
    assert 0 < stored_at_kill < CRASH_STATEMENTS
    # Every committed statement is complete: all targets scored, nothing half-written.
    assert _count(db, "SELECT COUNT(*) FROM stances") == stored_at_kill * targets

    again = _run_cli(str(data), "--config", str(config))
    output = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, output
    assert "run #1 (started" in output and f"the {stored_at_kill} statement(s) it committed were kept" in " ".join(output.split()), output
    ids = [row[0] for row in sqlite3.connect(db).execute("SELECT id FROM statements ORDER BY id")]
    assert ids == [r["id"] for r in records]
    assert _count(db, "SELECT COUNT(*) FROM stances") == CRASH_STATEMENTS * targets
    assert _count(db, "SELECT COUNT(*) FROM (SELECT statement_id, target FROM stances GROUP BY 1, 2 HAVING COUNT(*) > 1)") == 0
    # The second run scored only what the killed one had not committed.
    assert _count(db, "SELECT COUNT(*) FROM statements WHERE run_id = 2") == CRASH_STATEMENTS - stored_at_kill
    assert _count(db, "SELECT COUNT(*) FROM runs WHERE finished_at IS NULL") == 1
    # Each run's row counts what it committed, the killed one included: an audit trail that adds up.
    assert _count(db, "SELECT statements_stored FROM runs WHERE id = 1") == stored_at_kill
    assert _count(db, "SELECT statements_stored FROM runs WHERE id = 2") == CRASH_STATEMENTS - stored_at_kill


def test_reruns_skip_what_the_same_model_scored_and_score_only_what_changed(tmp_path, tiny_config, tiny_gold):
    config_path = _config(tmp_path, tiny_config, commit_every=8)
    config = load_config(config_path)
    targets = len(configured_targets(config))
    db = config.store.db
    records = _statements(12)
    first = run_batch([_write_jsonl(tmp_path / "a.jsonl", records)], config)
    assert (first.stored, first.rescored, first.skipped) == (12, 0, 0)
    # Same content, same model: nothing to do.
    again = run_batch([tmp_path / "a.jsonl"], config)
    assert (again.stored, again.skipped, again.stances) == (0, 12, 0)
    # A new target on three statements: only that target is scored for them.
    changed = [dict(r, targets=[*configured_targets(config), "Sanctions on Belarusian officials"]) if i < 3 else r for i, r in enumerate(records)]
    partial = run_batch([_write_jsonl(tmp_path / "b.jsonl", changed)], config)
    assert (partial.stored, partial.rescored, partial.skipped, partial.stances) == (3, 3, 9, 3)
    assert _count(db, "SELECT COUNT(*) FROM stances") == 12 * targets + 3
    # --rerun scores everything again, in place: no duplicate rows.
    forced = run_batch([tmp_path / "a.jsonl"], config, rerun=True)
    assert (forced.stored, forced.skipped, forced.stances) == (12, 0, 12 * targets)
    assert _count(db, "SELECT COUNT(*) FROM stances") == 12 * targets + 3
    # Another model (another weights hash) scores everything; the first model's stances stay as history.
    from models.training import train_stance_model

    other = config.model_copy(deep=True)
    other.stance.model_dir = tmp_path / "tfidf-model"
    train_stance_model(tiny_gold, other.stance.model_dir, tiny_gold, {"model": "tfidf"})
    changed_model = run_batch([tmp_path / "a.jsonl"], other)
    assert (changed_model.stored, changed_model.rescored, changed_model.skipped) == (12, 12, 0)
    assert _count(db, "SELECT COUNT(DISTINCT model_hash) FROM stances") == 2


@pytest.mark.parametrize("lines", [200_000, pytest.param(1_000_000, marks=pytest.mark.slow)])
def test_reading_streams_in_bounded_memory(tmp_path, lines):
    text = "Minsk flew the migrants in on purpose to pressure the European Union, the minister said. " * 5
    path = tmp_path / "large.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for index in range(lines):
            out.write(f'{{"id": "s{index}", "text": "{text}", "source_type": "tweet"}}\n')
    script = (
        "import resource, sys; from pathlib import Path; from corpus.reader import read_statements; "
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "n = sum(1 for _ in read_statements([Path(sys.argv[1])])); "
        "print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)"
    )
    output = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    count, grown_kib = int(output[0]), int(output[1])
    assert count == lines
    file_kib = path.stat().st_size // 1024
    # What grows is the duplicate-id index (~130 bytes an id), never the file: a tenth of it here.
    assert grown_kib * 1024 < 160 * lines + 8 * 1024 * 1024, (grown_kib, file_kib)
    assert grown_kib < file_kib / 4, (grown_kib, file_kib)
