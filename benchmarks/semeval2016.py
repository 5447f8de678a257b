"""SemEval-2016 Task 6 Task A, end to end: train on the official train split (dev carved from it),
score the official test split once, write a row to BENCHMARKS.md, and leave gold and prediction
files in the schema so that `stancewatch evaluate` can report on them.

    .venv/bin/python -m benchmarks.semeval2016 --model ensemble [--epochs 4] [--seed 13] [--no-write]

`--extra-train vast` adds VAST's dev split (other topics, news comments) to the fine-tuned MiniLM's training
pairs: more data from another corpus, judged on the same SemEval dev carve. `--no-test --save DIR` stops
after the dev scores, so that a setting is chosen on dev before the test split is read once (with `--reuse`).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from benchmarks._common import append_row, commit, machine, today
from corpus.external import auxiliary_labels, semeval2016_rows, vast_rows
from evaluation.bootstrap import bootstrap_interval
from evaluation.stance import f_avg
from models._torch import resolve_precision
from models.decision import DECISIONS
from models.training import carve_dev

OUTPUT_DIR = Path(".stancewatch/semeval2016")
MODELS = ("minilm", "tfidf", "embedding", "ensemble", "stacked", "stacked-ensemble")


ENSEMBLES = {"ensemble": ("minilm", "tfidf", "embedding"), "stacked-ensemble": ("minilm", "stacked")}
MEMBERS = ("minilm", "tfidf", "embedding", "stacked")


def build_members(name: str, args: argparse.Namespace) -> list:
    """The model named on the command line, as its list of members (one, unless it is an ensemble)."""
    from models.baseline import EmbeddingStanceClassifier, TfidfStanceClassifier
    from models.stacking import default_stack
    from models.stance import StanceClassifier

    seed = args.seed
    minilm = {"epochs": args.epochs, "seed": seed, "learning_rate": args.learning_rate, "soup": args.soup,
              "frozen_layers": args.frozen_layers, "head_learning_rate": args.head_learning_rate, "heads": args.heads,
              "layer_mix": args.layer_mix, "readable_text": not args.raw_text, "auxiliary_weight": args.auxiliary_weight}
    factories = {
        "minilm": lambda: StanceClassifier(**minilm),
        "tfidf": lambda: TfidfStanceClassifier(seed=seed, readable_text=not args.raw_text),
        "embedding": lambda: EmbeddingStanceClassifier(seed=seed, readable_text=not args.raw_text),
        "stacked": lambda: default_stack(seed, attention=StanceClassifier(**minilm) if args.stack_attention else None, readable_text=not args.raw_text),
    }
    names = tuple(args.members.split(",")) if name == "ensemble" and args.members else ENSEMBLES.get(name, (name,))
    return [factories[member]() for member in names]


def write_schema_files(rows: list[dict[str, str]], predicted: list[str], probabilities) -> tuple[Path, Path]:
    """Gold and predictions in the project's schema, in an ignored folder (the data is never committed)."""
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    gold_path, prediction_path = OUTPUT_DIR / "test_gold.jsonl", OUTPUT_DIR / "test_predictions.jsonl"
    with gold_path.open("w", encoding="utf-8") as gold, prediction_path.open("w", encoding="utf-8") as predictions:
        for row, label, probs in zip(rows, predicted, probabilities):
            gold.write(json.dumps({"id": row["id"], "text": row["text"], "source_type": "tweet", "targets": [row["target"]],
                                   "gold": {"stances": [{"target": row["target"], "label": row["label"]}]}}) + "\n")
            stance = {"target": row["target"], "label": label, "probs": {l: round(float(p), 6) for l, p in zip(("favor", "against", "none"), probs)}}
            predictions.write(json.dumps({"id": row["id"], "source_type": "tweet", "stances": [stance]}) + "\n")
    return gold_path, prediction_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=MODELS, default="ensemble")
    parser.add_argument("--epochs", type=int, default=4, help="fine-tuning epochs of the MiniLM model (the best on dev is kept; "
                        "4 with --learning-rate 4e-5 and auxiliary tasks won 5-fold out-of-fold on train, benchmarks.semeval_oof)")
    parser.add_argument("--learning-rate", type=float, default=4e-5, help="encoder learning rate of the MiniLM model")
    parser.add_argument("--auxiliary-weight", type=float, default=0.5,
                        help="MiniLM: weight of the auxiliary losses (SemEval's opinion-towards and sentiment labels, training only); 0 turns them off")
    parser.add_argument("--soup", action="store_true", help="MiniLM: average the best dev epochs' weights (greedy soup) instead of keeping one")
    parser.add_argument("--head-learning-rate", type=float, default=1e-3, help="learning rate of the MiniLM model's attention head")
    parser.add_argument("--heads", type=int, default=1, help="MiniLM: attention heads trained side by side and averaged")
    parser.add_argument("--layer-mix", action="store_true", help="MiniLM: targets attend over a learned mix of all layers' states")
    parser.add_argument("--frozen-layers", type=int, default=0,
                        help="MiniLM: bottom encoder layers kept as pretrained; 6 keeps the whole encoder, which the embedding member then shares")
    parser.add_argument("--stack-attention", action="store_true",
                        help="stacked models: the MiniLM model (its flags above) joins the stack as an out-of-fold member")
    parser.add_argument("--raw-text", action="store_true",
                        help="members read tweets as written, not with hashtags and handles as words (as every row before the option)")
    parser.add_argument("--extra-train", choices=("vast",),
                        help="MiniLM member: also fine-tune on VAST's dev split (other topics, news comments); dev carve, other members and test stay SemEval")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--save", help="folder to save the trained model in")
    parser.add_argument("--members", help="--model ensemble: its members, comma-separated (default minilm,tfidf,embedding; "
                        "minilm,tfidf reads the text with one encoder pass, a fine-tuned one)")
    parser.add_argument("--members-from", help="a saved ensemble whose trained members are reused; only its weights are refitted on dev")
    parser.add_argument("--reuse", action="append", default=[], metavar="MODEL_DIR",
                        help="a saved model trained on the same carve (same --seed) that stands in for the ensemble member of its kind; repeatable")
    parser.add_argument("--refit-all", action="store_true",
                        help="after the ensemble weights are chosen on dev, refit its stacked member on train + dev (it needs dev for nothing else)")
    parser.add_argument("--precision", choices=("fp32", "bf16", "auto"), default="fp32",
                        help="inference arithmetic on the test split (training is fp32); auto: bf16 where this CPU has it natively")
    parser.add_argument("--decision", choices=DECISIONS, default="argmax",
                        help="ensembles: labels by argmax, or after per-class offsets chosen for F_avg on dev (models/decision.py)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not add a BENCHMARKS.md row")
    parser.add_argument("--no-test", action="store_true",
                        help="train, print the dev scores and save (--save) without reading the test split; reuse the saved members to test once")
    args = parser.parse_args()
    unknown = [member for member in (args.members or "").split(",") if member and member not in MEMBERS]
    if unknown:
        parser.error(f"--members: unknown member {', '.join(unknown)}; choose from {', '.join(MEMBERS)}")

    train, dev = carve_dev(semeval2016_rows("train"), args.seed)

    def takes_extra(member) -> bool:
        """Only the fine-tuned MiniLM shares parameters across targets; the per-target models would gain nothing."""
        from models.stance import StanceClassifier

        return args.extra_train is not None and isinstance(member, StanceClassifier)

    def extra_training_rows(member) -> list[dict[str, str]]:
        return vast_rows("dev") if takes_extra(member) else []

    def extra_sources(member) -> list[str]:
        return ["VAST dev split (all topics), added to training only"] if takes_extra(member) else []

    def columns(rows):
        return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]

    started = time.perf_counter()
    if args.members_from:
        from models.ensemble import WeightedEnsembleStanceClassifier

        model = WeightedEnsembleStanceClassifier.load(args.members_from)
        model.decision = args.decision
        model.fit_weights(columns(dev))
    else:
        from models.ensemble import WeightedEnsembleStanceClassifier
        from models.registry import load_stance_model
        from models.stance import StanceClassifier

        reused = {m.kind: m for m in (load_stance_model(Path(d)) for d in args.reuse)}
        members = [reused.get(member.kind, member) for member in build_members(args.model, args)]
        for member in members:
            if member not in reused.values():
                rows = train + extra_training_rows(member)
                member.fit(*columns(rows), dev=columns(dev),
                           data_sources=["SemEval-2016 Task 6 train (trial + training), 85%", "dev: 15% of it", *extra_sources(member)],
                           **({"auxiliary": auxiliary_labels(rows)} if isinstance(member, StanceClassifier) else {}))
        model = WeightedEnsembleStanceClassifier(members, decision=args.decision).fit_weights(columns(dev)) if args.model in ENSEMBLES else members[0]
        if args.refit_all:
            # Selection is over (weights, temperature, the MiniLM epoch); the stack then learns from every training pair.
            for member in members:
                if member.kind == "stacked":
                    member.fit(*columns(train + dev), data_sources=["SemEval-2016 Task 6 train (trial + training), 100%, after selection on a 15% dev carve"])
    train_minutes = (time.perf_counter() - started) / 60
    if args.save:
        model.save(args.save)
    dev_scores = getattr(model, "dev_scores_", None) or getattr(model, "training_", None)
    if args.no_test:
        print(f"{train_minutes:.1f} train min; dev: {dev_scores}")
        return

    test = semeval2016_rows("test")
    precision = resolve_precision(args.precision)
    model.set_precision(precision)
    texts, targets, gold = columns(test)
    started = time.perf_counter()
    probabilities = model.predict_proba(texts, targets)
    rate = len(texts) / (time.perf_counter() - started)
    predicted = model.decide(probabilities)
    score = f_avg(gold, predicted)
    low, high = bootstrap_interval(f_avg, gold, predicted, seed=args.seed)
    gold_path, prediction_path = write_schema_files(test, predicted, probabilities)
    print(f"SemEval-2016 test F_avg {100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}], {train_minutes:.1f} train min, {rate:.0f} tweets/s")
    for target in sorted(set(targets)):
        index = [i for i, t in enumerate(targets) if t == target]
        print(f"  {target}: F_avg {100 * f_avg([gold[i] for i in index], [predicted[i] for i in index]):.2f} ({len(index)})")
    print(f"  dev: {dev_scores}")
    print(f"  report: stancewatch evaluate {gold_path} {prediction_path} --html {OUTPUT_DIR / 'report.html'}")
    if not args.no_write:
        append_row([
            today(), f"{model.kind} (seed {args.seed}{f', MiniLM epochs {args.epochs}, lr {args.learning_rate:g}' + (', soup' if args.soup else '') + (f', {args.frozen_layers} layers frozen, head lr {args.head_learning_rate:g}' if args.frozen_layers else '') + (f', {args.heads} heads' if args.heads > 1 else '') + (', layer mix' if args.layer_mix else '') + (f', auxiliary tasks {args.auxiliary_weight:g}' if args.auxiliary_weight else '') if args.model in ('minilm', *ENSEMBLES) or args.stack_attention else ''}"
            + (f", members {args.members}" if args.model == "ensemble" and args.members else "")
            + (", MiniLM in the stack" if args.stack_attention else "") + (", raw text" if args.raw_text else "")
            + (", MiniLM also trained on VAST dev" if args.extra_train == "vast" else "")
            + (f", {precision} inference" if precision != "fp32" else "") + (", F_avg decision offsets" if args.decision != "argmax" else "") + ")",
            "SemEval-2016 Task 6 A test (1,249)", "F_avg", f"{100 * score:.2f} [{100 * low:.2f}, {100 * high:.2f}]",
            f"{train_minutes:.1f}", f"{rate:.0f}", machine(), commit(),
            f"`python -m benchmarks.semeval2016 --model {args.model} --epochs {args.epochs} --learning-rate {args.learning_rate:g} --seed {args.seed}"
            + (" --soup" if args.soup else "") + (" --raw-text" if args.raw_text else "") + (f" --extra-train {args.extra_train}" if args.extra_train else "") + (f" --frozen-layers {args.frozen_layers} --head-learning-rate {args.head_learning_rate:g}" if args.frozen_layers else "")
            + (f" --heads {args.heads}" if args.heads > 1 else "") + (f" --auxiliary-weight {args.auxiliary_weight:g}" if args.auxiliary_weight != 0.5 else "") + (" --layer-mix" if args.layer_mix else "") + (" --stack-attention" if args.stack_attention else "")
            + (f" --members {args.members}" if args.model == "ensemble" and args.members else "")
            + (f" --members-from {args.members_from}" if args.members_from else "")
            + "".join(f" --reuse {d}" for d in args.reuse) + (" --refit-all" if args.refit_all else "")
            + (f" --precision {args.precision}" if args.precision != "fp32" else "") + (f" --decision {args.decision}" if args.decision != "argmax" else "") + "`",
        ])


if __name__ == "__main__":
    main()
