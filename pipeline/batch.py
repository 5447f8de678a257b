"""Batch jobs: read -> enrich -> store (run) or -> JSONL (predict), streaming, quarantining bad records."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.reader import QuarantinedRecord, ReadResult, as_given, read_statements
from corpus.schema import ActorRef, PredictionRecord, QuoteSpan, Statement
from pipeline.actors import ActorRegistry
from pipeline.config import StancewatchConfig
from pipeline.enrich import Enricher
from pipeline.ingest import ArticleDefaults
from pipeline.language import DetectedLanguage, LanguageDetector, default_detector, language_verdict
from pipeline.store import Store, StoreConflict, exclusive_run

if TYPE_CHECKING:
    from pipeline.quotes import ArticleStatementFinder


@dataclass
class RunSummary:
    db: Path
    quarantine_file: Path
    stored: int = 0
    # Of `stored`, statements the store already held: scored again (another model, new targets, --rerun).
    rescored: int = 0
    skipped: int = 0
    # Skipped: stored unscored before (a language the models do not read), nothing new to do.
    skipped_unscored: int = 0
    # Skipped statements whose date, url or outlet the input corrected.
    metadata_updated: int = 0
    # Stored statements with a claim whose check-worthiness a changed claims threshold turned.
    claims_rejudged: int = 0
    # Targets scored that the stance model never saw a labelled example of (zero-shot), each with the trained target it
    # nearly matches (a miscased or misspelt name?) or None.
    unseen_targets: dict[str, str | None] = field(default_factory=dict)
    # Statements whose own `targets` leave out some of the config's: those are not scored on them (the record's win).
    config_targets_not_applied: int = 0
    # The config's targets that records naming their own left out.
    config_targets_left_out: set[str] = field(default_factory=set)
    # Statements left without a date or a month in the store (an input without one keeps a stored date): trends cannot place them.
    undated: int = 0
    quarantined: int = 0
    # Of the statements stored this run, scored or left unscored: who said it does not depend on the language.
    speakers_resolved: int = 0
    entities: int = 0
    stances: int = 0
    claims: int = 0
    checkworthy_claims: int = 0
    model_id: str | None = None
    # Stored but deliberately left unscored, by language (a language outside `[language] supported`).
    unscored_languages: Counter = field(default_factory=Counter)
    label_counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    quarantine_examples: list[str] = field(default_factory=list)
    # Earlier runs on this store that were killed before they finished: (id, started_at, statements they kept).
    unfinished_runs: list[tuple[int, str, int]] = field(default_factory=list)
    # The reader's notes: empty input files, CSV rows over several lines (corpus.reader.ReadResult.notes).
    read_notes: list[str] = field(default_factory=list)
    # Statement records the inputs held, kept or quarantined: 0 says the inputs were empty (None: articles).
    records_read: int | None = None
    # The quarantine file held earlier runs' records before this run appended its own.
    quarantine_appended: bool = False


@dataclass
class PredictSummary:
    quarantined: list[QuarantinedRecord]
    written: int = 0
    # Targets scored that the stance model never saw a labelled example of (zero-shot), each with the trained target it
    # nearly matches (a miscased or misspelt name?) or None.
    unseen_targets: dict[str, str | None] = field(default_factory=dict)


# How alike (difflib's ratio, case and spacing aside) a zero-shot target must be to a trained one to be suggested for it.
NEAR_TARGET_CUTOFF = 0.9


def _note_unseen_targets(unseen: dict[str, str | None], targets: Iterable[str], trained: frozenset[str]) -> None:
    """Adds to `unseen` the targets the model never trained on, each with the trained target it equals but for case and
    spacing, or nearly ("four-day  working week" for "Four-day working week"): the name is kept as given, never rewritten."""
    new = [target for target in targets if target not in trained and target not in unseen]
    if not trained or not new:  # a model that did not record what it was trained on, or nothing new
        return
    by_key = {" ".join(name.casefold().split()): name for name in sorted(trained)}
    for target in new:
        near = difflib.get_close_matches(" ".join(target.casefold().split()), by_key, n=1, cutoff=NEAR_TARGET_CUTOFF)
        unseen[target] = by_key[near[0]] if near else None


def _chunks(items: Iterable[Statement], size: int) -> Iterator[list[Statement]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_batch(
    inputs: list[Path],
    config: StancewatchConfig,
    on_statement: Callable[[], None] = lambda: None,
    rerun: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    articles: ArticleDefaults | None = None,
) -> RunSummary:
    """Stores every valid statement with its enrichment; one transaction per chunk, so a crash keeps what was done.

    This process reads, decides what needs scoring and writes; `engine` says where the enrichment runs
    (`local`: here; `dask`: on the workers of `scheduler`, or of a LocalCluster without one). A statement
    whose content this model already scored on all its targets (and whose claims the claims model stored) is
    skipped unless `rerun` (a corrected date, url or outlet is still taken); one scored on
    some of them is scored on the missing ones only. A statement in a language outside
    `[language] supported` is stored unscored, with the reason, never scored as if it were English.
    With `articles`, the inputs are articles (.txt, .html, or JSONL article records): each is stored and
    the statements found in it are scored, linked to it by offsets (`articles` holds the CLI's defaults).
    """
    from pipeline.engines import open_engine

    read = ReadResult([])
    conflicts: list[QuarantinedRecord] = []
    detector = default_detector()
    with exclusive_run(config.store.db), open_engine(config, engine, scheduler) as enrich_engine, Store(config.store.db) as store:
        summary = RunSummary(db=config.store.db, quarantine_file=config.store.quarantine, model_id=enrich_engine.model_id)
        store.sync_actors(enrich_engine.registry)
        run_id = store.start_run([str(p) for p in inputs], enrich_engine.model_id)
        if enrich_engine.model_hash is not None:
            store.record_stance_model(enrich_engine.model_hash, enrich_engine.trained_targets)
        summary.unfinished_runs = store.unfinished_before(run_id)
        languages: dict[str, DetectedLanguage] = {}
        claims_hash = enrich_engine.claims_hash
        if claims_hash is not None:
            summary.claims_rejudged = store.rejudge_claims(claims_hash, enrich_engine.claims_threshold)
        config_targets = enrich_engine.default_targets

        source = read_statements(inputs, read) if articles is None else _article_source(inputs, read, config, articles, store, run_id, conflicts)

        def admitted_chunks() -> Iterator[list[Statement]]:
            for chunk in _chunks(source, config.store.commit_every):
                accepted, unscored = [], []
                for statement in chunk:
                    try:
                        statement, known = store.admit(statement)
                    except StoreConflict as conflict:
                        file, line = read.where(statement.id) or (statement.origin.article_id if statement.origin else "<store>", 0)
                        conflicts.append(QuarantinedRecord(file, line, "id", str(conflict), as_given(statement)))
                        on_statement()
                        continue
                    targets = enrich_engine.targets_for(statement)
                    _note_unseen_targets(summary.unseen_targets, targets, enrich_engine.trained_targets)
                    left_out = [t for t in config_targets if t not in targets]
                    if left_out:
                        summary.config_targets_not_applied += 1
                        summary.config_targets_left_out.update(left_out)
                    scored = set() if rerun else store.scored_targets(statement, enrich_engine.model_hash)
                    missing = [t for t in targets if t not in scored]
                    if not missing and not rerun and claims_hash is not None and not store.has_claims(statement, claims_hash):
                        missing = targets  # scored before this claims model was there: the whole enrichment again
                    if not missing:
                        summary.skipped += 1
                        summary.metadata_updated += store.refresh_metadata(statement, _speaker_actor(enrich_engine.registry, statement))
                        on_statement()
                        continue
                    lang, detected, reason = language_verdict(statement, detector, config.language.supported)
                    if reason is not None and not rerun and store.stored_unscored(statement):
                        summary.skipped_unscored += 1  # stored unscored before, and the models still do not read its language
                        summary.metadata_updated += store.refresh_metadata(statement, _speaker_actor(enrich_engine.registry, statement))
                        on_statement()
                        continue
                    if reason is not None:
                        unscored.append((statement, detected, reason, _speaker_actor(enrich_engine.registry, statement)))
                        summary.unscored_languages[lang] += 1
                        on_statement()
                        continue
                    languages[statement.id] = detected
                    summary.rescored += known
                    accepted.append(statement if missing == targets else statement.model_copy(update={"targets": missing}))
                if unscored:
                    store.write_unscored(unscored, run_id)
                    summary.speakers_resolved += sum(actor is not None for *_, actor in unscored)
                yield accepted

        for pairs in enrich_engine.enrich_chunks(admitted_chunks()):
            for statement, record in pairs:
                summary.speakers_resolved += record.speaker_actor is not None
                summary.entities += len(record.entities)
                summary.stances += len(record.stances)
                summary.claims += len(record.claims or [])
                summary.checkworthy_claims += sum(claim.checkworthy for claim in record.claims or [])
                for stance in record.stances:
                    summary.label_counts[stance.target][stance.label] += 1
                on_statement()
            store.write_batch(pairs, run_id, {statement.id: languages.pop(statement.id) for statement, _ in pairs})
            summary.stored += len(pairs)
            # Dates already stored were filled in before scoring (`Store.admit`): undated here is undated in the store.
            summary.undated += sum(statement.date is None and not (statement.origin and statement.origin.period) for statement, _ in pairs)
        # Records the reader rejected never reached the loop above: count them into the progress once.
        for _ in read.quarantined:
            on_statement()
        read.quarantined.extend(conflicts)
        summary.quarantined = len(read.quarantined)
        store.finish_run(run_id, summary.quarantined)
    summary.quarantine_appended = read.write_quarantine(config.store.quarantine)
    summary.quarantine_examples = [r.describe() for r in read.quarantined[:5]]
    summary.read_notes = read.notes
    if articles is None:  # articles' statements are found, not read, so no count of records read applies
        summary.records_read = len(read.first_seen) + len(read.quarantined) - len(conflicts)
    return summary


def _quotes_in(finder: ArticleStatementFinder, statement: Statement) -> list[QuoteSpan]:
    """The quotes inside a press statement's text (a press record often holds several people's words), each with its
    speaker: the actor, else the mention as the text gives it (a bare 'she' names no one); `evaluate` scores them
    against gold `quotes`."""
    from pipeline.speakers import is_bare_pronoun

    return [
        QuoteSpan(start=q.start, end=q.end, speaker=q.speaker or ("" if is_bare_pronoun(q.speaker_mention) else q.speaker_mention or ""), cue=q.cue)
        for q in finder.extractor.extract(statement.text, statement.date, statement.outlet)
    ]


def _speaker_actor(registry: ActorRegistry, statement: Statement) -> str | None:
    """The actor the speaker names on the statement's date (an office resolves to its holder on that day)."""
    actor = registry.resolve(statement.speaker, statement.date)
    return actor.name if actor else None


