"""Speaker resolution: a speaker mention in an article ('he', 'the official', 'a UNHCR spokesperson', 'the
KRG Prime Minister', 'Austria's new chancellor') becomes a registry actor, or stays unresolved with its
mention kept: a wrong speaker does an analyst more harm than a visible unknown one.

Order: the mention as a name, alias or dated office; a named actor inside it ('an analyst at the Polish
Institute of International Affairs'); a pronoun or a bare role ('the carrier', 'a ministry spokesperson')
refers back to the nearest compatible earlier speaker or actor mention; a role the text gave a person ('the
columnist' after 'Columnist Jonas Albrecht') or the registry gives them ('the minister' after 'Fuad Hussein')
names that person; a description of an institution or an office that several countries have ('The Civil
Aviation Authority', 'the interior minister') names the one of the country the article is about, nearest
first (`ArticleContext`); a description nobody can identify ('an Iraqi consular official') takes the name the
next sentence gives a new speaker of the same kind and country (`named_next`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from pipeline.actors import OFFICE_MODIFIERS, Actor, ActorRegistry, When

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
# Each form as the subject pronoun a registry records ('her' -> 'she'): a 'she' never refers back to a 'he'.
PRONOUN_FORMS = {"he": "he", "him": "he", "his": "he", "she": "she", "her": "she"}
REFLEXIVES = frozenset({"himself", "herself", "itself", "themselves"})
# Quotation marks: single ones are also apostrophes, so pairing them takes care (pipeline/quotes.py).
SINGLE_MARKS = "'‘’"
QUOTE_MARKS = "“”«»„\"" + SINGLE_MARKS
# Family words that tell a person's pronoun: 'Her husband, Aras Hamid', 'his mother, Helena Costa', 'daughter Rozhin'.
FAMILY_PRONOUNS = {
    **dict.fromkeys("husband father son brother man boyfriend grandfather grandson uncle nephew widower".split(), "he"),
    **dict.fromkeys("wife mother daughter sister woman girlfriend grandmother granddaughter aunt niece widow".split(), "she"),
}
GROUP_PRONOUNS = frozenset({"it", "they", "we"})
# People who speak for an organisation: the organisation is the speaker (the corpus's convention).
SPOKES_NOUNS = frozenset(
    "spokesperson spokesman spokeswoman official officials representative researcher researchers analyst analysts "
    "source sources expert experts diplomat diplomats aide aides staff member officer officers".split()
)
# Nouns that name an organisation by its type; the value lists the actor kinds it may refer to.
ORGANISATION_NOUNS: dict[str, frozenset[str]] = {
    **dict.fromkeys(("carrier", "airline", "company", "firm", "operator", "maker", "manufacturer", "producer",
                     "retailer", "lender", "insurer", "chain", "broadcaster", "platform", "carmaker", "automaker", "chipmaker",
                     "shipbuilder", "builder", "developer", "supplier", "miner", "brand", "startup"), frozenset({"company"})),
    "group": frozenset({"company", "organisation", "ngo", "institution"}),
    **dict.fromkeys(("ministry", "committee", "authority", "agency", "office", "department", "regulator", "commission",
                     "council", "board", "service", "guard", "directorate", "parliament", "institution"),
                    frozenset({"institution", "government"})),
    **dict.fromkeys(("government", "cabinet", "administration"), frozenset({"government", "country"})),
    **dict.fromkeys(("tank", "institute", "organisation", "organization", "centre", "center", "network", "team", "festival",
                     "body", "panel", "watchdog", "museum", "gallery", "orchestra", "theatre", "theater", "opera", "library",
                     "zoo", "school", "college", "airport", "organisers", "organizers", "trust"), frozenset({"organisation", "ngo", "institution"})),
    **dict.fromkeys(("union", "association", "federation", "alliance", "coalition", "campaign", "charity", "foundation",
                     "society", "club", "league", "party"), frozenset({"organisation", "ngo"})),
    **dict.fromkeys(("court", "tribunal", "police", "university", "hospital", "inquiry"), frozenset({"institution", "organisation"})),
    **dict.fromkeys(("bank", "fund"), frozenset({"company", "institution"})),
}
# Nouns for people by what they do, beside the posts above: 'Anne-Sophie Lefevre, his lawyer' is a person.
PERSON_NOUNS = frozenset(
    "lawyer attorney negotiator economist analyst professor scientist doctor nurse teacher farmer worker resident "
    "activist campaigner organiser organizer chairman chairwoman chair captain coach manager rider player driver "
    "mother father wife husband son daughter widow survivor witness tailor trader boss principal owner".split()
)
# Nouns for the staff of one person, who speak for that person: 'according to his office', 'her campaign said'.
PERSONAL_STAFF_NOUNS = frozenset({"office", "campaign", "aide", "aides", "staff", "camp"})
# The kind of an organisation an article names as a speaker but the registry lacks: any organisation noun may refer
# back to it ('MetaCorp said ... the company called it ...').
UNREGISTERED_ORGANISATION = "unregistered organisation"
# The kind an organisation the registry lacks takes from its noun, the most specific first ('Bank': a company).
ORGANISATION_KINDS = ("company", "institution", "organisation", "government")
# Nouns that name a person by the post they hold: 'the minister' is a person, never their ministry.
PERSON_ROLE_NOUNS = frozenset(
    "minister premier president chancellor commissioner mayor ombudsman consul ambassador envoy mep lawmaker legislator "
    "senator deputy leader chief head director secretary columnist journalist reporter correspondent editor founder".split()
)
# Posts whose holders the press names: a named minister in the next sentence is not the anonymous official before it.
NAMED_POSTS = frozenset("minister premier president chancellor commissioner".split())
DEFINITE_DETERMINERS = frozenset({"the", "this", "that"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her"})


@dataclass(frozen=True)
class ActorMention:
    """An earlier place in the article where an actor was named or spoke: the antecedents of 'he' or 'the carrier'."""

    position: int
    actor: Actor
    spoke: bool
    titles: frozenset[str] = frozenset()  # the words the text put beside the name here ('columnist', 'home affairs chief')
    subject: bool = False  # the mention is a clause's subject: what a later 'he' or 'it' most likely refers to


@dataclass(frozen=True)
class ArticleContext:
    """Where the article points to a country or camp (an actor's affiliation): linked actors ('Iraqi Airways',
    'Minsk'), camp words ('Polish', 'Lithuanian') and the outlet ('Notes from Poland'), which tells the camp of an
    institution or office the text leaves unqualified ('The Border Guard', 'the interior minister')."""

    clues: tuple[tuple[int, str], ...] = ()  # (token position, affiliation)
    outlet_camp: str | None = None

    def camps_near(self, position: int) -> list[str]:
        """Camps by distance from `position` (an earlier clue wins a tie), the outlet's last."""
        ordered = sorted(self.clues, key=lambda clue: (abs(clue[0] - position), clue[0] > position))
        camps = list(dict.fromkeys(camp for _, camp in ordered))
        if self.outlet_camp is not None and self.outlet_camp not in camps:
            camps.append(self.outlet_camp)
        return camps


