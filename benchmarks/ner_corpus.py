"""The pipeline's entities (spaCy NER + actor linking) against our corpus's entity gold: exact span and
OntoNotes label, per label and micro, on one split; writes a row to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.ner_corpus [--domain border_crisis] [--split test] [--seed 0] [--no-write]
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import append_row, commit, machine, today
from corpus.loaders import split_path
from corpus.reader import read_gold
from corpus.targets import TARGETS_DIR
from evaluation.ner import micro_f1_interval, span_scores
from pipeline.config import ActorsConfig, StancewatchConfig, TargetsConfig
from pipeline.enrich import Enricher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--domain", default="border_crisis")
    parser.add_argument("--split", default="test")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    statements = read_gold(split_path(args.domain, args.split))
    actors = TARGETS_DIR.parent / "actors" / f"{args.domain}.toml"
    config = StancewatchConfig(targets=TargetsConfig(file=TARGETS_DIR / f"{args.domain}.toml"), actors=ActorsConfig(registry=[actors]))
    enricher = Enricher(config, with_stance=False)
    started = time.perf_counter()
    records = [record for _, record in enricher.enrich(statements)]
    rate = len(statements) / (time.perf_counter() - started)
    gold = [[(e.start, e.end, e.label) for e in s.gold.entities] for s in statements]
    predicted = [[(e.start, e.end, e.label) for e in r.entities] for r in records]
    scores = span_scores(gold, predicted)
    low, high = micro_f1_interval(gold, predicted, seed=args.seed)
    micro = scores["micro"]
    print(f"{enricher.spacy_model} + actor linking on {args.domain}/{args.split}: {len(statements)} statements, {micro['gold']} gold entities")
    for label, row in [*scores["per_label"].items(), ("micro", micro)]:
        print(f"{label:<10} P {100 * row['precision']:6.2f} R {100 * row['recall']:6.2f} F1 {100 * row['f1']:6.2f} gold {row['gold']:4d}")
    print(f"micro F1 95% CI (bootstrap over statements): [{100 * low:.2f}, {100 * high:.2f}]")
    if not args.no_write:
        top = sorted(scores["per_label"].items(), key=lambda item: -item[1]["gold"])[:5]
        per_label = ", ".join(f"{label} {100 * row['f1']:.1f}" for label, row in top)
        append_row([
            today(), f"spaCy {enricher.spacy_model} NER + actor linking ({per_label})",
            f"stancewatch corpus {args.domain}/{args.split} ({len(statements)} statements, {micro['gold']} entities)",
            "micro F1 (exact span, OntoNotes labels)", f"{100 * micro['f1']:.2f} [{100 * low:.2f}, {100 * high:.2f}]", "-", f"{rate:.0f}",
            machine(), commit(), f"`python -m benchmarks.ner_corpus --domain {args.domain} --split {args.split} --seed {args.seed}`",
        ])


if __name__ == "__main__":
    main()
