"""Quote extraction and speaker attribution (pipeline/quotes.py) against our press gold: quote span F1, exact
and overlap, and speaker accuracy; one row for the corpus press records of a split, one for the seed article
(read in place from ../shared/domain, skipped when absent), and one for both pooled, the press gold as the
issue defines it. Speakers resolve against the domain's own registry (corpus/actors/DOMAIN.toml); the seed
article rows are the border crisis's only. Writes rows to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.quotes [--domain border_crisis] [--split test] [--seed-date 2021-12-20] [--no-write]
    .venv/bin/python -m benchmarks.quotes --articles other_domains|border_crisis --split dev [--no-write]

`--articles` scores whole annotated articles, written and annotated blind to the code, from a folder of
corpus/articles, with that domain's registry where it has one. `other_domains` (wire stories, BBC style, press
releases ... from domains our registries know nothing of) is read with the default registry, as a user with a
new domain would start: speakers are mostly people and organisations the registry lacks, named as the text names
them. `border_crisis` holds articles in styles the press records lack (a family interview, an aid group's
release, Kurdish and Lithuanian outlets). `--other-domains SPLIT` is short for `--articles other_domains --split SPLIT`.

Each press record's text is treated as an article dated by the record; gold speakers are canonical actors, or the
mention where the gold names no actor. Anchors: BBC Citron on PARC 3.0, span F1 56.7 exact / 83.2 overlap,
speaker F1 82.0 (a different corpus: context, not a comparison).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from benchmarks._common import append_row, commit, machine, today
from corpus.external import shared_data_dir
from corpus.loaders import split_path
from corpus.reader import read_gold
from evaluation.quotes import QuoteTuple, load_article_gold, quote_score_intervals, quote_scores, read_annotated_articles, speaker_key
from pipeline.config import StancewatchConfig
from pipeline.ingest import ArticleDefaults, read_article_file
from pipeline.quotes import ArticleStatementFinder, ExtractedQuote

SEED_GOLD = Path(__file__).resolve().parents[1] / "corpus" / "articles" / "seed_article.gold.json"
ACTORS_DIR = Path(__file__).resolve().parents[1] / "corpus" / "actors"
SEED_DOMAIN = "border_crisis"
ARTICLES_DIR = Path(__file__).resolve().parents[1] / "corpus" / "articles"
SEED_ARTICLE = "seed-article-iraq-eu-belarus.txt"


def seed_article_path() -> Path:
    return shared_data_dir().parent / "domain" / SEED_ARTICLE


def predicted_tuples(quotes: list[ExtractedQuote]) -> list[QuoteTuple]:
    return [(q.start, q.end, speaker_key(q.speaker, q.speaker_mention)) for q in quotes]


def _row(name: str, dataset: str, gold: list, predicted: list, rate: float, command: str, seed: int) -> str:
    scores = quote_scores(gold, predicted)
    intervals = quote_score_intervals(gold, predicted, seed=seed)
    text = (
        f"overlap F1 {100 * scores['overlap']['f1']:.1f} [{100 * intervals['overlap_f1'][0]:.1f}, {100 * intervals['overlap_f1'][1]:.1f}]; "
        f"exact F1 {100 * scores['exact']['f1']:.1f} [{100 * intervals['exact_f1'][0]:.1f}, {100 * intervals['exact_f1'][1]:.1f}]; "
        f"speaker accuracy {100 * scores['speaker_accuracy']:.1f} [{100 * intervals['speaker_accuracy'][0]:.1f}, {100 * intervals['speaker_accuracy'][1]:.1f}]"
    )
    print(f"{dataset}: {scores['gold']} gold, {scores['predicted']} predicted quotes; {text}")
    return [today(), name, dataset, "quote span F1 (overlap, exact); speaker accuracy over all gold quotes", text, "-",
            f"{rate:.0f}", machine(), commit(), command]


def score_articles(finder: ArticleStatementFinder, name: str, collection: str, split: str, seed: int) -> list[str]:
    articles = read_annotated_articles(ARTICLES_DIR / collection / f"{split}.jsonl")
    started = time.perf_counter()
    predicted = [predicted_tuples(finder.extractor.extract(a.text, a.date, a.outlet, a.title or None)) for a in articles]
    rate = len(articles) / (time.perf_counter() - started)
    gold = [a.gold_tuples() for a in articles]
    registry = f"{collection} registry" if (ACTORS_DIR / f"{collection}.toml").is_file() else "default registry"
    label = "other-domain" if collection == "other_domains" else collection.replace("_", "-")
    dataset = f"{label} articles, {split} ({len(articles)} articles, {sum(map(len, gold))} quotes; {registry})"
    command = f"`python -m benchmarks.quotes --articles {collection} --split {split} --seed {seed}`"
    return _row(name, dataset, gold, predicted, rate, command, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domain", default="border_crisis")
    parser.add_argument("--split", default="test")
    parser.add_argument("--seed-date", default="2021-12-20", help="publication date given to the seed article (it carries none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles", choices=sorted(p.name for p in ARTICLES_DIR.iterdir() if p.is_dir()),
                        help="score the annotated articles of corpus/articles/NAME (its --split) instead of press records")
    parser.add_argument("--other-domains", choices=("dev", "test"), help="short for --articles other_domains --split SPLIT")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    config = StancewatchConfig()
    name = "rule-based quotes + speakers (spaCy parse, Matcher/DependencyMatcher, actor registry with dated offices)"
    if args.other_domains:
        args.articles, args.split = "other_domains", args.other_domains
    if args.articles:
        registry = ACTORS_DIR / f"{args.articles}.toml"
        finder = ArticleStatementFinder(config.nlp.spacy_models, [registry] if registry.is_file() else config.actors.registry)
        row = score_articles(finder, name, args.articles, args.split, args.seed)
        if not args.no_write:
            append_row(row)
        return
    # Each corpus domain has its own registry (corpus/actors/DOMAIN.toml): its gold speakers are that registry's names.
    domain_registry = ACTORS_DIR / f"{args.domain}.toml"
    finder = ArticleStatementFinder(config.nlp.spacy_models, [domain_registry] if domain_registry.is_file() else config.actors.registry)
    rows = []

    press = [s for s in read_gold(split_path(args.domain, args.split)) if s.source_type == "press"]
    started = time.perf_counter()
    predicted = [predicted_tuples(finder.extractor.extract(s.text, s.date, s.outlet)) for s in press]
    rate = len(press) / (time.perf_counter() - started)
    gold = [[(q.start, q.end, q.speaker) for q in s.gold.quotes] for s in press]
    command = f"`python -m benchmarks.quotes --domain {args.domain} --split {args.split} --seed {args.seed}`"
    rows.append(_row(name, f"stancewatch corpus {args.domain}/{args.split}, press records ({len(press)} records, {sum(map(len, gold))} quotes)",
                     gold, predicted, rate, command, args.seed))

    article_path = seed_article_path()
    if args.domain != SEED_DOMAIN:
        print(f"the seed article belongs to {SEED_DOMAIN}: its rows are skipped")
    elif article_path.is_file():
        article = read_article_file(article_path, ArticleDefaults(date=dt.date.fromisoformat(args.seed_date)))
        seed_gold = load_article_gold(SEED_GOLD, article.text)
        started = time.perf_counter()
        seed_predicted = predicted_tuples(finder.extractor.extract(article.text, article.date))
        rate = 1 / (time.perf_counter() - started)
        rows.append(_row(name, f"seed article (../shared/domain, {len(seed_gold)} quotes; used while developing)",
                         [seed_gold], [seed_predicted], rate, command, args.seed))
        # The press gold is the corpus press records together with the seed article: pooled, quote by quote.
        pooled = sum(map(len, gold)) + len(seed_gold)
        rows.append(_row(name, f"press gold as the issue defines it: {args.domain}/{args.split} press records + seed article ({pooled} quotes)",
                         gold + [seed_gold], predicted + [seed_predicted], rate, command, args.seed))
    else:
        print(f"seed article not found at {article_path}: its row is skipped")
    if not args.no_write:
        for row in rows:
            append_row(row)


if __name__ == "__main__":
    main()