def mention_tokens(subject: Token) -> Span:
    """The subject phrase without relative clauses ('Sherko Aziz, who runs a travel office' -> 'Sherko Aziz') or a
    time the parser hung on it ('Families of missing migrants on Monday' -> 'Families of missing migrants')."""
    doc = subject.doc
    left, right = subject.left_edge.i, subject.right_edge.i
    for child in subject.children:
        if child.dep_ in ("relcl", "acl") and child.i > subject.i:
            right = min(right, child.left_edge.i - 1)
    for token in doc[subject.i + 1 : right + 1]:
        if token.dep_ == "prep" and any(c.dep_ == "pobj" and c.ent_type_ in ("DATE", "TIME") for c in token.children):
            right = min(right, token.i - 1)
    while right > left and (doc[right].is_punct or doc[right].is_space or doc[right].lower_ in ("who", "which", "whose", *REFLEXIVES)
                            or (doc[right].ent_type_ in ("DATE", "TIME") and doc[right].dep_ in ("npadvmod", "advmod"))):
        right -= 1  # and 'Mensah-Lund himself' is Mensah-Lund, 'The Centre (VMRC) today' is the Centre (VMRC)
    while left < right and (doc[left].is_punct or doc[left].is_space):
        left += 1  # a closing quote mark the parser hung on the subject
    opening = [t.i for t in doc[left : right + 1] if t.text == "("]
    if opening and not any(t.text == ")" for t in doc[opening[-1] : right + 1]):
        right = opening[-1] - 1  # 'the Kurdistan Regional Government (KRG' lost its ')' to the punctuation trim
    return doc[left : right + 1]


