"""The `stancewatch` command line: thin typer commands over plain functions that tests call too.

Exit codes: 0 success; 1 a user error (bad file, bad config), printed as one line; 3 the run finished
but some records were quarantined (see the quarantine file).
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Who said what, about what, and how positions move.")
corpus_app = typer.Typer(no_args_is_help=True, help="Check the gold corpus (and print its counts); measure annotator agreement.")
app.add_typer(corpus_app, name="corpus")
console = Console(stderr=True)
EXIT_QUARANTINED = 3
# Stopped by Ctrl-C or SIGTERM, as shells report a SIGINT-ended command: 128 + 2.
EXIT_INTERRUPTED = 130

ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="TOML config (demo.toml is a complete example).")]


def _fail(message: str) -> None:
    from rich.markup import escape

    console.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _load_config(path: Path | None):
    from pipeline.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as error:
        _fail(str(error))


def _progress():
    """A live bar on a terminal; elsewhere (cron, a log file), where rich draws nothing until the end, a line every
    LOG_PROGRESS_SECONDS, so a long unattended run can be watched and a stalled one seen."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    if not console.is_terminal:
        return _LoggedProgress()
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
        console=console, transient=False,
    )


LOG_PROGRESS_SECONDS = 30.0


class _LoggedProgress:
    """The part of rich's Progress the commands use, written as timestamped lines by a timer: work is counted in
    bursts (a run counts a whole commit at once), and a line that keeps coming while the count stands still shows a
    stall."""

    def __init__(self) -> None:
        import threading

        self.done, self.total, self.description = 0, None, ""
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._timer = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> "_LoggedProgress":
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._timer.join()
        if self.done:
            self._log()

    def _tick(self) -> None:
        while not self._stop.wait(LOG_PROGRESS_SECONDS):
            self._log()

    def add_task(self, description: str, total: int | None = None) -> int:
        self.description, self.total = description, total
        return 0

    def advance(self, task: int, advance: int = 1) -> None:
        self.update(task, advance=advance)

    def update(self, task: int, total: int | None = None, advance: int = 0, description: str | None = None) -> None:
        self.done += advance
        self.total = total if total is not None else self.total
        self.description = description or self.description

    def _log(self) -> None:
        elapsed = time.monotonic() - self.started
        of_total = f"/{self.total}" if self.total else ""
        stamp = time.strftime("%H:%M:%S")
        console.print(f"{stamp} {self.description} {self.done}{of_total} ({self.done / max(elapsed, 1e-9):.1f}/s)", highlight=False, soft_wrap=True)


def _require_files(paths: list[Path]) -> None:
    """Fails on a missing or unreadable input before any model loads or any store or output file is created."""
    for path in paths:
        if path.is_dir():
            _fail(f"{path}: is a folder; give the input files themselves")
        if path.exists() and not path.is_file():
            _fail(f"{path}: not a regular file (a pipe, socket or device); write the input to a file first")
        if not path.is_file():
            _fail(f"{path}: no such file")


def _require_input_types(paths: list[Path], articles: bool) -> None:
    """Fails on an input of a type the reader does not take (a .gz, a .json) before any model loads."""
    from corpus.reader import SUPPORTED_SUFFIXES
    from pipeline.ingest import ARTICLE_SUFFIXES

    accepted = ARTICLE_SUFFIXES if articles else SUPPORTED_SUFFIXES
    for path in paths:
        if path.suffix.lower() not in accepted:
            what = "articles" if articles else "statements"
            _fail(f"{path}: unsupported input type {path.suffix!r}; {what} are read from {', '.join(accepted)} files")


def _interrupt(signum: int, frame) -> None:
    raise KeyboardInterrupt


def _require_store(db: Path) -> None:
    """A store path that cannot work fails here, in one line, before any model loads."""
    from pipeline.store import StoreUnusable, check_store_path

    try:
        check_store_path(db)
    except StoreUnusable as error:
        _fail(str(error))


