"""The actor registry: canonical actors with their aliases, so that 'KRG', 'Erbil' and 'the Kurdistan
Regional Government' all resolve to one actor, in texts (through spaCy's EntityRuler) and in speaker fields."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

ACTOR_LABELS = {"person": "PERSON", "government": "ORG", "organisation": "ORG", "institution": "ORG", "media": "ORG", "company": "ORG", "ngo": "ORG", "country": "GPE", "group": "NORP"}
# The entity labels an actor's `label` may give: the text's mentions of the actor get it where spaCy found no entity.
ENTITY_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"})
# Other spellings a registry may write for a kind, read as the kind stored (trends and speakers compare kinds).
KIND_SPELLINGS = {"organization": "organisation"}


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    affiliation: str
    aliases: tuple[str, ...] = ()
    label: str = "ORG"
    # How texts refer back to a person ('he', 'she', 'they'); None: unknown, compatible with any pronoun.
    pronoun: str | None = None

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "affiliation": self.affiliation}


# When a statement was made: a day, or the first and last day of the month or year it is dated to.
When = dt.date | tuple[dt.date, dt.date]


def period_days(period: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a 'YYYY-MM' or 'YYYY' period (a statement dated only 'in April')."""
    if not period:
        return None
    year, _, month = period.partition("-")
    if not month:
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    first = dt.date(int(year), int(month), 1)
    return first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class OfficeTerm:
    """One actor holding an office from `start` through `end`, the last day in office; None is open-ended."""

    actor: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Office:
    """A role that different actors hold over time ('the Iraqi Foreign Minister'): a mention of the role
    names whoever held it on the statement's date, not whoever holds it today."""

    title: str
    aliases: tuple[str, ...]
    terms: tuple[OfficeTerm, ...]

    def holder_on(self, when: When) -> str | None:
        """Over a month or year, the one who held the office all through it: a change of hands within it names no one."""
        first, last = when if isinstance(when, tuple) else (when, when)
        return next((term.actor for term in self.terms if term.covers(first) and term.covers(last)), None)


def _normalise(mention: str) -> str:
    mention = re.sub(r"\s+", " ", mention.strip().strip("\"'“”‘’.,:;")).lower().replace("’", "'")
    return re.sub(r"^the ", "", mention)


@dataclass
class ActorRegistry:
    actors: dict[str, Actor] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    _alias_index: dict[str, str] = field(default_factory=dict)
    _office_index: dict[str, str] = field(default_factory=dict)
    _defined_at: dict[str, str] = field(default_factory=dict)

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
        except tomllib.TOMLDecodeError as error:
            raise ValueError(f"{path}: invalid TOML: {error}") from None
        for index, entry in enumerate(raw.get("actor", []), start=1):
            where = f"{path}: [[actor]] #{index}"
            _check_keys(entry, where, "an actor", ("name", "kind"), ("affiliation", "aliases", "label", "pronoun"))
            kind = str(entry["kind"])  # a TOML list or table is refused below as any unknown kind, not a TypeError
            kind = KIND_SPELLINGS.get(kind, kind)
            if kind not in ACTOR_LABELS:
                raise ValueError(f"{where}: kind {entry['kind']!r} is not one of {sorted(ACTOR_LABELS)}")
            if "label" in entry and entry["label"] not in ENTITY_LABELS:
                raise ValueError(
                    f"{where}: label {entry['label']!r} is not an entity label ({', '.join(sorted(ENTITY_LABELS))}): it is what the "
                    f"text's mentions of the actor are tagged; for a title that names them ('the maritime minister') add it to "
                    f"aliases, or an [[office]] when the title changes hands"
                )
            if entry.get("pronoun") is not None and (kind != "person" or entry["pronoun"] not in PERSON_PRONOUNS):
                raise ValueError(f"{where}: pronoun {entry['pronoun']!r} needs kind 'person' and one of {sorted(PERSON_PRONOUNS)}")
            actor = Actor(
                name=entry["name"],
                kind=kind,
                affiliation=entry.get("affiliation", entry["name"]),
                aliases=tuple(entry.get("aliases", [])),
                label=entry.get("label", ACTOR_LABELS[kind]),
                pronoun=entry.get("pronoun"),
            )
            self.add(actor, where)
        for index, entry in enumerate(raw.get("office", []), start=1):
            self.add_office(_office_from_toml(entry, f"{path}: [[office]] #{index}"), f"{path}: [[office]] #{index}")

    def add_office(self, office: Office, where: str = "registry") -> None:
        """Offices are read after actors, so every holder must already be a known actor."""
        if office.title in self.offices:
            raise ValueError(f"{where}: office {office.title!r} is defined twice")
        unknown = sorted({t.actor for t in office.terms} - set(self.actors))
        if unknown:
            raise ValueError(f"{where}: holders {unknown} of {office.title!r} are not actors of the registry")
        self.offices[office.title] = office
        for mention in (office.title, *office.aliases):
            key = _normalise(mention)
            owner = self._office_index.get(key)
            if owner is not None and owner != office.title:
                raise ValueError(f"{where}: alias {mention!r} of office {office.title!r} already names office {owner!r}")
            # An actor's alias is matched without a date, so an office that changed hands must not be one.
            named = self._alias_index.get(key)
            others = sorted({t.actor for t in office.terms} - {named})
            if named is not None and others:
                raise ValueError(
                    f"{where}: {mention!r} is an alias of actor {named!r}, but office {office.title!r} is also held by "
                    f"{', '.join(others)}: remove it from the actor's aliases, the office names the holder by date"
                )
            self._office_index[key] = office.title

    def add(self, actor: Actor, where: str = "registry") -> None:
        """A name defined again (two domains' registries loaded together) is the same actor: its aliases are
        added, and what the two definitions say must agree, because trends group speakers by affiliation."""
        known = self.actors.get(actor.name)
        if known is not None:
            actor = self._merged(known, actor, where)
        else:
            self._defined_at[actor.name] = where
        self.actors[actor.name] = actor
        for mention in (actor.name, *actor.aliases):
            key = _normalise(mention)
            owner = self._alias_index.get(key)
            if owner is not None and owner != actor.name:
                raise ValueError(f"{where}: alias {mention!r} of {actor.name!r} already names {owner!r}")
            self._alias_index[key] = actor.name
        self._lookup.cache_clear()

    def _merged(self, known: Actor, again: Actor, where: str) -> Actor:
        first = self._defined_at[known.name]
        for field_name in ("kind", "affiliation", "label"):
            if getattr(known, field_name) != getattr(again, field_name):
                raise ValueError(
                    f"{where}: actor {again.name!r} was defined at {first} with {field_name} {getattr(known, field_name)!r}, "
                    f"here with {getattr(again, field_name)!r}: make the two definitions agree"
                )
        if known.pronoun and again.pronoun and known.pronoun != again.pronoun:
            raise ValueError(f"{where}: actor {again.name!r} was defined at {first} with pronoun {known.pronoun!r}, here with {again.pronoun!r}")
        aliases = known.aliases + tuple(a for a in again.aliases if a not in known.aliases)
        return replace(known, aliases=aliases, pronoun=known.pronoun or again.pronoun)

    def __len__(self) -> int:
        return len(self.actors)

    def resolve(self, mention: str | None, on: When | None = None) -> Actor | None:
        """Exact alias first; otherwise the longest alias that ends the mention or one of its comma parts (but an
        organisation before a country, 'IOM Iraq', is that organisation's office there).

        English names a speaker last ('KRG Prime Minister Masrour Barzani', 'Fuad Hussein, Iraq's
        Foreign Minister'), so an alias at the start ('KRG Department of ...', 'Warsaw Institute')
        never claims the whole mention; a comma part that is a person's whole name is the speaker, the
        other parts their post ('Sofia Lindahl, Chief Executive, Marlow Maritime Holdings'). With a date
        (or a month's days) `on`, a mention that is only an office ('Austria's new chancellor') names the
        office's holder then; a named person always wins.
        """
        if not mention or not mention.strip():
            return None
        key = _normalise(mention)
        if on is not None:
            office = self._office_named(key)
            if office is not None:  # no holder on that day: unknown, not whoever held it before or after
                holder = office.holder_on(on)
                return self.actors[holder] if holder else None
        name = self._lookup(key)
        return self.actors[name] if name else None

    def resolve_exact(self, mention: str, on: When | None = None) -> Actor | None:
        """Only a whole-mention match (a name, an alias, or an office on `on`): 'an official in Minsk' is not Minsk."""
        key = _normalise(mention)
        title = self._office_index.get(key)
        name = self.offices[title].holder_on(on) if title is not None and on is not None else self._alias_index.get(key)
        return self.actors[name] if name else None

    def office(self, mention: str) -> Office | None:
        """The office a mention names as a whole ('the then mayor'), not an actor's name or alias."""
        key = _normalise(mention)
        return None if key in self._alias_index else self._office_named(key)

    def _office_named(self, key: str) -> Office | None:
        """The office the whole mention names, modifiers aside ('Iraq's new Foreign Minister')."""
        words = [w for w in key.split() if w not in OFFICE_MODIFIERS]
        for first in range(len(words)):
            title = self._office_index.get(" ".join(words[first:]))
            if title is not None:
                # 'Iraq's X' is still the office; a name before it ('Smith, X') is not.
                if all(w.endswith(("'s", "’s")) for w in words[:first]):
                    return self.offices[title]
                return None
        return None

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
        if len(parts) > 1:
            people = [alias for alias in found if alias in parts and self.actors[self._alias_index[alias]].kind == "person"]
            if people:
                return self._alias_index[people[0]]
        longest = max(found, key=len)
        name = self._alias_index[longest]
        if self.actors[name].kind == "country" and len(parts) == 1:
            # 'IOM Iraq', 'UNHCR Poland': an organisation's office in that country speaks for the organisation.
            before = key[: -len(longest)].strip()
            organisation = self._alias_index.get(before)
            if organisation is not None and self.actors[organisation].kind not in ("country", "person"):
                return organisation
        return name

    def __hash__(self) -> int:
        return id(self)