class SpeakerResolver:
    """Resolves speaker mentions to actors; remembers who was named and who spoke, in article order."""

    def __init__(self, registry: ActorRegistry) -> None:
        self.registry = registry
        self._word_camps = _word_camps(registry)
        self._roles = _person_roles(registry)
        self._office_words = [(frozenset(_words(name)), office) for office in registry.offices.values() for name in (office.title, *office.aliases)]
        self._registry_names = [_phrase_words(name) for actor in registry.actors.values() for name in (actor.name, *actor.aliases)]
        # Camps that are countries or their governments: 'an Iraqi official' can only be one of Iraq's.
        self.country_camps = frozenset(
            [a.affiliation for a in registry.actors.values() if a.kind in ("country", "government")]
            + [registry.actors[t.actor].affiliation for o in registry.offices.values() for t in o.terms]
        )
        # The country or government actor of each camp, the owner 'its' names when only a place word points there.
        self._camp_owners: dict[str, Actor] = {}
        for actor in registry.actors.values():
            if actor.kind in ("country", "government"):
                self._camp_owners.setdefault(actor.affiliation, actor)

    def camp_of_word(self, word: str) -> str | None:
        """The camp a place or people word points to: a country's name or alias ('Poland', 'Minsk'), else the
        affiliation most registry names holding the word share ('Polish', 'Lithuanian'), when one clearly dominates."""
        actor = self.registry.resolve_exact(word)
        if actor is not None and actor.kind in ("country", "government"):
            return actor.affiliation
        return self._word_camps.get(word.lower().strip(".,'’"))

    def in_a_registry_name(self, name: str) -> bool:
        """Whether some registry name holds this one's words in order ('The Border Guard' is in 'Polish Border Guard'):
        an organisation the registry knows under a longer name, not one it lacks."""
        phrase = tuple(word for word in _phrase_words(name) if word != "the")
        return any(_holds(words, phrase) for words in self._registry_names)

    def context(self, doc: Doc, outlet: str | None = None) -> ArticleContext:
        """Camp clues of one article: every linked actor, every unlinked place or people word, and the outlet."""
        clues: list[tuple[int, str]] = []
        for entity in doc.ents:
            actor = self.registry.actors.get(entity.kb_id_)
            if actor is not None:
                clues.append((entity.start, actor.affiliation))
            elif _place_like(entity):
                clues += [(t.i, camp) for t in entity if (camp := self.camp_of_word(t.text)) is not None]
        outlet_camp = None
        if outlet:
            actor = self.registry.resolve(outlet)
            if actor is not None and actor.kind in ("country", "government"):
                outlet_camp = actor.affiliation
            else:
                outlet_camp = next((c for w in outlet.split() if w[:1].isupper() and (c := self.camp_of_word(w))), None)
        return ArticleContext(tuple(clues), outlet_camp)

    def resolve(self, mention: Span, history: list[ActorMention], on: When | None, context: ArticleContext | None = None) -> Actor | None:
        context = context or ArticleContext()
        head = mention.root
        lower = head.lower_
        if lower == "i":
            return None  # the writer, whom only a byline names (QuoteExtractor), never the last actor named
        if head.pos_ == "PRON" or (len(mention) == 1 and lower in PERSON_PRONOUNS | GROUP_PRONOUNS):
            return self._pronoun(head, history)
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
        # Aliases rarely carry a possessive: 'the Kremlin's spokesman' is the 'Kremlin spokesman'.
        if any(t.tag_ == "POS" for t in core):
            actor = self.registry.resolve(" ".join(t.text for t in core if t.tag_ != "POS"), on)
            if actor is not None:
                return actor
        inside = self._named_inside(mention, head)
        if inside is not None:
            return inside
        # A named person the registry lacks, with their post ('Marston council's cabinet member for education, Richard
        # Osei'): they speak for themselves, as a registered person would. A possessor is the post's owner, not its
        # holder ('St Brendan's chief executive, Dr Ronan Keogh').
        people = [e for e in mention.ents if not e.kb_id_ and len(name_words(e.text)) > 1 and not _is_possessor(e)
                  and (speaks_as_person(e) or (e.label_ == "PERSON" and speaks_as_person(e) is None))]
        if people:
            about = [e for e in people if e.start <= head.i < e.end]
            return unregistered_person((about or people)[0].text)
        possessor = next((c for c in head.children if c.dep_ == "poss"), None)
        if possessor is not None and possessor.lower_ in ("his", "her") and (lower in SPOKES_NOUNS or lower in PERSONAL_STAFF_NOUNS):
            return self._possessing_person(possessor, history)
        # A spokesperson for an organisation the registry lacks, or its name in apposition ('A spokesperson for the
        # Lagos State Police Command', 'His team, Halcon-Nordvest').
        if lower in SPOKES_NOUNS or lower in ORGANISATION_NOUNS:
            # Not a possessor: 'A spokesperson for Halcyon Artists, Quill's management company' speaks for Halcyon.
            # A name right before the noun is the organisation whatever the tagger called it ('A Lumora spokesperson').
            organisations = [e for e in mention.ents if (names_an_organisation(e) or _names_the_noun(e, head)) and not e.kb_id_
                             and not (e.start <= head.i < e.end) and not _is_possessor(e)]
            organisations = [unregistered_organisation(e.text, mention.doc) for e in organisations]
            organisations = [o for o in organisations if not self.in_a_registry_name(o.name)]
            if organisations:
                return organisations[-1]
        # The tagger takes a surname for a common noun now and then ('..., Reyes said'): capitals count as a name too.
        if head.pos_ == "PROPN" or head.text[:1].isupper():
            short = self._short_name(mention, history)
            if short is not None:
                return short
        # 'Iraqi sources', 'officials': a plural with no name refers to no one in particular.
        if head.pos_ != "PROPN" and head.tag_ in ("NNS", "NNPS"):
            return None
        # 'The 24-year-old', 'the Frenchman', 'the 71-year-old author': a person the text describes rather than names,
        # the one a 'he' or 'she' here would be (or the one it gave that title).
        if _describes_a_person(core, head):
            words = _description_words(core) - {head.lower_}
            return (self._titled_person(words, core.start, history, None) if words else None) or self._pronoun(head, history, person=True)
        described = self._described(core, head, history, on, context)
        if described is not None:
            return described
        if (lower in SPOKES_NOUNS or lower in ORGANISATION_NOUNS) and not _inside_a_name(head):
            if lower in SPOKES_NOUNS and core[0].lower_ in DEFINITE_DETERMINERS and _description_words(core) == {_canonical(lower)}:
                role = self._role_before(mention, head, history, on, context)
                if role is not None:
                    return role
            return self._nominal(mention, head, history)
        return None

    def _role_before(self, mention: Span, head: Token, history: list[ActorMention], on: When | None, context: ArticleContext) -> Actor | None:
        """'the spokesperson' after 'A Marlow Maritime spokesperson rejected ...': whom the nearest earlier mention of
        the role speaks for. The organisation named or heard last may be the other side ('..., the union said')."""
        role = _canonical(head.lower_)
        earlier = next((t for t in reversed(mention.doc[: mention.start]) if t.pos_ in ("NOUN", "PROPN") and t.dep_ != "compound"
                        and _canonical(t.lower_) == role), None)
        return self.resolve(mention_tokens(earlier), history, on, context) if earlier is not None else None

    def office_mentions(self, doc: Doc, on: dt.date | None, told: Callable[[Span], bool]) -> list[ActorMention]:
        """'The mayor defended the sale': the holder on the article's date of an office a noun phrase names, as a place a
        later 'she' refers back to. 'The then mayor' held it at a time the phrase does not give, so it is no one here."""
        if on is None:
            return []
        mentions = []
        for token in doc:
            if token.pos_ not in ("NOUN", "PROPN") or token.dep_ == "compound":
                continue
            phrase = doc[token.left_edge.i : token.i + 1]
            if any(t.ent_kb_id_ or t.lower_ == "then" for t in phrase):
                continue  # 'Mayor Okafor' is the name's mention
            office = self.registry.office(phrase.text)
            holder = office.holder_on(on) if office is not None else None
            if holder is not None:
                mentions.append(ActorMention(phrase.start, self.registry.actors[holder], False, frozenset(), is_subject(phrase) and not told(phrase)))
        return mentions

    def _possessing_person(self, possessor: Token, history: list[ActorMention]) -> Actor | None:
        """'according to his office', 'her spokesman said': they speak for the person 'his' or 'her' is. That is the
        person named earlier in the same sentence ('Mayor Ken Walsh will sign it, according to his office'), registered or
        not; else the nearest earlier compatible speaker, as for 'he'."""
        form = PRONOUN_FORMS[possessor.lower_]
        sentence = possessor.sent
        for entity in reversed([e for e in possessor.doc.ents if e.label_ == "PERSON" and sentence.start <= e.start and e.end <= possessor.i]):
            actor = self.registry.actors.get(entity.kb_id_)
            if actor is None and " " in entity.text.strip():
                actor = unregistered_person(entity.text)
            if actor is not None and actor.pronoun in (None, form):
                return actor
        return self._pronoun(possessor, history)

    def _short_name(self, mention: Span, history: list[ActorMention]) -> Actor | None:
        """'Hussein' after 'Fuad Hussein': the nearest earlier actor whose name ends with it; else the one
        actor of the registry whose name does, when there is exactly one."""
        words = name_words(mention.text)
        if not words:
            return None

        def ends_with(actor: Actor) -> bool:
            return any(ends_with_name(n, words) for n in (actor.name, *actor.aliases))

        for candidate in reversed([m for m in history if m.position < mention.start]):
            if ends_with(candidate.actor):
                return candidate.actor
        matches = [a for a in self.registry.actors.values() if a.kind == "person" and ends_with(a)]
        return matches[0] if len(matches) == 1 else None

    def _described(self, core: Span, head: Token, history: list[ActorMention], on: When | None, context: ArticleContext) -> Actor | None:
        """A definite description: 'the columnist', 'the interior minister', 'Its president', 'The Border Guard'."""
        owner = self._owner(head, history)
        if owner is None and core[0].lower_ not in DEFINITE_DETERMINERS and head.pos_ != "PROPN":
            return None  # 'a minister' is someone, not someone identified
        words = _description_words(core)
        if not words:
            return None
        lower = _canonical(head.lower_)
        if lower in PERSON_ROLE_NOUNS or lower in SPOKES_NOUNS:
            titled = self._titled_person(words, core.start, history, owner)
            if titled is not None or lower not in PERSON_ROLE_NOUNS:
                # 'Its spokeswoman' speaks for the organisation 'its' is, not for the last one that spoke.
                return titled or (owner if lower in SPOKES_NOUNS and owner is not None and owner.kind not in ("person", "country") else None)
            return self._office_holder(words, core.start, history, on, context, owner)
        if lower in ORGANISATION_NOUNS or head.pos_ == "PROPN":
            # A name runs on through its 'of' ('The Ministry of Migration'); a place after it does not ('in Minsk').
            of = [c for c in head.rights if c.dep_ == "prep" and c.lower_ == "of"]
            named = core.doc[core.start : of[0].right_edge.i + 1] if of else core
            return self._institution(_description_phrase(named), lower, core.start, history, context, owner)
        # Any other role the text gave a person before: 'the curator' after 'Pieter Claes, the museum's curator'.
        return self._titled_person(words, core.start, history, owner) if head.pos_ == "NOUN" else None

    def _owner(self, head: Token, history: list[ActorMention]) -> Actor | None:
        """The actor a possessor names: 'Iraq's', 'the KRG's', or 'its'/'their' for the nearest earlier organisation."""
        possessor = next((c for c in head.children if c.dep_ == "poss"), None)
        if possessor is None:
            return None
        doc = head.doc
        if possessor.lower_ in POSSESSIVE_PRONOUNS:
            if possessor.lower_ not in ("its", "their"):
                return None
            # The subject of its own sentence first: 'Kestan has asked a tribunal to halt Veloria's dam, its foreign
            # minister said' is Kestan's minister, though Veloria is nearer (and Kestan sits inside the reported words).
            subjects = [e for e in doc.ents if possessor.sent.start <= e.start and e.end <= possessor.i and e.root.dep_ in ("nsubj", "nsubjpass")
                        and (actor := self.registry.actors.get(e.kb_id_)) is not None and actor.kind != "person"]
            if subjects:
                return self.registry.actors[subjects[-1].kb_id_]
            earlier = [(m.position, m.actor) for m in history if m.position < possessor.i and m.actor.kind != "person"][-1:]
            # A country named since, that the registry holds as its government only ('And Lessenia? Its water minister').
            earlier += [(t.i, actor) for e in doc.ents if e.end <= possessor.i and not e.kb_id_ and _place_like(e) for t in e
                        if (actor := self._camp_owners.get(self.camp_of_word(t.text) or "")) is not None]
            return max(earlier, key=lambda pair: pair[0])[1] if earlier else None
        linked = [e for e in doc.ents if e.start <= possessor.i < e.end and e.kb_id_ in self.registry.actors]
        if linked:
            return self.registry.actors[linked[0].kb_id_]
        words = [t.text for t in doc[possessor.left_edge.i : possessor.i + 1] if t.tag_ != "POS"]
        return self.registry.resolve(" ".join(words))

    def _titled_person(self, words: frozenset[str], position: int, history: list[ActorMention], owner: Actor | None) -> Actor | None:
        """'the columnist' after 'Columnist Jonas Albrecht': the nearest earlier person the text gave those words."""
        titles: dict[str, set[str]] = defaultdict(set)
        for m in history:
            if m.position < position and m.actor.kind == "person":
                titles[m.actor.name] |= m.titles
        for m in sorted((m for m in history if m.position < position), key=lambda m: m.position, reverse=True):
            if m.actor.kind == "person" and words <= titles[m.actor.name] and _same_camp(m.actor, owner):
                return m.actor
        return None

    def _office_holder(self, words: frozenset[str], position: int, history: list[ActorMention], on: When | None,
                       context: ArticleContext, owner: Actor | None) -> Actor | None:
        """'the minister': the nearest earlier person whose names or offices in the registry fit the words; else the
        holder, on the day, of the one office that fits in the article's nearest camp ('the interior minister' in an
        article about Lithuania)."""
        for m in sorted((m for m in history if m.position < position), key=lambda m: m.position, reverse=True):
            if m.actor.kind == "person" and _same_camp(m.actor, owner) and any(words <= role for role in self._roles.get(m.actor.name, ())):
                return m.actor
        if on is None:
            return None
        holders = {holder for role, office in self._office_words if words <= role and (holder := office.holder_on(on))}
        return self._pick([self.registry.actors[h] for h in sorted(holders)], position, context, owner)

    def _institution(self, words: tuple[str, ...], head: str, position: int, history: list[ActorMention],
                     context: ArticleContext, owner: Actor | None) -> Actor | None:
        """'The Border Guard', 'the foreign ministry', 'the regional government': the nearest earlier organisation whose
        name holds every word; else the registry's, in the article's nearest camp. One word ('the ministry') is too
        little to look the registry over: the nearest earlier compatible actor decides (`_nominal`)."""
        kinds = ORGANISATION_NOUNS.get(head)

        def fits(actor: Actor) -> bool:
            return (actor.kind != "person" and (kinds is None or actor.kind in kinds) and _same_camp(actor, owner)
                    and any(_holds_phrase(name, words) for name in (actor.name, *actor.aliases)))

        earlier = [m.actor for m in history if m.position < position and fits(m.actor)]
        if earlier:
            return earlier[-1]
        if len(words) < 2:
            return None
        return self._pick([a for a in self.registry.actors.values() if a.kind != "country" and fits(a)], position, context, owner)

    @staticmethod
    def _pick(candidates: list[Actor], position: int, context: ArticleContext, owner: Actor | None) -> Actor | None:
        """The one candidate of the owner's camp, else of the nearest camp the article points to that has any; two in
        that camp, or none in any, is no one: an unknown speaker beats a guessed one."""
        if owner is not None:
            candidates = [c for c in candidates if _same_camp(c, owner)]
            return candidates[0] if len(candidates) == 1 else None
        by_camp: dict[str, list[Actor]] = defaultdict(list)
        for candidate in candidates:
            by_camp[candidate.affiliation].append(candidate)
        for camp in context.camps_near(position):
            if camp in by_camp:
                return by_camp[camp][0] if len(by_camp[camp]) == 1 else None
        return None

    def names(self, mention: Span, actor: Actor) -> bool:
        """Whether the mention names the actor itself ('Qasim Hadi Jaber', 'the Polish Institute of ...'), not by a role."""
        return self.registry.resolve_exact(mention.text) == actor or any(
            e.kb_id_ == actor.name and mention.start <= e.start and e.end <= mention.end for e in mention.doc.ents
        )

    def named_next(self, description: Span, candidate: Actor, candidate_mention: Span, history: list[ActorMention]) -> bool:
        """Whether a description nobody could identify ('an Iraqi consular official in Minsk', 'Poland's leading foreign
        policy think tank') is the actor the next sentence names as a speaker for the first time: journalists name
        the source right after describing it. The named actor must be new, of the description's kind (a person for
        'official', an organisation for 'think tank') and, where both have one, of its country; a named minister
        or president is not an anonymous official."""
        head = description.root
        lower = _canonical(head.lower_)
        if head.tag_ in ("NNS", "NNPS"):
            return False
        introduces = description[0].lower_ in ("a", "an") or any(c.dep_ == "poss" and c.pos_ == "PROPN" for c in head.children)
        if not introduces or any(m.actor == candidate and m.position < description.start for m in history):
            return False
        if lower in SPOKES_NOUNS or lower in PERSON_ROLE_NOUNS:
            if candidate.kind != "person":
                return False
            titles = title_words(candidate_mention, candidate)
            if any(post in titles and post not in _description_words(description) for post in NAMED_POSTS):
                return False
        elif lower in ORGANISATION_NOUNS:
            if candidate.kind not in ORGANISATION_NOUNS[lower]:
                return False
        else:
            return False
        core = description.doc[description.start : head.i + 1]
        camps = {camp for t in core if (camp := self._token_camp(t)) in self.country_camps}
        return not camps or candidate.affiliation not in self.country_camps or candidate.affiliation in camps

    def _token_camp(self, token: Token) -> str | None:
        entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if entity is None:
            return None
        actor = self.registry.actors.get(entity.kb_id_)
        if actor is not None:
            return actor.affiliation
        return self.camp_of_word(token.text) if _place_like(entity) else None

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
        if organisations:
            return organisations[-1]
        # A country is not the speaker of 'the Warsaw think tank': leave that to the article's earlier mentions. Its
        # spokesperson or official speaks for it ('a Polish government spokesman', 'a Kremlin official'), but a place
        # after the head ('an official in Minsk') says where they are, not whom they speak for.
        if lower in SPOKES_NOUNS and not words:
            countries = [a for e, a in linked if _modifies(e.root, head)]
            return countries[-1] if countries else None
        return None

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
    def _pronoun(pronoun: Token, history: list[ActorMention], person: bool | None = None) -> Actor | None:
        """'he', 'she', 'it', 'they': the subject or speaker of the nearest earlier sentence that has a compatible one
        (a person for 'he', and not one the registry calls 'she'), its latest speaker, else its latest subject; else the nearest compatible mention. A subject outranks an object
        ('Barzani met Johansson. He said ...' is Barzani) and a later subject outranks an earlier speaker ('Kaminski
        said ... Lukashenko denied it. He said ...' is Lukashenko): the centre of attention moves with the subjects."""
        doc = pronoun.doc
        wanted_person = pronoun.lower_ in PERSON_PRONOUNS if person is None else person
        form = PRONOUN_FORMS.get(pronoun.lower_)
        compatible = sorted(
            (
                m
                for m in history
                if m.position < pronoun.i
                and (m.actor.kind == "person") == wanted_person
                and (not wanted_person or m.actor.pronoun is None or m.actor.pronoun == form)
            ),
            key=lambda m: m.position,
        )
        if not compatible:
            return None
        # 'Nowak met Kowal. She told him ...': 'him' takes the centre of attention, so 'she' is the other person.
        crossed = pronoun.dep_ == "nsubj" and form is not None and any(
            c.dep_ in ("dobj", "dative", "iobj") and PRONOUN_FORMS.get(c.lower_, form) != form for c in pronoun.head.children
        )
        sentences: dict[int, list[ActorMention]] = defaultdict(list)
        for m in compatible:
            sentences[doc[m.position].sent.start].append(m)
        for start in sorted(sentences, reverse=True):
            # A name that opens its sentence is its subject even where the parser lost the verb ('Priya Castellano, an
            # analyst at Lindqvist Securities, pressed management on ...').
            salient = [m for m in sentences[start] if m.spoke] or [m for m in sentences[start] if m.subject or m.position == start]
            if salient:
                others = [m for m in sentences[start] if m.actor != salient[-1].actor] if crossed else []
                return (others or salient)[-1].actor
        return compatible[-1].actor

    def _nominal(self, mention: Span, head: Token, history: list[ActorMention]) -> Actor | None:
        """'the carrier', 'a committee spokesman', 'a spokeswoman for the port authority', 'the official': the nearest
        earlier actor the noun names ('the union' after 'FNV Havens, the main dockworkers' union'), else the nearest
        compatible one."""
        earlier = [m for m in history if m.position < mention.start]
        modifiers = [t.lower_ for t in head.lefts if t.dep_ in ("compound", "amod", "nmod")]
        modifiers += [t.lower_ for t in head.subtree if t.dep_ == "pobj" and _modifies(t, head)]
        cues = [m for m in modifiers if m in ORGANISATION_NOUNS] + ([head.lower_] if head.lower_ in ORGANISATION_NOUNS else [])
        for cue in cues:
            named = [m for m in earlier if m.actor.kind != "person" and (cue in m.titles or _names_with(m.actor, cue))]
            if named:
                return named[-1].actor
            # 'The council had argued ...' after 'Northbridge City Council' was named, not yet as a speaker.
            unlinked = [e for e in mention.doc.ents if e.label_ == "ORG" and e.end <= mention.start and not e.kb_id_
                        and cue in _words(e.text) and not self.in_a_registry_name(unregistered_organisation(e.text).name)]
            if unlinked:
                return unregistered_organisation(unlinked[-1].text)
        # A noun before the role that is a word of an earlier organisation's name: 'A forum spokesperson' after 'The
        # Aldermoor Patients Forum wrote to the health board' speaks for the forum, not for the board named after it.
        for word in [t.lower_ for t in head.lefts if t.dep_ == "compound" and t.lower_ not in cues]:
            named = [m for m in earlier if m.actor.kind not in ("person", "country") and _names_with(m.actor, word)]
            if named:
                return named[-1].actor
        if cues:
            kinds = ORGANISATION_NOUNS[cues[-1]] | {UNREGISTERED_ORGANISATION}
            compatible = [m for m in earlier if m.actor.kind in kinds]
            return compatible[-1].actor if compatible else None
        # A spokesperson or official with no organisation named: the organisation that spoke or was named last, unless
        # the mention places them elsewhere ('A senior European diplomat' after the Ostrovan ministry spoke).
        places = [t.lower_ for t in head.lefts if t.dep_ in ("amod", "compound") and (t.ent_type_ in ("NORP", "GPE") or self.camp_of_word(t.lower_))]

        def placed_there(actor: Actor) -> bool:
            names = [_words(n) for n in (actor.name, *actor.aliases)]
            return all(any(place in words for words in names) or self.camp_of_word(place) in (actor.affiliation, actor.name) for place in places)

        for spoke_only in (True, False):
            compatible = [m for m in earlier if m.actor.kind not in ("person", "country") and (m.spoke or not spoke_only) and placed_there(m.actor)]
            if compatible:
                return compatible[-1].actor
        return None


