"""Stance trends from the store: per group × target × period counts, a net stance index with a 95% interval, shifts.

The net stance index of a cell is (favor - against) / (favor + against): statements labelled `none`
say nothing about a position, so they are counted but never dilute it. Its interval is the Jeffreys
interval of the favor share p = favor / (favor + against), mapped to 2p - 1. Why Jeffreys: cells hold
a handful of statements, where the Wald interval collapses and a bootstrap of five unanimous statements
has zero width; Brown, Cai & DasGupta (2001, Statistical Science 16:101) recommend Wilson or Jeffreys
for n < 40, and Jeffreys, being the Beta(favor + 1/2, against + 1/2) posterior, takes fractional counts
unchanged, which the confidence weighting produces. A cell needs `min_count` stance-taking statements
to be reported at all, so one tweet never draws a trend line on its own.

A shift splits a series into a before and an after segment whose pooled intervals do not overlap: the
change is larger than the uncertainty of either side. Segments are found by binary segmentation (the
split with the widest gap between the two intervals, then the same within each side), each side
holding at least `min_count` stance-taking statements. Pooling matters on real data: comparing single
months misses a turn that runs through a month of mixed statements (the KRG on smugglers, Oct to Dec
2021), while the pooled months before and after it separate clearly.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from scipy.stats import beta

if TYPE_CHECKING:
    from rich.console import Console

Period = Literal["day", "week", "month"]
GroupBy = Literal["actor", "affiliation"]
Weighting = Literal["none", "confidence"]
PERIODS: tuple[str, ...] = ("day", "week", "month")
GROUP_BY: tuple[str, ...] = ("actor", "affiliation")
WEIGHTINGS: tuple[str, ...] = ("none", "confidence")
_PANDAS_PERIOD = {"day": "D", "week": "W", "month": "M"}  # pandas weeks run Monday to Sunday
CONFIDENCE_LEVEL = 0.95

# `date_period`: YYYY-MM or YYYY where the text dates a statement only that vaguely ("in September"); no `date` then.
STATEMENT_COLUMNS = (
    "statement_id", "date", "date_period", "speaker", "speaker_actor", "affiliation", "source_type", "target", "label",
    "probability", "p_favor", "p_against", "p_none", "model_id", "zero_shot", "text",
)
# Said wherever zero-shot stances are shown (`run`, `predict`, `trends`, the report).
ZERO_SHOT_CAVEAT = (
    "Their labels are often wrong and their probabilities are not calibrated (calibration was fitted on trained targets only): "
    "do not read trends from them."
)
AGGREGATE_COLUMNS = (
    "group_by", "group", "target", "period", "period_start", "period_end", "statements", "favor", "against", "none", "weight_favor",
    "weight_against", "reported", "net_index", "index_low", "index_high", "shift", "model_id",
)

# Stance rows of the model `--model` (?1) names: a name, a weights hash prefix or name@hash-prefix; all rows without it.
_MODEL_MATCHES = """(?1 IS NULL OR st.model_name = ?1 OR substr(st.model_hash, 1, length(?1)) = ?1
       OR (instr(?1, '@') > 0 AND substr(st.model_name || '@' || st.model_hash, 1, length(?1)) = ?1))"""
# Per statement and target, the newest prediction (of the chosen model, or of any): a run of another model over a
# few statements must not hide the rest of the store.
_STANCE_QUERY = f"""
SELECT statement_id, date, date_period, speaker, speaker_actor, affiliation, source_type, target, label,
       p_favor, p_against, p_none, model_name, model_hash, text
