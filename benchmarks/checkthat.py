"""CheckThat! 2024 Task 1 English (check-worthiness), end to end: train on the official train split, tune on
dev + dev-test (C / epochs / ensemble weights, then the decision threshold for F1), score the official
test split once, write a row to BENCHMARKS.md and save the model with its card (test scores included).

    .venv/bin/python -m benchmarks.checkthat --model tfidf [--seed 13] [--save DIR] [--no-write] [--no-test]

`--no-test` trains and saves without reading the test split (what `make demo` does).
"""

from __future__ import annotations

import argparse
import time

from benchmarks._common import append_row, commit, machine, today
from corpus.external import checkthat2024_rows
from models.claims import CLAIMS_MODELS, ENSEMBLE_MEMBERS, build_claims_model

DATASET = "CheckThat! 2024 Task 1 English"


def columns(rows: list[dict[str, object]]) -> tuple[list[str], list[bool]]:
    return [str(r["text"]) for r in rows], [bool(r["checkworthy"]) for r in rows]


def train_checkworthiness(model_name: str, seed: int, members: tuple[str, ...], epochs: int, max_train: int | None):
    """Fits the named model on the train split, tuning on dev + dev-test; returns (model, minutes)."""
    train = checkthat2024_rows("train")
    dev = checkthat2024_rows("dev") + checkthat2024_rows("dev-test")
    model = build_claims_model(model_name, seed=seed, members=members, epochs=epochs, max_train=max_train)
    started = time.perf_counter()
    sources = [f"{DATASET} train ({len(train)} sentences)", f"dev: {DATASET} dev + dev-test ({len(dev)} sentences): selection and threshold"]
    model.fit(*columns(train), dev=columns(dev), data_sources=sources)
    return model, (time.perf_counter() - started) / 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=CLAIMS_MODELS, default="tfidf")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--members", default=",".join(ENSEMBLE_MEMBERS), help="ensemble members, comma-separated")
    parser.add_argument("--epochs", type=int, default=2, help="fine-tuning epochs of the MiniLM model")
    parser.add_argument("--max-train", type=int, default=None, help="MiniLM: fine-tune on a seeded subsample of this many sentences")
    parser.add_argument("--save", help="folder to save the trained model in")
    parser.add_argument("--no-write", action="store_true", help="print only; do not add a BENCHMARKS.md row")
    parser.add_argument("--no-test", action="store_true", help="train, tune and save without touching the test split")
    args = parser.parse_args()

    members = tuple(args.members.split(","))
    uses_minilm = args.model == "minilm" or (args.model == "ensemble" and "minilm" in members)
    model, train_minutes = train_checkworthiness(args.model, args.seed, members, args.epochs, args.max_train)
    print(f"{model.kind}: trained in {train_minutes:.1f} min; dev {model.training_.scores['dev']['f1']}; selected {model.training_.selected}")
    if not args.no_test:
        texts, gold = columns(checkthat2024_rows("test"))
        started = time.perf_counter()
        model.predict_proba(texts)
        rate = len(texts) / (time.perf_counter() - started)
        scores = model.score(texts, gold, f"test ({DATASET} official test, touched once)", seed=args.seed)
        f1 = scores["f1"]
        low, high = f1["interval_95"]
        print(f"{DATASET} test F1 (check-worthy) {f1['score']:.4f} [{low:.4f}, {high:.4f}], P {scores['precision']['score']}, "
              f"R {scores['recall']['score']}, {rate:.0f} sentences/s")
        if not args.no_write:
            settings = f"seed {args.seed}" + (f", members {args.members}" if args.model == "ensemble" else "")
            settings += f", MiniLM epochs {args.epochs}" if uses_minilm else ""
            settings += f", MiniLM max-train {args.max_train}" if args.max_train and uses_minilm else ""
            append_row([
                today(), f"{model.kind} check-worthiness ({settings}; threshold {model.threshold_} tuned on dev)",
                f"{DATASET} test ({len(texts)} sentences, {sum(gold)} check-worthy)", "F1 of the check-worthy class",
                f"{100 * f1['score']:.2f} [{100 * low:.2f}, {100 * high:.2f}]", f"{train_minutes:.1f}", f"{rate:.0f} (sentences/s)",
                machine(), commit(),
                f"`python -m benchmarks.checkthat --model {args.model} --seed {args.seed}"
                + (f" --members {args.members}" if args.model == "ensemble" else "")
                + (f" --epochs {args.epochs}" if uses_minilm else "")
                + (f" --max-train {args.max_train}" if args.max_train and uses_minilm else "") + "`",
            ])
    if args.save:
        model.save(args.save)
        print(f"saved {model.model_id} to {args.save} (model card: {args.save}/MODEL_CARD.md)")


if __name__ == "__main__":
    main()
