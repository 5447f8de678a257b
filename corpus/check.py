"""`stancewatch corpus check`: schema, offsets, label sets, speakers, duplicates and split leakage."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from corpus.reader import LineError, parse_json_line
from corpus.schema import STANCE_LABELS, Statement
from corpus.targets import TARGETS_DIR, load_targets

DATA_DIR = Path(__file__).resolve().parent / "data"
ACTORS_DIR = Path(__file__).resolve().parent / "actors"
SPLITS = ("train", "dev", "test")
# Two texts sharing this much of their word trigrams are the same statement reworded.
NEAR_DUPLICATE_JACCARD = 0.6


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return frozenset(zip(words, words[1:], words[2:])) if len(words) >= 3 else frozenset([tuple(words)])


def _jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _span_problems(statement: Statement, where: str) -> list[str]:
    problems = []
    assert statement.gold is not None
    for kind in ("entities", "claims", "quotes"):
        for span in getattr(statement.gold, kind):
            surface = statement.text[span.start : span.end]
            if surface != surface.strip():
                problems.append(f"{where}: gold.{kind} [{span.start}, {span.end}) {surface!r} has edge whitespace")
            if kind == "entities" and surface[:1] in "#@":
                problems.append(f"{where}: gold.entities {surface!r}: hashtags and handles are not entities")
    entities = sorted(statement.gold.entities, key=lambda e: (e.start, e.end))
    for left, right in zip(entities, entities[1:]):
        if right.start < left.end:
            problems.append(f"{where}: gold.entities [{left.start}, {left.end}) and [{right.start}, {right.end}) overlap")
    return problems


def _read_every_record(path: Path) -> tuple[list[tuple[int, Statement]], list[str]]:
    """Validates each line on its own so that one bad record does not hide the others."""
    statements, problems = [], []
    with path.open(encoding="utf-8") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                statement = parse_json_line(raw, Statement)
            except LineError as error:
                problems.append(f"{path}:{line_number}: field '{error.field_name}': {error}")
                continue
            statements.append((line_number, statement))
    return statements, problems


def _domain_file(domain_dir: Path, kind: str, given: Path | None) -> tuple[Path | None, list[Path]]:
    """The targets or actors file of a domain folder, and the places looked at: the one given, then the domain
    folder's own `targets.toml`/`actors.toml`, then `../targets/DOMAIN.toml` beside the data folder (this
    repository's layout), then the shipped one."""
    shipped = {"targets": TARGETS_DIR, "actors": ACTORS_DIR}[kind]
    places = [given] if given is not None else [
        domain_dir / f"{kind}.toml", domain_dir.parent.parent / kind / f"{domain_dir.name}.toml", shipped / f"{domain_dir.name}.toml",
    ]
    return next((place for place in places if place.is_file()), None), places


# Data files a user may have meant as gold: named when a domain folder holds one the check does not read.
STATEMENT_SUFFIXES = (".jsonl", ".json", ".csv", ".tsv")