def _describes_a_person(core: Span, head: Token) -> bool:
    """'the 24-year-old', 'the 34-year-old herpetologist', 'the Frenchman', 'the Norwegian'."""
    if core[0].lower_ not in DEFINITE_DETERMINERS:
        return False
    if re.search(r"\b\d+-year-old\b", core.text):
        return True
    return head.i == core.end - 1 and head.text[:1].isupper() and (head.ent_type_ == "NORP" or re.fullmatch(r"[A-Z][a-z]+(?:man|woman)", head.text) is not None)


def names_an_organisation(entity: Span) -> bool:
    """An ORG, or a name whose last word is an organisation noun, whatever the tagger called it ('The Port of Rotterdam
    Authority' came out a LOC), or a name the text itself calls an organisation ('FNV Havens, the main dockworkers'
    union', tagged PERSON)."""
    if entity.label_ in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL", "NORP"):
        return False
    described = speaks_as_person(entity)
    if described is not None:
        return not described
    return entity.label_ == "ORG" or entity[-1].lower_ in ORGANISATION_NOUNS


def speaks_as_person(name: Span) -> bool | None:
    """What the text says a name is, which the small tagger often gets wrong: 'X, who ...' and 'X, the union's chief
    negotiator' are people; 'X, which ...' and 'X, the main dockworkers' union' are organisations; None: it does not say."""
    root = name.root
    if re.search(r"\bname (?:only |simply )?as\s*$", name.doc.text[max(0, name.start_char - 30) : name.start_char]):
        return True  # 'a man who gave his name only as Yousif'
    for child in root.children:
        if child.dep_ == "relcl":
            # 'who said', and 'whose two sons left', where 'whose' hangs on the clause's subject
            pronoun = next((t.lower_ for t in child.subtree if t.i < child.i and t.lower_ in ("who", "whose", "which")), None)
            if pronoun in ("who", "whose"):
                return True
            if pronoun == "which":
                return False
        if child.dep_ == "appos" and child.i > root.i:
            if (child.like_num and child.i == root.i + 2) or re.search(r"\d+-year-old", name.doc[child.left_edge.i : child.i + 1].text):
                return True  # an age: 'Gulistan Rasul, 52, waited', 'Jwan, a 24-year-old from Duhok'
            if child.lower_ in ORGANISATION_NOUNS:
                return False
            if child.lower_ in PERSON_ROLE_NOUNS or child.lower_ in SPOKES_NOUNS or child.lower_ in PERSON_NOUNS:
                return True
    # 'Rival team boss Sophie Laurent of Arden-Vega' is a person, 'Vaccine maker Vireon Biologics' a company: the
    # role before the name.
    for role in (c for c in root.children if c.dep_ == "compound" and c.i < root.i and not c.text[:1].isupper()):
        if role.lower_ in PERSON_ROLE_NOUNS or role.lower_ in PERSON_NOUNS:
            return True
        if role.lower_ in ORGANISATION_NOUNS:
            return False
    # 'His lawyer, Anne-Sophie Lefevre': a name in apposition to a person's role.
    if root.dep_ == "appos" and (root.head.lower_ in PERSON_ROLE_NOUNS or root.head.lower_ in PERSON_NOUNS):
        return True
    return None


