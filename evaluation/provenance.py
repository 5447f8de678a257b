"""Whether a gold file taught the model being scored: scores on a model's own training or dev data measure fit, not
accuracy, and nothing in a prediction file says so. Reads the saved model's configs only (no weights, no torch)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from models.weights import file_sha256

STANCE_CONFIG_FILE = "stance_config.json"  # models.stance.CONFIG_FILE, without importing torch to read it
_SOURCE = re.compile(r"^(?:dev: )?(?P<path>.+?)(?: \(sha256 (?P<sha>[0-9a-f]{12})\))?(?: \(.*\))?$")


def stance_model_id(model_dir: Path) -> str | None:
    """`name@hash12` of a saved stance model, as its predictions' provenance names it; None when there is none."""
    config = Path(model_dir) / STANCE_CONFIG_FILE
    if not config.is_file():
        return None
    saved = json.loads(config.read_text(encoding="utf-8"))
    return f"{saved.get('name')}@{str(saved.get('weights_sha256', ''))[:12]}"


def _data_sources(value: object) -> Iterator[str]:
    """Every string listed under a `data_sources` key, at any depth (members, added targets)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "data_sources" and isinstance(inner, list):
                yield from (source for source in inner if isinstance(source, str))
            else:
                yield from _data_sources(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _data_sources(inner)


def sources_naming(model_dir: Path, data_file: Path) -> list[str]:
    """The training and dev sources of the model in `model_dir` (every member's) that are `data_file`.

    A source recorded with the start of its sha256 matches by content, wherever the file now lies or whatever it is
    called; one recorded by path only (models trained before hashes were recorded) matches by path from here.
    """
    digest = file_sha256(data_file)[:12]
    here = Path(data_file).resolve()
    found: list[str] = []
    for config in sorted(Path(model_dir).rglob(STANCE_CONFIG_FILE)):
        for source in _data_sources(json.loads(config.read_text(encoding="utf-8"))):
            parsed = _SOURCE.match(source)
            if parsed is None or source in found:
                continue
            same = parsed["sha"] == digest if parsed["sha"] else Path(parsed["path"]).resolve() == here
            if same:
                found.append(source)
    return found
