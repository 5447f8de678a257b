"""The analysts' report: one self-contained HTML page of stance trends, plus PNG charts for briefs.

The page embeds plotly.js from the pinned `plotly` package (no CDN: it opens offline) and the trend
data as JSON. Escaping follows `evaluation/html_report.py`: every value the server writes into the
markup goes through its `_escape`/`_table`; the JSON goes into a `<script type="application/json">`
block with `<`, `>` and `&` as \\u escapes (so a text holding `</script>` cannot close it), and the
page's script writes statement texts with `textContent` only, never as markup. Names shown by
plotly (legend, hover) are entity-escaped first, because plotly reads a few tags in labels.
"""

from __future__ import annotations

import io
import json
import math
import re
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from evaluation.html_report import STYLE as EVALUATION_STYLE
from evaluation.html_report import _escape, _table
from pipeline.trends import (
    GroupBy, Period, Trends, TrendsError, Weighting, compute_trends, load_statements, plural, unscored_languages, unscored_note,
    unsearched_note, zero_shot_notes, zero_shot_targets,
)

ALL_SOURCES = "all"
TOP_CLAIMS_PER_SPEAKER = 5
# Columns a `claims` table may use for the claim's check-worthiness, in order of preference.
CLAIM_SCORE_COLUMNS = ("checkworthiness", "score", "probability", "p_checkworthy", "confidence")


@dataclass
class ReportInputs:
    """What one report is built from: the statement table and the settings of every view in it."""

    statements: pd.DataFrame
    db: Path
    period: Period
    group_by: GroupBy
    min_count: int
    weighting: Weighting
    evaluation: dict[str, object] | None = None
    evaluation_file: Path | None = None
    # Statements stored unscored, per language (`unscored_languages`): the page leaves them out and says so.
    unscored: dict[str, int] = field(default_factory=dict)


def read_evaluation(path: Path) -> dict[str, object]:
    """The JSON that `stancewatch evaluate --json` writes; its headline scores go into the page header."""
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrendsError(f"{path}: evaluation file not found; write one with `stancewatch evaluate GOLD PRED --json {path}`") from None
    except json.JSONDecodeError as error:
        raise TrendsError(f"{path}: line {error.lineno}: not valid JSON ({error.msg})") from None
    if not isinstance(report, dict) or "stance" not in report:
        raise TrendsError(f"{path}: field 'stance' missing: expected the JSON of `stancewatch evaluate --json`")
    return report


def _view_data(trends: Trends) -> dict[str, object]:
    """One (level, source type) view as plain JSON: series of reported points, each with its evidence ids."""
    series = []
    stance_rows = trends.statements[trends.statements["label"] != "none"].sort_values(["probability", "date"], ascending=[False, True])
    evidence: dict[tuple[str, str, str], list[list[object]]] = defaultdict(list)
    labelled: dict[tuple[str, str], list[object]] = {}
    for row in stance_rows[["group", "target", "period", "statement_id", "label", "probability"]].itertuples(index=False):
        labelled[(row.statement_id, row.target)] = [row.statement_id, row.label, round(float(row.probability), 3)]
        evidence[(row.group, row.target, row.period)].append(labelled[(row.statement_id, row.target)])
    reported = trends.aggregates[trends.aggregates["reported"]]
    for (group, target), cells in reported.groupby(["group", "target"], sort=True):
        points = [
            {
                "period": cell.period, "start": cell.period_start.isoformat(), "end": cell.period_end.isoformat(),
                "statements": int(cell.statements),
                "favor": int(cell.favor), "against": int(cell.against), "none": int(cell.none),
                "index": round(float(cell.net_index), 4), "low": round(float(cell.index_low), 4), "high": round(float(cell.index_high), 4),
                "shift": bool(cell.shift),
                "evidence": evidence[(group, target, cell.period)],
            }
            for cell in cells.sort_values("period_start").itertuples()
        ]
        series.append({"group": group, "target": target, "points": points})
    shifts = []
    for shift in trends.shifts:
        record = shift.as_dict()
        for side in ("before_statements", "after_statements"):
            record[side] = [labelled[(sid, shift.target)] for sid in record[side]]
        shifts.append(record)
    return {"series": series, "shifts": shifts}