def _is_possessor(entity: Span) -> bool:
    """'Quill's', whether the tagger kept the 's inside the entity or not."""
    return entity[-1].tag_ == "POS" or (entity.end < len(entity.doc) and entity.doc[entity.end].tag_ == "POS")


def _names_the_noun(entity: Span, head: Token) -> bool:
    return entity.end == head.i and entity.root.dep_ == "compound" and entity.root.head == head and entity.label_ in ("ORG", "GPE", "PERSON", "PRODUCT", "FAC")


def _inside_a_name(head: Token) -> bool:
    """'The Shasta County Sheriff's Office' is a name, not 'the office' referring back to an earlier organisation."""
    if head.text[:1].isupper() and any(c.dep_ == "compound" and c.text[:1].isupper() for c in head.lefts):
        return True  # 'The NSW Rural Fire Service', which the tagger left untagged
    return any(e.start <= head.i < e.end and any(t.pos_ == "PROPN" and t.i != head.i for t in e) for e in head.doc.ents)


# Lower-case words that stay inside an organisation's name: 'Ministry of Agriculture', 'Food and Drug Administration'.
NAME_LINKS = frozenset("of de du des for and".split())


def unregistered_organisation(name: str, doc: Doc | None = None) -> Actor:
    """An organisation the registry lacks, as a speaker of one article ('The Springfield Landlords Association' at a
    sentence start is 'the Springfield ...' anywhere else: one name, without the article). An acronym the article
    spelt out ('the Union Cycliste Internationale (UCI)') is named in full."""
    # As tagged: 'The World Health Organization (WHO', 'The Ministry of Agriculture later'.
    words = re.sub(r"^[Tt]he\s+|['’]s$|\s*\(.*$", "", name.strip()).split()
    while len(words) > 1 and words[-1][:1].islower() and words[-1] not in NAME_LINKS:
        words = words[:-1]
    name = " ".join(words)
    if doc is not None and re.fullmatch(r"[A-Z]{2,8}", name):
        spelt, bracketed = spelt_out(doc.text, name), _bracketed_by(doc, name)
        # 'The U.S. Food and Drug Administration (FDA)': the name as given, where it ends with the spelt-out words.
        name = bracketed if bracketed and spelt and bracketed.endswith(spelt) else spelt or bracketed or _with_initials(doc, name) or name
    elif doc is not None and name:
        # 'A spokesperson for Lumora Health' after 'Lumora Health Ltd': the company as the article named it in full.
        full = re.search(re.escape(name) + r",? (?:Ltd|Limited|Inc|plc|PLC|LLC|GmbH|AG|SA|NV|Corp|Corporation)\b", doc.text)
        name = full.group() if full else name
    # 'Financial Conduct Authority' is an institution, 'Albion Merchant Bank' a company: what a later 'the regulator'
    # or 'the lender' can refer to. A name without such a noun ('MetaCorp') stays open to any.
    kinds = ORGANISATION_NOUNS.get(name.split()[-1].lower(), frozenset()) if name else frozenset()
    kind = next((k for k in ORGANISATION_KINDS if k in kinds), UNREGISTERED_ORGANISATION)
    return Actor(name=name, kind=kind, affiliation="", label="ORG")


