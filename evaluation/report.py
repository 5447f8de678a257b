"""Builds the evaluation report (a plain dict with stable keys) and renders it for the terminal."""

from __future__ import annotations

from pathlib import Path

from corpus.reader import read_gold, read_predictions
from evaluation.stance import align, per_group, stance_scores


def evaluate_files(gold_path: Path, prediction_path: Path) -> dict[str, object]:
    gold = read_gold(gold_path)
    predictions = read_predictions(prediction_path)
    aligned = align(gold, predictions)
    report: dict[str, object] = {
        "gold_file": str(gold_path),
        "prediction_file": str(prediction_path),
        "missing_ids": aligned.missing_ids,
        "extra_ids": aligned.extra_ids,
        "missing_pairs": [{"id": i, "target": t} for i, t in aligned.missing_pairs],
        "stance": stance_scores(aligned.gold, aligned.predicted, intervals=True),
        "stance_per_target": per_group(aligned, aligned.targets),
    }
    return report


def render(report: dict[str, object], console) -> None:
    from rich.table import Table

    stance = report["stance"]
    table = Table(title=f"Stance: {stance['pairs']} (statement, target) pairs")
    for column in ("scope", "pairs", "accuracy", "macro-F1", "F_avg"):
        table.add_column(column, justify="right" if column != "scope" else "left")
    interval = stance["interval_95"]

    def with_interval(key: str) -> str:
        low, high = interval[key]
        return f"{stance[key]:.3f} [{low:.3f}, {high:.3f}]"

    table.add_row("all (95% bootstrap CI)", str(stance["pairs"]), with_interval("accuracy"), with_interval("macro_f1"), with_interval("f_avg"), style="bold")
    for target, scores in report["stance_per_target"].items():
        table.add_row(target, str(scores["pairs"]), f"{scores['accuracy']:.3f}", f"{scores['macro_f1']:.3f}", f"{scores['f_avg']:.3f}")
    console.print(table)
    for key, label in (("missing_ids", "gold ids with no prediction"), ("extra_ids", "predicted ids not in gold"), ("missing_pairs", "gold (id, target) pairs not predicted")):
        if report[key]:
            items = report[key]
            console.print(f"[yellow]{len(items)} {label}[/yellow]: {items[:10]}{' …' if len(items) > 10 else ''}")