def _date_range(statements: pd.DataFrame) -> tuple[str | None, str | None]:
    """First and last day the statements cover, a statement dated to a month only spanning its month: the page's
    header and its date filter must take in every point a chart can draw."""
    days = pd.to_datetime(statements["date"].dropna())
    months = statements.loc[statements["date"].isna(), "date_period"].dropna()
    months = pd.to_datetime(months[months.str.fullmatch(r"\d{4}-\d{2}")] + "-01")
    covered = pd.concat([days, months, months + pd.offsets.MonthEnd(0)])
    if covered.empty:
        return None, None
    return covered.min().date().isoformat(), covered.max().date().isoformat()


def build_report_data(inputs: ReportInputs) -> tuple[dict[str, object], Trends]:
    """Every view the page's filters can show (both grouping levels × all source types and each one alone),
    and the trends of the view the page opens on."""
    statements = inputs.statements
    source_types = sorted(statements["source_type"].dropna().unique())
    views: dict[str, dict[str, object]] = {}
    default = None
    for level in ("affiliation", "actor"):
        views[level] = {}
        for source in (ALL_SOURCES, *source_types):
            trends = compute_trends(
                statements, inputs.period, level, inputs.min_count, inputs.weighting, None if source == ALL_SOURCES else (source,)
            )
            views[level][source] = _view_data(trends)
            if level == inputs.group_by and source == ALL_SOURCES:
                default = trends
    texts = statements.drop_duplicates("statement_id")
    first_date, last_date = _date_range(statements)
    data = {
        "meta": {
            "model_id": default.model_id, "period": inputs.period, "group_by": inputs.group_by, "min_count": inputs.min_count,
            "weighting": inputs.weighting, "first_date": first_date, "last_date": last_date,
        },
        "targets": sorted(statements["target"].unique()),
        "source_types": source_types,
        "statements": {
            row.statement_id: {
                "date": row.date.isoformat() if row.date is not None and not pd.isna(row.date) else None, "speaker": row.speaker,
                "actor": row.speaker_actor, "affiliation": row.affiliation, "source_type": row.source_type, "text": row.text,
            }
            for row in texts.itertuples()
        },
        "views": views,
    }
    return data, default


