"""SemEval-2016 Task 6 Task A, end to end: train on the official train split (dev carved from it),
score the official test split once, write a row to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.semeval2016 [--epochs 4] [--seed 13] [--no-write]
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import append_row, commit, machine, today
from corpus.external import semeval2016_rows
from evaluation.bootstrap import bootstrap_interval
from evaluation.stance import f_avg
from models.stance import StanceClassifier
from models.training import carve_dev


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save", help="folder to save the trained model in")
    parser.add_argument("--no-write", action="store_true", help="print only; do not add a BENCHMARKS.md row")
    args = parser.parse_args()

    train, dev = carve_dev(semeval2016_rows("train"), args.seed)
    test = semeval2016_rows("test")
    columns = lambda rows: ([r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows])  # noqa: E731
    model = StanceClassifier(epochs=args.epochs, seed=args.seed)
    started = time.perf_counter()
    model.fit(*columns(train), dev=columns(dev), data_sources=["SemEval-2016 Task 6 train (trial + training), 85%", "dev: 15% of it"])
    train_minutes = (time.perf_counter() - started) / 60
    if args.save:
        model.save(args.save)

    texts, targets, gold = columns(test)
    started = time.perf_counter()
    predicted = model.predict(texts, targets)
    rate = len(texts) / (time.perf_counter() - started)
    score = f_avg(gold, predicted)
    low, high = bootstrap_interval(f_avg, gold, predicted, seed=args.seed)
    print(f"SemEval-2016 test F_avg {100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}], {train_minutes:.1f} train min, {rate:.0f} tweets/s")
    for target in sorted(set(targets)):
        index = [i for i, t in enumerate(targets) if t == target]
        print(f"  {target}: F_avg {100 * f_avg([gold[i] for i in index], [predicted[i] for i in index]):.2f} ({len(index)})")
    print(f"  dev macro-F1 {model.training_.dev_macro_f1}, best epoch {model.training_.best_epoch}, temperature {model.training_.temperature}")
    if not args.no_write:
        append_row([
            today(), f"{model.kind} (epochs {args.epochs}, seed {args.seed})", "SemEval-2016 Task 6 A test (1,249)", "F_avg",
            f"{100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}]", f"{train_minutes:.1f}", f"{rate:.0f}", machine(), commit(),
            f"`python -m benchmarks.semeval2016 --epochs {args.epochs} --seed {args.seed}`",
        ])


if __name__ == "__main__":
    main()
