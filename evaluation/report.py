"""Builds the evaluation report (a plain dict with stable keys) and renders it for the terminal.

Keys always present: gold_file, prediction_file, models, missing_ids, extra_ids, missing_pairs, other_text_ids, coverage,
stance (None when every pair abstained), stance_per_target, stance_per_source_type, stance_per_speaker,
stance_per_text_length, calibration (None without probabilities), top_errors. Present only when there
is something to score: entities (predictions carry entities), claims (predictions carry a claims
list), comparison (`against_path` given).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.reader import read_gold, read_predictions
from corpus.schema import PredictionRecord, Statement
from evaluation._inputs import check_ids_overlap, check_prediction_spans
from evaluation.calibration import calibration_report, ece_interval_note
from evaluation.claims import statement_claim_scores
from evaluation.ner import span_scores
from evaluation.provenance import STANCE_CONFIG_FILE, sources_naming, stance_model_id
from evaluation.quotes import quote_scores
from evaluation.stance import (
    SLICE_NOTE, AlignedStances, align, confidence, coverage, most_confident_errors, paired_comparison, per_group, stance_scores,
)

if TYPE_CHECKING:
    from rich.console import Console

TOP_ERRORS = 10
NO_SPEAKER = "(no speaker)"
# Word-count buckets: SemEval tweets fall mostly in the first two, our officials' statements in the middle two.
TEXT_LENGTH_BUCKETS: tuple[tuple[int, str], ...] = ((20, "1-20 words"), (40, "21-40 words"), (80, "41-80 words"))
LONGEST_TEXT_BUCKET = "81+ words"


def text_length_bucket(text: str) -> str:
    words = len(text.split())
    return next((name for limit, name in TEXT_LENGTH_BUCKETS if words <= limit), LONGEST_TEXT_BUCKET)


def evaluate_files(
    gold_path: Path, prediction_path: Path, against_path: Path | None = None, top_errors: int = TOP_ERRORS,
    model_dir: Path | None = None, model_dir_given: bool = False,
) -> dict[str, object]:
    """Scores a prediction file against a gold file; with `against_path`, tests whether those predictions do better.

    With `model_dir` (the saved model that made the predictions) the report says when the gold file was among its
    training or dev data. A `model_dir` that only comes from the config is checked when its model is the
    predictions' and passed over silently otherwise; one the user named must be that model.
    """
    gold = read_gold(gold_path)
    predictions = read_predictions(prediction_path)
    check_ids_overlap(gold, gold_path, predictions, prediction_path)
    check_prediction_spans(gold, predictions, prediction_path)
    aligned = align(gold, predictions)
    report: dict[str, object] = {
        "gold_file": str(gold_path),
        "prediction_file": str(prediction_path),
        "models": _models(predictions, set(aligned.ids) or {s.id for s in gold}),
        "missing_ids": aligned.missing_ids,
        "extra_ids": aligned.extra_ids,
        "missing_pairs": [{"id": i, "target": t} for i, t in aligned.missing_pairs],
        "other_text_ids": _other_text_ids(gold, predictions),
        "coverage": coverage(aligned),
        **_stance_sections(aligned, {s.id: s for s in gold}, _resolved_speakers(predictions), top_errors),
    }
    entities = _entity_section(gold, predictions)
    if entities is not None:
        report["entities"] = entities
    claims = _claim_section(gold, predictions)
    if claims is not None:
        report["claims"] = claims
    quotes = _quote_section(gold, predictions)
    if quotes is not None:
        report["quotes"] = quotes
    if against_path is not None:
        report["comparison"] = _comparison_section(gold, gold_path, aligned, against_path)
    if model_dir is not None:
        report.update(_training_overlap(gold_path, report["models"], Path(model_dir), model_dir_given))
    return report


def taught_note(report: dict[str, object]) -> str | None:
    """The warning for a gold file that taught the scored model, as the console and the HTML page say it."""
    taught = report.get("gold_taught_model")
    if not taught:
        return None
    return (f"The gold file taught {taught['model']} (it is its {'; '.join(taught['sources'])}): the scores below measure "
            "how well it fits data it was trained or tuned on, not its accuracy on new statements.")


def _training_overlap(gold_path: Path, models: dict[str, int], model_dir: Path, given: bool) -> dict[str, object]:
    """`gold_taught_model`: the model's data sources that are the gold file, when there are any."""
    model_id = stance_model_id(model_dir)
    if model_id is None:
        if given:
            raise ValueError(f"{model_dir}: no saved stance model here ({STANCE_CONFIG_FILE} missing)")
        return {}
    if model_id not in models:
        if given:
            raise ValueError(f"--model {model_dir} is {model_id}, but the predictions are of {', '.join(models) or 'no model'}")
        return {}
    sources = sources_naming(model_dir, gold_path)
    return {"gold_taught_model": {"model": model_id, "sources": sources}} if sources else {}