def _article_source(
    inputs: list[Path], read: ReadResult, config: StancewatchConfig, defaults: ArticleDefaults, store: Store | None, run_id: int | None,
    conflicts: list[QuarantinedRecord],
) -> Iterator[Statement]:
    """The statements found in the input articles, each article stored first (when there is a store)."""
    from pipeline.ingest import read_articles
    from pipeline.quotes import ArticleStatementFinder

    finder = ArticleStatementFinder(config.nlp.spacy_models, config.actors.registry)
    for article in read_articles(inputs, read, defaults):
        if store is not None:
            try:
                store.write_article(article, run_id)
            except StoreConflict as conflict:
                conflicts.append(QuarantinedRecord(article.source or "<article>", article.line or 1, "id", str(conflict), article.text[:2000]))
                continue
        yield from finder.statements(article)


def predict_file(
    input_path: Path,
    out_path: Path,
    config: StancewatchConfig,
    targets: list[str] | None,
    on_statement: Callable[[], None] = lambda: None,
    articles: ArticleDefaults | None = None,
) -> PredictSummary:
    """Writes one prediction record per valid input statement (with `articles`: per statement found in the
    input articles, each record carrying its `origin` in the article)."""
    enricher = Enricher(config, forced_targets=targets)
    read = ReadResult([])
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_suffix(out_path.suffix + ".partial")
    source = read_statements([input_path], read) if articles is None else _article_source([input_path], read, config, articles, None, None, [])
    detector = default_detector()
    summary = PredictSummary(quarantined=read.quarantined)
    try:
        summary.written = _write_predictions(partial, source, enricher, detector, config, on_statement, summary.unseen_targets)
    except BaseException:
        partial.unlink(missing_ok=True)  # a failed run leaves no half-written file beside the output
        raise
    partial.replace(out_path)
    read.write_quarantine(config.store.quarantine)
    return summary


