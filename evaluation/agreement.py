"""Inter-annotator agreement on stance: Cohen's kappa per target and overall, Krippendorff's alpha."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import cohen_kappa_score

from corpus.reader import read_gold
from corpus.schema import STANCE_LABELS, Statement


def paired_labels(first: list[Statement], second: list[Statement]) -> tuple[list[str], list[str], list[str]]:
    """(target, label A, label B) for every (statement, target) both annotators labelled."""
    second_by_id = {s.id: s for s in second}
    targets, labels_a, labels_b = [], [], []
    for statement in first:
        other = second_by_id.get(statement.id)
        if other is None or statement.gold is None or other.gold is None:
            continue
        for stance in statement.gold.stances:
            label_b = other.gold.stance_for(stance.target)
            if label_b is not None:
                targets.append(stance.target)
                labels_a.append(stance.label)
                labels_b.append(label_b)
    return targets, labels_a, labels_b


def _kappa(a: list[str], b: list[str]) -> float | None:
    if len(set(a) | set(b)) < 2:
        return None  # one label only: chance agreement is total and kappa undefined
    return float(cohen_kappa_score(a, b, labels=list(STANCE_LABELS)))


def krippendorff_alpha(a: list[str], b: list[str]) -> float | None:
    import krippendorff

    if len(set(a) | set(b)) < 2:
        return None
    codes = {label: index for index, label in enumerate(STANCE_LABELS)}
    matrix = np.array([[codes[x] for x in a], [codes[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def agreement(first_path: Path, second_path: Path) -> dict[str, object]:
    first, second = read_gold(first_path), read_gold(second_path)
    targets, a, b = paired_labels(first, second)
    if not a:
        raise ValueError(f"{first_path} and {second_path} share no labelled (statement, target) pairs")
    per_target = defaultdict(lambda: ([], []))
    for target, x, y in zip(targets, a, b):
        per_target[target][0].append(x)
        per_target[target][1].append(y)
    shared_ids = {s.id for s in first} & {s.id for s in second}
    return {
        "statements": len(shared_ids),
        "pairs": len(a),
        "observed_agreement": float(np.mean([x == y for x, y in zip(a, b)])),
        "cohen_kappa": _kappa(a, b),
        "krippendorff_alpha": krippendorff_alpha(a, b),
        "per_target": {
            target: {
                "pairs": len(x),
                "observed_agreement": float(np.mean([p == q for p, q in zip(x, y)])),
                "cohen_kappa": _kappa(x, y),
            }
            for target, (x, y) in sorted(per_target.items())
        },
    }