def json_for_script(data: object) -> str:
    """JSON safe inside a <script> element: no character of it can end the element or open a comment, and no NaN
    (pandas' missing value, which JSON.parse rejects: one statement without a speaker would blank the page)."""
    text = json.dumps(_nan_as_null(data), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _nan_as_null(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_as_null(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nan_as_null(item) for item in value]
    return value


def read_top_claims(db: Path, per_speaker: int = TOP_CLAIMS_PER_SPEAKER) -> tuple[list[tuple[object, ...]], str | None]:
    """Top claims per speaker from the store's `claims` table, or no rows and a note saying why there are none."""
    connection = sqlite3.connect(f"file:{Path(db).resolve()}?mode=ro", uri=True)
    try:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(claims)")]
        if not columns:
            return [], "This store has no claims table yet: claims appear here once the pipeline stores them."
        if "statement_id" not in columns:
            return [], f"The claims table has no statement_id column (columns: {', '.join(columns)}), so claims cannot be tied to speakers."
        score = next((c for c in CLAIM_SCORE_COLUMNS if c in columns), None)
        claim_text = "c.text" if "text" in columns else (
            "substr(s.text, c.start + 1, c.end - c.start)" if {"start", "end"} <= set(columns) else "s.text"
        )
        conditions = ["c.checkworthy"] if "checkworthy" in columns else []
        if {"model_hash", "run_id"} <= set(columns):  # several claims models: the newest run's
            conditions.append("c.model_hash = (SELECT model_hash FROM claims ORDER BY run_id DESC LIMIT 1)")
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        order = f"c.{score} DESC" if score else "s.date DESC"
        threshold = "c.threshold" if "threshold" in columns else "NULL"
        query = (  # column names come from PRAGMA and a fixed list, never from data
            f"SELECT COALESCE(s.speaker_actor, s.speaker) AS who, COALESCE(s.date, s.period), {('c.' + score) if score else 'NULL'}, {claim_text}, s.id, {threshold} "
            f"FROM claims c JOIN statements s ON s.id = c.statement_id {where} ORDER BY who, {order}"
        )
        rows = connection.execute(query).fetchall()
    finally:
        connection.close()
    top: list[tuple[object, ...]] = []
    taken: dict[str, int] = {}
    for row in rows:
        if taken.get(row[0], 0) < per_speaker:
            taken[row[0]] = taken.get(row[0], 0) + 1
            top.append(row[:-1])
    if not top:
        return [], "The claims table is empty."
    return top, _threshold_note({row[-1] for row in rows} - {None})


def _threshold_note(thresholds: set[float]) -> str | None:
    """Says from which score a claim counts as check-worthy: a score just above it is no weak claim."""
    if not thresholds:
        return None  # a store written before claims kept their threshold
    scores = " or ".join(f"{t:.2f}" for t in sorted(thresholds))
    return (f"The score is the claims model's probability that a sentence is check-worthy; a claim is listed from a score of {scores} "
            "(the threshold the model tuned on its dev split for F1, unless [claims] threshold set another).")


def _header_html(data: dict[str, object], default_trends: Trends, inputs: ReportInputs, built_at: str) -> str:
    meta = data["meta"]
    parts = [
        "<h1>stancewatch: stance trends</h1>",
        f'<p>Model <code id="model-id">{_escape(meta["model_id"])}</code> · store <code>{_escape(inputs.db.name)}</code> · '
        f"{plural(len(data['statements']), 'statement')}, {_escape(meta['first_date'])} to {_escape(meta['last_date'])} · built {_escape(built_at)}</p>",
        *([f'<p class="warn" id="unscored">{_escape(note)}.</p>'] if (note := unscored_note(inputs.unscored)) else []),
        f'<p class="note">Per {_escape(meta["period"])}: net stance index = (favor − against) / (favor + against), with a 95% Jeffreys '
        f"interval (band); a point needs at least {plural(meta['min_count'], 'stance-taking statement')}; weighting: {_escape(meta['weighting'])}. "
        "A star marks a shift: the periods before and after it, pooled, have intervals that do not overlap; it stands at the level "
        "after the change. Click a point or a star for its statements. "
        "Stances are model predictions, not gold labels.</p>",
        *([f'<p class="warn" id="unsearched">{_escape(note[0].upper() + note[1:])}.</p>'] if (note := unsearched_note(default_trends)) else []),
        *(f'<p class="warn zero-shot">Zero-shot: {_escape(note)}</p>' for note in zero_shot_notes(zero_shot_targets(inputs.statements))),
    ]
    evaluation = inputs.evaluation
    if evaluation is None:
        parts.append('<p class="note" id="evaluation">No evaluation given (<code>--evaluation FILE</code> from '
                     "<code>stancewatch evaluate --json</code>): scores of this model are not shown.</p>")
        return "\n".join(parts)
    scored = list(evaluation.get("models") or {})
    if scored != [meta["model_id"]]:
        # An evaluation of another model (or of a file mixing several) must not pass for this model's scores.
        what = f"scored {', '.join(scored)}" if scored else "does not say which model it scored (written before evaluations named it)"
        parts.append(f'<p class="warn" id="evaluation-model">The evaluation file {_escape(inputs.evaluation_file.name)} {_escape(what)}, '
                     f"not this store's model {_escape(meta['model_id'])}: its scores below are not this model's.</p>")
    scored_name = ", ".join(scored) or "an unnamed model"
    stance = evaluation["stance"]
    rows = []
    if stance is not None:
        interval = stance["interval_95"]
        rows.append(("all targets", stance["pairs"], *(f"{stance[k]:.3f} [{interval[k][0]:.3f}, {interval[k][1]:.3f}]" for k in ("accuracy", "macro_f1", "f_avg"))))
    rows += [(target, s["pairs"], s["accuracy"], s["macro_f1"], s["f_avg"]) for target, s in evaluation.get("stance_per_target", {}).items()]
    parts.append(f'<div id="evaluation">{_table(f"Evaluation of {scored_name} ({inputs.evaluation_file.name}; 95% bootstrap intervals)", ("scope", "pairs", "accuracy", "macro-F1", "F_avg"), rows)}</div>')
    calibration = evaluation.get("calibration")
    if calibration:
        parts.append(f"<p>Calibration: ECE {calibration['ece']:.3f} over {calibration['pairs']} pairs.</p>")
    return "\n".join(parts)


def _claims_html(db: Path) -> str:
    rows, note = read_top_claims(db)
    parts = ["<h2>Top claims per speaker</h2>"]
    if note:
        parts.append(f'<p class="note" id="claims-note">{_escape(note)}</p>')
    if rows:
        parts.append(_table(f"Up to {TOP_CLAIMS_PER_SPEAKER} claims per speaker", ("speaker", "date", "score", "claim", "statement"), rows))
    return '<section id="claims">' + "\n".join(parts) + "</section>"


PAGE_STYLE = EVALUATION_STYLE + """
body { max-width: 90rem; padding: 0 1rem; }
#shifts td { white-space: normal; }
#filters { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; padding: 0.6rem; background: #f4f4f4; border-radius: 6px; }
#filters label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
#filters select[multiple] { min-width: 16rem; }
#layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(18rem, 1fr); gap: 1rem; }
.chart-block h3 { margin: 1rem 0 0; }
.chart { height: 360px; }
#evidence { position: sticky; top: 0.5rem; align-self: start; max-height: 95vh; overflow: auto; border-left: 3px solid #4c72b0; padding-left: 0.8rem; }
.statement { border-bottom: 1px solid #ddd; padding: 0.4rem 0; }
.statement .meta { font-size: 0.8rem; color: #555; }
.statement blockquote { margin: 0.3rem 0; white-space: pre-wrap; }
.favor { color: #2a7d2a; } .against { color: #b03030; }
button.link { background: none; border: none; color: #2255aa; cursor: pointer; text-decoration: underline; padding: 0; }
"""

PAGE_SCRIPT = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("report-data").textContent);
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];
const $ = (id) => document.getElementById(id);
// Plotly reads a few tags in labels: entity-escape names before they reach it (it shows entities as text).
const plotlyText = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  const { dataset, ...rest } = props || {};
  Object.assign(node, rest);
  Object.assign(node.dataset, dataset || {});
  for (const child of children) node.append(child);  // strings become text nodes, never markup
  return node;
}
function selected(select) { return Array.from(select.selectedOptions).map((o) => o.value); }
function view() { return DATA.views[$("level-filter").value][$("source-filter").value] || { series: [], shifts: [] }; }
function fillSelect(select, values, keep) {
  const before = new Set(keep ? selected(select) : []);
  select.replaceChildren(...values.map((v) => el("option", { value: v, textContent: v, selected: before.has(v) })));
}
function groupsOfLevel() {
  const groups = new Set();
  for (const source of Object.values(DATA.views[$("level-filter").value])) for (const s of source.series) groups.add(s.group);
  return Array.from(groups).sort();
}
function inRange(point) {  // a period is shown when any of its days is in the chosen range
  const from = $("date-from").value, to = $("date-to").value;
  return (!from || point.end >= from) && (!to || point.start <= to);
}
function state() {
  const actors = selected($("actor-filter")), targets = selected($("target-filter"));
  return { actors: actors.length ? new Set(actors) : null, targets: targets.length ? targets : DATA.targets };
}
function colorOf(group) {
  const groups = groupsOfLevel();
  return PALETTE[groups.indexOf(group) % PALETTE.length];
}
function showEvidence(title, sections) {
  const box = $("evidence-body");
  box.replaceChildren(el("h3", { textContent: title }));
  for (const [caption, evidence] of sections) {
    box.append(el("h4", { textContent: caption + " (" + evidence.length + ")" }));
    for (const [sid, label, p] of evidence) {
      const s = DATA.statements[sid] || {};
      box.append(el("article", { className: "statement", dataset: { id: sid } },
        el("div", { className: "meta" }, [s.date, s.speaker, s.source_type, sid].join(" · "), " · ",
           el("span", { className: label, textContent: label + " " + Number(p).toFixed(2) })),
        el("blockquote", { textContent: s.text || "" })));
    }
  }
  $("evidence").scrollTop = 0;
}
function pointEvidence(series, point) {
  showEvidence(series.group + " · " + series.target + " · " + point.period + ": index " + point.index.toFixed(2) +
    " [" + point.low.toFixed(2) + ", " + point.high.toFixed(2) + "]", [["statements", point.evidence]]);
}
function shiftsOf(series) { return view().shifts.filter((s) => s.group === series.group && s.target === series.target); }
function shiftAt(series, point) { return shiftsOf(series).find((s) => s.after_period === point.period); }
const span = (first, last) => (first === last ? first : first + " – " + last);
const withInterval = (index, interval) => index.toFixed(2) + " [" + interval[0].toFixed(2) + ", " + interval[1].toFixed(2) + "]";
function shiftEvidence(shift) {
  showEvidence("Shift: " + shift.group + " on " + shift.target + ", " + shift.direction + " (" + withInterval(shift.before_index,
    shift.before_interval) + " → " + withInterval(shift.after_index, shift.after_interval) + ")",
    [["before: " + span(shift.before_first_period, shift.before_period) + ", latest first", shift.before_statements],
     ["after: " + span(shift.after_period, shift.after_last_period) + ", earliest first", shift.after_statements]]);
}
const dayAfter = (day) => new Date(Date.parse(day + "T00:00:00Z") + 86400000).toISOString().slice(0, 10);
// A gap row wherever periods without a reported point lie between two points: plotly stops the line and band at a
// null instead of drawing a value nobody measured.
function withGaps(points) {
  const out = [];
  points.forEach((p, i) => {
    if (i && p.start > dayAfter(points[i - 1].end)) out.push({ start: dayAfter(points[i - 1].end), gap: true });
    out.push(p);
  });
  return out;
}
const orGap = (value) => (p) => (p.gap ? null : value(p));
// Click targets by number: plotly hands customdata back on click, and a number survives its copying intact.
let clickable = [];
function traces(seriesList) {
  const out = [];
  for (const series of seriesList) {
    const points = withGaps(series.points.filter(inRange));
    if (!points.length) continue;
    const color = colorOf(series.group), name = plotlyText(series.group), x = points.map((p) => p.start);
    out.push({ x, y: points.map(orGap((p) => p.high)), mode: "lines", line: { width: 0 }, hoverinfo: "skip", showlegend: false, legendgroup: name });
    out.push({ x, y: points.map(orGap((p) => p.low)), mode: "lines", line: { width: 0 }, fill: "tonexty", fillcolor: color + "33",
      hoverinfo: "skip", showlegend: false, legendgroup: name });
    // Error bars as well as the band: a series with one reported point has no band to draw.
    out.push({ x, y: points.map(orGap((p) => p.index)), mode: "lines+markers", name, legendgroup: name, line: { color }, marker: { size: 8 },
      error_y: { type: "data", symmetric: false, array: points.map(orGap((p) => p.high - p.index)),
        arrayminus: points.map(orGap((p) => p.index - p.low)), color, thickness: 1, width: 3 },
      // The point after a shift opens the shift: its own statements and those before it.
      customdata: points.map(orGap((p) => clickable.push(() => (shiftAt(series, p) ? shiftEvidence(shiftAt(series, p)) : pointEvidence(series, p))) - 1)),
      text: points.map(orGap((p) => name + " · " + p.period + "<br>index " + p.index.toFixed(2) + " [" + p.low.toFixed(2) + ", " +
        p.high.toFixed(2) + "]<br>favor " + p.favor + ", against " + p.against + ", none " + p.none)),
      hovertemplate: "%{text}<extra></extra>" });
    // A star where the new segment starts, at its pooled level: the change, not any one period.
    const shifts = shiftsOf(series).filter((s) => inRange({ start: s.after_start, end: s.after_start }));
    if (shifts.length) {
      out.push({ x: shifts.map((s) => s.after_start), y: shifts.map((s) => s.after_index), mode: "markers", name: name + " shift",
        legendgroup: name, showlegend: false, marker: { symbol: "star", size: 18, color: "#111", line: { color, width: 2 } },
        customdata: shifts.map((s) => clickable.push(() => shiftEvidence(s)) - 1),
        text: shifts.map((s) => name + ": shift " + s.direction + "<br>" + span(s.before_first_period, s.before_period) + ": " +
          withInterval(s.before_index, s.before_interval) + "<br>" + span(s.after_period, s.after_last_period) + ": " +
          withInterval(s.after_index, s.after_interval) + "<br>click for the statements"),
        hovertemplate: "%{text}<extra></extra>" });
    }
  }
  return out;
}
function render() {
  const { actors, targets } = state();
  const v = view();
  const charts = $("charts");
  for (const div of charts.querySelectorAll(".chart")) Plotly.purge(div);
  charts.replaceChildren();
  clickable = [];
  let drawn = 0;
  targets.forEach((target, index) => {
    const seriesList = v.series.filter((s) => s.target === target && (!actors || actors.has(s.group)));
    const data = traces(seriesList);
    const block = el("div", { className: "chart-block" }, el("h3", { textContent: target }));
    charts.append(block);
    if (!data.length) { block.append(el("p", { className: "note", textContent: "No series reaches the minimum count with these filters." })); return; }
    const div = el("div", { className: "chart", id: "chart-" + index, dataset: { target } });
    block.append(div);
    Plotly.newPlot(div, data, { margin: { t: 10, r: 10, b: 40, l: 50 }, yaxis: { range: [-1.08, 1.08], title: { text: "net stance (against −1 … +1 favor)" },
      zeroline: true }, xaxis: { type: "date" }, hovermode: "closest", legend: { orientation: "h", y: -0.2 } },
      { displaylogo: false, responsive: true });
    div.on("plotly_click", (event) => {
      const action = clickable[event.points[0].customdata];
      if (action) action();
    });
    drawn += 1;
  });
  $("charts").dataset.drawn = drawn;
  renderShifts(v.shifts.filter((s) => targets.includes(s.target) && (!actors || actors.has(s.group)) &&
    inRange({ start: s.after_start, end: s.after_start })));
}
function renderShifts(shifts) {
  const body = $("shifts-body");
  body.replaceChildren(...shifts.map((shift) => el("tr", {},
    el("td", { textContent: shift.group }), el("td", { textContent: shift.target }),
    el("td", { textContent: span(shift.before_first_period, shift.before_period) + " → " + span(shift.after_period, shift.after_last_period) }),
    el("td", { textContent: withInterval(shift.before_index, shift.before_interval) + " → " + withInterval(shift.after_index, shift.after_interval) }),
    el("td", { textContent: shift.direction }),
    el("td", {}, el("button", { className: "link shift-evidence", textContent: "statements", onclick: () => shiftEvidence(shift) })))));
  $("shifts-none").hidden = shifts.length > 0;
}
function init() {
  fillSelect($("level-filter"), ["affiliation", "actor"]);
  $("level-filter").value = DATA.meta.group_by;
  fillSelect($("source-filter"), ["all", ...DATA.source_types]);
  fillSelect($("target-filter"), DATA.targets);
  fillSelect($("actor-filter"), groupsOfLevel());
  $("date-from").value = DATA.meta.first_date || "";
  $("date-to").value = DATA.meta.last_date || "";
  $("level-filter").addEventListener("change", () => { fillSelect($("actor-filter"), groupsOfLevel(), true); render(); });
  for (const id of ["actor-filter", "target-filter", "source-filter", "date-from", "date-to"]) $(id).addEventListener("change", render);
  $("reset-filters").addEventListener("click", () => {
    for (const id of ["actor-filter", "target-filter"]) for (const o of $(id).options) o.selected = false;
    $("source-filter").value = "all"; $("date-from").value = DATA.meta.first_date || ""; $("date-to").value = DATA.meta.last_date || "";
    render();
  });
  render();
  document.body.dataset.ready = "true";
}
init();
"""


def _page(data: dict[str, object], default_trends: Trends, inputs: ReportInputs, built_at: str, plotly_js: str) -> str:
    filters = """
