"""Shared fixtures: tiny data we wrote, real spaCy, real MiniLM, trained once per session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ["Belarus instrumentalizes migrants", "Suspending flights to Minsk"]

# Tiny hand-written statements: enough for a model to overfit, never a benchmark.
TINY = [
    ("t01", "Lukashenko is using migrants as a weapon against Europe.", "favor", "none"),
    ("t02", "Minsk flew these people in on purpose to pressure the EU.", "favor", "none"),
    ("t03", "The regime in Minsk engineered this crisis to blackmail Brussels.", "favor", "none"),
    ("t04", "Belarus has nothing to do with the migrants; the West caused their misery.", "against", "none"),
    ("t05", "Accusing Belarus of a hybrid attack is Western propaganda.", "against", "none"),
    ("t06", "Minsk did not organise anything, these are lies from Warsaw.", "against", "none"),
    ("t07", "We welcome the suspension of all flights from Baghdad to Minsk.", "none", "favor"),
    ("t08", "Airlines must stop flying migrants to Minsk immediately.", "none", "favor"),
    ("t09", "Halting the flights to Belarus was the right decision.", "none", "favor"),
    ("t10", "Cancelling flights to Minsk punishes ordinary travellers and must be reversed.", "none", "against"),
    ("t11", "Our airline will keep its Minsk route open despite the pressure.", "none", "against"),
    ("t12", "Stopping the flights is wrong; people have the right to travel.", "none", "against"),
    ("t13", "The weather in Erbil was sunny on Tuesday.", "none", "none"),
    ("t14", "The football match in Baghdad ended in a draw.", "none", "none"),
    ("t15", "A new school opened in Sulaymaniyah this week.", "none", "none"),
]


def tiny_pairs(rows=TINY) -> tuple[list[str], list[str], list[str]]:
    """The tiny statements as parallel (text, target, label) lists, one entry per target."""
    texts, targets, labels = [], [], []
    for _, text, *row_labels in rows:
        for target, label in zip(TARGETS, row_labels):
            texts.append(text)
            targets.append(target)
            labels.append(label)
    return texts, targets, labels


def tampered_copy(model_dir: Path, destination: Path, weights_file: str) -> Path:
    """A copy of a saved model whose weights file has its last 16 bytes zeroed."""
    import shutil

    shutil.copytree(model_dir, destination)
    with (destination / weights_file).open("r+b") as handle:
        handle.seek(-16, 2)
        handle.write(b"\x00" * 16)
    return destination


def tiny_records() -> list[dict]:
    records = []
    for index, (sid, text, first, second) in enumerate(TINY):
        records.append(
            {
                "id": sid,
                "text": text,
                "source_type": ("official", "tweet", "press")[index % 3],
                "speaker": "Masrour Barzani" if index % 2 else "Fuad Hussein",
                "date": f"2021-{9 + index % 4:02d}-{1 + index:02d}",
                "targets": TARGETS,
                "gold": {"stances": [{"target": TARGETS[0], "label": first}, {"target": TARGETS[1], "label": second}]},
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_gold(tmp_path_factory) -> Path:
    return write_jsonl(tmp_path_factory.mktemp("gold") / "tiny.jsonl", tiny_records())


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_gold) -> Path:
    """A real MiniLM stance model, trained once per session on the tiny data (seconds, not minutes)."""
    from models.training import train_stance_model

    out = tmp_path_factory.mktemp("model") / "stance"
    train_stance_model(
        tiny_gold, out, tiny_gold, {"model": "minilm", "epochs": 12, "batch_size": 8, "max_length": 48, "learning_rate": 1e-4, "head_learning_rate": 3e-3, "seed": 1}
    )
    return out


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory, tiny_model_dir) -> Path:
    folder = tmp_path_factory.mktemp("config")
    path = folder / "stancewatch.toml"
    path.write_text(
        f"""
[targets]
names = {json.dumps(TARGETS)}
file = "{ROOT / 'corpus' / 'targets' / 'border_crisis.toml'}"

[stance]
model_dir = "{tiny_model_dir}"

[store]
db = "{folder / 'store.db'}"
quarantine = "{folder / 'quarantine.jsonl'}"
""",
        encoding="utf-8",
    )
    return path