FROM (
    SELECT s.id AS statement_id, s.date, s.period AS date_period, s.speaker, s.speaker_actor, a.affiliation, s.source_type, st.target, st.label,
           st.p_favor, st.p_against, st.p_none, st.model_name, st.model_hash, s.text,
           ROW_NUMBER() OVER (PARTITION BY st.statement_id, st.target ORDER BY st.run_id DESC, st.rowid DESC) AS newest
    FROM stances st
    JOIN statements s ON s.id = st.statement_id
    LEFT JOIN actors a ON a.name = s.speaker_actor
    WHERE {_MODEL_MATCHES}
)
WHERE newest = 1
ORDER BY date, statement_id, target
"""
# The models `--model` names, each once: a name several models share must be refused, not resolved to one of them.
_MATCHING_MODELS_QUERY = f"SELECT DISTINCT st.model_name, st.model_hash FROM stances st WHERE {_MODEL_MATCHES} ORDER BY 1, 2"


class TrendsError(ValueError):
    """The store cannot give trends (missing file, no stance predictions): the message says what to run."""


@dataclass(frozen=True)
class Shift:
    """A change in one series beyond its uncertainty, with the statements that carry either side."""

    group: str
    target: str
    before_first_period: str
    before_period: str  # the last period before the change
    after_period: str  # the first period after it, where the chart marks the shift
    after_last_period: str
    after_start: str  # first day of `after_period`
    before_index: float
    after_index: float
    before_interval: tuple[float, float]
    after_interval: tuple[float, float]
    before_statements: tuple[str, ...]
    after_statements: tuple[str, ...]

    @property
    def direction(self) -> str:
        return "toward favor" if self.after_index > self.before_index else "toward against"

    def as_dict(self) -> dict[str, object]:
        return {
            "group": self.group, "target": self.target, "before_first_period": self.before_first_period,
            "before_period": self.before_period, "after_period": self.after_period, "after_last_period": self.after_last_period,
            "after_start": self.after_start,
            "before_index": self.before_index, "after_index": self.after_index, "before_interval": list(self.before_interval),
            "after_interval": list(self.after_interval), "direction": self.direction,
            "before_statements": list(self.before_statements), "after_statements": list(self.after_statements),
        }


@dataclass
class Trends:
    """Everything one trends computation produces; `statements` carries `group` and `period` for evidence look-ups."""

    statements: pd.DataFrame
    aggregates: pd.DataFrame
    shifts: list[Shift]
    model_id: str
    period: str
    group_by: str
    min_count: int
    weighting: str
    skipped: dict[str, int] = field(default_factory=dict)


def _open_read_only(db: Path) -> sqlite3.Connection:
    if not Path(db).is_file():
        raise TrendsError(f"{db}: no such database; create it with `stancewatch run INPUT... --db {db}`")
    return sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)


def load_statements(db: Path, model: str | None = None) -> pd.DataFrame:
    """The statement-level table, one row per statement × target: its newest prediction, by any model or by `model`
    (a weights hash or its prefix, a model name, or `name@hash` with any prefix of the hash, as the run summary
    prints it). Prefixes compare literally: `%` and `_` are not wildcards."""
    if model is not None and not model.strip():
        raise TrendsError("--model is empty: give a weights hash or its prefix, a model name, or name@hash")
    connection = _open_read_only(db)
    try:
        if model is not None:
            matches = [f"{name}@{weights[:12]}" for name, weights in connection.execute(_MATCHING_MODELS_QUERY, (model,))]
            if len(matches) > 1:
                raise TrendsError(f"{db}: --model {model!r} matches {len(matches)} models ({', '.join(matches)}); give one of them as NAME@HASH")
        frame = pd.read_sql_query(_STANCE_QUERY, connection, params=(model,))
        if frame.empty:
            models = [f"{name}@{weights[:12]}" for name, weights in connection.execute("SELECT DISTINCT model_name, model_hash FROM stances")]
            if models and model is not None:
                raise TrendsError(f"{db}: no stance predictions by model {model!r}; the store holds {', '.join(models)}")
            raise TrendsError(f"{db}: the store holds no stance predictions; run `stancewatch run INPUT... --db {db}` with a stance model")
        trained = _trained_targets(connection)
    finally:
        connection.close()
    frame["probability"] = frame[["p_favor", "p_against", "p_none"]].to_numpy()[
        np.arange(len(frame)), frame["label"].map({"favor": 0, "against": 1, "none": 2}).to_numpy()
    ]
    frame["model_id"] = frame["model_name"] + "@" + frame["model_hash"].str[:12]
    # True: a target the model never saw a labelled example of; missing: the store does not say what it was trained on.
    frame["zero_shot"] = pd.array(
        [None if trained.get(weights) is None else target not in trained[weights] for weights, target in zip(frame["model_hash"], frame["target"])],
        dtype="boolean",
    )
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    return frame[list(STATEMENT_COLUMNS)]


def _trained_targets(connection: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """The targets each model (by weights hash) was trained on, where a run recorded them (stores before have no table)."""
    if connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stance_models'").fetchone() is None:
        return {}
    rows = connection.execute("SELECT model_hash, trained_targets FROM stance_models WHERE trained_targets IS NOT NULL")
    return {weights: frozenset(json.loads(targets)) for weights, targets in rows}


def zero_shot_targets(statements: pd.DataFrame) -> dict[str, tuple[str, ...] | None]:
    """Per model, the targets of these statements it scored zero-shot (models that scored none left out), or None where
    the store does not record what the model was trained on."""
    found: dict[str, tuple[str, ...] | None] = {}
    for model_id, rows in statements.groupby("model_id", sort=True):
        if rows["zero_shot"].isna().any():
            found[model_id] = None
        elif rows["zero_shot"].any():
            found[model_id] = tuple(sorted(rows.loc[rows["zero_shot"].astype(bool), "target"].unique()))
    return found


def unscored_languages(db: Path) -> dict[str, int]:
    """Statements the store holds unscored (a language outside `[language] supported`), per language as the run decided
    it, most first: trends and the report cannot show them, so they say how many they leave out."""
    from pipeline.language import DetectedLanguage, decide_language

    connection = _open_read_only(db)
    try:
        if "unscored_reason" not in {row[1] for row in connection.execute("PRAGMA table_info(statements)")}:
            return {}  # a store from before statements could be left unscored
        rows = connection.execute("SELECT lang, lang_detected, lang_score FROM statements WHERE unscored_reason IS NOT NULL").fetchall()
    finally:
        connection.close()
    languages = Counter(
        decide_language(declared, DetectedLanguage(detected, score)) if detected is not None else declared or "unknown"
        for declared, detected, score in rows
    )
    return dict(languages.most_common())


def unscored_note(languages: dict[str, int]) -> str | None:
    """What trends and the report say of the statements they leave out unscored, or None when there are none."""
    if not languages:
        return None
    counts = ", ".join(f"{lang} {count}" for lang, count in languages.items())
    return (f"{plural(sum(languages.values()), 'statement')} left out: stored unscored, in a language the models do not read "
            f"({counts}; `[language] supported`)")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def period_of(dates: pd.Series, period: Period) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each date's period label (2021-12, 2021-W48, 2021-12-03) and the period's first and last day."""
    periods = pd.to_datetime(dates).dt.to_period(_PANDAS_PERIOD[period])
    starts, ends = periods.dt.start_time.dt.date, periods.dt.end_time.dt.date
    if period == "month":
        labels = periods.dt.strftime("%Y-%m")
    elif period == "week":
        iso = periods.dt.start_time.dt.isocalendar()
        labels = iso["year"].astype(str) + "-W" + iso["week"].astype(str).str.zfill(2)
    else:
        labels = periods.dt.strftime("%Y-%m-%d")
    return labels, starts, ends


