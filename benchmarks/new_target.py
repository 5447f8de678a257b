"""How many labelled examples a new target needs: train on four SemEval-2016 targets, then add the fifth
with k of its training pairs (`add_targets`, nothing else retrained) and score its dev pairs; k = 0 is the
zero-shot global head (for `ensemble`, `stancewatch train`'s default model, whose fine-tuned encoder reads the new
target zero-shot at every k). Prints the curve and writes one row per model to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.new_target [--target "Hillary Clinton"] [--models tfidf embedding ensemble] [--no-write]
"""

from __future__ import annotations

import argparse
import copy

import numpy as np

from benchmarks._common import append_row, commit, machine, today
from corpus.external import semeval2016_rows
from evaluation.stance import f_avg
from models.training import carve_dev

SHOTS = (0, 10, 25, 50, 100, 200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="Hillary Clinton")
    parser.add_argument("--models", nargs="+", default=["tfidf", "embedding"], choices=["tfidf", "embedding", "ensemble"])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    from models.training import build_stance_model
    from pipeline.config import TrainConfig

    train, dev = carve_dev(semeval2016_rows("train"), args.seed)
    base_train = [r for r in train if r["target"] != args.target]
    base_dev = [r for r in dev if r["target"] != args.target]
    new_train = [r for r in train if r["target"] == args.target]
    new_dev = [r for r in dev if r["target"] == args.target]
    order = np.random.default_rng(args.seed).permutation(len(new_train))

    def columns(rows):
        return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]

    dev_texts, dev_targets, dev_gold = columns(new_dev)
    for name in args.models:
        base = build_stance_model(TrainConfig(model=name, seed=args.seed).model_dump()).fit(*columns(base_train), dev=columns(base_dev))
        curve = {0: f_avg(dev_gold, base.predict(dev_texts, dev_targets))}
        for shots in [*SHOTS[1:], len(new_train)]:
            sample = [new_train[i] for i in order[: min(shots, len(new_train))]]
            model = copy.deepcopy(base)  # every k starts from the same four-target model
            model.add_targets(*columns(sample))
            curve[len(sample)] = f_avg(dev_gold, model.predict(dev_texts, dev_targets))
        full = curve[len(new_train)]
        reached = next((k for k, v in sorted(curve.items()) if v >= 0.95 * full), len(new_train))
        text = ", ".join(f"{k}: {100 * v:.1f}" for k, v in sorted(curve.items()))
        print(f"{base.kind}: new target {args.target!r}, dev F_avg by training examples: {text}; 95% of the full-data score at {reached}")
        if not args.no_write:
            append_row([
                today(), f"{base.kind} add_targets learning curve (k: dev F_avg)", f"SemEval-2016 dev carve, new target {args.target} ({len(new_dev)} dev pairs)",
                "F_avg on the new target", text, "-", "-", machine(), commit(),
                f"`python -m benchmarks.new_target --target '{args.target}' --models {name} --seed {args.seed}`",
            ])


if __name__ == "__main__":
    main()
