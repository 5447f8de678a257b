"""New targets at scale: train on VAST's dev split plus SemEval-2016 train (a dev carve for selection),
score VAST's test split once, overall and for zero-shot and few-shot topics; writes rows to BENCHMARKS.md.
The model is `stancewatch train`'s default ([train] in pipeline/config.py) unless the flags change it.

    .venv/bin/python -m benchmarks.vast [--model ensemble] [--epochs 10] [--frozen-layers 6] [--seed 13] [--no-write]
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import append_row, commit, machine, today
from corpus.external import semeval2016_rows, vast_rows
from evaluation.bootstrap import bootstrap_interval
from models.training import build_stance_model, carve_dev
from pipeline.config import TrainConfig


def macro_f1(gold, predicted) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, predicted, labels=["favor", "against", "none"], average="macro", zero_division=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = TrainConfig()
    parser.add_argument("--model", choices=("minilm", "tfidf", "embedding", "ensemble", "stacked", "stacked-ensemble"), default=defaults.model)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--frozen-layers", type=int, default=defaults.frozen_layers, help="MiniLM: 6 trains the attention head on the pretrained encoder")
    parser.add_argument("--learning-rate", type=float, default=defaults.learning_rate, help="MiniLM encoder learning rate (frozen-layers < 6)")
    parser.add_argument("--head-learning-rate", type=float, default=defaults.head_learning_rate)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    settings = TrainConfig(model=args.model, epochs=args.epochs, frozen_layers=args.frozen_layers, learning_rate=args.learning_rate,
                           head_learning_rate=args.head_learning_rate, seed=args.seed)

    train, dev = carve_dev(vast_rows("dev") + semeval2016_rows("train"), args.seed, key="text")
    test = vast_rows("test")

    def columns(rows):
        return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]

    model = build_stance_model(settings.model_dump())
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
                today(), f"{model.kind} ({args.model}, seed {args.seed}, MiniLM epochs {args.epochs}, {args.frozen_layers} layers frozen, "
                f"lr {args.learning_rate:g} / head {args.head_learning_rate:g})", f"VAST test, {name} topics ({count:,})", "macro-F1",
                f"{100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}]", f"{train_minutes:.1f}", f"{rate:.0f}", machine(), commit(),
                f"`python -m benchmarks.vast --model {args.model} --epochs {args.epochs} --frozen-layers {args.frozen_layers} "
                f"--learning-rate {args.learning_rate:g} --head-learning-rate {args.head_learning_rate:g} --seed {args.seed}`",
            ])


if __name__ == "__main__":
    main()
