"""Speaker resolution: a speaker mention in an article ('he', 'the official', 'a UNHCR spokesperson', 'the
KRG Prime Minister', 'Austria's new chancellor') becomes a registry actor, or stays unresolved with its
mention kept: a wrong speaker does an analyst more harm than a visible unknown one.

Order: the mention as a name, alias or dated office; a named actor inside it ('an analyst at the Polish
Institute of International Affairs'); a pronoun or a bare role ('the carrier', 'a ministry spokesperson')
refers back to the nearest compatible earlier speaker or actor mention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from spacy.tokens import Span, Token

from pipeline.actors import Actor, ActorRegistry

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
GROUP_PRONOUNS = frozenset({"it", "they", "we"})
# People who speak for an organisation: the organisation is the speaker (the corpus's convention).
SPOKES_NOUNS = frozenset(
    "spokesperson spokesman spokeswoman official officials representative researcher researchers analyst analysts "
    "source sources expert experts diplomat diplomats aide aides staff member officer officers".split()
)
# Nouns that name an organisation by its type; the value lists the actor kinds it may refer to.
ORGANISATION_NOUNS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("carrier", "airline", "company", "firm"), frozenset({"company"})),
    **dict.fromkeys(("ministry", "committee", "authority", "agency", "office", "department", "regulator", "commission",
                     "council", "board", "service", "guard", "directorate", "parliament", "institution"),
                    frozenset({"institution", "government"})),
    **dict.fromkeys(("government", "cabinet", "administration"), frozenset({"government", "country"})),
    **dict.fromkeys(("tank", "institute", "organisation", "organization", "group", "centre", "center", "network"),
                    frozenset({"organisation", "ngo", "institution"})),
}


@dataclass(frozen=True)
class ActorMention:
    """An earlier place in the article where an actor was named or spoke: the antecedents of 'he' or 'the carrier'."""

    position: int
    actor: Actor
    spoke: bool


def mention_tokens(subject: Token) -> Span:
    """The subject phrase without relative clauses ('Sherko Aziz, who runs a travel office' -> 'Sherko Aziz')."""
    doc = subject.doc
    left, right = subject.left_edge.i, subject.right_edge.i
    for child in subject.children:
        if child.dep_ in ("relcl", "acl") and child.i > subject.i:
            right = min(right, child.left_edge.i - 1)
    while right > left and (doc[right].is_punct or doc[right].text in ("who", "which", "whose")):
        right -= 1
    opening = [t.i for t in doc[left : right + 1] if t.text == "("]
    if opening and not any(t.text == ")" for t in doc[opening[-1] : right + 1]):
        right = opening[-1] - 1  # 'the Kurdistan Regional Government (KRG' lost its ')' to the punctuation trim
    return doc[left : right + 1]


class SpeakerResolver:
    """Resolves speaker mentions to actors; remembers who was named and who spoke, in article order."""

    def __init__(self, registry: ActorRegistry) -> None:
        self.registry = registry

    def resolve(self, mention: Span, history: list[ActorMention], on: dt.date | None) -> Actor | None:
        head = mention.root
        lower = head.lower_
        if head.pos_ == "PRON" or (len(mention) == 1 and lower in PERSON_PRONOUNS | GROUP_PRONOUNS):
            return self._pronoun(lower, mention.start, history)
        # The whole mention as a name, alias or office; else its part up to the head noun, so that a trailing
        # place ('an Iraqi consular official in Minsk') never names the speaker.
        core = mention.doc[mention.start : head.i + 1]
        actor = self.registry.resolve_exact(mention.text, on) or self.registry.resolve(core.text, on)
        if actor is not None:
            return actor
        # A name in apposition or after a role ('Poland's Commissioner for Human Rights, Marcin Wiacek').
        for part in _appositions(head):
            actor = self.registry.resolve(part.text, on)
            if actor is not None:
                return actor
        inside = self._named_inside(mention, head)
        if inside is not None:
            return inside
        if head.pos_ == "PROPN":
            return self._short_name(mention, history)
        # 'Iraqi sources', 'officials': a plural with no name refers to no one in particular.
        if head.tag_ in ("NNS", "NNPS"):
            return None
        if lower in SPOKES_NOUNS or lower in ORGANISATION_NOUNS:
            return self._nominal(mention, head, history)
        return None

    def _short_name(self, mention: Span, history: list[ActorMention]) -> Actor | None:
        """'Hussein' after 'Fuad Hussein': the nearest earlier actor whose name ends with it; else the one
        actor of the registry whose name does, when there is exactly one."""
        words = mention.text.lower().split()
        if not words:
            return None

        def ends_with(actor: Actor) -> bool:
            return any(n.lower().split()[-len(words):] == words for n in (actor.name, *actor.aliases) if len(n.split()) > len(words))

        for candidate in reversed([m for m in history if m.position < mention.start]):
            if ends_with(candidate.actor):
                return candidate.actor
        matches = [a for a in self.registry.actors.values() if a.kind == "person" and ends_with(a)]
        return matches[0] if len(matches) == 1 else None

    def _named_inside(self, mention: Span, head: Token) -> Actor | None:
        """An actor linked inside the mention: the person it names, or the organisation a spokesperson or a
        role speaks for ('a UNHCR spokesperson', 'a KRG relief official', 'Iraq's national carrier')."""
        linked = [(e, self.registry.actors.get(e.kb_id_)) for e in mention.doc.ents if e.kb_id_ and mention.start <= e.start and e.end <= mention.end]
        linked = [(e, a) for e, a in linked if a is not None]
        if not linked:
            return None
        for entity, actor in linked:
            if entity.start <= head.i < entity.end:
                return actor
        people = [a for _, a in linked if a.kind == "person"]
        if people:
            return people[-1]
        lower = head.lower_
        if lower not in SPOKES_NOUNS and lower not in ORGANISATION_NOUNS:
            return None
        in_entities = {i for e, _ in linked for i in range(e.start, e.end)}
        words = [t.lower_ for t in head.lefts if t.dep_ in ("compound", "amod") and t.i not in in_entities]
        words = [w for w in words + [lower] if w not in SPOKES_NOUNS]
        for _, owner in reversed(linked):
            part = self._part_of(owner, words, ORGANISATION_NOUNS.get(lower))
            if part is not None:
                return part
        organisations = [a for _, a in linked if a.kind != "country"]
        # A country is not the speaker of 'the Warsaw think tank': leave that to the article's earlier mentions.
        return organisations[-1] if organisations else None

    def _part_of(self, owner: Actor, words: list[str], kinds: frozenset[str] | None) -> Actor | None:
        """The one actor of `owner`'s camp whose name holds all `words` ('Iraq' + 'interior ministry'), or, failing
        that, its one company ('Iraq' + 'national carrier'); institutions are too many to guess among."""
        camp = [a for a in self.registry.actors.values() if a.affiliation == owner.affiliation and a.name != owner.name and a.kind != "person"]
        if words:
            named = [a for a in camp if any(set(words) <= _words(n) for n in (a.name, *a.aliases))]
            if len(named) == 1:
                return named[0]
        if kinds == {"company"}:
            compatible = [a for a in camp if a.kind in kinds]
            if len(compatible) == 1:
                return compatible[0]
        return None

    @staticmethod
    def _pronoun(lower: str, position: int, history: list[ActorMention]) -> Actor | None:
        earlier = [m for m in history if m.position < position]
        wanted_person = lower in PERSON_PRONOUNS
        for spoke_only in (True, False):
            for candidate in reversed(earlier):
                if spoke_only and not candidate.spoke:
                    continue
                if (candidate.actor.kind == "person") == wanted_person:
                    return candidate.actor
        return None

    def _nominal(self, mention: Span, head: Token, history: list[ActorMention]) -> Actor | None:
        """'the carrier', 'a committee spokesman', 'the official': the nearest earlier compatible actor."""
        earlier = [m for m in history if m.position < mention.start]
        modifiers = [t.lower_ for t in head.lefts if t.dep_ in ("compound", "amod", "nmod")]
        cues = [m for m in modifiers if m in ORGANISATION_NOUNS] + ([head.lower_] if head.lower_ in ORGANISATION_NOUNS else [])
        for cue in cues:
            named = [m for m in earlier if m.actor.kind != "person" and any(cue in _words(s) for s in (m.actor.name, *m.actor.aliases))]
            if named:
                return named[-1].actor
        if cues:
            kinds = ORGANISATION_NOUNS[cues[-1]]
            compatible = [m for m in earlier if m.actor.kind in kinds]
            return compatible[-1].actor if compatible else None
        # A spokesperson or official with no organisation named: the organisation that spoke or was named last.
        for spoke_only in (True, False):
            compatible = [m for m in earlier if m.actor.kind not in ("person", "country") and (m.spoke or not spoke_only)]
            if compatible:
                return compatible[-1].actor
        return None


def _words(name: str) -> set[str]:
    return {w.strip(".,'’").lower() for w in name.split()}


def _appositions(head: Token) -> list[Span]:
    doc = head.doc
    spans = []
    for child in head.children:
        if child.dep_ == "appos":
            spans.append(doc[child.left_edge.i : child.right_edge.i + 1])
    compounds = [t for t in head.lefts if t.dep_ == "compound" and t.ent_type_ == "PERSON"]
    if compounds:
        spans.append(doc[compounds[0].i : head.i + 1])
    return spans