def _models(predictions: Sequence[PredictionRecord], scored_ids: set[str]) -> dict[str, int]:
    """Records per model id (from their provenance): which model these scores are of, and a file that mixes two.

    Only the records scored count (`scored_ids`: those with a scored stance pair, or matched to gold where no pair
    is scored): a stray record the gold does not hold changes no score, so it must not read as a second model.
    """
    counts: dict[str, int] = {}
    for prediction in (p for p in predictions if p.id in scored_ids):
        model_id = prediction.provenance.model_id if prediction.provenance is not None else "(no provenance)"
        counts[model_id] = counts.get(model_id, 0) + 1
    return dict(sorted(counts.items()))


def _other_text_ids(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> list[str]:
    """Ids whose prediction was made on other content than the gold statement's (its provenance hash differs):
    scored all the same, since the id says they belong together, but a sign of a prediction file from other inputs."""
    hashes = {s.id: s.content_hash for s in gold}
    return sorted(
        p.id for p in predictions if p.provenance is not None and p.id in hashes and p.provenance.content_hash != hashes[p.id]
    )


def _resolved_speakers(predictions: Sequence[PredictionRecord]) -> dict[str, str]:
    """Statement id -> the actor its speaker resolved to: "Kallis", "Commissioner Kallis" and "the EU Fisheries
    Commissioner" are one speaker, and an office's two holders are two."""
    return {p.id: p.speaker_actor.name for p in predictions if p.speaker_actor is not None}


def _stance_sections(
    aligned: AlignedStances, statements: dict[str, Statement], resolved_speakers: dict[str, str], top_errors: int
) -> dict[str, object]:
    if not aligned.gold:
        return {
            "stance": None, "stance_per_target": {}, "stance_per_source_type": {}, "stance_per_speaker": {},
            "stance_per_text_length": {}, "calibration": None, "top_errors": [],
        }
    scored = [statements[statement_id] for statement_id in aligned.ids]
    with_probabilities = [i for i, probs in enumerate(aligned.probs) if probs]
    calibration = None
    if with_probabilities:
        calibration = calibration_report(
            [confidence(aligned.probs[i], aligned.predicted[i]) for i in with_probabilities], [aligned.gold[i] == aligned.predicted[i] for i in with_probabilities],
            clusters=[aligned.ids[i] for i in with_probabilities],
        )
    return {
        # A statement's pairs are resampled together: its 7 targets share its wording, speaker and annotator.
        "stance": stance_scores(aligned.gold, aligned.predicted, intervals=True, clusters=aligned.ids),
        "stance_per_target": per_group(aligned, aligned.targets),
        "stance_per_source_type": per_group(aligned, [s.source_type for s in scored]),
        "stance_per_speaker": per_group(aligned, [resolved_speakers.get(s.id) or s.speaker or NO_SPEAKER for s in scored]),
        "stance_per_text_length": per_group(
            aligned, [text_length_bucket(s.text) for s in scored], order=[name for _, name in TEXT_LENGTH_BUCKETS] + [LONGEST_TEXT_BUCKET]
        ),
        "calibration": calibration,
        "top_errors": most_confident_errors(aligned, {s.id: s.text for s in scored}, top_errors),
    }


def _annotated(statement: Statement, kind: str) -> bool:
    """Whether the gold annotates this kind of span at all: `"entities": []` says there are none, a missing key
    says nobody looked (gold with stances only must not score every predicted entity as a false positive)."""
    return statement.gold is not None and kind in statement.gold.model_fields_set


def _entity_section(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> dict[str, object] | None:
    """Exact span + OntoNotes label, on every gold-annotated statement; one with no prediction record found nothing."""
    if not any(p.entities for p in predictions):
        return None
    by_id = {p.id: p for p in predictions}
    scored = _sorted_by_id(s for s in gold if _annotated(s, "entities"))
    if not scored:
        return None
    return {
        **span_scores(
            [[(e.start, e.end, e.label) for e in s.gold.entities] for s in scored],
            [[(e.start, e.end, e.label) for e in by_id[s.id].entities] if s.id in by_id else [] for s in scored],
        ),
        "statements_without_prediction_record": sum(s.id not in by_id for s in scored),
    }


def _claim_section(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> dict[str, object] | None:
    """A statement is check-worthy when it holds a check-worthy claim; spans compare the check-worthy claims (evaluation/claims.py).

    Statements whose prediction record has `claims: null` (predicted without a claims model) are left out; a
    statement with no prediction record at all found no claim."""
    if not any(p.claims is not None for p in predictions):
        return None
    by_id = {p.id: p for p in predictions}
    scored = _sorted_by_id(s for s in gold if _annotated(s, "claims") and (s.id not in by_id or by_id[s.id].claims is not None))
    if not scored:
        return None
    return {
        **statement_claim_scores(
            [[(c.start, c.end, c.checkworthy) for c in s.gold.claims] for s in scored],
            [[(c.start, c.end, c.checkworthy) for c in by_id[s.id].claims] if s.id in by_id else [] for s in scored],
        ),
        "statements_without_prediction_record": sum(s.id not in by_id for s in scored),
    }


def unpredicted_note(section: dict[str, object]) -> str | None:
    missing = section["statements_without_prediction_record"]
    return f"{missing} of these statements have no prediction record: counted as finding nothing" if missing else None


def _sorted_by_id(statements: Iterable[Statement]) -> list[Statement]:
    """Id order, not file order: document bootstrap intervals then do not move when lines are reordered."""
    return sorted(statements, key=lambda s: s.id)


def _quote_section(gold: Sequence[Statement], predictions: Sequence[PredictionRecord]) -> dict[str, object] | None:
    """Quote spans and speakers on every statement whose prediction carries a `quotes` list."""
    by_id = {p.id: p for p in predictions if p.quotes is not None}
    scored = _sorted_by_id(s for s in gold if _annotated(s, "quotes") and s.id in by_id)
    if not scored:
        return None
    return quote_scores(
        [[(q.start, q.end, q.speaker) for q in s.gold.quotes] for s in scored],
        [[(q.start, q.end, q.speaker) for q in by_id[s.id].quotes] for s in scored],
    )


def _comparison_section(gold: Sequence[Statement], gold_path: Path, aligned: AlignedStances, against_path: Path) -> dict[str, object]:
    """Paired test on the pairs both files predict, so that abstaining on hard pairs cannot win a comparison."""
    other_predictions = read_predictions(against_path)
    check_ids_overlap(gold, gold_path, other_predictions, against_path)
    other = align(gold, other_predictions)
    label_b = {(i, t): label for i, t, label in zip(other.ids, other.targets, other.predicted)}
    shared = [k for k, pair in enumerate(zip(aligned.ids, aligned.targets)) if pair in label_b]
    if not shared:
        raise ValueError(f"{against_path}: predicts none of the (statement, target) pairs the first prediction file predicts; nothing to compare")
    comparison = paired_comparison(
        [aligned.gold[k] for k in shared], [aligned.predicted[k] for k in shared], [label_b[aligned.ids[k], aligned.targets[k]] for k in shared],
        clusters=[aligned.ids[k] for k in shared],
    )
    return {"against_file": str(against_path), **comparison}


def format_score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _with_interval(value: float, interval: Sequence[float]) -> str:
    return f"{value:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]"


def render(report: dict[str, object], console: Console) -> None:
    """The report as rich tables; every string that came from a data file is shown as plain text, never as markup."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    models = report.get("models") or {}
    console.print(f"Predictions of {escape(', '.join(f'{m} ({n} records)' if len(models) > 1 else m for m, n in models.items()))}", highlight=False)
    if len(models) > 1:
        console.print(f"[bold yellow]The prediction file mixes {len(models)} models:[/bold yellow] the scores below are of no one model.")
    taught = taught_note(report)
    if taught:
        console.print(f"[bold yellow]{escape(taught)}[/bold yellow]", highlight=False)
    cover = report["coverage"]
    missing = report["missing_ids"]
    if missing:
        # Said before the scores: they are of the other statements only, which a coverage figure alone hides.
        console.print(
            f"[yellow]no prediction record for {len(missing)} gold statement{'s' if len(missing) > 1 else ''}[/yellow] "
            f"(their pairs are not scored): {escape(_first_few(missing))}",
            highlight=False,
        )
    stance = report["stance"]
    if stance is None:
        console.print(f"[bold yellow]No stance scores:[/bold yellow] none of the {cover['gold_pairs']} gold pairs was predicted (coverage 0).")
    else:
        interval = stance["interval_95"]
        table = Table(
            title=f"Stance: {stance['pairs']} (statement, target) pairs, coverage {cover['rate']:.1%} of {cover['gold_pairs']}",
            caption=SLICE_NOTE,
        )
        for column in ("scope", "pairs", "accuracy", "macro-F1", "F_avg"):
            table.add_column(column, justify="left" if column == "scope" else "right")
        table.add_row("all (95% bootstrap CI)", str(stance["pairs"]), *(_with_interval(stance[key], interval[key]) for key in ("accuracy", "macro_f1", "f_avg")), style="bold")
        for slice_key, caption in (("stance_per_target", "target"), ("stance_per_source_type", "source"), ("stance_per_text_length", "length")):
            table.add_section()
            for group, scores in report[slice_key].items():
                table.add_row(Text(f"{caption}: {group}"), str(scores["pairs"]), *(format_score(scores[key]) for key in ("accuracy", "macro_f1", "f_avg")))
        console.print(table)
        _render_labels(stance, console)
        speakers = sorted(report["stance_per_speaker"].items(), key=lambda item: (-item[1]["pairs"], item[0]))
        table = Table(title=f"Stance per speaker ({len(speakers)}; the 15 with most pairs; all in --json/--html)")
        for column in ("speaker", "pairs", "accuracy", "macro-F1", "F_avg"):
            table.add_column(column, justify="left" if column == "speaker" else "right")
        for speaker, scores in speakers[:15]:
            table.add_row(Text(speaker), str(scores["pairs"]), *(format_score(scores[key]) for key in ("accuracy", "macro_f1", "f_avg")))
        console.print(table)
    calibration = report["calibration"]
    if calibration is not None:
        console.print(
            f"Calibration: ECE {_with_interval(calibration['ece'], calibration['ece_interval_95'])} over {calibration['pairs']} pairs "
            f"({calibration['bins']} equal-width bins on the predicted label's probability)"
        )
        note = ece_interval_note(calibration)
        if note:
            console.print(f"[yellow]{note}[/yellow]")
    if report["top_errors"]:
        table = Table(title=f"The {len(report['top_errors'])} most confident wrong predictions")
        for column in ("p", "id", "target", "gold", "predicted", "text"):
            table.add_column(column, justify="right" if column == "p" else "left")
        for error in report["top_errors"]:
            text = error["text"] if len(error["text"]) <= 120 else error["text"][:119] + "…"
            table.add_row(f"{error['probability']:.3f}", Text(error["id"]), Text(error["target"]), error["gold"], error["predicted"], Text(text))
        console.print(table)
    _render_other_tasks(report, console)
    for key, label in (
        ("extra_ids", "predicted ids not in gold"),
        ("missing_pairs", "gold (id, target) pairs not predicted (abstained)"),
        ("other_text_ids", "predictions made on other text, speaker or source type than the gold statement's (content hash differs)"),
    ):
        if report.get(key):
            items = report[key]
            console.print(f"[yellow]{len(items)} {label}[/yellow]: {escape(str(items[:10]))}{' …' if len(items) > 10 else ''}")


def _first_few(ids: Sequence[str], shown: int = 5) -> str:
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def _render_labels(stance: dict[str, object], console: Console) -> None:
    from rich.table import Table

    matrix = stance["confusion_matrix"]
    table = Table(title="Per label, and confusion matrix (rows gold, columns predicted)")
    for column in ("label", "precision", "recall", "F1", "gold pairs", *(f"→ {label}" for label in matrix["labels"])):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, row in zip(matrix["labels"], matrix["rows_gold_columns_predicted"]):
        table.add_row(
            label, format_score(stance["precision_per_label"][label]), format_score(stance["recall_per_label"][label]),
            format_score(stance["f1_per_label"][label]), str(stance["support_per_label"][label]), *map(str, row),
        )
    console.print(table)


def _render_other_tasks(report: dict[str, object], console: Console) -> None:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    if "entities" in report:
        entities = report["entities"]
        table = Table(title=f"Entities: exact span + label, {entities['documents']} statements", caption=unpredicted_note(entities))
        for column in ("label", "precision", "recall", "F1", "gold", "predicted"):
            table.add_column(column, justify="left" if column == "label" else "right")
        for label, scores in [*entities["per_label"].items(), ("micro", entities["micro"])]:
            table.add_row(Text(label), *(format_score(scores[key]) for key in ("precision", "recall", "f1")), str(scores["gold"]), str(scores["predicted"]),
                          style="bold" if label == "micro" else None)
        console.print(table)
    if "claims" in report:
        claims = report["claims"]
        checkworthy, spans = claims["checkworthy"], claims["spans"]
        console.print(
            f"Claims on {claims['statements']} statements: check-worthy P {format_score(checkworthy['precision'])} R {format_score(checkworthy['recall'])} "
            f"F1 {_with_interval(checkworthy['f1'], checkworthy['f1_interval_95'])}; span overlap P {format_score(spans['precision'])} R {format_score(spans['recall'])} F1 {format_score(spans['f1'])}"
        )
        if unpredicted_note(claims):
            console.print(f"[yellow]{unpredicted_note(claims)}[/yellow]")
    if "quotes" in report:
        quotes = report["quotes"]
        exact, overlap = quotes["exact"], quotes["overlap"]
        console.print(
            f"Quotes ({quotes['gold']} gold, {quotes['predicted']} predicted): span F1 exact {format_score(exact['f1'])}, "
            f"overlap {format_score(overlap['f1'])}; speaker accuracy {format_score(quotes['speaker_accuracy'])} "
            f"({format_score(quotes['speaker_accuracy_on_found'])} on the quotes found)"
        )
    if "comparison" in report:
        comparison = report["comparison"]
        table = Table(title=f"B = {escape(comparison['against_file'])} vs A: paired bootstrap on {comparison['pairs']} shared pairs ({comparison['resamples']} resamples)")
        for column in ("metric", "A", "B", "B - A [95% CI]", "p", "verdict"):
            table.add_column(column, justify="left" if column in ("metric", "verdict") else "right")
        for metric, result in comparison["metrics"].items():
            table.add_row(metric, format_score(result["a"]), format_score(result["b"]), _with_interval(result["difference"], result["interval_95"]),
                          f"{result['p_value']:.3f}", result["verdict"], style="bold" if result["significant"] else None)
        console.print(table)
