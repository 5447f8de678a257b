"""The evaluation report as one self-contained HTML page: tables, and the reliability diagram inlined as base64 PNG.

Statement texts, targets, speakers and ids come from data files and may hold markup (a tweet can
contain `<script>`): every value goes through `html.escape` in `_cell` or `_escape`, and nothing
else writes data into the page.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence

from evaluation.calibration import ece_interval_note
from evaluation.report import format_score, taught_note, unpredicted_note
from evaluation.stance import SLICE_NOTE

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; color: #222; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; max-width: 40rem; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td:not(:last-child) { white-space: nowrap; }
caption { font-weight: bold; text-align: left; padding: 0.3rem 0; }
.note { color: #555; }
.warn { color: #a33; font-weight: bold; }
"""


def _escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: object) -> str:
    if value is None:
        return '<td class="number">n/a</td>'
    if isinstance(value, float):
        return f'<td class="number">{value:.3f}</td>'
    if isinstance(value, int):
        return f'<td class="number">{value}</td>'
    return f"<td>{_escape(value)}</td>"


def _table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    head = "".join(f"<th>{_escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><caption>{_escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _interval(value: float, interval: Sequence[float]) -> str:
    return f"{value:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"


def _unpredicted_html(section: dict[str, object]) -> list[str]:
    note = unpredicted_note(section)
    return [f'<p class="note">{_escape(note)}.</p>'] if note else []


def _slice_table(caption: str, first_column: str, groups: dict[str, dict[str, object]]) -> str:
    return _table(
        caption,
        (first_column, "pairs", "accuracy", "macro-F1", "F_avg"),
        ((group, s["pairs"], s["accuracy"], s["macro_f1"], s["f_avg"]) for group, s in groups.items()),
    )


def _stance_html(report: dict[str, object]) -> list[str]:
    stance = report["stance"]
    cover = report["coverage"]
    parts = [
        f'<p>Coverage: {cover["scored_pairs"]} of {cover["gold_pairs"]} gold pairs scored ({cover["rate"]:.1%}); '
        f'{cover["abstained_pairs"]} abstained, {cover["pairs_without_prediction_record"]} in statements with no prediction record.</p>'
    ]
    if stance is None:
        return parts + ['<p class="note">No stance scores: every gold pair abstained.</p>']
    interval = stance["interval_95"]
    parts.append(_table(
        "Headline (95% seeded bootstrap intervals)",
        ("pairs", "accuracy", "macro-F1", "F_avg"),
        [(stance["pairs"], *(_interval(stance[k], interval[k]) for k in ("accuracy", "macro_f1", "f_avg")))],
    ))
    matrix = stance["confusion_matrix"]
    parts.append(_table(
        "Per label, and confusion matrix (rows gold, columns predicted)",
        ("label", "precision", "recall", "F1", "gold pairs", *(f"→ {label}" for label in matrix["labels"])),
        (
            (label, stance["precision_per_label"][label], stance["recall_per_label"][label], stance["f1_per_label"][label],
             stance["support_per_label"][label], *row)
            for label, row in zip(matrix["labels"], matrix["rows_gold_columns_predicted"])
        ),
    ))
    parts.append(_slice_table("Per target", "target", report["stance_per_target"]))
    parts.append(_slice_table("Per source type", "source type", report["stance_per_source_type"]))
    parts.append(_slice_table("Per text length", "length", report["stance_per_text_length"]))
    parts.append(_slice_table("Per speaker", "speaker", report["stance_per_speaker"]))
    parts.append(f'<p class="note">{_escape(SLICE_NOTE)}</p>')
    return parts


def _calibration_html(calibration: dict[str, object] | None, reliability_png: bytes | None) -> list[str]:
    if calibration is None:
        return ['<p class="note">No calibration: the predictions carry no probabilities.</p>']
    parts = [f"<p>Expected calibration error: {_interval(calibration['ece'], calibration['ece_interval_95'])} over "
             f"{calibration['pairs']} pairs, {calibration['bins']} equal-width bins on the predicted label's probability.</p>"]
    note = ece_interval_note(calibration)
    if note:
        parts.append(f'<p class="note">{_escape(note)}</p>')
    if reliability_png is not None:
        encoded = base64.b64encode(reliability_png).decode("ascii")
        parts.append(f'<img alt="reliability diagram" src="data:image/png;base64,{encoded}">')
    parts.append(_table(
        "Reliability bins",
        ("bin", "pairs", "accuracy", "mean confidence"),
        ((f"({row['lower']:.1f}, {row['upper']:.1f}]", row["count"], row["accuracy"], row["confidence"]) for row in calibration["reliability"]),
    ))
    return parts


def _other_tasks_html(report: dict[str, object]) -> list[str]:
    parts = []
    if "entities" in report:
        entities = report["entities"]
        rows = [*entities["per_label"].items(), ("micro", entities["micro"])]
        parts.append("<h2>Entities</h2>")
        parts.append(_table(
            f"Entities: exact span + label, {entities['documents']} statements",
            ("label", "precision", "recall", "F1", "gold", "predicted"),
            ((label, s["precision"], s["recall"], s["f1"], s["gold"], s["predicted"]) for label, s in rows),
        ))
        parts.extend(_unpredicted_html(entities))
    if "claims" in report:
        claims = report["claims"]
        parts.append("<h2>Claims</h2>")
        parts.append(_table(
            f"Claims on {claims['statements']} statements",
            ("what", "precision", "recall", "F1"),
            [("check-worthy statements", claims["checkworthy"]["precision"], claims["checkworthy"]["recall"],
              _interval(claims["checkworthy"]["f1"], claims["checkworthy"]["f1_interval_95"]) + " (95% CI)"),
             ("claim spans (overlap, one-to-one)", *(claims["spans"][k] for k in ("precision", "recall", "f1")))],
        ))
        parts.extend(_unpredicted_html(claims))
    if "quotes" in report:
        quotes = report["quotes"]
        parts.append("<h2>Quotes</h2>")
        parts.append(_table(
            f"Quotes: {quotes['gold']} gold, {quotes['predicted']} predicted",
            ("what", "precision", "recall", "F1"),
            [("quote spans (exact)", *(quotes["exact"][k] for k in ("precision", "recall", "f1"))),
             ("quote spans (overlap, one-to-one)", *(quotes["overlap"][k] for k in ("precision", "recall", "f1")))],
        ))
        parts.append(f"<p>Speaker accuracy {format_score(quotes['speaker_accuracy'])} of all gold quotes, "
                     f"{format_score(quotes['speaker_accuracy_on_found'])} of the quotes found.</p>")
    if "comparison" in report:
        comparison = report["comparison"]
        parts.append("<h2>Comparison</h2>")
        parts.append(_table(
            f"B = {comparison['against_file']} vs A: paired bootstrap on {comparison['pairs']} shared pairs, {comparison['resamples']} resamples",
            ("metric", "A", "B", "B - A [95% CI]", "p", "verdict"),
            ((metric, r["a"], r["b"], _interval(r["difference"], r["interval_95"]), r["p_value"], r["verdict"])
             for metric, r in comparison["metrics"].items()),
        ))
    return parts


def render_html(report: dict[str, object], reliability_png: bytes | None = None) -> str:
    """One page that opens anywhere offline: no scripts, no external files."""
    errors = report["top_errors"]
    body = [
        "<h1>stancewatch evaluation</h1>",
        f"<p>Gold: <code>{_escape(report['gold_file'])}</code><br>Predictions: <code>{_escape(report['prediction_file'])}</code>"
        f"<br>Model: {', '.join(f'<code>{_escape(m)}</code> ({n} records)' for m, n in (report.get('models') or {}).items())}</p>",
        *([f'<p class="warn">The prediction file mixes {len(report["models"])} models: these scores are of no one model.</p>']
          if len(report.get("models") or {}) > 1 else []),
        *([f'<p class="warn">{_escape(taught_note(report))}</p>'] if taught_note(report) else []),
        "<h2>Stance</h2>", *_stance_html(report),
        "<h2>Calibration</h2>", *_calibration_html(report["calibration"], reliability_png),
        "<h2>Most confident errors</h2>",
        _table(
            f"The {len(errors)} most confident wrong predictions",
            ("probability", "id", "target", "gold", "predicted", "text"),
            ((e["probability"], e["id"], e["target"], e["gold"], e["predicted"], e["text"]) for e in errors),
        ),
        *_other_tasks_html(report),
        "<h2>Unmatched records</h2>",
        _table(
            "What could not be scored",
            ("what", "count", "first ten"),
            [
                ("gold ids with no prediction", len(report["missing_ids"]), ", ".join(report["missing_ids"][:10])),
                ("predicted ids not in gold", len(report["extra_ids"]), ", ".join(report["extra_ids"][:10])),
                ("abstained (id, target) pairs", len(report["missing_pairs"]),
                 "; ".join(f"{p['id']}: {p['target']}" for p in report["missing_pairs"][:10])),
            ],
        ),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>stancewatch evaluation</title>'
        f"<style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )
