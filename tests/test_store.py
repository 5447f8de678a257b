import sqlite3

import pytest

from corpus.schema import PredictedStance, PredictionRecord, Provenance, Statement
from pipeline.actors import ActorRegistry
from pipeline.config import DEFAULT_ACTORS_FILE
from pipeline.store import Store, StoreConflict


def _pair(text="Minsk engineered this.", sid="s1"):
    statement = Statement(id=sid, text=text, source_type="tweet", speaker="Masrour Barzani", date="2021-12-03")
    record = PredictionRecord(
        id=sid,
        stances=[PredictedStance(target="T", label="favor", probs={"favor": 0.8, "against": 0.1, "none": 0.1})],
        provenance=Provenance(
            model_id="m@abc", model_name="m", model_version="abc", weights_sha256="abc123", content_hash=statement.content_hash,
            spacy_model="en_core_web_sm-3.8.0", stancewatch_version="0.1.0",
        ),
    )
    return statement, record


def test_batches_are_stored_with_provenance_in_wal_mode(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.sync_actors(ActorRegistry.from_files([DEFAULT_ACTORS_FILE]))
        run = store.start_run(["x.jsonl"], "m@abc")
        store.write_batch([_pair()], run)
        store.write_batch([_pair()], run)  # idempotent re-write
        store.finish_run(run, 0)
        counts = store.counts()
    assert counts["statements"] == 1 and counts["stances"] == 1 and counts["actors"] > 50
    connection = sqlite3.connect(tmp_path / "s.db")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    row = connection.execute("SELECT label, model_name, model_hash, content_hash FROM stances").fetchone()
    assert row[:3] == ("favor", "m", "abc123") and row[3] == _pair()[0].content_hash


def test_a_changed_text_under_a_stored_id_is_refused_not_overwritten(tmp_path):
    with Store(tmp_path / "s.db") as store:
        run = store.start_run([], None)
        store.write_batch([_pair()], run)
        changed, _ = _pair(text="Something else entirely.")
        with pytest.raises(StoreConflict, match="already stored"):
            store.admit(changed)
        assert store.admit(_pair()[0]) == (_pair()[0], True)
        assert store.connection.execute("SELECT text FROM statements").fetchone()[0] == "Minsk engineered this."


def test_admit_fills_a_missing_date_from_the_store_and_says_what_is_new(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.write_batch([_pair()], store.start_run([], None))
        undated = _pair()[0].model_copy(update={"date": None})
        admitted, known = store.admit(undated)
        assert known and admitted.date.isoformat() == "2021-12-03"
        fresh = _pair(sid="s2")[0].model_copy(update={"date": None})
        assert store.admit(fresh) == (fresh, False)