def _require_models(cfg) -> None:
    """Fails on a stance model folder that holds no model, or an actor registry that does not load, before the
    progress bar starts and before any model loads (a registry is a small TOML file: read twice, cheaply)."""
    from models.stance import CONFIG_FILE
    from pipeline.actors import ActorRegistry

    model_dir = Path(cfg.stance.model_dir)
    if not (model_dir / CONFIG_FILE).is_file():
        _fail(f"{model_dir}: no trained stance model here ({CONFIG_FILE} missing); give --model or [stance] model_dir")
    try:
        ActorRegistry.from_files(cfg.actors.registry)
    except (OSError, ValueError) as error:
        _fail(str(error))


def _count_records(paths: list[Path]) -> int | None:
    from corpus.reader import count_records

    try:
        return count_records(paths)
    except OSError:
        return None


ArticlesOption = Annotated[
    bool, typer.Option("--articles", help="Inputs are articles: .txt, .html, or JSONL article records (one article a line); .txt/.html imply it.")
]
ArticleDateOption = Annotated[Optional[str], typer.Option("--date", help="Publication date (YYYY-MM-DD) of articles that give none.")]
ArticleOutletOption = Annotated[Optional[str], typer.Option("--outlet", help="Outlet of articles that name none.")]
ArticleUrlOption = Annotated[Optional[str], typer.Option("--url", help="URL of articles that give none.")]


def _article_defaults(inputs: list[Path], articles: bool, date: str | None, outlet: str | None, url: str | None):
    """Article mode when asked for or implied by a .txt/.html input; the CLI's date, outlet and url for articles lacking them."""
    import datetime as dt

    from pipeline.ingest import HTML_SUFFIXES, TEXT_SUFFIXES, ArticleDefaults

    implied = any(p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES for p in inputs)
    if not (articles or implied):
        if date or outlet or url:
            _fail("--date, --outlet and --url describe articles: add --articles (or give a .txt/.html article)")
        return None
    if implied and any(p.suffix.lower() == ".csv" for p in inputs):
        _fail("articles are .txt, .html or JSONL article records; a CSV holds statements: run it separately")
    if implied and not articles and any(p.suffix.lower() == ".jsonl" for p in inputs):
        _fail(
            "a .txt/.html article makes this an article run, where a JSONL file holds article records: add --articles if "
            "it does, or run the statement JSONL separately"
        )
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        _fail(f"--date {date!r}: expected YYYY-MM-DD")
    return ArticleDefaults(date=day, outlet=outlet, url=url)