def _bracketed_by(doc: Doc, acronym: str) -> str | None:
    """The organisation the text named right before '(ACRONYM)', whatever its initials ('the National Institute of
    Geophysics and Volcanology (INGV)')."""
    for match in re.finditer(r"\(\s*" + re.escape(acronym) + r"\s*\)", doc.text):
        before = [e for e in doc.ents if e.label_ == "ORG" and e.end_char <= match.start() and not doc.text[e.end_char : match.start()].strip()]
        if before:
            return re.sub(r"^[Tt]he\s+", "", before[-1].text.strip())
    return None


def _with_initials(doc: Doc, acronym: str) -> str | None:
    """'The IMF' after 'The International Monetary Fund', no bracket between: the organisation the article named whose
    capitalised words' initials are the acronym."""
    for entity in doc.ents:
        name = re.sub(r"^[Tt]he\s+", "", entity.text).split()
        capitals = [w for w in name if w[:1].isupper()]
        if entity.label_ == "ORG" and len(capitals) > 1 and "".join(w[0] for w in capitals) == acronym:
            return " ".join(name)
    return None


def spelt_out(text: str, acronym: str) -> str | None:
    """'Union Cycliste Internationale' for 'UCI' where the text wrote 'the Union Cycliste Internationale (UCI)': the
    capitalised words before the bracket whose initials are the acronym (small words like 'of' skipped)."""
    for match in re.finditer(r"\(\s*" + re.escape(acronym) + r"\s*\)", text):
        words = text[max(0, match.start() - 200) : match.start()].split()
        for size in range(len(acronym), len(acronym) + 4):
            phrase = words[-size:]
            # 'de l'Automobile' gives its A: an elided article before a capital counts as the capital.
            initials = "".join(re.sub(r"^[a-z]['’]", "", w)[:1] for w in phrase if re.sub(r"^[a-z]['’]", "", w)[:1].isupper())
            if len(phrase) == size and phrase[0][:1].isupper() and initials.upper() == acronym:
                return " ".join(phrase)
    return None


