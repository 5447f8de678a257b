"""Hyperparameter search for the fine-tuned MiniLM models, scored on dev splits only (never a test split).

Each setting is trained once and its dev scores (per epoch for the claims model) are written as one
JSON line to `--out`; the dev probabilities of the selected epoch go beside it (`.npz`), so the
ensemble with other members can be judged on dev afterwards. A GPU (`--device cuda`) makes the grid
minutes instead of hours; the chosen setting is then trained and tested once by its benchmark.

    python -m benchmarks.dev_sweep stance --device cuda --out .stancewatch/sweep
    python -m benchmarks.dev_sweep claims --device cuda --out .stancewatch/sweep

`--setting JSON --seeds 13 14 15` replaces the grid with one setting trained once per seed: the dev
probabilities of a seed bag, to judge on dev whether averaging seeds is worth its training time.

`stance-oof` scores settings on all 2,914 training tweets instead of a 437-tweet dev carve: 5-fold out-of-fold
probabilities of the MiniLM model (each fold's model picks its epoch on a dev carve of its own training folds) and of
the stacked TF-IDF/embedding member, then the F_avg of each and of their weighted ensemble (the shipped recipe):

    python -m benchmarks.dev_sweep stance-oof --setting '{"epochs": 4, "learning_rate": 4e-5, "auxiliary_weight": 0}' \
        --seeds 13 14 --device cuda
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from corpus.external import auxiliary_labels, checkthat2024_rows, semeval2016_rows
from evaluation.stance import f_avg
from models.encoders import DEFAULT_ENCODER
from models.training import carve_dev

# Settings are tried in order; a setting's own "seed" (the model's) overrides --seed, which also carves dev.
STANCE_GRID: list[dict[str, object]] = [
    {"learning_rate": 6e-5, "epochs": 8, "soup": True},
    {"learning_rate": 6e-5, "epochs": 8, "soup": True, "seed": 14},
    {"learning_rate": 6e-5, "epochs": 8, "seed": 14},
    {"learning_rate": 1e-4, "epochs": 6},
    {"learning_rate": 1e-4, "epochs": 10},
    {"learning_rate": 2e-4, "epochs": 8},
    {"learning_rate": 1e-4, "epochs": 8, "frozen_layers": 3},
    {"learning_rate": 6e-5, "epochs": 8},
    {"learning_rate": 1e-4, "epochs": 8, "class_weighting": "inverse"},
    {"learning_rate": 4e-5, "epochs": 4},
    {"learning_rate": 1e-4, "epochs": 8, "batch_size": 32},
    # The whole encoder frozen (head only), which lets an ensemble share one encoder pass with its embedding member.
    {"frozen_layers": 6, "head_learning_rate": 1e-3, "epochs": 10},
    {"frozen_layers": 6, "head_learning_rate": 3e-3, "epochs": 10},
]
CLAIMS_GRID: list[dict[str, object]] = [
    {"learning_rate": 5e-5, "epochs": 3},
    {"learning_rate": 3e-5, "epochs": 3, "class_weighting": "none"},
    {"learning_rate": 1e-4, "epochs": 3},
]


def sweep_stance(grid: list[dict[str, object]], device: str, out: Path, seed: int, encoder: str) -> None:
    from models.stance import StanceClassifier

    train, dev = carve_dev(semeval2016_rows("train"), seed)
    for index, setting in enumerate(grid):
        started, setting = time.perf_counter(), {"seed": seed} | setting
        model = StanceClassifier(**setting, encoder=encoder, device=device).fit(*_columns(train), dev=_columns(dev), auxiliary=auxiliary_labels(train))
        _record_stance(model, setting, _columns(dev), out, f"stance-{index}", seed, time.perf_counter() - started)


OOF_FOLDS = 5
# The MiniLM member's weight in the shipped stacked ensemble (the geometric mean fitted on dev, benchmarks.semeval2016).
ENSEMBLE_WEIGHT = 0.4


def sweep_stance_oof(grid: list[dict[str, object]], device: str, out: Path, seed: int, encoder: str) -> None:
    """Out-of-fold probabilities over SemEval-2016 train for each setting, the stacked member's once (cached in `out`)."""
    from sklearn.model_selection import StratifiedKFold

    from models.ensemble import _combine
    from models.stacking import default_stack
    from models.stance import StanceClassifier

    rows = semeval2016_rows("train")
    gold = [r["label"] for r in rows]
    folds = list(StratifiedKFold(OOF_FOLDS, shuffle=True, random_state=seed).split(rows, [f"{r['target']}|{r['label']}" for r in rows]))

    def out_of_fold(make_model, with_auxiliary: bool) -> np.ndarray:
        probabilities = np.zeros((len(rows), 3))
        for train_index, held_index in folds:
            train, dev = carve_dev([rows[i] for i in train_index], seed)
            model = make_model()
            model.fit(*_columns(train), dev=_columns(dev), **({"auxiliary": auxiliary_labels(train)} if with_auxiliary else {}))
            held = [rows[i] for i in held_index]
            probabilities[held_index] = model.predict_proba([r["text"] for r in held], [r["target"] for r in held])
        return probabilities

    stack_path = out / f"stance-oof-stacked-seed{seed}.npz"
    if not stack_path.exists():
        np.savez(stack_path, probabilities=out_of_fold(lambda: default_stack(seed), with_auxiliary=False))
    stacked = np.load(stack_path)["probabilities"]
    for index, setting in enumerate(grid):
        started, setting = time.perf_counter(), {"seed": seed} | setting
        minilm = out_of_fold(lambda: StanceClassifier(**setting, encoder=encoder, device=device), with_auxiliary=True)
        ensemble = _combine([minilm, stacked], np.array([ENSEMBLE_WEIGHT, 1 - ENSEMBLE_WEIGHT]), temperature=1.0)
        record = {
            "name": f"stance-oof-{index}", "setting": setting, "folds": OOF_FOLDS, "fold_seed": seed, "tweets": len(rows),
            "minilm_f_avg": round(f_avg(gold, _labels(minilm)), 4), "stacked_f_avg": round(f_avg(gold, _labels(stacked)), 4),
            f"ensemble_f_avg_at_{ENSEMBLE_WEIGHT}": round(f_avg(gold, _labels(ensemble)), 4), "seconds": round(time.perf_counter() - started, 1),
        }
        np.savez(out / f"stance-oof-{index}.npz", probabilities=minilm)
        _append(out / "stance-oof.jsonl", record)