# The subject pronoun a registry may give a person; object and possessive forms map onto it when texts are read.
PERSON_PRONOUNS = frozenset({"he", "she", "they"})

# Words that leave an office mention naming the same holder ('the new Iraqi Foreign Minister'); 'former' would not.
OFFICE_MODIFIERS = frozenset({"new", "newly", "elected", "newly-elected", "current", "incoming", "outgoing", "acting", "interim", "then", "sitting"})


def _date(value: object, where: str, key: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    raise ValueError(f"{where}: {key} must be a TOML date (1979-05-27), got {value!r}")


def _check_keys(entry: dict, where: str, what: str, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Refuses a TOML table with a required key missing (or an empty list) or a key nobody reads, naming only what
    is wrong: a message that lists present keys as missing sends the user looking in the wrong place."""
    missing = [key for key in required if key not in entry or entry[key] == []]
    unknown = sorted(set(entry) - set(required) - set(optional))
    takes = ", ".join(repr(key) for key in (*required, *optional))
    problems = ([f"needs {' and '.join(repr(key) for key in missing)}"] if missing else []) + (
        [f"unknown keys {unknown}; {what} takes {takes}"] if unknown else []
    )
    if problems:
        raise ValueError(f"{where}: {'; '.join(problems)}")


def _office_from_toml(entry: dict, where: str) -> Office:
    _check_keys(entry, where, "an office", ("title", "holders"), ("aliases",))
    terms = []
    for number, holder in enumerate(entry["holders"], start=1):
        spot = f"{where} holder #{number}"
        _check_keys(holder, spot, "a holder", ("actor",), ("from", "to"))
        term = OfficeTerm(holder["actor"], _date(holder.get("from"), spot, "from"), _date(holder.get("to"), spot, "to"))
        if term.start and term.end and term.end < term.start:
            raise ValueError(f"{spot}: 'to' ({term.end}), the last day in office, must not come before 'from' ({term.start})")
        terms.append(term)
    ordered = sorted(terms, key=lambda t: t.start or dt.date.min)
    for before, after in zip(ordered, ordered[1:]):
        if before.end is None or (after.start is not None and after.start <= before.end):
            raise ValueError(f"{where}: terms of {before.actor!r} and {after.actor!r} overlap")
    return Office(entry["title"], tuple(entry.get("aliases", [])), tuple(ordered))
