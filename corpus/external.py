"""Readers for the public benchmark sets in ../shared/data, returned as `datasets.Dataset` pair tables.

The files are read in place and never copied: their licences allow research use, not redistribution.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from corpus.schema import STANCE_LABELS

SHARED_DATA_ENV = "STANCEWATCH_SHARED_DATA"
SEMEVAL_FILES = {
    "train": ("trialdata-all-annotations.txt", "trainingdata-all-annotations.txt"),
    "test": ("testdata-taskA-all-annotations.txt",),
}


def shared_data_dir() -> Path:
    """../shared/data beside the checkout, or $STANCEWATCH_SHARED_DATA."""
    configured = os.environ.get(SHARED_DATA_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "shared" / "data"


def require_dataset(name: str) -> Path:
    folder = shared_data_dir() / name
    if not folder.is_dir():
        raise FileNotFoundError(
            f"benchmark data {folder} is missing: put the shared data folder beside the checkout "
            f"or point ${SHARED_DATA_ENV} at it"
        )
    return folder


# The annotators' other two labels of each tweet (Mohammad et al. 2017): whom the opinion is about (target / other /
# no one) and the tweet's sentiment (positive / negative / neither). Stance models may learn them as auxiliary tasks.
SEMEVAL_AUXILIARY = {"opinion_towards": "Opinion towards", "sentiment": "Sentiment"}


def semeval2016_rows(split: str) -> list[dict[str, str]]:
    """SemEval-2016 Task 6 Task A as rows {id, text, target, label, opinion_towards, sentiment}; train = trial +
    training (official)."""
    if split not in SEMEVAL_FILES:
        raise ValueError(f"SemEval-2016 split must be one of {sorted(SEMEVAL_FILES)}, got {split!r}")
    folder = require_dataset("semeval2016_task6_stance")
    rows: list[dict[str, str]] = []
    for name in SEMEVAL_FILES[split]:
        # A few training rows hold stray non-UTF-8 bytes; latin-1 never fails and keeps the ASCII intact.
        with (folder / name).open(encoding="latin-1", newline="") as handle:
            for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                label = record["Stance"].strip().lower()
                if label not in STANCE_LABELS:
                    raise ValueError(f"{folder / name}: row {record['ID']}: unknown stance {record['Stance']!r}")
                rows.append(
                    {"id": f"semeval-{record['ID'].strip()}", "text": record["Tweet"].strip(), "target": record["Target"].strip(), "label": label,
                     **{name: record[column].strip().lower() for name, column in SEMEVAL_AUXILIARY.items()}}
                )
    return rows


def auxiliary_labels(rows: list[dict[str, str]]) -> dict[str, list[str | None]]:
    """Each SemEval auxiliary task's label per row, None for rows from elsewhere (VAST): `StanceClassifier.fit`'s `auxiliary`."""
    return {task: [row.get(task) for row in rows] for task in SEMEVAL_AUXILIARY}


def semeval2016(split: str):
    """The same rows as a `datasets.Dataset` (columns id, text, target, label)."""
    from datasets import Dataset

    return Dataset.from_list(semeval2016_rows(split))


VAST_LABELS = {"0": "against", "1": "favor", "2": "none"}


def vast_rows(split: str) -> list[dict[str, str]]:
    """VAST (Allaway & McKeown 2020) as rows {id, text, target, label, seen}; only dev and test exist here.

    `seen` is "1" for few-shot topics (present in VAST's train) and "0" for zero-shot ones.
    """
    if split not in ("dev", "test"):
        raise ValueError(f"VAST split must be 'dev' or 'test' (its train split is not available), got {split!r}")
    path = require_dataset("vast") / f"vast_{split}.csv"
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            if record["Stance"] not in VAST_LABELS:
                raise ValueError(f"{path}:{line}: unknown stance code {record['Stance']!r}; expected {sorted(VAST_LABELS)}")
            rows.append(
                {"id": f"vast-{split}-{line}", "text": record["Tweet"].strip(), "target": record["Target"].strip(),
                 "label": VAST_LABELS[record["Stance"]], "seen": record["seen?"].strip()}
            )
    return rows


CHECKTHAT_FILES = {
    "train": "CT24_checkworthy_english_train.tsv",
    "dev": "CT24_checkworthy_english_dev.tsv",
    "dev-test": "CT24_checkworthy_english_dev-test.tsv",
    "test": "CT24_checkworthy_english_test_gold.tsv",
}
CHECKTHAT_LABELS = {"Yes": True, "No": False}


def checkthat2024_rows(split: str) -> list[dict[str, object]]:
    """CheckThat! 2024 Task 1 English as rows {id, text, checkworthy}; test is the official gold file.

    Some texts are quoted with doubled inner quotes, so the default csv quoting reads them (QUOTE_NONE would not).
    """
    if split not in CHECKTHAT_FILES:
        raise ValueError(f"CheckThat! 2024 split must be one of {sorted(CHECKTHAT_FILES)}, got {split!r}")
    path = require_dataset("checkthat2024_task1_english") / CHECKTHAT_FILES[split]
    rows: list[dict[str, object]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle, delimiter="\t"), start=2):
            label = (record.get("class_label") or "").strip()
            if label not in CHECKTHAT_LABELS:
                raise ValueError(f"{path}:{line}: class_label {label!r} is not one of {sorted(CHECKTHAT_LABELS)}")
            rows.append({"id": f"ct24-{record['Sentence_id'].strip()}", "text": record["Text"].strip(), "checkworthy": CHECKTHAT_LABELS[label]})
    return rows


def checkthat2024(split: str):
    """The same rows as a `datasets.Dataset` (columns id, text, checkworthy)."""
    from datasets import Dataset

    return Dataset.from_list(checkthat2024_rows(split))
