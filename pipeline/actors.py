"""The actor registry: canonical actors with their aliases, so that 'KRG', 'Erbil' and 'the Kurdistan
Regional Government' all resolve to one actor, in texts (through spaCy's EntityRuler) and in speaker fields."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ACTOR_LABELS = {"person": "PERSON", "government": "ORG", "organisation": "ORG", "institution": "ORG", "media": "ORG", "company": "ORG", "ngo": "ORG", "country": "GPE", "group": "NORP"}


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    affiliation: str
    aliases: tuple[str, ...] = ()
    label: str = "ORG"

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "affiliation": self.affiliation}


def _normalise(mention: str) -> str:
    mention = re.sub(r"\s+", " ", mention.strip().strip("\"'“”‘’.,:;")).lower()
    return re.sub(r"^the ", "", mention)


@dataclass
class ActorRegistry:
    actors: dict[str, Actor] = field(default_factory=dict)
    _alias_index: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> "ActorRegistry":
        registry = cls()
        for path in paths:
            registry._load(Path(path))
        return registry

    def _load(self, path: Path) -> None:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise FileNotFoundError(f"{path}: actor registry not found") from None
        for index, entry in enumerate(raw.get("actor", []), start=1):
            where = f"{path}: [[actor]] #{index}"
            unknown = set(entry) - {"name", "kind", "affiliation", "aliases", "label"}
            if unknown or "name" not in entry or "kind" not in entry:
                raise ValueError(f"{where}: needs 'name' and 'kind'; unknown keys {sorted(unknown)}")
            if entry["kind"] not in ACTOR_LABELS:
                raise ValueError(f"{where}: kind {entry['kind']!r} is not one of {sorted(ACTOR_LABELS)}")
            actor = Actor(
                name=entry["name"],
                kind=entry["kind"],
                affiliation=entry.get("affiliation", entry["name"]),
                aliases=tuple(entry.get("aliases", [])),
                label=entry.get("label", ACTOR_LABELS[entry["kind"]]),
            )
            self.add(actor, where)

    def add(self, actor: Actor, where: str = "registry") -> None:
        if actor.name in self.actors:
            raise ValueError(f"{where}: actor {actor.name!r} is defined twice")
        self.actors[actor.name] = actor
        for mention in (actor.name, *actor.aliases):
            key = _normalise(mention)
            owner = self._alias_index.get(key)
            if owner is not None and owner != actor.name:
                raise ValueError(f"{where}: alias {mention!r} of {actor.name!r} already names {owner!r}")
            self._alias_index[key] = actor.name
        self._lookup.cache_clear()

    def __len__(self) -> int:
        return len(self.actors)

    def resolve(self, mention: str | None) -> Actor | None:
        """Exact alias first; otherwise the longest alias that ends the mention or one of its comma parts.

        English names a speaker last ('KRG Prime Minister Masrour Barzani', 'Fuad Hussein, Iraq's
        Foreign Minister'), so an alias at the start ('KRG Department of ...', 'Warsaw Institute')
        never claims the whole mention.
        """
        if not mention or not mention.strip():
            return None
        name = self._lookup(_normalise(mention))
        return self.actors[name] if name else None

    @lru_cache(maxsize=65536)  # noqa: B019 - registries live for the whole run
    def _lookup(self, key: str) -> str | None:
        if key in self._alias_index:
            return self._alias_index[key]
        parts = [part.strip() for part in key.split(",") if part.strip()]
        found = [
            alias
            for part in parts
            for alias in self._alias_index
            if part == alias or part.endswith(" " + alias)
        ]
        if not found:
            return None
        return self._alias_index[max(found, key=len)]

    def __hash__(self) -> int:
        return id(self)
