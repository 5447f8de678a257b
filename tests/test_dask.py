"""`run --engine dask` on a 2-worker LocalCluster stores what the single-process run stores, loading the models once per worker."""

import sqlite3

import pytest

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install '.[dask]'")

from typer.testing import CliRunner  # noqa: E402

from pipeline.batch import run_batch  # noqa: E402
from pipeline.cli import app  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from tests.test_crash_resume import _config, _statements, _write_jsonl  # noqa: E402

ARABIC = {"id": "ar1", "text": "يجب وقف الرحلات إلى مينسك فوراً.", "source_type": "tweet"}


def _tables(db) -> dict[str, list[tuple]]:
    connection = sqlite3.connect(db)
    queries = {
        "statements": "SELECT id, content_hash, speaker_actor, lang, lang_detected, unscored_reason FROM statements ORDER BY id",
        "entities": "SELECT statement_id, start, end, label, text, actor FROM entities ORDER BY 1, 2, 3, 4",
        "stances": "SELECT statement_id, target, label, model_hash, p_favor, p_against, p_none FROM stances ORDER BY 1, 2",
    }
    return {name: connection.execute(sql).fetchall() for name, sql in queries.items()}


def _same_stances(local: list[tuple], distributed: list[tuple]) -> None:
    assert [row[:4] for row in local] == [row[:4] for row in distributed]
    # Probabilities are stored to 4 decimals; a worker's one BLAS thread may round the last one differently.
    assert all(abs(a - b) <= 2e-4 for left, right in zip(local, distributed) for a, b in zip(left[4:], right[4:]))


def test_dask_local_cluster_gives_the_single_process_results(tmp_path, tiny_config):
    records = [*_statements(40), ARABIC]
    data = _write_jsonl(tmp_path / "in.jsonl", records)
    local_dir, dask_dir = tmp_path / "local", tmp_path / "dask"
    local_dir.mkdir()
    dask_dir.mkdir()
    local = load_config(_config(local_dir, tiny_config, commit_every=8))
    distributed = load_config(_config(dask_dir, tiny_config, commit_every=8))
    distributed.dask.workers = 2
    local_summary = run_batch([data], local)
    dask_summary = run_batch([data], distributed, engine="dask")
    assert (dask_summary.stored, dask_summary.unscored_languages) == (local_summary.stored, local_summary.unscored_languages) == (40, {"ar": 1})
    local_tables, dask_tables = _tables(local.store.db), _tables(distributed.store.db)
    assert local_tables["statements"] == dask_tables["statements"]
    assert local_tables["entities"] == dask_tables["entities"] and local_tables["entities"]
    _same_stances(local_tables["stances"], dask_tables["stances"])
    # Idempotent: the same input again on Dask skips everything, the statement stored unscored included.
    again = run_batch([data], distributed, engine="dask")
    assert (again.skipped, again.skipped_unscored, again.stored, again.unscored_languages) == (40, 1, 0, {})


def test_dask_scheduler_address_one_model_load_per_worker(tmp_path, tiny_config):
    from distributed import Client, LocalCluster

    from pipeline.dask_engine import enricher_loads

    data = _write_jsonl(tmp_path / "in.jsonl", _statements(48))
    config = _config(tmp_path, tiny_config, commit_every=4)  # 12 partitions over 2 workers
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        result = CliRunner().invoke(app, ["run", str(data), "--config", str(config), "--engine", "dask", "--scheduler", cluster.scheduler_address])
        assert result.exit_code == 0, result.output
        loads = client.run(enricher_loads)
    assert len(loads) == 2 and set(loads.values()) == {1}, loads
    assert sqlite3.connect(tmp_path / "store.db").execute("SELECT COUNT(DISTINCT statement_id) FROM stances").fetchone()[0] == 48


def test_unknown_engine_and_a_scheduler_without_dask_are_user_errors(tmp_path, tiny_config):
    data = _write_jsonl(tmp_path / "in.jsonl", _statements(1))
    result = CliRunner().invoke(app, ["run", str(data), "--config", str(tiny_config), "--engine", "spark"])
    assert result.exit_code == 1 and "unknown engine 'spark'" in result.output
    result = CliRunner().invoke(app, ["run", str(data), "--config", str(tiny_config), "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 1 and "--scheduler needs --engine dask" in result.output


def test_a_worker_that_cannot_load_the_model_names_itself_and_the_path(tmp_path, tiny_config):
    from distributed import Client, LocalCluster

    from pipeline.dask_engine import model_identity

    config = load_config(tiny_config)
    config.stance.model_dir = tmp_path / "only-on-the-client"  # what a worker on another machine would see
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        future = client.submit(model_identity, config.model_dump_json(), pure=False)
        with pytest.raises(ValueError, match=r"Dask worker .+ could not load the models: .*only-on-the-client.*same absolute paths"):
            future.result()
