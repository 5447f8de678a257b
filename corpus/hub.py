"""Stance pairs from any corpus `datasets.load_dataset` can open: a hub id where there is internet
(`cardiffnlp/tweet_eval` with config `stance_abortion`, say), or a local folder or data file.

Column names and label spellings differ between corpora, so the columns are named by the caller and the
labels mapped onto favor / against / none; a label that maps to none of them is an error naming the
dataset, the row and the field, never a silent "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.schema import STANCE_LABELS

# Spellings seen in public stance corpora (SemEval FAVOR/AGAINST/NONE, P-Stance, VAST's pro/con/neutral, TweetEval).
LABEL_SPELLINGS = {
    "favor": "favor", "favour": "favor", "pro": "favor", "support": "favor", "supports": "favor", "agree": "favor",
    "against": "against", "con": "against", "oppose": "against", "opposes": "against", "disagree": "against",
    "none": "none", "neutral": "none", "neither": "none",
}


@dataclass(frozen=True)
class HubStanceSource:
    """Which dataset, split and columns hold (text, target, label); `target` names one target for a whole
    single-target corpus (TweetEval's configs), `target_column` a per-row one."""

    dataset: str
    split: str = "train"
    config: str | None = None
    text_column: str = "text"
    label_column: str = "label"
    target_column: str | None = "target"
    target: str | None = None

    def describe(self) -> str:
        return f"{self.dataset}" + (f" ({self.config})" if self.config else "") + f", split {self.split}"


# `datasets` opens a folder or a hub id by itself; a single data file needs its format named.
FILE_BUILDERS = {".csv": ("csv", {}), ".tsv": ("csv", {"delimiter": "\t"}), ".jsonl": ("json", {}), ".json": ("json", {}), ".parquet": ("parquet", {})}


def _load(source: HubStanceSource):
    from datasets import load_dataset

    path = Path(source.dataset)
    if not path.is_file():
        return load_dataset(source.dataset, source.config, split=source.split)
    if path.suffix.lower() not in FILE_BUILDERS:
        raise ValueError(f"a data file must be one of {', '.join(FILE_BUILDERS)}")
    if source.split != "train":
        raise ValueError(f"a single file holds one split, read as 'train'; split {source.split!r} needs a folder or a hub dataset")
    builder, options = FILE_BUILDERS[path.suffix.lower()]
    return load_dataset(builder, data_files=str(path), split="train", **options)


def hub_stance_rows(source: HubStanceSource) -> list[dict[str, str]]:
    """Rows {id, text, target, label} in our label set, read through `datasets`."""
    from datasets import ClassLabel

    if source.target is None and source.target_column is None:
        raise ValueError(f"{source.describe()}: name a target column or give one target for the whole corpus")
    try:
        dataset = _load(source)
    except (FileNotFoundError, ValueError, ConnectionError) as error:
        raise ValueError(f"{source.describe()}: cannot be loaded ({error}); without internet, give a local folder or file") from error
    wanted = [source.text_column, source.label_column] + ([source.target_column] if source.target is None else [])
    missing = [column for column in wanted if column not in dataset.column_names]
    if missing:
        raise ValueError(f"{source.describe()}: no column(s) {missing}; it has {dataset.column_names}")
    feature = dataset.features[source.label_column]
    names = feature.names if isinstance(feature, ClassLabel) else None
    rows = []
    for index, record in enumerate(dataset):
        where = f"{source.describe()}: record {index + 1} (counting from 1, a CSV header not counted)"
        raw = record[source.label_column]
        spelled = names[raw] if names is not None and isinstance(raw, int) else str(raw)
        label = LABEL_SPELLINGS.get(spelled.strip().lower())
        if label is None:
            raise ValueError(f"{where}: field {source.label_column!r}: label {raw!r} is none of {STANCE_LABELS} (or a known spelling of one)")
        text = record[source.text_column]
        target = source.target if source.target is not None else record[source.target_column]
        for field, value in ((source.text_column, text), (source.target_column or "target", target)):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{where}: field {field!r} must be non-empty text, got {value!r}")
        rows.append({"id": f"{source.dataset}:{source.split}:{index}", "text": text.strip(), "target": target.strip(), "label": label})
    if not rows:
        raise ValueError(f"{source.describe()}: holds no rows")
    return rows
