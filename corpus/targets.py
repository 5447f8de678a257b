"""Targets are data: a TOML file per domain names each target and what favor / against mean."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

TARGETS_DIR = Path(__file__).resolve().parent / "targets"


@dataclass(frozen=True)
class Target:
    name: str
    favor: str = ""
    against: str = ""
    domain: str = ""


def load_targets(path: Path) -> list[Target]:
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: target file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: invalid TOML: {error}") from None
    domain = raw.get("domain", Path(path).stem)
    entries = raw.get("target")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected one or more [[target]] tables")
    targets = []
    for index, entry in enumerate(entries, start=1):
        unknown = set(entry) - {"name", "favor", "against"}
        if "name" not in entry:
            raise ValueError(f"{path}: [[target]] #{index}: needs 'name'" + (f"; unknown keys {sorted(unknown)}" if unknown else ""))
        if unknown:
            raise ValueError(f"{path}: [[target]] #{index} ({entry['name']!r}): unknown keys {sorted(unknown)}; a target takes 'name', 'favor' and 'against'")
        targets.append(Target(entry["name"], entry.get("favor", ""), entry.get("against", ""), domain))
    names = [t.name for t in targets]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{path}: target names defined twice: {duplicates}")
    return targets


def domain_targets() -> dict[str, list[Target]]:
    """Every shipped domain's targets, by domain name."""
    return {path.stem: load_targets(path) for path in sorted(TARGETS_DIR.glob("*.toml"))}
