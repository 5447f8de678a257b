"""Loaders returning `datasets.Dataset` objects: the project's gold splits and (statement, target) pair tables."""

from __future__ import annotations

from pathlib import Path

from corpus.reader import read_gold
from corpus.schema import Statement

DATA_DIR = Path(__file__).resolve().parent / "data"
SPLITS = ("train", "dev", "test")


def split_path(domain: str, split: str) -> Path:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    path = DATA_DIR / domain / f"{split}.jsonl"
    if not path.is_file():
        known = sorted(p.name for p in DATA_DIR.iterdir() if p.is_dir()) if DATA_DIR.is_dir() else []
        raise FileNotFoundError(f"{path}: no such split; domains here: {known}")
    return path


def statement_rows(statements: list[Statement]) -> list[dict[str, object]]:
    return [
        {
            "id": s.id, "text": s.text, "source_type": s.source_type, "speaker": s.speaker or "",
            "date": s.date.isoformat() if s.date else "", "outlet": s.outlet or "",
        }
        for s in statements
    ]


def pair_rows(statements: list[Statement]) -> list[dict[str, str]]:
    """One row per gold (statement, target) stance label."""
    return [
        {"id": s.id, "text": s.text, "target": g.target, "label": g.label, "source_type": s.source_type, "speaker": s.speaker or ""}
        for s in statements
        if s.gold is not None
        for g in s.gold.stances
    ]


def load_statements(path: Path):
    from datasets import Dataset

    return Dataset.from_list(statement_rows(read_gold(path)))


def load_stance_pairs(path: Path):
    """A gold JSONL file as a `datasets.Dataset` of (id, text, target, label) rows."""
    from datasets import Dataset

    return Dataset.from_list(pair_rows(read_gold(path)))


def load_split(domain: str, split: str, pairs: bool = False):
    path = split_path(domain, split)
    return load_stance_pairs(path) if pairs else load_statements(path)