def _write_predictions(
    partial: Path, source: Iterable[Statement], enricher: Enricher, detector: LanguageDetector, config: StancewatchConfig,
    on_statement: Callable[[], None], unseen_targets: dict[str, str | None],
) -> int:
    written = 0
    trained = enricher.trained_targets
    quote_finder: ArticleStatementFinder | None = None  # parsed for quotes only when a press statement comes
    with partial.open("w", encoding="utf-8") as out:
        for chunk in _chunks(source, config.store.commit_every):
            _note_unseen_targets(unseen_targets, (t for s in chunk for t in enricher.targets_for(s)), trained)
            # Keyed by object: the enricher hands back the statements it was given, and ids may repeat in an input.
            verdicts = {id(s): language_verdict(s, detector, config.language.supported) for s in chunk}
            enriched = {id(s): r for s, r in enricher.enrich([s for s in chunk if verdicts[id(s)][2] is None])}
            for statement in chunk:
                lang, _, reason = verdicts[id(statement)]
                record = enriched.get(id(statement))
                if record is None:  # unscored, yet the speaker still resolves: who said it does not depend on the language
                    actor = enricher.registry.resolve(statement.speaker, statement.date)
                    record = PredictionRecord(
                        id=statement.id, source_type=statement.source_type, speaker=statement.speaker, date=statement.date,
                        speaker_actor=ActorRef(**actor.as_dict()) if actor else None,
                    )
                update = {"lang": lang, "unscored": reason}
                if statement.origin is not None:
                    update |= {"origin": statement.origin, "text": statement.text, "outlet": statement.outlet, "url": statement.url}
                elif statement.source_type == "press" and reason is None:
                    if quote_finder is None:
                        from pipeline.quotes import ArticleStatementFinder

                        quote_finder = ArticleStatementFinder(config.nlp.spacy_models, config.actors.registry)
                    update["quotes"] = _quotes_in(quote_finder, statement)
                out.write(record.model_copy(update=update).model_dump_json() + "\n")
                written += 1
                on_statement()
    return written