def unregistered_person(name: str) -> Actor:
    """A named person the registry lacks, as a speaker of one article: named as the text names them (without 'Dr' or
    'Sen.'), never linked."""
    name = " ".join(name_words(name.strip())).split(" of ")[0]  # 'Sophie Laurent of Arden-Vega' is Sophie Laurent
    return Actor(name=re.sub(r"['’]s$", "", name), kind="person", affiliation="", label="PERSON")


def _words(name: str) -> set[str]:
    return {_canonical(w.strip(".,'’").lower()) for w in name.split()}


# One spelling for the words that name a speaker for an organisation: 'the spokesman' is 'the spokesperson' again.
_CANONICAL = {"spokesman": "spokesperson", "spokeswoman": "spokesperson", "sen": "senator", "rep": "representative",
              "gov": "governor", "pres": "president", "sec": "secretary", "amb": "ambassador", "gen": "general",
              "justice": "judge"}  # 'Mrs Justice Harriet Okonjo' is the judge
# Words before a name that are no part of it: 'Dr Amara Sow' is Amara Sow, 'Ms Otieno' is Otieno.
HONORIFICS = frozenset(
    "mr mrs ms miss mx dr prof professor sir dame sen rep gov lord lady rev cllr councillor judge detective inspector di "
    "dci ds dc pc sgt sergeant insp supt superintendent constable det capt col lt maj cpl nurse".split()
)


def ends_with_name(full: str, words: list[str]) -> bool:
    """Whether a longer name ends with these words, case aside: 'Jan-Willem de Vries' with 'de Vries', 'Dr Amara Sow'
    with 'Sow'. How a surname after the full name is found, in every place that looks for one."""
    full_words = [w.lower() for w in name_words(full)]
    words = [w.lower() for w in words]
    return 0 < len(words) < len(full_words) and full_words[-len(words):] == words


def name_words(name: str) -> list[str]:
    """A name's words without the honorific or abbreviated title before it."""
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and not re.search(r"[^\W\d_]", words[-1]):  # 'Henrik Dahl 4-6 3-6', as tagged
        words = words[:-1]
    return words


def canonical_word(word: str) -> str:
    """A title word as `title_words` keeps it: lower case, 'Sen.' as 'senator', 'spokesman' as 'spokesperson'."""
    return _canonical(word.lower().strip(".,'’"))


def _canonical(word: str) -> str:
    word = word.rstrip(".")
    return _CANONICAL.get(word, word)


def _same_camp(actor: Actor, owner: Actor | None) -> bool:
    return owner is None or actor.affiliation == owner.affiliation


def _description_phrase(span: Span) -> tuple[str, ...]:
    """What a description says about its referent, in order: its words without determiners, the possessor ('Iraq's',
    'its'), punctuation, or modifiers that leave the referent the same ('the new interior minister')."""
    head = span.root
    possessors = {t.i for c in head.children if c.dep_ == "poss" for t in c.subtree}
    return tuple(
        _canonical(t.lower_)
        for t in span
        if t.i not in possessors and t.dep_ not in ("det", "case", "punct", "poss") and t.tag_ != "POS"
        and t.lower_ not in OFFICE_MODIFIERS and t.lower_ != "senior" and not t.is_punct
    )


def _description_words(span: Span) -> frozenset[str]:
    return frozenset(_description_phrase(span))


def _phrase_words(name: str) -> tuple[str, ...]:
    return tuple(_canonical(w.strip(".,'’").lower()) for w in name.split())