@app.command()
def run(
    inputs: Annotated[list[Path], typer.Argument(help="JSONL or CSV statement files; with --articles, articles.", metavar="INPUT...")],
    config: ConfigOption = None,
    db: Annotated[Optional[Path], typer.Option("--db", help="SQLite file (default from config).")] = None,
    rerun: Annotated[bool, typer.Option("--rerun", help="Re-score statements this model already scored.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local | dask (`pip install '.\\[dask]'`).")] = "local",
    scheduler: Annotated[
        Optional[str], typer.Option("--scheduler", help="Dask scheduler address (tcp://HOST:PORT); without it a LocalCluster starts.")
    ] = None,
    articles: ArticlesOption = False,
    date: ArticleDateOption = None,
    outlet: ArticleOutletOption = None,
    url: ArticleUrlOption = None,
) -> None:
    """Ingest -> enrich -> store, with a progress bar and a closing summary."""
    from pipeline.batch import run_batch
    from pipeline.store import StoreBusy

    cfg = _load_config(config)
    if db is not None:
        cfg.store.db = db
    _require_files(inputs)
    defaults = _article_defaults(inputs, articles, date, outlet, url)
    _require_input_types(inputs, defaults is not None)
    _require_store(cfg.store.db)
    _require_models(cfg)
    started = time.perf_counter()
    # `kill` and `timeout` send SIGTERM: stop as on Ctrl-C, so the batch in flight rolls back and the run says so.
    previous_handler = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with _progress() as progress:
            task = progress.add_task("enriching", total=None if defaults else _count_records(inputs))
            summary = run_batch(
                inputs, cfg, on_statement=lambda: progress.advance(task), rerun=rerun, engine=engine, scheduler=scheduler,
                articles=defaults,
            )
    except (FileNotFoundError, ValueError, OSError, StoreBusy, sqlite3.Error) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        console.print(
            f"[bold red]interrupted[/bold red]: what was committed to {cfg.store.db} is kept (the batch in flight was rolled back); "
            "run the same command again to go on from there", highlight=False, soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    finally:
        signal.signal(signal.SIGTERM, previous_handler)
    for run_id, run_started, kept in summary.unfinished_runs:
        console.print(
            f"[yellow]run #{run_id}[/yellow] (started {run_started}) stopped before it finished; the {kept} statement(s) it committed "
            "were kept, and this run did what it had left", highlight=False, soft_wrap=True,
        )
    _print_run_summary(summary, time.perf_counter() - started)
    _print_claims_note(cfg)
    _print_unseen_targets(summary.unseen_targets)
    if summary.undated:
        where = "give articles --date (or a dated record)" if defaults else "give each record a `date` (YYYY-MM-DD)"
        console.print(f"[yellow]{summary.undated} statement(s) stored without a date or month[/yellow]: trends cannot place them; {where}", highlight=False)
    if summary.quarantined:
        raise typer.Exit(EXIT_QUARANTINED)


def _print_unseen_targets(targets: dict[str, str | None]) -> None:
    """Says which targets the model scored without ever seeing a labelled example, expect weaker stance there, and which
    trained target each one nearly matches."""
    if targets:
        from rich.markup import escape

        from pipeline.trends import ZERO_SHOT_CAVEAT

        names = ", ".join(repr(t) + (f" (did you mean {near!r}?)" if near else "") for t, near in sorted(targets.items()))
        console.print(
            f"[yellow]targets new to this model, scored zero-shot:[/yellow] {escape(names)}. {ZERO_SHOT_CAVEAT} "
            "A few dozen labelled statements each make them known: "
            "`stancewatch train --train GOLD.jsonl --init-from MODEL_DIR --out NEW_DIR`",
            highlight=False, soft_wrap=True,
        )


def _print_claims_note(cfg) -> None:
    """Says when claims were not scored, so that records without `claims` are never mistaken for 'no claims found'."""
    from pipeline.claims import claims_unavailable_reason

    note = claims_unavailable_reason(cfg)
    if note is not None:
        from rich.markup import escape

        console.print(f"[yellow]claims not scored:[/yellow] {escape(note)}", highlight=False)


def _print_run_summary(summary, seconds: float) -> None:
    table = Table(title="stancewatch run", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("statements scored and stored", summary.stored),
        *([("  of them already stored, scored again", summary.rescored)] if summary.rescored else []),
        ("skipped: already scored", summary.skipped),
        *([("config targets left out: own targets", summary.config_targets_not_applied)] if summary.config_targets_not_applied else []),
        *([("skipped: stored unscored before", summary.skipped_unscored)] if summary.skipped_unscored else []),
        *([("corrected date, url, outlet", summary.metadata_updated)] if summary.metadata_updated else []),
        *([("claims re-judged: new threshold", summary.claims_rejudged)] if summary.claims_rejudged else []),
        ("stored unscored: unsupported language", sum(summary.unscored_languages.values())),
        ("quarantined", summary.quarantined),
        ("speakers resolved to actors", f"{summary.speakers_resolved}/{summary.stored + sum(summary.unscored_languages.values())}"),
        ("entities", summary.entities),
        ("stance predictions", summary.stances),
        ("claims: check-worthy / sentences", f"{summary.checkworthy_claims}/{summary.claims}"),
        ("model", summary.model_id or "-"),
        ("database", str(summary.db)),
        ("seconds", f"{seconds:.1f}"),
    ]
    for what, value in rows:
        table.add_row(what, str(value))
    console.print(table)
    if summary.label_counts:
        labels = Table(title="stance labels per target")
        for column in ("target", "favor", "against", "none"):
            labels.add_column(column, justify="left" if column == "target" else "right")
        for target, counts in sorted(summary.label_counts.items()):
            labels.add_row(target, *(str(counts.get(label, 0)) for label in ("favor", "against", "none")))
        console.print(labels)
    if summary.config_targets_not_applied:
        from rich.markup import escape

        left_out = ", ".join(repr(t) for t in sorted(summary.config_targets_left_out))
        why = f", which win over the config's [targets]: they were not scored on {left_out}. List it in those records to score it there."
        console.print(
            f"[yellow]{summary.config_targets_not_applied} statement(s) name their own `targets`[/yellow]{escape(why)}",
            highlight=False, soft_wrap=True,
        )
    if summary.unscored_languages:
        languages = ", ".join(f"{lang} {count}" for lang, count in summary.unscored_languages.most_common())
        console.print(f"[yellow]unscored, language not supported:[/yellow] {languages}", highlight=False, soft_wrap=True)
    if summary.quarantined:
        console.print(
            f"[yellow]{summary.quarantined} record(s) quarantined[/yellow] -> {summary.quarantine_file}"
            + (f" (appended to earlier runs' records: this run's are the last {summary.quarantined})" if summary.quarantine_appended else ""),
            soft_wrap=True,
        )
        for line in summary.quarantine_examples:
            console.print(f"  {line}", highlight=False)
        if summary.quarantined > len(summary.quarantine_examples):
            console.print(f"  … and {summary.quarantined - len(summary.quarantine_examples)} more in {summary.quarantine_file}", highlight=False)
    if summary.read_notes:
        console.print(f"[yellow]{len(summary.read_notes)} note(s) on the input[/yellow]:", highlight=False)
        for note in summary.read_notes[:5]:
            console.print(f"  {note}", highlight=False, soft_wrap=True)
        if len(summary.read_notes) > 5:
            console.print(f"  … and {len(summary.read_notes) - 5} more", highlight=False)
    if summary.records_read == 0:
        console.print("[yellow]the input held no records[/yellow]: nothing was read (empty or blank files?)", highlight=False)


@app.command()
def predict(
    input: Annotated[Path, typer.Argument(help="Statements JSONL (gold, if present, is ignored).", metavar="INPUT.jsonl")],
    out: Annotated[Path, typer.Option("--out", help="Where to write predictions JSONL.")],
    targets: Annotated[Optional[list[str]], typer.Option("--targets", help="Targets to score (default: the config's).")] = None,
    model: Annotated[Optional[Path], typer.Option("--model", help="Trained stance model folder.")] = None,
    config: ConfigOption = None,
    articles: ArticlesOption = False,
    date: ArticleDateOption = None,
    outlet: ArticleOutletOption = None,
    url: ArticleUrlOption = None,
) -> None:
    """Enrich statements and write one JSON record per statement (with --articles: per statement found in them)."""
    from pipeline.batch import predict_file

    cfg = _load_config(config)
    if model is not None:
        cfg.stance.model_dir = model
    _require_files([input])
    defaults = _article_defaults([input], articles, date, outlet, url)
    _require_input_types([input], defaults is not None)
    _require_models(cfg)
    with _progress() as progress:
        task = progress.add_task("predicting", total=None if defaults else _count_records([input]))
        try:
            summary = predict_file(input, out, cfg, targets or None, on_statement=lambda: progress.advance(task), articles=defaults)
        except (FileNotFoundError, ValueError, OSError) as error:
            _fail(str(error))
    console.print(f"wrote {summary.written} prediction(s) to {out}")
    _print_claims_note(cfg)
    _print_unseen_targets(summary.unseen_targets)
    quarantined = summary.quarantined
    if quarantined:
        console.print(f"[yellow]{len(quarantined)} record(s) quarantined[/yellow] -> {cfg.store.quarantine}")
        for record in quarantined[:5]:
            console.print(f"  {record.describe()}", highlight=False)
        if len(quarantined) > 5:
            console.print(f"  … and {len(quarantined) - 5} more in {cfg.store.quarantine}", highlight=False)
        raise typer.Exit(EXIT_QUARANTINED)


@app.command()
def train(
    out: Annotated[Path, typer.Option("--out", help="Folder for the trained model.")],
    train_file: Annotated[Optional[Path], typer.Option("--train", help="Gold JSONL with gold.stances.")] = None,
    dev: Annotated[Optional[Path], typer.Option("--dev", help="Gold JSONL for model selection and calibration.")] = None,
    config: ConfigOption = None,
    init_from: Annotated[
        Optional[Path], typer.Option("--init-from", help="A trained model to extend with the targets of --train, without retraining it.")
    ] = None,
    dataset: Annotated[
        Optional[str], typer.Option("--dataset", help="Instead of --train: a hub dataset id (needs internet) or a local folder/file `datasets` opens.")
    ] = None,
    dataset_config: Annotated[Optional[str], typer.Option("--dataset-config", help="The dataset's configuration (e.g. stance_abortion).")] = None,
    dataset_split: Annotated[str, typer.Option("--dataset-split", help="Split to train on.")] = "train",
    dev_split: Annotated[Optional[str], typer.Option("--dev-split", help="Split for selection and calibration; default: a carve of the training split.")] = None,
    text_column: Annotated[str, typer.Option("--text-column")] = "text",
    label_column: Annotated[str, typer.Option("--label-column", help="Labels: favor/against/none or a known spelling (FAVOR, pro, neutral ...).")] = "label",
    target_column: Annotated[str, typer.Option("--target-column")] = "target",
    target: Annotated[Optional[str], typer.Option("--target", help="One target for every row, for single-target datasets.")] = None,
) -> None:
    """Train a stance model from gold JSONL or a `datasets` corpus, or add new targets to a trained one (--init-from)."""
    from corpus.hub import HubStanceSource
    from corpus.reader import RecordError
    from models.training import add_targets_to_model, train_stance_model, train_stance_model_from_dataset

    if (train_file is None) == (dataset is None):
        _fail("give exactly one of --train FILE (gold JSONL) and --dataset ID (a hub id or local dataset)")
    if dataset is not None and (init_from is not None or dev is not None):
        _fail("--dataset trains a new model with --dev-split for dev; --init-from and --dev take gold JSONL (--train)")
    cfg = _load_config(config)
    if out.exists() and not out.is_dir():
        _fail(f"{out}: is a file; --out names the folder the model is saved in")
    # Trained into a staging folder beside --out, then moved in whole: a failed or killed run leaves --out as it
    # was, and a model already there is kept aside rather than overwritten file by file into a mix of two models.
    staging = out.parent / f".{out.name}.training"
    shutil.rmtree(staging, ignore_errors=True)
    with _progress() as progress:
        task = progress.add_task("training", total=None)

        def advance(step: int, total: int, message: str) -> None:
            progress.update(task, total=total, advance=step, description=message)

        try:
            if dataset is not None:
                source = HubStanceSource(dataset, dataset_split, dataset_config, text_column, label_column, target_column, target)
                model = train_stance_model_from_dataset(source, dev_split, staging, cfg.train.model_dump(), progress=advance)
            elif init_from is not None:
                model, thin, refitted = add_targets_to_model(init_from, train_file, staging, dev, progress=advance)
            else:
                model = train_stance_model(train_file, staging, dev, cfg.train.model_dump(), progress=advance)
        except (RecordError, FileNotFoundError, ValueError, OSError) as error:
            shutil.rmtree(staging, ignore_errors=True)
            _fail(str(error))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    kept = _install_model(staging, out)
    console.print(f"saved [bold]{model.model_id}[/bold] to {out} (model card: {out / 'MODEL_CARD.md'})")
    if kept is not None:
        console.print(f"[yellow]{out} held a model already:[/yellow] it is kept in {kept}", highlight=False)
    if init_from is not None and refitted:
        from rich.markup import escape

        counts = ", ".join(
            f"{t!r} ({'an unrecorded number of' if before is None else before} pairs in the earlier fit, {now} now)"
            for t, (before, now) in refitted.items()
        )
        console.print(
            f"[yellow]warning: --train refits targets {escape(str(init_from))} already knew[/yellow]: {escape(counts)}. Their earlier "
            "heads are replaced by heads fitted on these pairs alone; to keep what the earlier pairs taught, retrain on the earlier "
            "and the new pairs together",
            highlight=False, soft_wrap=True,
        )
    if init_from is not None and thin:
        console.print(
            f"[yellow]few labelled pairs[/yellow] for {', '.join(f'{t!r} ({n})' for t, n in thin.items())}: their heads are fitted on "
            "them all the same (fewer than a full fit gives a head of its own); expect noisy stance there until more are labelled",
            highlight=False, soft_wrap=True,
        )


def _install_model(staging: Path, out: Path) -> Path | None:
    """Moves a freshly saved model to `out`. A model already in `out` is renamed aside first (returned); a folder
    holding other files keeps them, and the model's files join them."""
    from models.stance import CONFIG_FILE

    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out)
        return None
    if (out / CONFIG_FILE).is_file():
        kept = out.with_name(f"{out.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
        out.rename(kept)
        staging.rename(out)
        return kept
    for item in staging.iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        item.replace(target)
    staging.rmdir()
    return None


def _write_evaluation_outputs(report: dict, json_out: Path | None, html_out: Path | None, png_dir: Path | None) -> None:
    """Writes the requested files; the reliability diagram is drawn once and shared by the HTML page and the PNG folder."""
    from evaluation.html_report import render_html
    from evaluation.plots import reliability_diagram_png

    calibration = report["calibration"]
    png = reliability_diagram_png(calibration) if calibration is not None and (html_out or png_dir) else None
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(render_html(report, png), encoding="utf-8")
    if png_dir is not None:
        if png is None:
            console.print("[yellow]no reliability diagram:[/yellow] the predictions carry no probabilities")
        else:
            png_dir.mkdir(parents=True, exist_ok=True)
            (png_dir / "reliability.png").write_bytes(png)


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Argument(metavar="GOLD.jsonl")],
    predictions: Annotated[Path, typer.Argument(metavar="PRED.jsonl")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the report as JSON.")] = None,
    html_out: Annotated[Optional[Path], typer.Option("--html", help="Write the report as one self-contained HTML page.")] = None,
    against: Annotated[Optional[Path], typer.Option("--against", metavar="PRED_B.jsonl", help="Test whether these predictions beat PRED (paired bootstrap).")] = None,
    png_dir: Annotated[Optional[Path], typer.Option("--png-dir", help="Folder for the reliability diagram PNG.")] = None,
    model: Annotated[
        Optional[Path],
        typer.Option("--model", help="The saved stance model that made PRED: says when GOLD was among its training or dev data (default: the config's, when it made PRED)."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Score predictions against gold: stance with intervals and slices, calibration, top errors, entities, claims."""
    from corpus.reader import RecordError
    from evaluation.report import evaluate_files, render

    model_dir = model if model is not None else Path(_load_config(config).stance.model_dir)
    try:
        report = evaluate_files(gold, predictions, against, model_dir=model_dir, model_dir_given=model is not None)
    except (RecordError, ValueError) as error:
        _fail(str(error))
    render(report, Console())
    _write_evaluation_outputs(report, json_out, html_out, png_dir)


DbOption = Annotated[Optional[Path], typer.Option("--db", help="SQLite store (default from config).")]
PeriodOption = Annotated[Optional[str], typer.Option("--period", help="day | week | month (default from config: month).")]
ByOption = Annotated[Optional[str], typer.Option("--by", help="actor | affiliation (default from config: affiliation).")]
MinCountOption = Annotated[Optional[int], typer.Option("--min-count", help="Stance-taking statements a period needs to be reported.")]
WeightingOption = Annotated[Optional[str], typer.Option("--weighting", help="none | confidence (votes weighted by model probability).")]
ModelFilterOption = Annotated[
    Optional[str],
    typer.Option("--model", help="Only this model's predictions (weights hash, name, or name@hash; a hash prefix will do); default: each statement's newest."),
]


def _trends_settings(config: Path | None, db: Path | None, period, by, min_count, weighting):
    """The config's [trends] and [store] with the command's flags on top, validated by the config model."""
    from pydantic import ValidationError

    cfg = _load_config(config)
    flags = {"period": period, "group_by": by, "min_count": min_count, "weighting": weighting}
    try:
        settings = type(cfg.trends).model_validate({**cfg.trends.model_dump(), **{k: v for k, v in flags.items() if v is not None}})
    except ValidationError as error:
        first = error.errors()[0]
        _fail(f"--{'by' if first['loc'][0] == 'group_by' else str(first['loc'][0]).replace('_', '-')}: {first['msg']}")
    return db or cfg.store.db, settings


@app.command()
def trends(
    db: DbOption = None,
    config: ConfigOption = None,
    period: PeriodOption = None,
    by: ByOption = None,
    min_count: MinCountOption = None,
    weighting: WeightingOption = None,
    csv: Annotated[Optional[Path], typer.Option("--csv", help="Write the aggregates as CSV.")] = None,
    parquet: Annotated[Optional[Path], typer.Option("--parquet", help="Write the aggregates as Parquet.")] = None,
    statements_csv: Annotated[Optional[Path], typer.Option("--statements-csv", help="Write the statement-level table as CSV.")] = None,
    statements_parquet: Annotated[Optional[Path], typer.Option("--statements-parquet", help="Write the statement-level table as Parquet.")] = None,
    model: ModelFilterOption = None,
) -> None:
    """Stance per actor x target x period with 95% intervals and the shifts beyond them: a table here, or CSV / Parquet."""
    from pipeline.trends import TrendsError, compute_trends, load_statements, render_trends, unscored_languages, write_table

    db_path, settings = _trends_settings(config, db, period, by, min_count, weighting)
    try:
        statements = load_statements(db_path, model)
        unscored = unscored_languages(db_path)
    except TrendsError as error:
        _fail(str(error))
    result = compute_trends(statements, settings.period, settings.group_by, settings.min_count, settings.weighting)
    exports = [(csv, result.aggregates, "csv"), (parquet, result.aggregates, "parquet"),
               (statements_csv, statements, "csv"), (statements_parquet, statements, "parquet")]
    render_trends(result, Console(), cells=not any(path for path, _, _ in exports), unscored=unscored)
    for path, frame, file_format in exports:
        if path is not None:
            write_table(frame, path, file_format)
            console.print(f"wrote {len(frame)} rows to {path}")


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="The HTML page to write.")],
    db: DbOption = None,
    config: ConfigOption = None,
    period: PeriodOption = None,
    by: ByOption = None,
    min_count: MinCountOption = None,
    weighting: WeightingOption = None,
    evaluation: Annotated[Optional[Path], typer.Option("--evaluation", help="JSON from `stancewatch evaluate --json`, shown in the header.")] = None,
    png_dir: Annotated[Optional[Path], typer.Option("--png-dir", help="Folder for one PNG chart per target.")] = None,
    model: ModelFilterOption = None,
) -> None:
    """One self-contained HTML page: stance over time per target, intervals, shifts and their evidence, filters."""
    from pipeline.report import build_report
    from pipeline.trends import TrendsError

    db_path, settings = _trends_settings(config, db, period, by, min_count, weighting)
    try:
        summary = build_report(
            db_path, out, settings.period, settings.group_by, settings.min_count, settings.weighting, evaluation, png_dir, model
        )
    except TrendsError as error:
        _fail(str(error))
    console.print(
        f"wrote {summary.out} ({summary.bytes / 1e6:.1f} MB) in {summary.seconds:.1f} s: model {summary.trends.model_id}, "
        f"{len(summary.trends.shifts)} shift(s) in the {settings.group_by} view" + (f", {len(summary.pngs)} PNG(s) in {png_dir}" if png_dir else "")
    )


@corpus_app.command("check")
def corpus_check(
    data: Annotated[Optional[Path], typer.Option("--data", help="Corpus data folder (default: the shipped one).")] = None,
    targets: Annotated[
        Optional[Path], typer.Option("--targets", help="Targets TOML for every domain folder (default: each domain's own, see README).")
    ] = None,
    actors: Annotated[Optional[Path], typer.Option("--actors", help="Actor registry TOML for every domain folder.")] = None,
) -> None:
    """Verify schema, offsets, labels, split leakage and duplicates of the gold corpus."""
    from corpus.check import DATA_DIR, check_corpus, render_check

    _require_files([given for given in (targets, actors) if given is not None])
    try:
        problems, stats = check_corpus(data or DATA_DIR, targets, actors)
    except (OSError, ValueError) as error:  # a targets or actors file that does not load, as `run` and `predict` say it
        _fail(str(error))
    render_check(problems, stats, Console())
    if problems:
        raise typer.Exit(1)


@corpus_app.command("agreement")
def corpus_agreement(
    first: Annotated[Path, typer.Argument(metavar="ANNOTATOR_A.jsonl")],
    second: Annotated[Path, typer.Argument(metavar="ANNOTATOR_B.jsonl")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Write the figures as JSON.")] = None,
) -> None:
    """Cohen's kappa (overall and per target) and Krippendorff's alpha between two stance annotations."""
    from corpus.reader import RecordError
    from evaluation.agreement import agreement

    try:
        result = agreement(first, second)
    except (RecordError, ValueError) as error:
        _fail(str(error))
    table = Table(title=f"Agreement on {result['statements']} statements, {result['pairs']} (statement, target) pairs")
    for column in ("scope", "pairs", "observed", "Cohen's kappa"):
        table.add_column(column, justify="left" if column == "scope" else "right")

    def fmt(value):
        return "n/a" if value is None else f"{value:.3f}"

    table.add_row("all", str(result["pairs"]), fmt(result["observed_agreement"]), fmt(result["cohen_kappa"]), style="bold")
    for target, scores in result["per_target"].items():
        table.add_row(target, str(scores["pairs"]), fmt(scores["observed_agreement"]), fmt(scores["cohen_kappa"]))
    Console().print(table)
    Console().print(f"Krippendorff's alpha (nominal): {fmt(result['krippendorff_alpha'])}")
    if json_out is not None:
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def _is_input_file(token: str) -> bool:
    return token.lower().endswith((".jsonl", ".csv", ".txt", ".html", ".htm")) and Path(token).is_file()


def normalise_argv(argv: list[str]) -> list[str]:
    """Lets `--targets "T1" "T2"` name several targets after one flag, as the interface promises."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] == "--targets":
            i += 1
            while i < len(argv) and not argv[i].startswith("--") and not _is_input_file(argv[i]):
                out += ["--targets", argv[i]]
                i += 1
            continue
        out.append(argv[i])
        i += 1
    return out


def main(argv: list[str] | None = None) -> None:
    app(args=normalise_argv(sys.argv[1:] if argv is None else argv), prog_name="stancewatch")


if __name__ == "__main__":  # `python -m pipeline.cli` runs the CLI as the `stancewatch` script does
    main()