<div id="filters">
  <label>Series by<select id="level-filter"></select></label>
  <label>Actors (none selected = all)<select id="actor-filter" multiple size="6"></select></label>
  <label>Targets (none selected = all)<select id="target-filter" multiple size="6"></select></label>
  <label>Source type<select id="source-filter"></select></label>
  <label>From<input type="date" id="date-from"></label>
  <label>To<input type="date" id="date-to"></label>
  <label>&nbsp;<button type="button" id="reset-filters">Reset filters</button></label>
</div>"""
    shifts = """
<h2>Shifts</h2>
<table id="shifts"><caption>Changes beyond the 95% intervals (pooled periods before and after), in the series shown</caption>
<thead><tr><th>series</th><th>target</th><th>periods</th><th>net index</th><th>direction</th><th>evidence</th></tr></thead>
<tbody id="shifts-body"></tbody></table>
<p class="note" id="shifts-none" hidden>No shift in the series shown.</p>"""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>stancewatch: stance trends</title>'
        f"<style>{PAGE_STYLE}</style>\n<script>{plotly_js}</script></head><body>\n"
        f"{_header_html(data, default_trends, inputs, built_at)}\n{filters}\n"
        '<div id="layout"><main><div id="charts"></div>' + shifts + "</main>\n"
        '<aside id="evidence"><h2>Evidence</h2><div id="evidence-body"><p class="note">Click a point or a shift star to see its statements.</p></div></aside></div>\n'
        f"{_claims_html(inputs.db)}\n"
        f'<script type="application/json" id="report-data">{json_for_script(data)}</script>\n'
        f"<script>{PAGE_SCRIPT}</script>\n</body></html>\n"
    )


def render_report(inputs: ReportInputs) -> tuple[str, Trends]:
    """The page, and the trends of the view it opens on (for the PNG charts and the command's summary)."""
    from plotly.offline import get_plotlyjs

    data, default = build_report_data(inputs)
    built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return _page(data, default, inputs, built_at, get_plotlyjs()), default


@dataclass
class ReportSummary:
    out: Path
    bytes: int
    seconds: float
    trends: Trends
    pngs: list[Path]


def build_report(
    db: Path, out: Path, period: Period, group_by: GroupBy, min_count: int, weighting: Weighting,
    evaluation_file: Path | None = None, png_dir: Path | None = None, model: str | None = None,
) -> ReportSummary:
    """Reads the store (each statement's newest prediction, or `model`'s), writes the HTML page (and PNGs when
    `png_dir` is given), and says what it wrote."""
    started = time.perf_counter()
    inputs = ReportInputs(
        statements=load_statements(db, model), db=Path(db), period=period, group_by=group_by, min_count=min_count, weighting=weighting,
        evaluation=read_evaluation(evaluation_file) if evaluation_file else None, evaluation_file=evaluation_file,
        unscored=unscored_languages(db),
    )
    page, trends = render_report(inputs)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    written: list[Path] = []
    if png_dir is not None:
        png_dir = Path(png_dir)
        png_dir.mkdir(parents=True, exist_ok=True)
        for name, png in trend_pngs(trends).items():
            (png_dir / name).write_bytes(png)
            written.append(png_dir / name)
    return ReportSummary(out=out, bytes=out.stat().st_size, seconds=time.perf_counter() - started, trends=trends, pngs=written)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "target"


def _broken_at_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """The series with an empty row inside every run of periods that have no reported point, so the line and band
    stop there instead of drawing a value nobody measured."""
    series = series.assign(period_start=pd.to_datetime(series["period_start"]), period_end=pd.to_datetime(series["period_end"]))
    day_after = series["period_end"] + pd.Timedelta(days=1)
    after_gap = series["period_start"].to_numpy()[1:] > day_after.to_numpy()[:-1]
    gaps = pd.DataFrame({"period_start": day_after.iloc[:-1][after_gap]})
    return pd.concat([series, gaps]).sort_values("period_start", kind="stable", ignore_index=True)


def trend_pngs(trends: Trends) -> dict[str, bytes]:
    """One PNG per target (file name → bytes): index lines, interval bands and shift stars, for pasting into a brief; a
    target without a reported point gets a chart that says so."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    pngs: dict[str, bytes] = {}
    reported = trends.aggregates[trends.aggregates["reported"]]
    for target in sorted(trends.aggregates["target"].unique()):
        cells = reported[reported["target"] == target]
        figure = Figure(figsize=(9, 4.5), dpi=110)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        if cells.empty:  # still a chart: a brief built from the folder shows the target, and why it has no line
            axes.text(0.5, 0.5, "No period has enough stance-taking (favor or against) statements for a point",
                      transform=axes.transAxes, ha="center", va="center", color="gray")
        for group, series in cells.groupby("group", sort=True):
            series = _broken_at_gaps(series.sort_values("period_start"))
            x = pd.to_datetime(series["period_start"])
            (line,) = axes.plot(x, series["net_index"], marker="o", label=group)
            axes.fill_between(x, series["index_low"], series["index_high"], color=line.get_color(), alpha=0.15)
            # Bars too: a series with one reported point has no band to draw.
            axes.vlines(x, series["index_low"], series["index_high"], color=line.get_color(), alpha=0.5)
            shifts = [shift for shift in trends.shifts if shift.group == group and shift.target == target]
            axes.plot(pd.to_datetime([s.after_start for s in shifts]), [s.after_index for s in shifts], "*", markersize=16, color="black")
        axes.axhline(0, color="gray", linewidth=0.8)
        axes.set(ylim=(-1.08, 1.08), ylabel="net stance index", title=f"{target}: per {trends.period}, 95% Jeffreys bands, ★ shift")
        if not cells.empty:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
            figure.autofmt_xdate()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        pngs[f"{_slug(target)}.png"] = buffer.getvalue()
    return pngs