def _holds(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    return any(words[i : i + len(phrase)] == phrase for i in range(len(words) - len(phrase) + 1))


def _holds_phrase(name: str, phrase: tuple[str, ...]) -> bool:
    """Whether the name holds the phrase as consecutive words: 'The Border Guard' is the Polish Border Guard, not the
    European Border and Coast Guard Agency."""
    return _holds(_phrase_words(name), phrase)


def title_words(mention: Span, actor: Actor) -> frozenset[str]:
    """The words the text puts beside a person's name, their name's own words aside: 'EU home affairs commissioner
    Ylva Johansson' -> {eu, home, affairs, commissioner}; 'Karim al-Mousawi, a member of the Iraqi parliament' ->
    {member, of, iraqi, parliament}. What 'the commissioner' or 'the lawmaker' later refers back to."""
    doc = mention.doc
    root = mention.root
    tokens = list(mention)
    for child in root.children:
        if child.dep_ in ("compound", "amod", "nmod", "appos") and not mention.start <= child.i < mention.end:
            tokens += list(child.subtree)
    if root.dep_ == "appos" and root.head.i < root.i:
        tokens += list(doc[root.head.left_edge.i : root.head.i + 1])
    own = _words(actor.name).union(*(_words(alias) for alias in actor.aliases if len(alias.split()) == 1))
    return frozenset(
        _canonical(t.lower_) for t in tokens
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.dep_ != "poss" and _canonical(t.lower_) not in own
    )


def _modifies(token: Token, head: Token) -> bool:
    """Whether the token says whose the head is: 'Kremlin' in 'a Kremlin official', 'the Polish government' in 'a
    spokesman for the Polish government'; not 'Minsk' in 'an official in Minsk'."""
    if token.head.i == head.i:
        return token.dep_ in ("compound", "amod", "nmod", "poss")
    return token.dep_ == "pobj" and token.head.lower_ in ("for", "of") and token.head.head.i == head.i


def _place_like(entity: Span) -> bool:
    """A place or a people; spaCy often calls a one-word country an organisation ('the UAE')."""
    return entity.label_ in ("NORP", "GPE") or (entity.label_ == "ORG" and len(entity) == 1)


def pronoun_of_family_role(name: Span) -> str | None:
    """The pronoun a family word beside a name gives: 'Her husband, Aras Hamid', 'Rui Costa, her husband', 'their
    daughter Rozhin'."""
    root = name.root
    beside = [root.head] if root.dep_ == "appos" else []
    beside += [c for c in root.children if c.dep_ == "appos" or (c.dep_ == "compound" and c.i < root.i and c.text[:1].islower())]
    return next((FAMILY_PRONOUNS[t.lower_] for t in beside if t.lower_ in FAMILY_PRONOUNS), None)


def pronoun_of_named_subject(name: Span) -> str | None:
    """'Shilan Karim unfolds ... on the carpet of her family's flat': a proper name that is a clause's subject and
    that a 'he' or 'she' later in its sentence refers back to is a person, whatever label the tagger gave it. So is
    one whose sentence names no other person and is followed, in its paragraph, by one that opens with 'He' or 'She'
    ('Callum MacLeod is already on the deck. He is 47')."""
    if len(name) < 2 or not all(t.pos_ == "PROPN" for t in name) or not (name.root.dep_ == "nsubj" or _names_a_subject(name.root)):
        return None
    sentence = name.root.sent
    marks = 0  # quote marks passed: an odd count means inside a quotation
    for token in sentence:
        marks += len(token.text) == 1 and token.text in QUOTE_MARKS
        # 'her family's flat', 'he suspects': not 'the people who worked for him', someone else, a quote's 'he', or the
        # 'he' of what the name reports ('Judge Helen Marchbank told Doyle he had made ...').
        if (token.i >= name.end and token.lower_ in PRONOUN_FORMS and token.dep_ in ("nsubj", "poss") and marks % 2 == 0
                and not _inside_a_reported_clause(token, name.root)):
            return PRONOUN_FORMS[token.lower_]
    doc = name.doc
    if sentence.end >= len(doc) or "\n" in doc.text[sentence.end_char : doc[sentence.end].idx] or marks:
        return None
    if any(e.label_ == "PERSON" and e.start != name.start for e in sentence.ents):
        return None
    opening = doc[sentence.end]
    if opening.text in ("He", "She") and opening.dep_ == "nsubj":
        return PRONOUN_FORMS[opening.lower_]
    return None


def _names_a_subject(root: Token) -> bool:
    """'His opposite number, Marta Velasquez, was more measured': a name in apposition to a clause's subject."""
    return root.dep_ == "appos" and root.head.dep_ == "nsubj"


def _inside_a_reported_clause(token: Token, name: Token) -> bool:
    """Whether a clause between the token and the name's verb is a complement or a relative clause: someone's words or
    a description, where a pronoun may be anyone ('..., which he hoped they would read')."""
    verb = name.head.head if _names_a_subject(name) else name.head
    current = token
    while current.head != current and current != verb:
        if current.dep_ in ("ccomp", "relcl", "acl"):
            return True
        current = current.head
    return False


def is_subject(mention: Span) -> bool:
    """Whether the mention is (part of) a clause's subject: 'Foreign Minister Fuad Hussein' in '... Fuad Hussein met',
    not 'Barzani' in 'Barzani's government said'."""
    token = mention.root
    while token.dep_ in ("compound", "appos", "flat", "conj") and token.head != token:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass")


def _word_camps(registry: ActorRegistry) -> dict[str, str]:
    """Place and people words of the registry's names ('polish', 'lithuanian', 'uae') and the camp (affiliation) that
    every actor named with the word belongs to, or at least two thirds of them and at least two. Only read for the
    words spaCy calls a place or a people (`_place_like`) and for the outlet's name."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, set[str]] = defaultdict(set)
    for actor in registry.actors.values():
        names[actor.name] |= {actor.name, *actor.aliases}
    for office in registry.offices.values():
        for term in office.terms:
            names[term.actor] |= {office.title, *office.aliases}
    for actor_name, spellings in names.items():
        camp = registry.actors[actor_name].affiliation
        capitalised = {w.strip(".,'’").lower() for n in spellings for w in n.split() if w[:1].isupper()}
        for word in capitalised:
            counts[word.removesuffix("'s").removesuffix("’s")][camp] += 1
    camps = {}
    for word, counter in counts.items():
        camp, top = counter.most_common(1)[0]
        if top == sum(counter.values()) or (top >= 2 and top * 3 >= 2 * sum(counter.values())):
            camps[word] = camp
    return camps


def _person_roles(registry: ActorRegistry) -> dict[str, list[frozenset[str]]]:
    """Per person, the word sets of their aliases and of the offices they ever held: 'the foreign minister' fits
    Fuad Hussein through 'Foreign Minister of Iraq'."""
    roles: dict[str, list[frozenset[str]]] = defaultdict(list)
    for actor in registry.actors.values():
        if actor.kind == "person":
            roles[actor.name] += [frozenset(_words(n)) for n in actor.aliases]
    for office in registry.offices.values():
        for term in office.terms:
            roles[term.actor] += [frozenset(_words(n)) for n in (office.title, *office.aliases)]
    return dict(roles)


def _appositions(head: Token) -> list[Span]:
    """Each apposition up to its own head noun: 'an aid group working in Erbil' is no more Erbil's than its name is."""
    doc = head.doc
    spans = []
    for child in head.children:
        if child.dep_ == "appos":
            spans.append(doc[child.left_edge.i : child.i + 1])
    compounds = [t for t in head.lefts if t.dep_ == "compound" and t.ent_type_ == "PERSON"]
    if compounds:
        spans.append(doc[compounds[0].i : head.i + 1])
    return spans


def _names_with(actor: Actor, word: str) -> bool:
    """Whether one of the actor's names or aliases holds `word` ('forum' in 'Aldermoor Patients Forum')."""
    return any(word in _words(name) for name in (actor.name, *actor.aliases))


def is_bare_pronoun(mention: str | None) -> bool:
    """'she', 'They': a mention that names no one outside its own text, so never a speaker's stored name."""
    return mention is not None and mention.strip().lower() in PERSON_PRONOUNS | GROUP_PRONOUNS | {"i", "you", "them", "us"}
