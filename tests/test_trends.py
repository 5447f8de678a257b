"""Trends: counts, net index and Jeffreys intervals, the minimum count, shifts, exports and the command, on real SQLite."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import beta
from typer.testing import CliRunner

from corpus.schema import ActorRef, PredictedStance, PredictionRecord, Provenance, Statement
from pipeline.actors import ActorRegistry
from pipeline.cli import app
from pipeline.config import DEFAULT_ACTORS_FILE
from pipeline.report import build_report
from pipeline.store import Store
from pipeline.trends import TrendsError, compute_trends, load_statements, zero_shot_targets
from tests.conftest import TINY, write_jsonl

SMUGGLERS = "Smuggling networks are to blame"
FLIGHTS = "Suspending flights to Minsk"
KRG = "Kurdistan Regional Government"
IRAQ = "Iraq federal government"
runner = CliRunner()


def stored_statement(sid: str, date: str | None, speaker: str, labels: dict[str, str], confidence: float = 0.9,
                     text: str | None = None, source_type: str = "official", model: str = "m", weights: str = "a" * 64):
    """One statement and its prediction record, as `stancewatch run` would hand them to the store."""
    statement = Statement(id=sid, text=text or f"Statement {sid} by {speaker}.", source_type=source_type, speaker=speaker, date=date)
    rest = (1 - confidence) / 2
    stances = [
        PredictedStance(target=target, label=label, probs={k: confidence if k == label else rest for k in ("favor", "against", "none")})
        for target, label in labels.items()
    ]
    provenance = Provenance(model_id=f"{model}@{weights[:12]}", model_name=model, model_version="1", weights_sha256=weights,
                            content_hash=statement.content_hash, spacy_model="-", stancewatch_version="0.1.0")
    return statement, PredictionRecord(id=sid, stances=stances, provenance=provenance)


def write_store(path: Path, pairs, registry: ActorRegistry | None = None) -> Path:
    """A real store with the actors resolved from the speaker field, as the pipeline resolves them."""
    registry = registry or ActorRegistry.from_files([DEFAULT_ACTORS_FILE])
    resolved = []
    for statement, record in pairs:
        actor = registry.resolve(statement.speaker)
        resolved.append((statement, record.model_copy(update={"speaker_actor": ActorRef(**actor.as_dict()) if actor else None})))
    with Store(path) as store:
        store.sync_actors(registry)
        run = store.start_run(["test"], "m")
        store.write_batch(resolved, run)
        store.finish_run(run, 0)
    return path


def shift_corpus() -> list:
    """KRG speakers blame smugglers in Sep and Oct, say too little in Nov, reject the explanation in Dec.

    The Iraqi government backs suspending flights every month at the same rate: a flat, noisy series.
    """
    pairs = []
    krg = ["Masrour Barzani", "Nechirvan Barzani"]
    for month, label, days in (("09", "favor", (2, 9, 16, 23)), ("10", "favor", (1, 8, 15, 22, 29)), ("11", "favor", (5,)), ("12", "against", (3, 10, 17, 24))):
        for day in days:
            pairs.append(stored_statement(f"krg-{month}-{day:02d}", f"2021-{month}-{day:02d}", krg[day % 2], {SMUGGLERS: label, FLIGHTS: "none"}))
        for index, day in enumerate((4, 12, 20, 27)):
            flights = "against" if index == 3 else "favor"  # 3 favor, 1 against each month
            pairs.append(stored_statement(f"iraq-{month}-{day:02d}", f"2021-{month}-{day:02d}", "Fuad Hussein", {SMUGGLERS: "none", FLIGHTS: flights}))
    return pairs


@pytest.fixture
def shift_db(tmp_path) -> Path:
    return write_store(tmp_path / "shift.db", shift_corpus())


def test_a_small_run_of_another_model_hides_nothing_and_a_model_can_be_chosen(shift_db):
    everything = load_statements(shift_db)
    write_store(shift_db, [stored_statement("krg-09-02", "2021-09-02", "Masrour Barzani", {SMUGGLERS: "against", FLIGHTS: "none"},
                                            model="n", weights="b" * 64)])
    newest = load_statements(shift_db)
    assert len(newest) == len(everything), "each statement keeps its newest prediction"
    rescored = newest[newest["statement_id"] == "krg-09-02"].set_index("target")
    assert rescored.loc[SMUGGLERS, "label"] == "against" and rescored.loc[SMUGGLERS, "model_id"] == "n@bbbbbbbbbbbb"
    assert compute_trends(newest).model_id == f"m@aaaaaaaaaaaa ({everything['statement_id'].nunique() - 1} statements), n@bbbbbbbbbbbb (1 statement)"
    assert len(load_statements(shift_db, "n")) == 2 and len(load_statements(shift_db, "aaaa")) == len(everything)
    assert load_statements(shift_db, "m@aaaaaaaaaaaa").equals(everything)
    with pytest.raises(TrendsError, match="holds m@aaaaaaaaaaaa, n@bbbbbbbbbbbb|holds n@bbbbbbbbbbbb, m@aaaaaaaaaaaa"):
        load_statements(shift_db, "nosuchmodel")
    write_store(shift_db, [stored_statement("krg-09-09", "2021-09-09", "Nechirvan Barzani", {SMUGGLERS: "against", FLIGHTS: "none"},
                                            model="n", weights="c" * 64)])
    with pytest.raises(TrendsError, match="matches 2 models"):
        load_statements(shift_db, "n")  # a name two models share: which one is meant?


def test_the_krg_shift_is_flagged_with_its_evidence_and_a_flat_series_is_not(shift_db):
    trends = compute_trends(load_statements(shift_db), period="month", group_by="affiliation", min_count=3)
    spans = [(s.group, s.target, s.before_first_period, s.before_period, s.after_period, s.after_last_period) for s in trends.shifts]
    assert spans == [(KRG, SMUGGLERS, "2021-09", "2021-11", "2021-12", "2021-12")]
    shift = trends.shifts[0]
    assert shift.direction == "toward against" and shift.before_index == 1.0 and shift.after_index == -1.0
    assert shift.before_statements[:2] == ("krg-11-05", "krg-10-29") and len(shift.before_statements) == 10  # nearest the change first
    assert shift.after_statements == tuple(f"krg-12-{d:02d}" for d in (3, 10, 17, 24))
    flights = trends.aggregates[(trends.aggregates["group"] == IRAQ) & (trends.aggregates["target"] == FLIGHTS)]
    assert len(flights) == 4 and flights["reported"].all() and not flights["shift"].any()
    assert flights["net_index"].tolist() == [0.5] * 4


def _monthly(speaker: str, counts: list[tuple[int, int]], prefix: str) -> list:
    pairs = []
    for month, (favor, against) in enumerate(counts, start=1):
        labels = ["favor"] * favor + ["against"] * against
        pairs += [stored_statement(f"{prefix}-{month}-{i}", f"2021-{month:02d}-{i + 1:02d}", speaker, {SMUGGLERS: label}) for i, label in enumerate(labels)]
    return pairs


def test_a_shift_is_marked_on_a_period_that_draws_a_point(tmp_path):
    # The turn starts in a month too thin to report (two statements, min 3): the shift shows where a point is drawn.
    turning = _monthly("Masrour Barzani", [(4, 0), (4, 0), (0, 2), (0, 4)], "turn")
    trends = compute_trends(load_statements(write_store(tmp_path / "t.db", turning)), period="month", min_count=3)
    assert [(s.before_period, s.after_period) for s in trends.shifts] == [("2021-03", "2021-04")]
    marked = trends.aggregates[trends.aggregates["shift"]]
    assert marked["period"].tolist() == ["2021-04"] and marked["reported"].all()


def test_a_turn_through_mixed_months_is_found_and_a_noisy_flat_series_is_not(tmp_path):
    """Month against month, no pair of neighbours separates here; the pooled months before and after the turn do."""
    turning = _monthly("Masrour Barzani", [(4, 0), (4, 0), (5, 0), (2, 1), (1, 2), (0, 1)], "turn")
    noisy = _monthly("Fuad Hussein", [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1), (2, 2)], "flat")
    trends = compute_trends(load_statements(write_store(tmp_path / "t.db", turning + noisy)), period="month", min_count=3)
    reported = trends.aggregates[trends.aggregates["reported"] & (trends.aggregates["group"] == KRG)].sort_values("period_start")
    neighbours = zip(reported.iloc[:-1].itertuples(), reported.iloc[1:].itertuples())
    assert not any(a.index_low > b.index_high or b.index_low > a.index_high for a, b in neighbours)
    assert [(s.group, s.before_period, s.after_period, s.direction) for s in trends.shifts] == [(KRG, "2021-03", "2021-04", "toward against")]


def test_net_index_ignores_none_and_its_interval_is_jeffreys(shift_db):
    aggregates = compute_trends(load_statements(shift_db), period="month", min_count=3).aggregates.set_index(["group", "target", "period"])
    september = aggregates.loc[(KRG, SMUGGLERS, "2021-09")]
    assert (september["favor"], september["against"], september["none"]) == (4, 0, 0)
    assert september["index_low"] == pytest.approx(2 * beta.ppf(0.025, 4.5, 0.5) - 1)
    assert september["index_high"] == 1.0  # no statement against: the upper end is the observed value
    flights = aggregates.loc[(IRAQ, FLIGHTS, "2021-09")]
    low, high = (2 * beta.ppf(q, 3.5, 1.5) - 1 for q in (0.025, 0.975))
    assert flights["net_index"] == 0.5 and flights["index_low"] == pytest.approx(low) and flights["index_high"] == pytest.approx(high)
    # The Iraqi government's `none` on smugglers counts as statements, never as a position.
    iraq_smugglers = aggregates.loc[(IRAQ, SMUGGLERS, "2021-09")]
    assert iraq_smugglers["none"] == 4 and not iraq_smugglers["reported"] and math.isnan(iraq_smugglers["net_index"])


def test_one_statement_never_draws_a_point(shift_db):
    aggregates = compute_trends(load_statements(shift_db), period="month", min_count=3).aggregates.set_index(["group", "target", "period"])
    november = aggregates.loc[(KRG, SMUGGLERS, "2021-11")]
    assert november["favor"] == 1 and not november["reported"] and math.isnan(november["index_low"])
    # With a minimum of one it is a point, with an interval that spans most of the scale.
    loose = compute_trends(load_statements(shift_db), period="month", min_count=1).aggregates.set_index(["group", "target", "period"])
    november = loose.loc[(KRG, SMUGGLERS, "2021-11")]
    assert november["reported"] and november["net_index"] == 1.0 and november["index_low"] < -0.5


def test_confidence_weighting_discounts_unsure_votes(tmp_path):
    pairs = [stored_statement(f"s{i}", "2021-09-0{}".format(i + 1), "Fuad Hussein", {FLIGHTS: "favor"}, confidence=0.9) for i in range(3)]
    pairs.append(stored_statement("s9", "2021-09-09", "Fuad Hussein", {FLIGHTS: "against"}, confidence=0.4))
    statements = load_statements(write_store(tmp_path / "w.db", pairs))
    plain = compute_trends(statements, min_count=3).aggregates.iloc[0]
    weighted = compute_trends(statements, min_count=3, weighting="confidence").aggregates.iloc[0]
    assert plain["net_index"] == 0.5
    assert weighted["net_index"] == pytest.approx((2.7 - 0.4) / 3.1)
    assert (weighted["favor"], weighted["against"]) == (3, 1)  # counts stay whole statements


def test_periods_and_grouping(shift_db):
    statements = load_statements(shift_db)
    weekly = compute_trends(statements, period="week", min_count=1)
    assert "2021-W48" in set(weekly.aggregates["period"])  # 2021-12-03 falls in ISO week 48 (Mon 2021-11-29)
    assert weekly.aggregates.loc[weekly.aggregates["period"] == "2021-W48", "period_start"].iloc[0].isoformat() == "2021-11-29"
    daily = compute_trends(statements, period="day", min_count=1)
    assert "2021-12-03" in set(daily.aggregates["period"])
    by_actor = compute_trends(statements, period="month", group_by="actor", min_count=1)
    assert {"Masrour Barzani", "Nechirvan Barzani", "Fuad Hussein"} <= set(by_actor.aggregates["group"])
    with pytest.raises(ValueError, match="period must be one of"):
        compute_trends(statements, period="year")


def test_undated_and_unresolved_statements_are_counted_not_plotted(tmp_path):
    pairs = [stored_statement("dated", "2021-09-01", "Fuad Hussein", {FLIGHTS: "favor"}),
             stored_statement("undated", None, "Fuad Hussein", {FLIGHTS: "favor"}),
             stored_statement("stranger", "2021-09-02", "A passer-by", {FLIGHTS: "favor"})]
    statements = load_statements(write_store(tmp_path / "u.db", pairs))
    assert len(statements) == 3  # the statement-level export keeps everything
    trends = compute_trends(statements, min_count=1)
    assert trends.aggregates["statements"].sum() == 1
    assert trends.skipped == {
        "without a date": 1, "dated to a month only (on monthly trends they sit in their month)": 0, "whose speaker is not a registry actor": 1,
    }


def test_a_statement_dated_to_a_month_only_sits_in_that_month_on_monthly_trends(tmp_path):
    from corpus.schema import ArticleOrigin
    from pipeline.ingest import Article

    month_only, record = stored_statement("tweeted-in-october", None, "Fuad Hussein", {FLIGHTS: "favor"})
    month_only = month_only.model_copy(update={"origin": ArticleOrigin(article_id="art-1", start=0, end=10, period="2021-10")})
    pairs = [stored_statement("dated", "2021-10-20", "Fuad Hussein", {FLIGHTS: "favor"}), (month_only, record)]
    with Store(tmp_path / "m.db") as store:  # the article the statement points into
        store.write_article(Article(id="art-1", text="Hussein tweeted in October that ..."), store.start_run(["article"], "m"))
    statements = load_statements(write_store(tmp_path / "m.db", pairs))
    assert statements.set_index("statement_id").loc["tweeted-in-october", "date_period"] == "2021-10"
    monthly = compute_trends(statements, period="month", min_count=1)
    assert monthly.aggregates[["period", "statements", "favor"]].values.tolist() == [["2021-10", 2, 2]]
    assert not any(monthly.skipped.values())
    weekly = compute_trends(statements, period="week", min_count=1)
    assert weekly.aggregates["statements"].sum() == 1
    assert weekly.skipped["dated to a month only (on monthly trends they sit in their month)"] == 1


def two_model_store(tmp_path) -> Path:
    """One statement scored favor by model `old` (weights 000…), then against by `new` (fff…) in a later run."""
    db = write_store(tmp_path / "two.db", [stored_statement("s1", "2021-09-01", "Fuad Hussein", {FLIGHTS: "favor"}, model="old", weights="0" * 64)])
    with Store(db) as store:
        run = store.start_run(["again"], "new")
        statement, record = stored_statement("s1", "2021-09-01", "Fuad Hussein", {FLIGHTS: "against"}, model="new", weights="f" * 64)
        store.write_batch([(statement, record)], run)
    return db


def test_the_newest_model_is_read_when_the_store_holds_two(tmp_path):
    statements = load_statements(two_model_store(tmp_path))
    assert statements["model_id"].tolist() == ["new@ffffffffffff"] and statements["label"].tolist() == ["against"]


def test_model_filter_takes_a_hash_prefix_after_the_name_and_no_wildcards(tmp_path):
    db = two_model_store(tmp_path)
    for chosen, label in (("old@0000", "favor"), ("old@" + "0" * 64, "favor"), ("new@f", "against"), ("old", "favor"), ("000", "favor")):
        assert load_statements(db, chosen)["label"].tolist() == [label], chosen
    for no_match in ("%", "_ld", "ol", "old@f", "new@0"):
        with pytest.raises(TrendsError, match="no stance predictions by model"):
            load_statements(db, no_match)
    with pytest.raises(TrendsError, match="--model is empty"):
        load_statements(db, " ")


def test_trends_command_prints_tables_and_exports_csv_and_parquet(shift_db, tmp_path):
    shown = runner.invoke(app, ["trends", "--db", str(shift_db), "--period", "month"], env={"COLUMNS": "240"})
    assert shown.exit_code == 0, shown.output
    assert "★" in shown.output and "krg-12-03" in shown.output and "2021-09–2021-11 → 2021-12–2021-12" in shown.output
    narrow = runner.invoke(app, ["trends", "--db", str(shift_db), "--period", "month"], env={"COLUMNS": "80"})
    assert "…" not in narrow.output and "krg-12-03" in narrow.output  # ids wrap whole instead of being cut
    files = {name: tmp_path / name for name in ("agg.csv", "agg.parquet", "st.csv", "st.parquet")}
    written = runner.invoke(app, ["trends", "--db", str(shift_db), "--csv", str(files["agg.csv"]), "--parquet", str(files["agg.parquet"]),
                                  "--statements-csv", str(files["st.csv"]), "--statements-parquet", str(files["st.parquet"])])
    assert written.exit_code == 0, written.output
    aggregates, aggregates_csv = pd.read_parquet(files["agg.parquet"]), pd.read_csv(files["agg.csv"])
    assert len(aggregates) == len(aggregates_csv) and aggregates["shift"].sum() == 1
    assert aggregates.loc[aggregates["shift"], ["group", "target", "period"]].values.tolist() == [[KRG, SMUGGLERS, "2021-12"]]
    assert str(aggregates["period_start"].iloc[0]) == str(aggregates_csv["period_start"].iloc[0])
    statements = pd.read_parquet(files["st.parquet"])
    stored = sqlite3.connect(shift_db).execute("SELECT COUNT(*) FROM stances").fetchone()[0]
    assert len(statements) == len(pd.read_csv(files["st.csv"])) == stored
    assert {"statement_id", "speaker_actor", "date", "target", "label", "probability", "model_id", "text"} <= set(statements.columns)


def test_trends_command_rejects_bad_flags_and_missing_stores(shift_db, tmp_path):
    bad = runner.invoke(app, ["trends", "--db", str(shift_db), "--period", "year"])
    assert bad.exit_code == 1 and "--period" in bad.output
    missing = runner.invoke(app, ["trends", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and "stancewatch run" in missing.output
    empty = tmp_path / "empty.db"
    Store(empty).close()
    assert "no stance predictions" in runner.invoke(app, ["trends", "--db", str(empty)]).output


def test_a_shift_the_real_model_predicts(tmp_path, tiny_config):
    """End to end through `stancewatch run`: the tiny MiniLM model labels a speaker who turns around."""
    against, favor = [row for row in TINY if row[2] == "against"], [row for row in TINY if row[2] == "favor"]
    flights = [row for row in TINY if row[3] == "favor"]
    records = []
    for month, rows in (("10", against), ("12", favor)):
        for copy in range(2):
            for index, (sid, text, *_labels) in enumerate(rows):
                day = f"{1 + 10 * copy + index:02d}"
                records.append({"id": f"mb-{month}-{day}", "text": text, "source_type": "official", "speaker": "Masrour Barzani",
                                "date": f"2021-{month}-{day}", "targets": ["Belarus instrumentalizes migrants"]})
        for index, (sid, text, *_labels) in enumerate(flights):
            records.append({"id": f"fh-{month}-{index}", "text": text, "source_type": "tweet", "speaker": "Fuad Hussein",
                            "date": f"2021-{month}-0{index + 1}", "targets": [FLIGHTS]})
    db = tmp_path / "model.db"
    ran = runner.invoke(app, ["run", str(write_jsonl(tmp_path / "in.jsonl", records)), "--config", str(tiny_config), "--db", str(db)])
    assert ran.exit_code == 0, ran.output
    trends = compute_trends(load_statements(db), period="month", group_by="actor", min_count=3)
    assert [(s.group, s.target, s.direction) for s in trends.shifts] == [("Masrour Barzani", "Belarus instrumentalizes migrants", "toward favor")]


def test_a_model_name_several_stored_models_share_is_refused_with_the_matches(shift_db, tmp_path):
    """A second model of the same name rescores everything: its rows would win every statement, picked with no word."""
    write_store(shift_db, [(statement, record.model_copy(update={"provenance": record.provenance.model_copy(update={"weights_sha256": "d" * 64})}))
                           for statement, record in shift_corpus()])
    for command in (["trends"], ["report", "--out", str(tmp_path / "r.html")]):
        result = runner.invoke(app, [*command, "--db", str(shift_db), "--model", "m"], env={"COLUMNS": "240"})
        assert result.exit_code == 1, result.output
        assert "--model 'm' matches 2 models (m@aaaaaaaaaaaa, m@dddddddddddd); give one of them as NAME@HASH" in " ".join(result.output.split())
    assert not (tmp_path / "r.html").exists()
    assert load_statements(shift_db, "m@ddd")["model_id"].unique().tolist() == ["m@dddddddddddd"]


def test_trends_name_the_targets_a_model_scored_zero_shot_and_say_when_the_store_cannot_tell(shift_db, tmp_path):
    with Store(shift_db) as store:  # as `run` records it: model m saw labelled examples of the flights target only
        store.record_stance_model("a" * 64, frozenset({FLIGHTS}))
    statements_csv = tmp_path / "st.csv"
    result = runner.invoke(app, ["trends", "--db", str(shift_db), "--statements-csv", str(statements_csv)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert f"m@aaaaaaaaaaaa scored '{SMUGGLERS}' zero-shot: it never saw a labelled example of it." in result.output
    assert "do not read trends from them" in result.output and repr(FLIGHTS) not in result.output
    exported = pd.read_csv(statements_csv)
    assert exported.groupby("target")["zero_shot"].unique().map(list).to_dict() == {FLIGHTS: [False], SMUGGLERS: [True]}
    build_report(shift_db, tmp_path / "r.html", "month", "affiliation", 3, "none")
    assert f"Zero-shot: m@aaaaaaaaaaaa scored &#x27;{SMUGGLERS}&#x27; zero-shot" in (tmp_path / "r.html").read_text(encoding="utf-8")

    with sqlite3.connect(shift_db) as connection:  # a store written before runs recorded their models
        connection.execute("DROP TABLE stance_models")
    old = runner.invoke(app, ["trends", "--db", str(shift_db)], env={"COLUMNS": "400"})
    assert old.exit_code == 0, old.output
    assert "m@aaaaaaaaaaaa: the store does not record which targets this model was trained on" in old.output
    assert load_statements(shift_db)["zero_shot"].isna().all()


def test_a_model_that_knows_every_target_shown_gets_no_zero_shot_note(shift_db):
    with Store(shift_db) as store:
        store.record_stance_model("a" * 64, frozenset({FLIGHTS, SMUGGLERS}))
    result = runner.invoke(app, ["trends", "--db", str(shift_db)], env={"COLUMNS": "400"})
    assert result.exit_code == 0 and "zero-shot" not in result.output
    assert zero_shot_targets(compute_trends(load_statements(shift_db)).statements) == {}


def test_statements_stored_unscored_are_counted_per_language_where_trends_and_the_report_leave_them_out(shift_db, tmp_path):
    from pipeline.language import DetectedLanguage

    def unscored(sid: str, detected: DetectedLanguage, **declared: str):
        statement = Statement(id=sid, text=f"Statement {sid}.", source_type="tweet", speaker="Masrour Barzani", date="2021-10-02", **declared)
        return statement, detected, f"language {detected.lang!r} is not supported", "Masrour Barzani"

    with Store(shift_db) as store:  # the declared Ukrainian stands where the detector is unsure, as the run decided
        store.write_unscored([unscored("pl-1", DetectedLanguage("pl", 0.99)), unscored("pl-2", DetectedLanguage("pl", 0.97)),
                              unscored("uk-1", DetectedLanguage("ru", 0.3), lang="uk")], store.start_run(["tweets.csv"], None))
    result = runner.invoke(app, ["trends", "--db", str(shift_db)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "3 statements left out: stored unscored, in a language the models do not read (pl 2, uk 1; `[language] supported`)" in result.output
    build_report(shift_db, tmp_path / "r.html", "month", "affiliation", 3, "none")
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<p class="warn" id="unscored">3 statements left out: stored unscored, in a language the models do not read (pl 2, uk 1;' in page


def test_a_turn_in_months_too_thin_to_draw_a_point_is_pointed_out_not_hidden(tmp_path):
    """Two statements a month, against then favor: no month reaches --min-count 3, so no shift can be marked, though the
    pooled months (4 a side) separate clearly."""
    db = write_store(tmp_path / "thin.db", _monthly("Masrour Barzani", [(0, 2), (0, 2), (2, 0), (2, 0)], "thin"))
    default = runner.invoke(app, ["trends", "--db", str(db), "--by", "actor", "--min-count", "3"], env={"COLUMNS": "400"})
    assert default.exit_code == 0, default.output
    assert "No shift beyond the 95% intervals." in default.output
    assert ("1 series could be split at a period below the minimum with at least 3 stance-taking statements a side pooled, and 1 of "
            "them would show a change beyond the 95% intervals there: give a lower --min-count or a longer --period") in default.output
    assert "0 cells reported, 4 below the minimum of 3 stance-taking statements" in default.output
    build_report(db, tmp_path / "r.html", "month", "actor", 3, "none")
    assert '<p class="warn" id="unsearched">Shifts are looked for only at periods that draw a point; 1 series' in (tmp_path / "r.html").read_text()
    lowered = runner.invoke(app, ["trends", "--db", str(db), "--by", "actor", "--min-count", "1"], env={"COLUMNS": "400"})
    assert "2021-01–2021-02 → 2021-03–2021-04" in lowered.output and "shifts not looked for" not in lowered.output
    single = runner.invoke(app, ["trends", "--db", str(db), "--by", "actor", "--min-count", "1", "--period", "day"], env={"COLUMNS": "400"})
    assert "8 cells reported, 0 below the minimum of 1 stance-taking statement\n" in single.output


def test_the_top_claims_of_a_statement_dated_to_a_month_only_show_its_month(tmp_path):
    from corpus.schema import ArticleOrigin
    from pipeline.ingest import Article
    from pipeline.report import read_top_claims

    statement, record = stored_statement("in-october", None, "Fuad Hussein", {FLIGHTS: "favor"})
    statement = statement.model_copy(update={"origin": ArticleOrigin(article_id="art-1", start=0, end=10, period="2021-10")})
    with Store(tmp_path / "m.db") as store:
        store.write_article(Article(id="art-1", text="Hussein said in October that ..."), store.start_run(["article"], "m"))
    db = write_store(tmp_path / "m.db", [(statement, record)])
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO claims(statement_id, start, end, text, checkworthy, score, quantities, dates, entities, model_hash, "
                           "content_hash) VALUES ('in-october', 0, 10, 'A claim.', 1, 0.9, '[]', '[]', '[]', 'c', 'h')")
    rows, _ = read_top_claims(db)
    assert [(who, date) for who, date, *_ in rows] == [("Fuad Hussein", "2021-10")]