def jeffreys_index_interval(weight_favor: np.ndarray, weight_against: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95% interval of the net index 2p - 1 from the Jeffreys interval of p, with Brown-Cai-DasGupta's end rule.

    The equal-tailed interval excludes p = 1 even when every statement is in favor; the end rule (lower
    bound 0 when nobody is in favor, upper bound 1 when nobody is against) keeps the observed value inside.
    """
    tail = (1 - CONFIDENCE_LEVEL) / 2
    low = beta.ppf(tail, weight_favor + 0.5, weight_against + 0.5)
    high = beta.ppf(1 - tail, weight_favor + 0.5, weight_against + 0.5)
    low = np.where(weight_favor == 0, 0.0, low)
    high = np.where(weight_against == 0, 1.0, high)
    return 2 * low - 1, 2 * high - 1


def aggregate(statements: pd.DataFrame, min_count: int, weighting: Weighting) -> pd.DataFrame:
    """Counts, net index and interval per group × target × period; cells under `min_count` stay unreported.

    With `weighting="confidence"` a statement's vote weighs the model's probability of its label, so a
    0.4-confident `favor` counts less than a 0.95-confident one; the counts stay whole statements.
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {WEIGHTINGS}, got {weighting!r}")
    if min_count < 1:
        raise ValueError(f"min_count must be at least 1, got {min_count}")
    weight = statements["probability"] if weighting == "confidence" else pd.Series(1.0, index=statements.index)
    cells = statements.assign(
        favor=statements["label"].eq("favor"), against=statements["label"].eq("against"), none=statements["label"].eq("none"),
        weight_favor=weight.where(statements["label"].eq("favor"), 0.0), weight_against=weight.where(statements["label"].eq("against"), 0.0),
    ).groupby(["group", "target", "period", "period_start", "period_end"], as_index=False).agg(
        statements=("statement_id", "size"), favor=("favor", "sum"), against=("against", "sum"), none=("none", "sum"),
        weight_favor=("weight_favor", "sum"), weight_against=("weight_against", "sum"),
    )
    cells["reported"] = (cells["favor"] + cells["against"]) >= min_count
    stance_weight = cells["weight_favor"] + cells["weight_against"]
    net = (cells["weight_favor"] - cells["weight_against"]) / stance_weight.where(stance_weight > 0)
    low, high = jeffreys_index_interval(cells["weight_favor"].to_numpy(float), cells["weight_against"].to_numpy(float))
    cells["net_index"] = net.where(cells["reported"])
    cells["index_low"] = pd.Series(low, index=cells.index).where(cells["reported"])
    cells["index_high"] = pd.Series(high, index=cells.index).where(cells["reported"])
    cells["shift"] = False
    return cells.sort_values(["target", "group", "period_start"], ignore_index=True)


def detect_shifts(aggregates: pd.DataFrame, statements: pd.DataFrame, min_count: int) -> list[Shift]:
    """Binary segmentation of every series on pooled Jeffreys intervals; marks `shift` on each after-segment's first
    period, which is always a reported one (one that draws a point)."""
    shifts: list[Shift] = []
    taking = aggregates[(aggregates["favor"] + aggregates["against"]) > 0]
    for (group, target), series in taking.groupby(["group", "target"], sort=True):
        series = series.sort_values("period_start")
        for start, split, end, before, after in _splits(series, 0, len(series), min_count):
            before_cells, after_cells = series.iloc[start:split], series.iloc[split:end]
            aggregates.loc[after_cells.index[0], "shift"] = True
            shifts.append(Shift(
                group=group, target=target, before_first_period=before_cells["period"].iloc[0], before_period=before_cells["period"].iloc[-1],
                after_period=after_cells["period"].iloc[0], after_last_period=after_cells["period"].iloc[-1],
                after_start=after_cells["period_start"].iloc[0].isoformat(),
                before_index=before[0], after_index=after[0], before_interval=before[1:], after_interval=after[1:],
                # Nearest the change first on both sides: those are the statements that carry it.
                before_statements=_evidence_ids(statements, group, target, set(before_cells["period"]), latest_first=True),
                after_statements=_evidence_ids(statements, group, target, set(after_cells["period"]), latest_first=False),
            ))
    return sorted(shifts, key=lambda shift: (shift.group, shift.target, shift.after_start))


def _pooled(cells: pd.DataFrame) -> tuple[float, float, float]:
    """Net index and its 95% interval for the statements of several periods taken together."""
    favor, against = float(cells["weight_favor"].sum()), float(cells["weight_against"].sum())
    low, high = jeffreys_index_interval(np.array([favor]), np.array([against]))
    return (favor - against) / (favor + against), float(low[0]), float(high[0])


def _split_gap(series: pd.DataFrame, start: int, split: int, end: int, min_count: int):
    """(gap, before, after) of splitting series[start:end] before `split`: the gap between the pooled intervals (positive:
    they do not overlap) and each side's index and interval; None when a side has under `min_count` stance-taking statements."""
    before_cells, after_cells = series.iloc[start:split], series.iloc[split:end]
    if min(before_cells["favor"].sum() + before_cells["against"].sum(), after_cells["favor"].sum() + after_cells["against"].sum()) < min_count:
        return None
    before, after = _pooled(before_cells), _pooled(after_cells)
    return max(after[1] - before[2], before[1] - after[2]), before, after


def _splits(series: pd.DataFrame, start: int, end: int, min_count: int):
    """Yields (start, split, end, before, after) for the widest-gap split of series[start:end], then within each side."""
    best = None
    for split in range(start + 1, end):
        if not series["reported"].iloc[split]:
            continue  # a shift is marked where its series draws a point: the after side starts at a reported period
        found = _split_gap(series, start, split, end, min_count)
        if found is not None and found[0] > 0 and (best is None or found[0] > best[0]):
            best = (found[0], split, found[1], found[2])
    if best is None:
        return
    _, split, before, after = best
    yield from _splits(series, start, split, min_count)
    yield start, split, end, before, after
    yield from _splits(series, split, end, min_count)


def unsearched_splits(aggregates: pd.DataFrame, min_count: int) -> tuple[int, int]:
    """Series with a split at an unreported period that pools `min_count` stance-taking statements a side (shifts are
    not looked for there), and those of them whose pooled sides there do not overlap: what `--min-count` hid."""
    possible = changed = 0
    taking = aggregates[(aggregates["favor"] + aggregates["against"]) > 0]
    for _, series in taking.groupby(["group", "target"], sort=False):
        series = series.sort_values("period_start")
        gaps = [found[0] for split in range(1, len(series)) if not series["reported"].iloc[split]
                and (found := _split_gap(series, 0, split, len(series), min_count)) is not None]
        possible += bool(gaps)
        changed += any(gap > 0 for gap in gaps)
    return possible, changed


def _evidence_ids(statements: pd.DataFrame, group: str, target: str, periods: set[str], latest_first: bool) -> tuple[str, ...]:
    """The stance-taking statements of some periods of one series, in date order: what a change stands on."""
    cells = statements[(statements["group"] == group) & (statements["target"] == target) & statements["period"].isin(periods)
                       & (statements["label"] != "none")]
    return tuple(cells.sort_values(["date", "statement_id"], ascending=not latest_first)["statement_id"])


def compute_trends(
    statements: pd.DataFrame,
    period: Period = "month",
    group_by: GroupBy = "affiliation",
    min_count: int = 3,
    weighting: Weighting = "none",
    source_types: tuple[str, ...] | None = None,
) -> Trends:
    """Aggregates and shifts of a statement-level table (from `load_statements`), optionally for some source types.

    Statements without a date or whose speaker is not in the actor registry cannot sit on a trend line:
    they stay in the statement export and are counted in `skipped`. One the text dates to a month only
    ("in September") has no day, but sits in its month on monthly trends.
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}, got {period!r}")
    if group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {GROUP_BY}, got {group_by!r}")
    model_ids = statements.drop_duplicates("statement_id")["model_id"].value_counts()
    rows = statements if source_types is None else statements[statements["source_type"].isin(source_types)]
    group_column = "speaker_actor" if group_by == "actor" else "affiliation"
    month_only = rows["date"].isna() & rows["date_period"].str.fullmatch(r"\d{4}-\d{2}", na=False)
    placed_on = rows["date"].where(~month_only, pd.to_datetime(rows["date_period"].where(month_only) + "-01").dt.date)
    undated, unresolved = placed_on.isna() if period == "month" else rows["date"].isna(), rows[group_column].isna()
    skipped = {
        "without a date": int(rows.loc[undated & ~month_only, "statement_id"].nunique()),
        "dated to a month only (on monthly trends they sit in their month)": int(rows.loc[undated & month_only, "statement_id"].nunique()),
        "whose speaker is not a registry actor": int(rows.loc[~undated & unresolved, "statement_id"].nunique()),
    }
    rows = rows[~undated & ~unresolved].assign(group=lambda frame: frame[group_column])
    labels, starts, ends = period_of(placed_on[rows.index], period)
    rows = rows.assign(period=labels, period_start=starts, period_end=ends)
    aggregates = aggregate(rows, min_count, weighting)
    shifts = detect_shifts(aggregates, rows, min_count)
    # Several models: each with the number of statements it scored, so a mixed series is never mistaken for one model's.
    model_id = ", ".join(model_ids.index) if len(model_ids) < 2 else ", ".join(f"{m} ({plural(n, 'statement')})" for m, n in model_ids.items())
    model_id = model_id or "-"
    aggregates = aggregates.assign(group_by=group_by, model_id=model_id)
    return Trends(
        statements=rows, aggregates=aggregates[list(AGGREGATE_COLUMNS)], shifts=shifts,
        model_id=model_id, period=period, group_by=group_by,
        min_count=min_count, weighting=weighting, skipped=skipped,
    )


def write_table(frame: pd.DataFrame, path: Path, file_format: Literal["csv", "parquet"]) -> None:
    """Writes a table for pandas, R or a spreadsheet; Parquet keeps dates, booleans and missing values typed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "parquet":
        frame.to_parquet(path, engine="pyarrow", index=False)
    else:
        frame.to_csv(path, index=False)


def zero_shot_notes(zero_shot: dict[str, tuple[str, ...] | None]) -> list[str]:
    """One line per model with zero-shot targets (or none recorded), as the console and the report page say it."""
    notes = []
    for model_id, targets in zero_shot.items():
        if targets is None:
            notes.append(f"{model_id}: the store does not record which targets this model was trained on (stored before runs kept it; "
                         "any `stancewatch run` with the model records it), so targets it scored zero-shot cannot be named.")
        else:
            notes.append(f"{model_id} scored {', '.join(repr(t) for t in targets)} zero-shot: it never saw a labelled example of "
                         f"{'them' if len(targets) > 1 else 'it'}. {ZERO_SHOT_CAVEAT}")
    return notes


def unsearched_note(trends: Trends) -> str | None:
    """Says when `--min-count` kept shifts from being looked for, or None: a short debate otherwise shows no shift unexplained."""
    series, changes = unsearched_splits(trends.aggregates, trends.min_count)
    if not series:
        return None
    return (f"shifts are looked for only at periods that draw a point; {series} series could be "
            f"split at a period below the minimum with at least {trends.min_count} stance-taking statements a side pooled, and "
            f"{changes} of them would show a change beyond the 95% intervals there: give a lower --min-count or "
            "a longer --period to see it")


def _format_index(value: float, low: float, high: float) -> str:
    return f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"


def render_trends(trends: Trends, console: "Console", cells: bool = True, unscored: dict[str, int] | None = None) -> None:
    """The reported cells (when `cells`), what was left out (`unscored`: per language, from `unscored_languages`) and the
    shifts with their evidence ids, as terminal tables."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    aggregates = trends.aggregates
    reported = aggregates[aggregates["reported"]]
    if cells:
        table = Table(title=f"Stance per {trends.group_by} × target × {trends.period} (model {trends.model_id}; "
                            f"index with 95% Jeffreys interval; ★ shift)")
        for column in ("target", trends.group_by, trends.period, "favor", "against", "none", "net index [95%]", ""):
            table.add_column(column, justify="right" if column in ("favor", "against", "none") else "left", overflow="fold")
        for cell in reported.itertuples():
            table.add_row(Text(cell.target), Text(cell.group), cell.period, str(cell.favor), str(cell.against), str(cell.none),
                          _format_index(cell.net_index, cell.index_low, cell.index_high), "★" if cell.shift else "")
        console.print(table)
    hidden = int((~aggregates["reported"]).sum())
    skipped = [f"{plural(count, 'statement')} {what}" for what, count in trends.skipped.items() if count]
    console.print(
        f"{plural(len(reported), 'cell')} reported, {hidden} below the minimum of {plural(trends.min_count, 'stance-taking statement')}"
        + "".join(f"; {line}" for line in skipped), highlight=False,
    )
    if note := unsearched_note(trends):
        console.print(f"[yellow]shifts not looked for:[/yellow] {escape(note)}", highlight=False)
    if note := unscored_note(unscored or {}):
        console.print(f"[yellow]unscored:[/yellow] {escape(note)}", highlight=False)
    for note in zero_shot_notes(zero_shot_targets(trends.statements)):
        console.print(f"[yellow]zero-shot:[/yellow] {escape(note)}", highlight=False)
    if not trends.shifts:
        console.print("No shift beyond the 95% intervals.")
        return
    shifts = Table(title="Shifts beyond the 95% intervals (statements nearest the change first)")
    for column in (trends.group_by, "target", "periods (pooled)", "net index", "statements before", "statements after"):
        shifts.add_column(column, overflow="fold")  # on a narrow terminal, ids and periods wrap whole, never cut to "…"
    for shift in trends.shifts:
        shifts.add_row(
            Text(shift.group), Text(shift.target),
            f"{shift.before_first_period}–{shift.before_period} → {shift.after_period}–{shift.after_last_period}",
            f"{_format_index(shift.before_index, *shift.before_interval)} → {_format_index(shift.after_index, *shift.after_interval)}",
            Text(", ".join(shift.before_statements)), Text(", ".join(shift.after_statements)),
        )
    console.print(shifts)
