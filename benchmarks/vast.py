"""New targets at scale: train on VAST's dev split plus SemEval-2016 train (a dev carve for selection),
score VAST's test split once, overall and for zero-shot and few-shot topics; writes rows to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.vast [--model ensemble] [--epochs 3] [--seed 13] [--no-write]
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import append_row, commit, machine, today
from benchmarks.semeval2016 import MODELS, build_model
from corpus.external import semeval2016_rows, vast_rows
from evaluation.bootstrap import bootstrap_interval
from models.training import carve_dev


def macro_f1(gold, predicted) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=["favor", "against", "none"], average="macro", zero_division=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=MODELS, default="ensemble")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    train, dev = carve_dev(vast_rows("dev") + semeval2016_rows("train"), args.seed, key="text")
    test = vast_rows("test")

    def columns(rows):
        return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]

    model = build_model(args.model, args.epochs, args.seed)
    started = time.perf_counter()
    model.fit(*columns(train), dev=columns(dev), data_sources=["VAST dev + SemEval-2016 train, 85%", "dev: 15% of them"])
    train_minutes = (time.perf_counter() - started) / 60
    texts, targets, gold = columns(test)
    started = time.perf_counter()
    predicted = model.predict(texts, targets)
    rate = len(texts) / (time.perf_counter() - started)
    rows = []
    for name, keep in (("all", lambda r: True), ("zero-shot", lambda r: r["seen"] == "0"), ("few-shot", lambda r: r["seen"] == "1")):
        index = [i for i, r in enumerate(test) if keep(r)]
        g, p = [gold[i] for i in index], [predicted[i] for i in index]
        score, (low, high) = macro_f1(g, p), bootstrap_interval(macro_f1, g, p, seed=args.seed)
        print(f"VAST test {name} ({len(index)}): macro-F1 {100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}]")
        rows.append((name, len(index), score, low, high))
    print(f"{train_minutes:.1f} train min, {rate:.0f} comments/s")
    if not args.no_write:
        for name, count, score, low, high in rows:
            append_row([
                today(), f"{model.kind} (seed {args.seed}, MiniLM epochs {args.epochs})", f"VAST test, {name} topics ({count:,})", "macro-F1",
                f"{100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}]", f"{train_minutes:.1f}", f"{rate:.0f}", machine(), commit(),
                f"`python -m benchmarks.vast --model {args.model} --epochs {args.epochs} --seed {args.seed}`",
            ])


if __name__ == "__main__":
    main()