def _columns(rows):
    return [r["text"] for r in rows], [r["target"] for r in rows], [r["label"] for r in rows]


def _labels(probabilities: np.ndarray) -> list[str]:
    from corpus.schema import STANCE_LABELS

    return [STANCE_LABELS[i] for i in probabilities.argmax(1)]


def _record_stance(model, setting, dev, out: Path, name: str, carve_seed: int, seconds: float) -> None:
    probabilities = model.predict_proba(dev[0], dev[1])
    predicted = model.decide(probabilities)
    record = {
        "name": name, "setting": setting, "carve_seed": carve_seed,
        "best_epoch": model.training_.best_epoch, "soup_epochs": model.training_.soup_epochs, "dev_macro_f1": model.training_.dev_macro_f1,
        "dev_f_avg": round(f_avg(list(dev[2]), predicted), 4), "seconds": round(seconds, 1),
    }
    np.savez(out / f"{name}.npz", probabilities=probabilities)
    _append(out / "stance.jsonl", record)


def sweep_claims(grid: list[dict[str, object]], device: str, out: Path, seed: int, encoder: str) -> None:
    """Trains on train, picks epoch and threshold on dev, scores dev-test with that threshold."""
    from evaluation.claims import checkworthy_f1
    from models.claims import MiniLMCheckworthiness

    def columns(rows):
        return [str(r["text"]) for r in rows], np.array([bool(r["checkworthy"]) for r in rows])

    train, dev, held = columns(checkthat2024_rows("train")), columns(checkthat2024_rows("dev")), columns(checkthat2024_rows("dev-test"))
    for index, setting in enumerate(grid):
        started, setting = time.perf_counter(), {"seed": seed} | setting
        model = MiniLMCheckworthiness(**setting, encoder=encoder, device=device).fit(*train, dev=dev)
        scores = model.predict_proba(held[0])[:, 1]
        record = {
            "name": f"claims-{index}", "setting": setting, "selected": model.training_.selected, "threshold": model.threshold_,
            "dev_grid": model.training_.dev_grid, "dev_test_f1": round(float(checkworthy_f1(held[1], scores >= model.threshold_)), 4),
            "seconds": round(time.perf_counter() - started, 1),
        }
        np.savez(out / f"claims-{index}.npz", dev_test=scores, dev=model.predict_proba(dev[0])[:, 1])
        _append(out / "claims.jsonl", record)


def _append(path: Path, record: dict[str, object]) -> None:
    print(json.dumps(record), flush=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=("stance", "stance-oof", "claims"))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--encoder", default=DEFAULT_ENCODER, help="shipped package name, local folder or hub id")
    parser.add_argument("--out", type=Path, default=Path(".stancewatch/sweep"))
    parser.add_argument("--setting", type=json.loads, help='one setting instead of the grid, as JSON: \'{"learning_rate": 6e-5, "epochs": 8}\'')
    parser.add_argument("--seeds", type=int, nargs="+", help="with --setting: train it once per model seed (dev stays carved by --seed)")
    args = parser.parse_args()
    if bool(args.setting) != bool(args.seeds):
        parser.error("--setting and --seeds go together")
    grids = {"stance": STANCE_GRID, "stance-oof": STANCE_GRID, "claims": CLAIMS_GRID}
    grid = [args.setting | {"seed": s} for s in args.seeds] if args.seeds else grids[args.task]
    args.out.mkdir(parents=True, exist_ok=True)
    sweeps = {"stance": sweep_stance, "stance-oof": sweep_stance_oof, "claims": sweep_claims}
    sweeps[args.task](grid, args.device, args.out, args.seed, args.encoder)


if __name__ == "__main__":
    main()