def check_corpus(data_dir: Path = DATA_DIR, targets_file: Path | None = None, actors_file: Path | None = None) -> tuple[list[str], dict[str, object]]:
    """Returns (problems, statistics); an empty problem list means the corpus is sound. `targets_file` and
    `actors_file`, when given, serve every domain folder (a corpus kept outside this repository)."""
    from pipeline.actors import ActorRegistry

    problems: list[str] = []
    stats: dict[str, object] = {"domains": {}}
    seen_ids: dict[str, str] = {}
    texts_by_split: dict[tuple[str, str], list[tuple[str, frozenset]]] = defaultdict(list)
    domains = sorted(p for p in Path(data_dir).iterdir() if p.is_dir()) if Path(data_dir).is_dir() else []
    if not domains:
        return [f"{data_dir}: no domain folders with train/dev/test JSONL"], stats
    for domain_dir in domains:
        domain = domain_dir.name
        domain_targets, looked_at = _domain_file(domain_dir, "targets", targets_file)
        if domain_targets is None:
            problems.append(f"{domain_dir}: no target file (looked for {', '.join(map(str, looked_at))}; or give --targets FILE)")
            continue
        targets = [t.name for t in load_targets(domain_targets)]
        domain_actors, actor_places = _domain_file(domain_dir, "actors", actors_file)
        registry_name = str(domain_actors) if domain_actors is not None else f"no actors file (looked for {', '.join(map(str, actor_places))})"
        registry = ActorRegistry.from_files([domain_actors]) if domain_actors is not None else ActorRegistry()
        domain_stats: dict[str, object] = {
            "splits": {}, "source_types": Counter(), "labels": {t: Counter() for t in targets}, "speakers": set(),
            "dates": [], "entities": 0, "claims": 0, "quotes": 0, "hard_cases": Counter(),
        }
        expected = {f"{split}.jsonl" for split in SPLITS}
        for stray in sorted(domain_dir.iterdir()):
            if stray.suffix.lower() in STATEMENT_SUFFIXES and stray.name not in expected:
                problems.append(f"{stray}: not read: a domain's gold statements are its {', '.join(sorted(expected))} (JSONL); "
                                "move this file's records into one of them, or the file out of the folder")
        for split in SPLITS:
            path = domain_dir / f"{split}.jsonl"
            if not path.is_file():
                problems.append(f"{path}: missing split file")
                continue
            statements, file_problems = _read_every_record(path)
            problems.extend(file_problems)
            domain_stats["splits"][split] = len(statements)
            for line, statement in statements:
                where = f"{path}:{line} ({statement.id})"
                if statement.id in seen_ids:
                    problems.append(f"{where}: id also used at {seen_ids[statement.id]}")
                seen_ids[statement.id] = where
                if statement.gold is None:
                    problems.append(f"{where}: no gold annotations")
                    continue
                labelled = {s.target for s in statement.gold.stances}
                if labelled != set(targets):
                    problems.append(
                        f"{where}: gold.stances must label every {domain} target; missing {sorted(set(targets) - labelled)}, "
                        f"unknown {sorted(labelled - set(targets))}"
                    )
                if statement.targets is not None and set(statement.targets) != set(targets):
                    problems.append(f"{where}: targets field differs from the domain's targets")
                # On the statement's date, as `run` resolves it: an office names its holder on that day.
                if statement.speaker is None or registry.resolve(statement.speaker, statement.date) is None:
                    problems.append(f"{where}: speaker {statement.speaker!r} does not resolve to an actor in {registry_name}")
                # A press record is a paragraph that quotes someone (GUIDELINES §1, §7): ours annotate at least one quote.
                if statement.source_type == "press" and "quotes" not in statement.gold.model_fields_set:
                    problems.append(f"{where}: press record without gold.quotes: annotate its quotes (at least one)")
                elif statement.source_type == "press" and not statement.gold.quotes:
                    problems.append(f"{where}: press record with an empty gold.quotes list: a press record of the gold corpus quotes someone, so it needs at least one quote")
                problems.extend(_span_problems(statement, where))
                for stance in statement.gold.stances:
                    if stance.target in domain_stats["labels"]:
                        domain_stats["labels"][stance.target][stance.label] += 1
                domain_stats["source_types"][statement.source_type] += 1
                domain_stats["speakers"].add(statement.speaker)
                if statement.date:
                    domain_stats["dates"].append(statement.date.isoformat())
                domain_stats["entities"] += len(statement.gold.entities)
                domain_stats["claims"] += len(statement.gold.claims)
                domain_stats["quotes"] += len(statement.gold.quotes)
                if statement.gold.hard_case:
                    domain_stats["hard_cases"][statement.gold.hard_case] += 1
                texts_by_split[(domain, split)].append((where, _shingles(statement.text)))
        domain_stats["speakers"] = len(domain_stats["speakers"])
        dates = sorted(domain_stats.pop("dates"))
        domain_stats["date_range"] = [dates[0], dates[-1]] if dates else []
        domain_stats["per_month"] = dict(sorted(Counter(day[:7] for day in dates).items()))
        stats["domains"][domain] = domain_stats
    problems.extend(_leakage(texts_by_split))
    return problems, stats


def _leakage(texts_by_split: dict[tuple[str, str], list[tuple[str, frozenset]]]) -> list[str]:
    """Exact or near-duplicate statements anywhere in the corpus: within a split they inflate, across splits they leak."""
    problems = []
    everything = [(split, where, shingles) for (domain, split), items in texts_by_split.items() for where, shingles in items]
    for (split_a, where_a, a), (split_b, where_b, b) in combinations(everything, 2):
        similarity = _jaccard(a, b)
        if similarity >= NEAR_DUPLICATE_JACCARD:
            kind = "leaks across splits" if split_a != split_b else "near-duplicate"
            problems.append(f"{where_b}: {kind} with {where_a} (word-trigram Jaccard {similarity:.2f})")
    return problems


def render_check(problems: list[str], stats: dict[str, object], console) -> None:
    from rich.table import Table

    for domain, s in stats.get("domains", {}).items():
        table = Table(title=f"{domain}: {sum(s['splits'].values())} statements, {s['speakers']} speakers, {s['date_range']}")
        for column in ("target", *STANCE_LABELS):
            table.add_column(column, justify="left" if column == "target" else "right")
        for target, counts in s["labels"].items():
            table.add_row(target, *(str(counts[label]) for label in STANCE_LABELS))
        console.print(table)
        console.print(
            f"  splits {s['splits']}; source types {dict(s['source_types'])}; "
            f"{s['entities']} entity spans, {s['claims']} claim spans, {s['quotes']} quote spans",
            highlight=False,
        )
        console.print(f"  per month {s['per_month']}; hard cases {dict(s['hard_cases'].most_common())}", highlight=False)
    if problems:
        console.print(f"[bold red]{len(problems)} problem(s)[/bold red]")
        for problem in problems[:200]:
            console.print(f"  {problem}", highlight=False, markup=False)
    else:
        console.print("[bold green]corpus OK[/bold green]: schema, offsets, labels, speakers, duplicates and splits")
