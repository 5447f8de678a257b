"""Quote extraction: the statements inside an article, each with its character offsets, cue and speaker.

Rule-based on spaCy's parse, in the spirit of PARC-style attribution (cue, source, content):
- a speech cue ('said', 'told', 'tweeted', 'maintains', 'according to') is found with spaCy's Matcher;
  its subject (DependencyMatcher) is the speaker mention, its clausal complement the content;
- content inside quote marks is a direct quote (the whole quoted stretch, across sentences and around
  the cue: '"A," he said, "B."' gives A and B); an indirect clause holding a quoted fragment is a mixed
  quote (the clause, marks inside); a clause with no marks is an indirect quote;
- a quoted stretch with no cue of its own continues the previous speaker of its paragraph;
- press-release layouts: a paragraph ending '— Commissioner X', or paragraphs under 'From Minister X:'.

Spans follow corpus/GUIDELINES.md §7: direct quotes without their marks and without the comma or full
stop English puts inside the closing mark; indirect ones from the first word after 'that'.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from spacy.language import Language
from spacy.matcher import DependencyMatcher, Matcher
from spacy.tokens import Doc, Span, Token

from corpus.schema import ArticleOrigin, Statement
from pipeline.actors import Actor, ActorRegistry, When, period_days
from pipeline.dates import resolve as resolve_mention, week_days
from pipeline.ingest import Article, letterhead_end, top_lines
from pipeline.speakers import (
    FAMILY_PRONOUNS, HONORIFICS, ORGANISATION_KINDS, ORGANISATION_NOUNS, PERSON_NOUNS, PERSON_ROLE_NOUNS, PRONOUN_FORMS,
    QUOTE_MARKS, SINGLE_MARKS, SPOKES_NOUNS, UNREGISTERED_ORGANISATION, ActorMention, ArticleContext, SpeakerResolver, canonical_word,
    ends_with_name, is_subject, mention_tokens, name_words, names_an_organisation, pronoun_of_family_role,
    pronoun_of_named_subject, speaks_as_person, title_words, unregistered_organisation, unregistered_person,
)

QuoteKind = Literal["direct", "mixed", "indirect", "according_to", "continuation", "press_release"]

# Cues that report only words in quote marks: '"How much ...?" asked Tom Okafor', '"Order!" bellowed the Speaker',
# '"...," she shot back'. Without marks they are requests, cries or other deeds ('asked for privacy').
QUOTED_ONLY_CUES = frozenset("ask shout cry bellow yell scream snap quip exclaim interject mutter murmur whisper shoot chant".split())
# Verbs that report speech or writing; content comes from their clausal complement.
SPEECH_CUES = frozenset(
    "say tell add claim argue maintain insist warn state announce stress emphasise emphasize note reply respond "
    "explain estimate assure acknowledge admit declare reiterate tweet write post confirm report predict "
    "promise vow pledge complain conclude urge call accuse question allege caution concede contend remark "
    "observe comment describe defend dub brand signal indicate reveal disclose testify rule hint "
    "assert affirm counter retort recount recall mention joke plead lament boast demand".split()
) | QUOTED_ONLY_CUES
# Cues whose object complement may be a quoted fragment: 'called the ban "a collective punishment"'.
COMPLEMENT_CUES = frozenset("call describe defend dub brand label term".split())
# Subjects that are the writer's own reasoning, not a speaker: 'This suggests that ...'.
NOT_SPEAKERS = frozenset("this that these those which what".split())
RELATIVE_PRONOUNS = frozenset({"which", "who"})
# What a speaker issues, that a later '"...," the statement said' quotes.
DOCUMENT_NOUNS = frozenset({"statement", "letter", "release", "post", "message", "email", "note", "tweet", "memo"})
HONORIFIC_PRONOUNS = {"mr": "he", "mrs": "she", "ms": "she", "miss": "she"}
# Cues whose direct object is itself the reported content ('reported the detection of ...', 'urged Brussels to
# act', 'accusing Warsaw of provoking'); for the others an object is the addressee ('told reporters').
OBJECT_CONTENT_CUES = frozenset("report urge accuse emphasise emphasize stress".split())
CLAUSE_AS_OBJECT_CUES = frozenset("say add claim argue insist maintain state write tweet".split())
CLAUSE_DEPS = ("ccomp", "xcomp", "parataxis")
# Prepositions that place the speaking, not what was called for: 'called for calm at a rally', '... in a statement'.
OCCASION_PREPOSITIONS = frozenset({"in", "on", "at", "during", "after", "via", "through"})
# Titles before a signed name: '— Dr. Anna Berg, Director' is signed by Anna Berg.
SIGNATURE_TITLES = PERSON_ROLE_NOUNS | HONORIFICS
# A quoted stretch shorter than this, with no cue of its own, is a scare quote or a term ('hybrid attacks').
MIN_QUOTE_WORDS = 3
# Words that introduce a quoted term rather than a quotation, right before its opening mark.
TERM_INTRODUCER = re.compile(r"\b(?:so-called|so called|dubbed|nicknamed|the term|the phrase|the words?)\s*$", re.I)
# A work's title in quote marks: 'a 1994 documentary, "The Last Yard,"', 'The paper, titled "Lights, heat and ...,"', or
# in brackets after the work it names ('your report of 14 June ("Varnia signs turbine deal")').
WORKS = "documentary|film|book|novel|memoir|album|song|single|newsletter|podcast|paper|series|play|poem|essay|programme|program|exhibition"
WORK_INTRODUCER = re.compile(
    rf"\b(?:(?:titled|entitled|{WORKS})\s*,?|(?:{WORKS}|report|article|story|column|editorial|headline)\b[^.!?()\n]{{0,40}}\()\s*$", re.I)
MAX_TITLE_WORDS = 10
OPENING_MARKS = {"“": "”", "«": "»", "„": "“"}
# Where the content token sits among a dependency pattern's tokens after the cue (the first elsewhere).
CONTENT_POSITION = {"CONTENT_IN_MEDIUM": 2, "CONTENT_AFTER_ADDRESSEE": 1}
TRAILING_INSIDE_MARK = ",.;:"
CLOSING_MARKS = "\"”»'’"
DASH_SIGNATURE = re.compile(r"^(?P<body>.+?)\s+(?:—|–|--)\s*(?P<who>[^—–\n]{2,80}?)\s*$", re.S)  # not 'Lithuania–Belarus'
QUOTE_THEN_DASH = re.compile(r"^\s*[\"“‘'](?P<body>.+?)[\"”’']\s*(?:—|–|--)\s*(?P<who>[^—–\n]{2,240})$", re.S)
SIGNATURE_LINE = re.compile(r"^\s*(?:—|–|--)\s*(?P<who>[^—–\n]{2,80}?)\s*$")
BLOCK_QUOTE_LINE = re.compile(r"^>[ \t]*\S[^\n]*", re.M)
LETTER_SIGNATURE = re.compile(r"\n[ \t]*\n[ \t]*(?:—|–|--)[ \t]*(?P<who>[^—–\n]{2,80}?)\s*$")
FIRST_PERSON = frozenset({"i", "me", "my", "we", "us", "our"})
FROM_HEADER = re.compile(r"^\s*From (?P<who>[^:\n]{2,80}):\s*$")
RELEASE_BOILERPLATE = re.compile(r"^\s*(?:notes? to editors|media (?:enquiries|inquiries|contact)|press contact|about [A-Z]|ends\b|###|-30-)", re.I)


@dataclass(frozen=True)
class ExtractedQuote:
    """One statement found in an article; offsets are into the article text, [start, end)."""

    start: int
    end: int
    kind: QuoteKind
    cue: str | None
    speaker_mention: str | None
    speaker: str | None  # the registry actor, or a person the registry lacks as the text names them; else None
    date: dt.date | None  # an exact day, when the text or the article gives one
    period: str | None  # 'YYYY-MM' or 'YYYY' when the text gives only a month or a year
    date_mention: str | None


@dataclass
class _Draft:
    start: int
    end: int
    kind: QuoteKind
    cue: Token | None
    subject: Token | None
    anchor: int  # token index where the attribution sits, for pronoun order
    date_tokens: list[Token]
    speaker_text: str | None = None


# A transcript's turns: 'Q: When did you find out?' / 'A: On the morning after the awards.', or turns under a speaker's
# label: a name ('LINDQVIST:', 'Mirela Tanase:'), an honorific and a surname ('MR REES:', 'Ms HALVORSEN:'), an office
# with its holder in brackets ('THE WATER COMMISSIONER (Ms Priya Halvorsen):') or a presiding officer ('The SPEAKER:');
# in bold markdown too ('**Q:**', '**Mirela Tanase**:'). A label not in capitals must name a participant
# (`_transcript_turns`): 'Correction:' or 'Note:' heads a paragraph as often.
TRANSCRIPT_TURN = re.compile(
    r"^(?:\*\*|__)?(?:(?P<turn>Q|A)(?:\*\*|__)?[:.]|(?P<label>(?:(?:The|Mr|Mrs|Ms|Miss|Dr|Madam|Sir|Dame|Lord|Lady)\.? )?[A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,4})"
    r"(?: \((?P<holder>[^()\n]{2,80})\))?(?:\*\*|__)?:)(?:\*\*|__)?\s+(?P<body>\S.*)$", re.M)
# The chair of a sitting ('The SPEAKER:', 'MADAM DEPUTY SPEAKER:', 'THE CHAIR (Mr Lowe):'): calls to order and to
# speak ('Order. I call Mr Rees.') are procedure, no one's statement.
PRESIDING_OFFICER = re.compile(
    r"^(?:the |mr |madam |madame )?(?:deputy |lord )?(?:speaker|chair|chairman|chairwoman|chairperson|presiding officer)$", re.I)


# A blank line, with the whitespace after it: where a paragraph ends.
PARAGRAPH_BREAK = re.compile(r"\n\n\s*")
# An editor's note on the article itself ('Correction: An earlier version of this article said ...', 'Update: This
# story has been amended'): the outlet's, not anyone's statement. A live blog's 'UPDATE: Police said ...' is news.
EDITORS_NOTE = re.compile(
    r"^\W*(?:(?:corrections?|clarifications?|erratum|editor['’]?s['’]? note)\W*:|(?:updated?\W*:\W*)?(?:an? (?:earlier|previous) "
    r"version of this|this (?:article|story|report|piece) (?:has been|was) (?:updated|corrected|amended)))[^\n]*(?:\n(?!\n)[^\n]*)*",
    re.I | re.M)


def _without_leading_dash(entity: Span) -> Span | None:
    """A signature line's name without its dash: at a paragraph's start the tagger may take it in ('— Ilze Kalnina')."""
    start = next((t.i for t in entity if t.text not in ("—", "–", "-", "--")), entity.end)
    if start == entity.start:
        return entity
    return Span(entity.doc, start, entity.end, label=entity.label, kb_id=entity.kb_id) if start < entity.end else None


# A byline, whose writer may label their questions in an interview: 'By Anna Kerr, 21 September 2023'.
BYLINE = re.compile(r"^\s*By (?P<name>[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3})", re.M)
# A speech's heading: 'Speech by Ilie Corban MP at the Ostra harbour rally', 'Remarks by Dr Maren Holt'. The name's
# words have a small letter, so a post-nominal ('MP', 'QC') is none of it.
SPEECH_HEADING = re.compile(r"^\s*(?:Speech|Remarks|Statement|Address) by (?P<name>[A-Z][\w'’.-]*(?: [A-Z][\w'’-]*[a-z][\w'’-]*){1,3})\b")


def _byline_writer(text: str) -> str | None:
    """The writer a byline near the top names ('By Dr Ingrid Solberg', 'By Anna Kerr, 21 September 2023'), or the
    speaker a speech's heading names ('Speech by Ilie Corban MP'): the 'I' of their own words. A line that runs on past
    the name is a sentence ('By Friday the union had ...'), not a byline."""
    for line in top_lines(text):
        byline = BYLINE.match(line)
        if byline is not None and re.fullmatch(r"\s*(?:[,|].{0,60})?", line[byline.end() :]):
            return byline.group("name")
        heading = SPEECH_HEADING.match(line)
        if heading is not None:
            return heading.group("name")
    return None


def _biography_sentences(doc: Doc) -> list[Span]:
    """The bio lines at an article's top: a paragraph of one sentence that says who a named person is ('Dr Ingrid
    Solberg is a hydrologist at Marrowdale University.')."""
    top = top_lines(doc.text)
    found = []
    for sentence in doc.sents:
        line = sentence.text.strip()
        if line not in top or sentence.root.lemma_ != "be" or not any(c.dep_ == "attr" for c in sentence.root.children):
            continue
        subject = next((c for c in sentence.root.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.ent_type_ == "PERSON":
            found.append(sentence)
    return found


def _turn_people(doc: Doc, turns: list[re.Match[str]]) -> list[Span]:
    """The people the text names outside the turns' labels (a tagger may take 'REES' in 'MR REES:' for a name); an
    office's holder in brackets is one."""
    labels = [(t.start(), t.start("holder") if t.group("holder") else t.start("body")) for t in turns]
    return [e for e in doc.ents if e.label_ == "PERSON" and not any(start <= e.start_char < end for start, end in labels)]


def _people_labelled(label: str, people: list[Span]) -> list[Span]:
    """The people whose name holds every word of a turn's label, its honorific aside ('MR REES': 'Mr Dafydd Rees')."""
    words = {w.lower() for w in name_words(label)}
    return [p for p in people if words <= {w.lower() for w in p.text.split()}]


def _names_a_participant(turn: re.Match[str], people: list[Span], registry: ActorRegistry, on: dt.date | None) -> bool:
    """Whether a label in capitals names someone speaking rather than heading a section ('NOTES TO EDITORS:', 'UPDATE:',
    'WASHINGTON:'): it has a holder in brackets or an honorific, or it names a person of the registry or of the text."""
    label = turn.group("label")
    if turn.group("holder") or (len(label.split()) > 1 and label.split()[0].lower().rstrip(".") in HONORIFICS):
        return True
    actor = registry.resolve(label, on)
    return actor.kind == "person" if actor is not None else bool(_people_labelled(label, people))


def _transcript_turns(doc: Doc, outlet: str | None, writer: str | None, registry: ActorRegistry,
                      on: dt.date | None) -> tuple[list[re.Match[str]], list[re.Match[str]]]:
    """(unspoken, spoken) turns of a transcript, or none where the text is not one. In an interview the interviewer asks
    under 'Q:' or under the label of the outlet or of the byline's writer ('ECHO:', 'KERR:'), and the other turns ('A:',
    'LINDQVIST:') answer: two questions and two answers, or one explicit 'Q:' and its answer (a lone line under a
    capitalised label is as likely a heading). In a sitting with no interviewer, each of two or more turns labelled
    with a participant ('MR REES:', 'MS HALVORSEN:') is their statement, a question to a minister as well; the
    presiding officer's turns are procedure."""
    interviewer = {w.upper() for w in f"{outlet or ''} {writer or ''}".split()}

    def asks(turn: re.Match[str]) -> bool:
        label = turn.group("label")
        return turn.group("turn") == "Q" or (label is not None and set(label.upper().split()) <= interviewer)

    def presides(turn: re.Match[str]) -> bool:
        return turn.group("label") is not None and PRESIDING_OFFICER.match(turn.group("label")) is not None

    def labelled(turn: re.Match[str]) -> bool:
        """A turn, not a paragraph's heading: 'Q:', 'A:', a label in capitals, the interviewer's or a participant's."""
        label = turn.group("label")
        return label is None or label.split(" ", 1)[-1].isupper() or asks(turn) or _names_a_participant(turn, candidates, registry, on)

    matches = list(TRANSCRIPT_TURN.finditer(doc.text))
    candidates = _turn_people(doc, matches)
    turns = [t for t in matches if labelled(t)]
    questions = [t for t in turns if asks(t)]
    chair = [t for t in turns if presides(t)]
    others = [t for t in turns if not asks(t) and not presides(t)]
    explicit = any(q.group("turn") == "Q" for q in questions)
    if len(questions) >= (1 if explicit else 2) and len(others) >= (1 if explicit else 2):
        return questions + chair, others
    people = _turn_people(doc, turns)
    spoken = [t for t in others if t.group("label") is not None and _names_a_participant(t, people, registry, on)]
    return (chair, spoken) if len(spoken) >= 2 else ([], [])


def _turn_drafts(doc: Doc, unspoken: list[re.Match[str]], spoken: list[re.Match[str]]) -> list[_Draft]:
    """Each spoken turn is its speaker's: an office's holder in brackets; the person of the text a label names, as the
    text first names them in full, else the label itself ('Mr Rees'); for a bare 'A:', the interviewee, the last
    person the introduction names before the first question ('We spoke to Marchetti on Friday.')."""
    text = doc.text
    people = _turn_people(doc, unspoken + spoken)
    first_question = min((t.start() for t in unspoken), default=len(text))
    introduced = [p for p in people if p.end_char <= first_question]
    drafts = []
    for turn in spoken:
        label, holder = turn.group("label"), turn.group("holder")
        named = _people_labelled(label, people) if label else introduced[-1:]
        if holder:
            who, anchor = holder, doc.char_span(turn.start("holder"), turn.end("holder"), alignment_mode="expand").start
        elif named:
            name = max(named, key=len)  # the fullest name; the first of them
            who, anchor = name.text, name.start
        elif label:
            who, anchor = label.title(), doc.char_span(turn.start(), turn.end(), alignment_mode="expand").start
        else:
            continue
        drafts.append(_Draft(*trim(text, turn.start("body"), turn.end("body")), "direct", None, None, anchor, [], speaker_text=who))
    return drafts


# 'She told him the government would respect any ruling, according to two people familiar with the meeting': the
# sourcing after the content is the reporter's, not the speaker's words.
_TRAILING_SOURCING = re.compile(r",\s+(?:according to|sources said|people familiar with)\b", re.IGNORECASE)


def _without_sourcing(text: str, draft: _Draft) -> _Draft:
    if draft.kind != "indirect":
        return draft
    sourcing = _TRAILING_SOURCING.search(text, draft.start, draft.end)
    return replace(draft, end=trim(text, draft.start, sourcing.start())[1]) if sourcing else draft


def _headline_end(text: str, title: str | None = None) -> int:
    """Where the headline ends: the article's title when the text opens with it as a line of its own (a page's <h1>,
    a record's `title`), else a one-line first paragraph without a closing full stop; 0 where there is none. A press
    release's headline is the first such line below its letterhead ('MARROWDALE FARMERS' UNION', 'PRESS RELEASE')."""
    for start in dict.fromkeys((letterhead_end(text), 0)):
        first_line = text[start:].lstrip().split("\n", 1)[0]
        if title and first_line.strip() == title.strip():
            return text.index(first_line, start) + len(first_line)
        first = text.find("\n\n", start)
        line = text[start:first].strip() if first > start else ""
        # A one-line lede ending in a full stop inside a quote mark ('... was "a disaster."') is a sentence, not a headline.
        if line and "\n" not in line and len(line) <= 200 and not re.search(r"[.!?][\"'”’]*$", line):
            return first
    return 0


# A headline's speaker before its quote: 'Union chief: "We will strike"'. Its words are a name or a description whose
# last noun names a person or an organisation (`DESCRIBED_SPEAKERS`), never a rubric ('Analysis:', 'Live:').
HEADLINE_SPEAKER = re.compile(r"\s*(?P<who>[^\n:\"“”«]{2,60}?)\s*:\s*")
DESCRIBED_SPEAKERS = PERSON_ROLE_NOUNS | PERSON_NOUNS | SPOKES_NOUNS | frozenset(ORGANISATION_NOUNS)


def _headline_colon_quotes(doc: Doc, marks: list[tuple[int, int]], headline_end: int) -> list[_Draft]:
    """A headline's quote after a speaker and a colon: in headlinese the colon is the cue (the body's 'X said: "..."'),
    so the words are a statement (README: a headline's words in quote marks with a cue)."""
    text = doc.text
    found = []
    for mark in marks:
        if mark[1] >= headline_end:
            break
        who = HEADLINE_SPEAKER.fullmatch(text, text.rfind("\n", 0, mark[0]) + 1, mark[0])
        words = doc.char_span(*who.span("who"), alignment_mode="contract") if who else None
        if not words or len(words) > 6 or any(t.pos_ in ("VERB", "AUX") for t in words):
            continue
        if words[-1].lemma_.lower() in DESCRIBED_SPEAKERS or any(t.ent_type_ in ("PERSON", "ORG") for t in words):
            found.append(_named_draft(doc, trim(text, mark[0] + 1, mark[1]), "direct", who.group("who")))
    return found


def _named_draft(doc: Doc, body: tuple[int, int], kind: QuoteKind, who: str) -> _Draft:
    """A statement whose speaker the layout names in plain text (a signature, a 'From X:' header), not a parsed subject."""
    token = doc.char_span(body[0], body[0] + 1, alignment_mode="expand")
    return _Draft(body[0], body[1], kind, None, None, token.start if token is not None else 0, [], speaker_text=who.strip())


def quote_mark_spans(text: str) -> list[tuple[int, int]]:
    """(open mark, close mark) character positions of every quoted stretch.

    Curly and angle marks pair by direction; straight double quotes alternate within a paragraph. A mark
    left open at a paragraph's end closes there (the press convention for quotes running over paragraphs).
    Single marks (British style: 'We will not,' he said) count outside double-quoted stretches, where they are
    not a quote inside a quote.
    A markdown block quote line ('> Varnia has waited ...') is a quoted stretch from its '>' to the line's end, and
    the marks inside it are the quoted text's own.
    """
    blocks = [m.span() for m in BLOCK_QUOTE_LINE.finditer(text)]
    doubles = _double_mark_spans(text)
    singles = [span for span in _single_mark_spans(text) if not any(o <= span[0] <= c for o, c in doubles)]
    return sorted(blocks + [span for span in doubles + singles if not any(o <= span[0] <= c for o, c in blocks)])


def _single_mark_spans(text: str) -> list[tuple[int, int]]:
    """Single-mark stretches. The same characters are apostrophes ('Iraq's', 'member states' relations', 'Kurds' ')
    far more often than quote marks, so a mark opens only before a word and after a space or a bracket, and closes
    only after a word, not inside one and not as a plural possessive ('the migrants' homes'); a mark never closed
    before the paragraph ends opened nothing."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char == "\n" and text[index + 1 : index + 2] in ("\n", ""):
            opened = None
        if char not in SINGLE_MARKS:
            continue
        before = text[index - 1] if index > 0 else " "
        after = text[index + 1] if index + 1 < len(text) else " "
        if opened is None:
            if char != "’" and (before.isspace() or before in "([—–") and after.isalnum():
                opened = index
        elif char != "‘" and not before.isspace() and not after.isalnum():
            if before == "s" and after == " " and text[index + 2 : index + 3].islower():
                continue
            spans.append((opened, index))
            opened = None
    return spans


def _double_mark_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for index, char in enumerate(text):
        if char == "\n" and opened is not None and text[index + 1 : index + 2] in ("\n", ""):
            spans.append((opened[0], index))
            opened = None
        elif opened is None and (char in OPENING_MARKS or char == '"'):
            opened = (index, OPENING_MARKS.get(char, '"'))
        elif opened is not None and char == opened[1]:
            spans.append((opened[0], index))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strips whitespace, quote marks and the punctuation a span never starts or ends with ('?' and '!' stay):
    a mixed quote ending in a quoted fragment ends at its last word, like a direct one."""
    while start < end and (text[start].isspace() or text[start] in ",;:" + QUOTE_MARKS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRAILING_INSIDE_MARK + QUOTE_MARKS):
        end -= 1
    return start, end


class QuoteExtractor:
    """Finds statements in article texts; holds the parsing pipeline and the registry for a whole run."""

    def __init__(self, nlp: Language, registry: ActorRegistry) -> None:
        self.nlp = nlp
        self.registry = registry
        self.resolver = SpeakerResolver(registry)
        self.cues = Matcher(nlp.vocab)
        self.cues.add("CUE", [[{"LEMMA": {"IN": sorted(SPEECH_CUES)}, "POS": "VERB"}]])
        self.cues.add("ACCORDING_TO", [[{"LOWER": "according"}, {"LOWER": "to"}]])
        self.relations = DependencyMatcher(nlp.vocab)
        self.relations.add(
            "SUBJECT",
            [[{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(SPEECH_CUES)}}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": {"DEP": {"IN": ["nsubj"]}}}]],
        )
        self.relations.add(
            "CONTENT",
            [[{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(SPEECH_CUES)}}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": {"IN": list(CLAUSE_DEPS)}}}],
             [{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(OBJECT_CONTENT_CUES)}}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "dobj"}}],
             [{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": "call"}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "prep", "LOWER": "for"}}],
             [{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": "call"}},
              {"LEFT_ID": "cue", "REL_OP": ".", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "prep", "LOWER": "on"}}],
             [{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": "call"}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "advcl"}},
              {"LEFT_ID": "content", "REL_OP": ">", "RIGHT_ID": "for", "RIGHT_ATTRS": {"DEP": "mark", "LOWER": "for"}}],
             # 'said a package with visa and hotel sold for $3,500': a clause the parser read as an object.
             [{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(CLAUSE_AS_OBJECT_CUES)}}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "dobj"}},
              {"LEFT_ID": "content", "REL_OP": ">", "RIGHT_ID": "verb", "RIGHT_ATTRS": {"DEP": "acl", "TAG": {"IN": ["VBD", "VBN", "VBZ", "VBP"]}}}]],
        )
        # 'said in a statement that it had activated ...', 'told deputies before the vote that ...': the parser hangs
        # the that-clause on the medium or the occasion, not the cue.
        self.relations.add(
            "CONTENT_IN_MEDIUM",
            [[{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": {"IN": sorted(SPEECH_CUES)}}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "prep", "RIGHT_ATTRS": {"DEP": "prep", "LOWER": {"IN": ["in", "on", "during", "at", "before", "after"]}}},
              {"LEFT_ID": "prep", "REL_OP": ">", "RIGHT_ID": "medium", "RIGHT_ATTRS": {"DEP": "pobj"}},
              {"LEFT_ID": "medium", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": {"IN": ["acl", "relcl"]}}},
              {"LEFT_ID": "content", "REL_OP": ">", "RIGHT_ID": "that", "RIGHT_ATTRS": {"DEP": "mark", "LOWER": "that"}}]],
        )

        # 'Residents told the Courier they had learned of the plan': the parser reads the reported clause, which has a
        # subject of its own and no relative pronoun, as a relative clause on the addressee.
        self.relations.add(
            "CONTENT_AFTER_ADDRESSEE",
            [[{"RIGHT_ID": "cue", "RIGHT_ATTRS": {"LEMMA": "tell"}},
              {"LEFT_ID": "cue", "REL_OP": ">", "RIGHT_ID": "addressee", "RIGHT_ATTRS": {"DEP": "dobj"}},
              {"LEFT_ID": "addressee", "REL_OP": ">", "RIGHT_ID": "content", "RIGHT_ATTRS": {"DEP": "relcl"}},
              {"LEFT_ID": "content", "REL_OP": ">", "RIGHT_ID": "subject",
               "RIGHT_ATTRS": {"DEP": "nsubj", "LOWER": {"NOT_IN": ["who", "which", "that", "whom"]}}}]],
        )

    def extract(self, text: str, article_date: dt.date | None = None, outlet: str | None = None,
                title: str | None = None) -> list[ExtractedQuote]:
        if "\r" not in text:
            return self.extract_doc(self.parse(text), article_date, outlet, title)
        # Windows or old Mac line ends: the rules read a blank line as '\n\n', so the text is parsed with '\n' line
        # ends and the offsets mapped back onto the text as given (which the statements keep byte for byte).
        kept = [i for i, char in enumerate(text) if not (char == "\r" and text[i + 1 : i + 2] == "\n")]
        unix = text.replace("\r\n", "\n").replace("\r", "\n")
        return [replace(q, start=kept[q.start], end=kept[q.end - 1] + 1) for q in self.extract_doc(self.parse(unix), article_date, outlet, title)]

    def parse(self, text: str) -> Doc:
        """The text parsed a paragraph at a time and joined back: a blank line is a hard boundary, so the words of one
        paragraph never sway the tagging and parse of the next (a headline's '... as Marlow raises offer' made the
        body's 'Marlow' a sentence of its own, cut from 'Marlow Maritime has raised ...')."""
        cuts = [m.end() for m in PARAGRAPH_BREAK.finditer(text)]
        paragraphs = [text[start:end] for start, end in zip([0, *cuts], [*cuts, len(text)]) if end > start] or [text]
        docs = list(self.nlp.pipe(paragraphs))
        doc = docs[0] if len(docs) == 1 else Doc.from_docs(docs, ensure_whitespace=False, exclude=["user_data"])
        doc.ents = [e for e in map(_without_leading_dash, doc.ents) if e is not None]
        return doc

    def extract_doc(self, doc: Doc, article_date: dt.date | None = None, outlet: str | None = None,
                    title: str | None = None) -> list[ExtractedQuote]:
        """`outlet` ('Notes from Poland') is the last clue to the country an unqualified 'The Border Guard' belongs to;
        `title`, the article's, is where its headline ends when the text opens with it."""
        marks = quote_mark_spans(doc.text)
        headline_end = _headline_end(doc.text, title)
        # A headline's own reporting ('Union says four-day week is overdue') is headlinese for what the body reports;
        # only its words in quote marks, with their cue ('"I never stopped believing," says Moreau', 'Union chief: "..."'),
        # are a statement.
        drafts = [d for d in self._cue_drafts(doc, marks) if d.kind == "direct" or d.start >= headline_end]
        drafts += _headline_colon_quotes(doc, marks, headline_end)
        drafts += self._unattributed_quotes(doc, marks, drafts, headline_end)
        drafts += self._press_release_drafts(doc)
        drafts += _signed_letter(doc, marks, headline_end)
        writer = _byline_writer(doc.text)  # the interviewer of a Q&A, and the 'I' of their own reporting
        unspoken, spoken = _transcript_turns(doc, outlet, writer, self.registry, article_date)
        drafts += _turn_drafts(doc, unspoken, spoken)
        # An interviewer's 'In February you said ...' puts a question to the interviewee, the Speaker's 'I call Mr Rees
        # to ask ...' calls on a member, and an editor's note corrects the article: no one's statement.
        unspoken_spans = [(t.start(), t.end()) for t in unspoken] + [n.span() for n in EDITORS_NOTE.finditer(doc.text)]
        drafts = [d for d in drafts if not any(start <= d.start < end for start, end in unspoken_spans)]
        drafts = [_without_sourcing(doc.text, d) for d in _without_overlaps(drafts)]
        return self._resolve(doc, drafts, article_date, outlet, writer)

    # --- finding content -------------------------------------------------------------------------------------

    def _cue_drafts(self, doc: Doc, marks: list[tuple[int, int]]) -> list[_Draft]:
        def quoted(token: Token) -> bool:
            return any(o < token.idx < c for o, c in marks)

        subjects: dict[int, Token] = {}
        contents: dict[int, list[Token]] = {}
        for match_id, (cue_i, *others) in sorted(self.relations(doc), key=lambda m: m[1]):
            name = doc.vocab.strings[match_id]
            other_i = others[CONTENT_POSITION.get(name, 0)]
            if name == "SUBJECT":
                # A quoted sentence can be parsed as the cue's subject ('"... Anyone would ...," she wrote'). Of two
                # subjects the nearer one before the cue is the speaker: 'Outside court, Amira's father, Rajesh Sethi,
                # described ...' gave 'court' one too.
                current = subjects.get(cue_i)
                if not quoted(doc[other_i]) and (current is None or current.i < other_i < cue_i):
                    subjects[cue_i] = doc[other_i]
            elif not (doc[cue_i].lemma_ in COMPLEMENT_CUES and doc[other_i].dep_ == "ccomp") and not _gerund_complement(doc[other_i]) \
                    and not _labels_its_sentence(doc[other_i]):
                contents.setdefault(cue_i, []).append(doc[other_i])
        drafts: list[_Draft] = []
        for match_id, start, end in self.cues(doc):
            if doc.vocab.strings[match_id] == "ACCORDING_TO":
                draft = self._according_to(doc, doc[start:end])
                if draft is not None:
                    drafts.append(draft)
                continue
            cue = doc[start]
            # Passives ('was asked') and infinitives ('this is not to say') report no speaker of their own.
            if quoted(cue) or any(c.dep_ in ("nsubjpass", "auxpass") or (c.dep_ == "aux" and c.lower_ == "to") for c in cue.children):
                continue
            if cue.dep_ == "acl" and cue.tag_ == "VBN" and _verbless_subject(cue) is None:  # 'a third bid, reported to be worth £28m'
                continue
            if doc.text[max(0, cue.idx - 3) : cue.idx].lower() == "so-":  # 'so-called' introduces a term, not a quote
                continue
            subject = (subjects.get(cue.i) or _quoted_as_saying(cue) or _inherited_subject(cue, quoted) or _speaker_after_quote(cue, marks)
                       or _fronted_apposition(cue) or _subject_when_asked(cue) or _inverted_subject(cue, marks)
                       or _verbless_subject(cue))
            if subject is not None and subject.lower_ in RELATIVE_PRONOUNS and cue.dep_ == "relcl":
                subject = _antecedent(cue)  # 'FNV Havens, the main dockworkers' union, which said ...'
            if subject is not None and (quoted(subject) or subject.lower_ in NOT_SPEAKERS):
                continue
            # A clause that holds the speaker is no content of theirs (the parser's 'read ... by Mr Thorne, Amira's mother').
            heads = [h for h in contents.get(cue.i, []) if subject is None or not h.left_edge.i <= subject.i <= h.right_edge.i]
            heads = heads or _reported_before(cue)  # whose subtree holds the speaker's clause, cut off in _content_tokens
            if _participle_of_its_subject(cue, heads):
                continue
            found = self._drafts_for_cue(doc, cue, subject, heads, marks)
            if cue.lemma_ == "shoot" and not any(c.lower_ == "back" for c in cue.children):
                continue  # only 'shot back' is said
            drafts += [d for d in found if d.kind == "direct"] if cue.lemma_ in QUOTED_ONLY_CUES else found
        return drafts

    def _drafts_for_cue(self, doc: Doc, cue: Token, subject: Token | None, heads: list[Token], marks: list[tuple[int, int]]) -> list[_Draft]:
        text = doc.text
        drafts = []
        used_marks: set[tuple[int, int]] = set()
        for tokens, head in _content_parts(heads, cue):
            if subject is not None and tokens[0].i < subject.left_edge.i <= tokens[-1].i:
                tokens = [t for t in tokens if t.i < subject.left_edge.i]  # the speaker is never part of what they said
            start, end = trim(text, tokens[0].idx, tokens[-1].idx + len(tokens[-1]))
            if end - start < 2:
                continue
            inside = [m for m in marks if m[0] < end and start < m[1]]
            around = [m for m in inside if m[0] <= start and end <= m[1] + 1]
            if around:  # the clause is (part of) a quoted stretch: the whole stretch is the statement
                mark = around[0]
                start, end = trim(text, mark[0] + 1, mark[1])
                kind: QuoteKind = "direct"
                used_marks.add(mark)
            elif inside and all(start <= m[0] + 1 and m[1] <= end + 1 for m in inside):
                kind = "direct" if _only_marks_outside(text, start, end, inside) else "mixed"
                if kind == "direct":
                    start, end = trim(text, inside[0][0] + 1, inside[-1][1])
                used_marks.update(inside)
            elif inside:  # a quoted stretch that runs past the clause: a direct quote the parse cut short
                mark = inside[0]
                start, end = trim(text, mark[0] + 1, mark[1])
                kind = "direct"
                used_marks.add(mark)
            elif subject is None:  # an indirect clause with no one saying it is the writer's
                continue
            else:
                kind = "indirect"
            drafts.append(_Draft(start, end, kind, cue, subject, cue.i, _date_tokens(cue, head, tokens)))
        # Quoted stretches next to the cue ('"A," he said, "B."' or 'said: "A"') or inside its object ('called it "A"').
        for mark in _adjacent_marks(doc, cue, subject, marks):
            if mark in used_marks or any(d.start <= mark[0] < d.end for d in drafts):
                continue
            start, end = trim(text, mark[0] + 1, mark[1])
            if cue.dep_ == "relcl" and mark[1] < cue.idx:
                # '"..." Helga Oprea, the economist who wrote the submission, has modelled ...': the quote is the person's
                # the clause describes, but the clause's verb is no cue of it.
                drafts.append(_Draft(start, end, "direct", None, subject, cue.i, []))
                continue
            drafts.append(_Draft(start, end, "direct", cue, subject, cue.i, _date_tokens(cue, None, [])))
        return drafts

    def _according_to(self, doc: Doc, phrase: Span) -> _Draft | None:
        """'According to X, CLAUSE' / 'CLAUSE, according to X': the longer side of the phrase is the content,
        so a connective before it ('However, according to X, ...') never is."""
        to = phrase[1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            return None
        source = objects[0]
        if source.lemma_.lower() in MESSAGE_NOUNS:
            # 'according to a statement from the bank', 'according to the ministry's statement': the sender speaks.
            sender = [c for c in source.children if c.dep_ == "poss"] + [
                g for c in source.children if c.dep_ == "prep" and c.lower_ in ("from", "by", "of") for g in c.children if g.dep_ == "pobj"
            ]
            source = sender[0] if sender else source
        if source.lemma_.lower() in NON_SPEAKER_NOUNS or source.lower_ in NON_SPEAKER_NOUNS:
            return None
        sentence = phrase.sent
        phrase_end = source.right_edge.i + 1
        # 'According to Rath's deputy, Arvind Kumar Reddy, the alliance lost ...': the name after the comma is the source's.
        named = next((e for e in doc.ents if e.start == phrase_end + 1 and e.label_ == "PERSON"), None)
        if named is not None and doc[phrase_end].text == "," and named.end < len(doc) and doc[named.end].text == ",":
            start, end = trim(doc.text, doc[named.end].idx + 1, sentence.end_char)
            return _Draft(start, end, "according_to", None, None, phrase.start, [], speaker_text=named.text) if end - start >= 10 else None
        before = (sentence.start_char, phrase.start_char)
        phrase_end, dates = _attribution_end(phrase, source)
        after = (doc[phrase_end].idx if phrase_end < len(doc) else len(doc.text), sentence.end_char)
        text = doc.text
        before_t = trim(text, *before)
        after_t = trim(text, *after)
        content_after = after_t[1] - after_t[0] > before_t[1] - before_t[0]
        start, end = after_t if content_after else before_t
        if end - start < 10:
            return None
        return _Draft(start, end, "according_to", None, source, phrase.start, dates if content_after else [])

    def _unattributed_quotes(self, doc: Doc, marks: list[tuple[int, int]], drafts: list[_Draft], headline_end: int) -> list[_Draft]:
        """Quoted stretches no cue claimed: a continuation of the paragraph's last speaker, or of the quote the paragraph
        before left open (the press convention for a quote over several paragraphs), or unknown."""
        text = doc.text
        found = []
        for index, mark in enumerate(marks):
            start, end = trim(text, mark[0] + 1, mark[1])
            if len(text[start:end].split()) < MIN_QUOTE_WORDS or any(d.start < end and start < d.end for d in drafts):
                continue
            if TERM_INTRODUCER.search(text[max(0, mark[0] - 30) : mark[0]]):
                continue  # 'the council's so-called "ring of steel"': a term, not a quote
            if WORK_INTRODUCER.search(text[max(0, mark[0] - 60) : mark[0]]) and _reads_as_a_title(text[start:end]):
                continue
            if mark[1] < headline_end or _pull_quote(text, mark):
                continue  # a headline's quote without a cue, or a pull quote, repeats one the body attributes
            paragraph_start = text.rfind("\n\n", 0, mark[0]) + 1
            previous = [d for d in drafts + found if paragraph_start <= d.start < mark[0] and d.kind != "press_release"]
            left_open = marks[index - 1] if index > 0 and text[marks[index - 1][1]] not in QUOTE_MARKS else None
            if not previous and left_open is not None and not text[left_open[1] : mark[0]].strip():
                previous = [d for d in drafts + found if left_open[0] <= d.start < left_open[1] and d.kind != "press_release"]
            anchor = doc.char_span(mark[0], mark[0] + 1, alignment_mode="expand")
            position = anchor.start if anchor is not None else 0
            introducer = _colon_subject(doc, mark[0], paragraph_start)
            name_line = _name_line_above(doc, mark[0])
            if introducer is not None:  # 'Kjaer, who leads the kiosk owners, was blunt: "..."'
                found.append(_Draft(start, end, "direct", None, introducer, introducer.head.i, []))
            elif name_line is not None and not previous:
                found.append(_named_draft(doc, (start, end), "direct", name_line))
            elif previous:
                last = max(previous, key=lambda d: d.start)
                found.append(_Draft(start, end, "continuation", None, last.subject, last.anchor, last.date_tokens, last.speaker_text))
            else:
                found.append(_Draft(start, end, "continuation", None, None, position, []))
        return found

    def _press_release_drafts(self, doc: Doc) -> list[_Draft]:
        """'"..." — Commissioner X' signatures, on the paragraph's last line or a line of their own under it, and
        'From Minister X:' headers over paragraphs."""
        text = doc.text
        found = []
        offset = 0
        header: str | None = None
        block_start: int | None = None  # where the lines since the last blank line begin
        last_block: tuple[int, int] | None = None  # the block before the last blank line
        for paragraph in text.split("\n"):
            start, end = offset, offset + len(paragraph)
            offset = end + 1
            if not paragraph.strip():
                if block_start is not None:
                    last_block = (block_start, start - 1)
                block_start = None
                continue
            alone = SIGNATURE_LINE.match(paragraph)
            # Under the lines it signs, or a blank line below a quote paragraph ('"..."' / '' / '— Ruta J., Legal Director').
            signed = (block_start, start - 1) if block_start is not None else (
                last_block if last_block is not None and text[last_block[0] :].lstrip()[:1] in QUOTE_MARKS + ">" else None)
            if alone and signed is not None and _looks_like_name(alone.group("who")):
                # A block quote is signed line by line, like a quote over paragraphs, without its '>' markers.
                bodies = [trim(text, line.start() + 1, line.end()) for line in BLOCK_QUOTE_LINE.finditer(text, *signed)]
                found += [_named_draft(doc, body, "press_release", alone.group("who"))
                          for body in bodies or [trim(text, *signed)] if body[1] - body[0] >= 10]
                block_start = last_block = None
                continue
            if block_start is None:
                block_start = start
            match = FROM_HEADER.match(paragraph)
            if match:
                # 'From Minister for Emergency Services Jacob Rowe:': the person the header names, where it names one.
                people = [e for e in doc.ents if e.label_ == "PERSON" and start + match.start("who") <= e.start_char and e.end_char <= start + match.end("who")]
                header = people[-1].text if people and not self.registry.resolve(match.group("who")) else match.group("who")
                continue
            if RELEASE_BOILERPLATE.match(paragraph):  # 'Notes to editors:', 'About Marlowe's', 'ENDS': the statement is over
                header = None
                continue
            attributed = QUOTE_THEN_DASH.match(paragraph)
            if attributed and not _looks_like_name(attributed.group("who")):  # a bare signature is a press release's
                # '"We will not put 12,000 people on the road" — race director Marta Figueiredo, speaking to reporters.'
                who = (start + attributed.start("who"), start + attributed.end("who"))
                named = [e for e in doc.ents if e.label_ == "PERSON" and who[0] <= e.start_char < who[1]]
                if named:
                    found.append(_named_draft(doc, trim(text, start, start + attributed.end("body")), "direct", named[0].text))
                    continue
            signed = DASH_SIGNATURE.match(paragraph)
            who, body_end = (signed.group("who"), start + signed.end("body")) if signed and _looks_like_name(signed.group("who")) else (header, end)
            if who is None:
                continue
            body = trim(text, start, body_end)
            if body[1] - body[0] >= 10:
                found.append(_named_draft(doc, body, "press_release", who))
        return found

    # --- speakers and dates --------------------------------------------------------------------------------

    def _resolve(self, doc: Doc, drafts: list[_Draft], article_date: dt.date | None, outlet: str | None,
                 writer: str | None) -> list[ExtractedQuote]:
        # A subject inside someone's statement ('"Lukashenko did not invent ...," he wrote') is the speaker's topic, not
        # the article's: it never takes a later 'he'.
        reported = [(d.start, d.end) for d in drafts] + quote_mark_spans(doc.text)

        def told(entity: Span) -> bool:
            return any(start <= entity.start_char and entity.end_char <= end for start, end in reported)

        history = [
            ActorMention(e.start, actor, False, title_words(e, actor) if actor.kind == "person" else frozenset(), is_subject(e) and not told(e))
            for e in doc.ents if (actor := self.registry.actors.get(e.kb_id_)) is not None
        ]
        offices = self.resolver.office_mentions(doc, article_date, told)
        history = sorted(history + self._unregistered_mentions(doc, told) + offices, key=lambda m: m.position)
        # A writer's bio line ('Dr Ingrid Solberg is a hydrologist at Marrowdale University.') says where they work; its
        # organisation is no antecedent for a later 'it' or 'a spokeswoman'.
        biography = _biography_sentences(doc)
        history = [m for m in history if m.actor.kind == "person" or not any(s.start <= m.position < s.end for s in biography)]
        context = self.resolver.context(doc, outlet)
        resolved: list[_Resolved] = []
        joint: list[ExtractedQuote] = []  # the same words for the other speakers of a joint subject
        descriptions: list[tuple[int, str, str]] = []  # speakers the text only described: (position, head noun, mention)
        for draft in sorted(drafts, key=lambda d: (d.anchor, d.start)):
            date, period, date_text = resolve_date(draft.date_tokens, article_date)
            # A statement dated only to a month, or to a week that no one month holds, names an office's holder all
            # through it (`Office.holder_on`).
            on = (week_days(date_text, article_date) if date_text else None) or date or period_days(period) or article_date
            mention = None
            if draft.speaker_text is not None:
                mention_text = draft.speaker_text
                actor = (self.registry.resolve(mention_text, on) or _named_before(mention_text, history) or _titled_before(mention_text, history)
                         or _signed_person(mention_text))
            elif draft.subject is not None:
                mention = mention_tokens(draft.subject)
                if draft.kind == "according_to":
                    # 'According to Sofia Lindahl, the council leader, ...' names Sofia Lindahl: what the parser hangs on
                    # the name after a comma describes her, or is the reported clause's own subject.
                    mention = _before_apposition(mention)
                described = _described_before(mention, descriptions, history)
                if mention.text == "I":  # the writer's own reporting ('I told members that ...'): theirs where a byline names them
                    actor = writer and (self.registry.resolve(writer, on) or _signed_person(writer))
                else:
                    actor = None if described else (self.resolver.resolve(mention, history, on, context) or _named_here(mention, history)
                                                     or self._unregistered_speaker(mention))
                # An unresolved mention is kept as the text names the speaker, without the description after it
                # ('Tech Workers United, a labor group that ...' -> 'Tech Workers United').
                # A name keeps no leading 'the' (GUIDELINES §7): 'the Valais cantonal police' -> 'Valais cantonal police'.
                mention_text = described or (mention.text if actor is not None else re.sub(r"^[Tt]he (?=[A-Z])", "", _before_apposition(mention).text))
                if actor is None and mention.root.pos_ == "NOUN" and mention[0].lower_ in ("a", "an"):
                    descriptions.append((draft.anchor, mention.root.lemma_, mention_text))
            else:
                mention_text, actor = None, None
            if actor is not None and actor.name not in self.registry.actors:
                actor = _with_known_pronoun(actor, mention, history)
            if actor is not None:
                history.append(ActorMention(draft.anchor, actor, True))
            quote = ExtractedQuote(
                start=draft.start, end=draft.end, kind=draft.kind, cue=_cue_text(draft), speaker_mention=mention_text,
                speaker=actor.name if actor else None, date=date, period=period, date_mention=date_text,
            )
            resolved.append(_Resolved(draft, mention, actor, quote))
            if actor is not None and mention is not None:
                joint += [replace(quote, speaker=other.name) for other in self._joint_speakers(mention, actor, history, on, context)]
        self._name_descriptions(doc, resolved, history)
        _issued_statements(doc, resolved)
        _interview_runs(doc.text, resolved)
        self._lead_ins(doc, resolved, history, article_date, context)
        _interview_runs(doc.text, resolved)  # the rest of a run a lead-in opened
        return sorted([r.quote for r in resolved] + joint, key=lambda q: q.start)

    def _joint_speakers(self, mention: Span, actor: Actor, history: list[ActorMention], on: When | None,
                        context: ArticleContext) -> list[Actor]:
        """'Dal and Ostrov both said ...': the other named speakers of a joint subject, each of whom said it too."""
        others: list[Actor] = []
        for conjunct in mention.root.conjuncts:
            if not mention.start <= conjunct.i < mention.end:
                continue
            right = max([conjunct.i] + [c.right_edge.i for c in conjunct.rights if c.dep_ not in ("conj", "cc", "punct", "appos")])
            other = self.resolver.resolve(mention.doc[conjunct.left_edge.i : right + 1], history, on, context)
            if other is not None and other != actor and other not in others:
                others.append(other)
        return others

    def _lead_ins(self, doc: Doc, resolved: list[_Resolved], history: list[ActorMention], on: dt.date | None,
                  context: ArticleContext) -> None:
        """'On metal detectorists, she is unexpectedly warm.' / '"People assume we're at war with them."': a quote
        paragraph that nothing attributes, right after a paragraph without a statement, is the words of the person
        that paragraph ends on (its last sentence's subject, the 'her' of 'Her answer is careful', or the name in
        'The chief executive ..., Anton Grebe, issued a statement'). So is a quote that follows such a sentence in its
        own paragraph ('Tanase shrugged. "..."')."""
        text = doc.text
        claimed = [(r.draft.start, r.draft.end) for r in resolved if r.draft.kind != "continuation" or r.actor is not None]
        for item in sorted(resolved, key=lambda r: r.draft.start):
            if item.actor is not None or item.mention is not None or item.draft.kind != "continuation":
                continue
            start, _ = _paragraph_around(text, item.draft.start, item.draft.end)
            lead = text[start : item.draft.start].rstrip(QUOTE_MARKS + ",;: \n")  # the paragraph's text before the quote
            if lead.strip():  # a sentence of its own paragraph leads in
                before_start, before_end = start, start + len(lead)
                if lead[-1] not in ".!?":
                    continue
            elif start == 0:
                continue
            else:
                before_start, before_end = _paragraph_around(text, start - 2, start - 2)
            last = doc.char_span(before_start, before_end, alignment_mode="contract")
            if text[before_start:].lstrip()[:1] in QUOTE_MARKS or last is None or not len(last):
                continue
            sentence = list(last.sents)[-1]
            if any(sentence.start_char <= s < before_end for s, _ in claimed):
                continue  # a paragraph that ends on a statement: _interview_runs's case, or someone else's words
            subject = next((t for t in sentence if t.dep_ in ("nsubj", "nsubjpass") and t.head == sentence.root), None)
            if subject is not None and subject.pos_ == "NOUN" and subject.lower_ not in PERSON_NOUNS and not subject.ent_type_:
                subject = next((t for t in subject.subtree if (t.dep_ == "poss" and t.head == subject and t.lower_ in ("her", "his"))
                                or (t.dep_ == "appos" and t.ent_type_ == "PERSON")), None)
            if subject is None:
                continue
            mention = mention_tokens(subject)
            actor = self.resolver.resolve(mention, history, on, context) or _named_here(mention, history)
            if actor is not None and actor.kind == "person":
                item.actor = actor
                item.quote = replace(item.quote, speaker=actor.name)

    def _unregistered_mentions(self, doc: Doc, told) -> list[ActorMention]:
        """People and organisations the article names and the registry lacks, as places a later 'she', 'Contreras' or
        'the union' can refer back to. A surname after the full name is the same person; 'Mr' or 'Mrs' before a name
        gives the pronoun; the words put beside an organisation's name ('FNV Havens, the main dockworkers' union') are
        what a later 'the union' names. Names inside someone's statement are its topic, not antecedents."""
        mentions: list[ActorMention] = []
        people: list[Actor] = []
        def same_person(words: list[str]) -> Actor | None:
            found = next((p for p in reversed(people) if ends_with_name(p.name, name_words(" ".join(words)))), None)
            if found is None and len(words) == 1:  # a feature's first name: 'Shilan says' after 'Shilan Karim'
                named = {p.name: p for p in people if name_words(p.name)[0] == words[0]}
                found = next(iter(named.values())) if len(named) == 1 else None
            return found

        covered: set[int] = set()
        for entity in doc.ents:
            covered.update(range(entity.start, entity.end))
            if entity.kb_id_ in self.registry.actors:
                continue
            if told(entity):
                # Someone's words name no antecedent, but they give a full name that a later surname refers to:
                # '"Luis Arroyo wants to run this state ...," Whitfield said' ... 'Arroyo said'.
                if _reads_as_a_full_name(entity) and same_person(entity.text.split()) is None:
                    people.append(unregistered_person(entity.text))
                continue
            surname = same_person(entity.text.split()) if entity.label_ not in ("DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL", "ORDINAL") else None
            if surname is not None:  # 'Mohapatra' after 'Sunita Mohapatra', whatever the tagger called it this time
                mentions.append(ActorMention(entity.start, surname, False, frozenset(), is_subject(entity)))
            elif names_an_organisation(entity) and not _person_by_context(entity):
                organisation = unregistered_organisation(entity.text, doc)
                actor = _kind_from_description(organisation, title_words(entity, organisation))
                if len(entity.text.split()) > 1 and not self.resolver.in_a_registry_name(actor.name):
                    mentions.append(ActorMention(entity.start, actor, False, title_words(entity, actor), is_subject(entity)))
            elif entity.label_ == "PERSON" or _person_by_context(entity):
                name = _with_dropped_first_name(entity)
                actor = same_person(name.text.split())
                # A single name counts where the text says it is a person's ('Their daughter Rozhin, 11,').
                if actor is None and (len(name_words(name.text)) > 1 or speaks_as_person(entity)):
                    honorific = (doc[name.start - 1].lower_ if name.start > 0 else "", name[0].lower_)
                    pronoun = next((HONORIFIC_PRONOUNS[h.rstrip(".")] for h in honorific if h.rstrip(".") in HONORIFIC_PRONOUNS), None)
                    pronoun = pronoun or pronoun_of_family_role(name) or pronoun_of_named_subject(name)
                    actor = replace(unregistered_person(name.text), pronoun=pronoun)
                    people.append(actor)
                if actor is not None:
                    mentions.append(ActorMention(entity.start, actor, False, title_words(entity, actor), is_subject(entity)))
        # A surname the tagger did not take for a name this time ('Mohapatra, 51, a former district collector, ...').
        for token in doc:
            if token.i in covered or not token.text[:1].isupper():
                continue
            actor, word = same_person([token.text]), doc[token.i : token.i + 1]
            if actor is None and token.pos_ == "PROPN" and _family_apposition(token):
                # A name the tagger missed beside a family word: 'Callum's wife, Ana, keeps the accounts'.
                actor = replace(unregistered_person(token.text), pronoun=pronoun_of_family_role(word))
                people.append(actor)
            if actor is not None and not told(word):
                mentions.append(ActorMention(token.i, actor, False, frozenset(), is_subject(word)))
        return mentions

    def _unregistered_speaker(self, mention: Span) -> Actor | None:
        """What the resolver left: an organisation the registry lacks ('MetaCorp'), named as the text names it, or a
        surname whose person the text named in full. Either becomes a speaker of this article whom a later 'the company'
        or 'he' refers back to (a person named in the mention is the resolver's). Never linked to the registry
        (`speaker_actor` stays empty)."""
        # A surname the text gave in full before ('Solheim said' after 'Governor Ingrid Solheim signalled ...'), whatever
        # label the tagger put on it this time.
        words = name_words(_before_apposition(mention).text)
        if len(words) == 1 and words[0][:1].isupper():  # one word: 'Solheim', 'Mensah-Lund' (two tokens to spaCy)
            full = [e for e in mention.doc.ents if e.label_ == "PERSON" and ends_with_name(e.text, words)
                    and e.kb_id_ not in self.registry.actors]
            before = [e for e in full if e.end <= mention.start]
            # Before it, or once anywhere after it: a headline's 'says Moreau' names the body's Lucas Moreau.
            if before or len({name_words(e.text)[0] for e in full}) == 1:
                return unregistered_person((before or full)[-1].text)
            # A person who goes by one name ('a man who gave his name only as Mohammed said', 'Jwan, a 24-year-old').
            if not full and mention.root.pos_ == "PROPN" and (mention.root.ent_type_ == "PERSON" or speaks_as_person(mention)):
                return unregistered_person(mention.root.text)
        # An organisation the registry has under a longer name ('The Border Guard': Poland's or Lithuania's) is one the
        # resolver could not choose, not one it lacks.
        # The entities of the mention, and one it cut short ('The World Health Organization' of '... (WHO)').
        # Only the name's own words: the places of a description after it ('Rasti Aid, a charity working in Erbil and
        # Duhok') are not the speaker.
        entities = {e.start: e for e in [*_before_apposition(mention).ents, *(e for e in mention.doc.ents if e.start <= mention.root.i < e.end)]}.values()
        organisations = [unregistered_organisation(e.text, mention.doc) for e in entities if names_an_organisation(e) and e.kb_id_ not in self.registry.actors]
        organisations = [o for o in organisations if not self.resolver.in_a_registry_name(o.name)]
        if organisations:
            return organisations[-1]
        # An acronym the tagger missed, that the article spelt out: 'VMRC also urged' after 'The Vilnius Migrant Rights
        # Centre (VMRC)'.
        acronym = re.sub(r"^[Tt]he ", "", mention.text.strip())
        if re.fullmatch(r"[A-Z]{2,8}", acronym):
            organisation = unregistered_organisation(acronym, mention.doc)
            return organisation if organisation.name != acronym else None
        # A name the tagger missed, that the text says is a person or an organisation ('Minera Cerro Alto, which
        # operates the mine, said', 'Jan-Willem de Vries, who rode alongside him, says').
        name = _proper_name(mention)
        kind = speaks_as_person(mention) if name is not None else None
        if kind is None and name is not None and mention.root.lower_ in ORGANISATION_NOUNS:
            kind = False  # 'The NSW Rural Fire Service'
        if kind is None or (not kind and self.resolver.in_a_registry_name(name)):
            return None
        return unregistered_person(name) if kind else unregistered_organisation(name, mention.doc)

    def _name_descriptions(self, doc: Doc, resolved: list[_Resolved], history: list[ActorMention]) -> None:
        """'..., an Iraqi consular official in Minsk said. Qasim Hadi Jaber called ...': an unresolved description takes
        the actor the next sentence of its paragraph names as its first speaker, when `SpeakerResolver.named_next`
        finds them compatible; every statement of that description (its continuations too) gets the name."""
        for item in resolved:
            if item.actor is not None or item.mention is None or item.draft.kind == "continuation":
                continue
            sentence = doc[item.draft.anchor].sent
            if sentence.end >= len(doc):
                continue
            following = doc[sentence.end].sent
            if "\n\n" in doc.text[sentence.end_char : following.start_char]:
                continue
            # The next statement, by its cue or by its content ('"...," the Polish Institute ... said' starts in it).
            later = [r for r in resolved if r.draft.anchor >= sentence.end and r.draft.start >= sentence.end_char]
            if not later:
                continue
            first = min(later, key=lambda r: min(r.draft.start, doc[r.draft.anchor].idx))
            in_following = following.start <= first.draft.anchor < following.end or following.start_char <= first.draft.start < following.end_char
            if first.mention is None or first.actor is None or not in_following or not self.resolver.names(first.mention, first.actor):
                continue
            if not self.resolver.named_next(item.mention, first.actor, first.mention, history):
                continue
            for other in resolved:
                if other.actor is None and other.draft.subject is not None and other.draft.subject.i == item.draft.subject.i:
                    other.actor = first.actor
                    other.quote = replace(other.quote, speaker=first.actor.name)


# Messages whose sender is the speaker of 'according to a statement from X' (or 'X's statement').
MESSAGE_NOUNS = frozenset(
    "statement release communique communiqué letter post tweet message announcement remark comment testimony speech briefing notice "
    "email e-mail note".split()
)
# Heads of 'according to X' that are documents, records or media, not speakers ('according to official figures',
# 'according to the agreement'); matched by lemma, so plurals count too.
NON_SPEAKER_NOUNS = frozenset(
    "figure data statistic estimate report study survey poll census record number law rule regulation directive plan "
    "media agreement deal treaty contract accord document filing memo draft bill proposal budget forecast projection "
    "model analysis assessment audit review index tally count result finding research calculation transcript minutes "
    "schedule timetable guideline list map website database".split()
)


@dataclass
class _Resolved:
    """A draft with its speaker mention and actor, before descriptions named in the next sentence are filled in."""

    draft: _Draft
    mention: Span | None
    actor: Actor | None
    quote: ExtractedQuote


# Dependencies of a verb's subject: a finite verb without one has it somewhere the parser misplaced.
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj", "csubjpass", "expl")


def _attribution_end(phrase: Span, source: Token) -> tuple[int, list[Token]]:
    """Where 'According to X' ends and the clause after it begins, with the dates of the attribution. The parser hangs
    on X what is the clause's, and leaves out what is X's:
    - a finite verb with no subject of its own has it in X's apposition ('According to Sofia Lindahl, the port,
      which lost £8m last year, will be sold');
    - a time after X dates the attribution ('According to Gareth Pugh on Monday, ...');
    - a description of X between commas, before a whole clause ('According to Sofia Lindahl, the company's chief
      executive, automated cranes will ...'), which the parser often takes for the clause's subject."""
    doc, sentence = source.doc, source.sent
    clause = phrase[0].head
    appositions = [c for c in source.children if c.dep_ == "appos" and c.i > source.i]
    if (appositions and clause.i > source.i and clause.pos_ in ("VERB", "AUX")
            and not any(c.dep_ in SUBJECT_DEPS for c in clause.children)):
        return appositions[0].left_edge.i, []
    end, dates = source.right_edge.i + 1, []
    while (end < sentence.end and doc[end].dep_ in ("prep", "npadvmod") and doc[end].head in (phrase[0], source)
           and any(t.ent_type_ in ("DATE", "TIME") for t in doc[end].subtree)):
        dates += [t for t in doc[end].subtree if t.ent_type_ == "DATE"]
        end = doc[end].right_edge.i + 1
    opening = end - 1 if doc[end - 1].text == "," else end  # the parser may hang the comma on the name
    if opening >= sentence.end or doc[opening].text != ",":
        return end, dates
    comma = next((t.i for t in doc[opening + 1 : min(opening + 13, sentence.end)] if t.text == ","), None)
    if comma is None:
        return end, dates
    description, rest = doc[opening + 1 : comma], doc[comma + 1 : sentence.end]
    return (comma + 1 if _describes_a_source(description) and _opens_a_clause(rest) else end), dates


def _labels_its_sentence(head: Token) -> bool:
    """A sentence's opening label ('UPDATE: Residents should leave, the fire service said'), which the parser may take
    for what was said: it heads what follows, and is never content."""
    doc = head.doc
    return head.i == head.sent.start and head.pos_ not in ("VERB", "AUX") and head.i + 1 < len(doc) and doc[head.i + 1].text == ":"


def _describes_a_source(phrase: Span) -> bool:
    """A noun phrase without a verb of its own ('the council leader', 'a Rotterdam-based operator'), not a time ('last
    year'); or a participle of the saying ('speaking on Monday')."""
    root = phrase.root
    if root.pos_ in ("NOUN", "PROPN"):
        return root.ent_type_ not in ("DATE", "TIME") and not any(t.tag_ in FINITE_TAGS for t in phrase)
    return root.tag_ == "VBG" and root.lemma_ in SPEECH_CUES | SPEAKING_OCCASIONS and not any(c.dep_ in ("aux", "nsubj") for c in root.children)


def _opens_a_clause(words: Span) -> bool:
    """True when the words start a whole clause, a subject before its verb with no comma between ('the port will be
    sold'); not the rest of one whose subject came before ('Tom Smith, will resign', 'which lost £8m, will ...')."""
    verb = next((t for t in words if t.pos_ in ("VERB", "AUX")), None)
    if verb is None:
        return False
    before = words.doc[words.start : verb.i]
    return not any(t.text == "," for t in before) and any(
        t.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and t.lower_ not in RELATIVE_PRONOUNS | {"that"} for t in before)


def _cue_text(draft: _Draft) -> str | None:
    if draft.kind == "according_to":
        return "according to"
    return draft.cue.text if draft.cue is not None else None


def _paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The blank-line paragraph that holds text[start:end] (from the newline that opens it)."""
    opening = text.rfind("\n\n", 0, start) + 1
    closing = text.find("\n\n", end)
    return opening, len(text) if closing < 0 else closing


def _described_before(mention: Span, descriptions: list[tuple[int, str, str]], history: list[ActorMention]) -> str | None:
    """'the diplomat' after 'A senior European diplomat who attended the speech said ...': the unnamed speaker described
    before, unless an actor given that title spoke or was named since."""
    if len(mention) != 2 or mention[0].lower_ != "the" or mention.root.pos_ != "NOUN":
        return None
    earlier = [(position, text) for position, noun, text in descriptions if noun == mention.root.lemma_ and position < mention.start]
    if not earlier:
        return None
    position, text = earlier[-1]
    titled = [m for m in history if position < m.position < mention.start and canonical_word(mention.root.text) in m.titles]
    return None if titled else text


def _issued_statements(doc: Doc, resolved: list["_Resolved"]) -> None:
    """'"...," the statement said' after 'In a written statement, Carrowmore Homes said ...': a document speaks for
    whoever issued it, the nearest earlier speaker whose sentence mentions one."""
    ordered = sorted(resolved, key=lambda r: r.draft.start)
    for index, item in enumerate(ordered):
        mention = item.mention
        if item.actor is not None or mention is None or mention.root.lower_ not in DOCUMENT_NOUNS or mention[0].lower_ not in ("the", "this", "that"):
            continue
        for earlier in reversed(ordered[:index]):
            if earlier.mention is None or earlier.mention.root.lower_ in DOCUMENT_NOUNS:
                continue
            if any(t.lower_ == mention.root.lower_ for t in doc[earlier.draft.anchor].sent):
                item.actor = earlier.actor
                item.quote = replace(item.quote, speaker=earlier.quote.speaker, speaker_mention=earlier.quote.speaker_mention)
                break


def _interview_runs(text: str, resolved: list["_Resolved"]) -> None:
    """A paragraph that is nothing but a quote, with no cue, inside a run of such paragraphs that one cue attributes
    ('She spoke to Reuters.' / '"They called me at six."' / '"..., " she said.' / '"I want a date."'): the interview
    convention, where one speaker talks over several paragraphs. Each takes the speaker of the nearest attributed
    paragraph of its run."""
    def paragraph(item: _Resolved) -> tuple[int, int]:
        return _paragraph_around(text, item.draft.start, item.draft.end)

    def quote_only(item: _Resolved) -> bool:
        start, end = paragraph(item)
        return text[start:end].strip()[:1] in QUOTE_MARKS

    ordered = sorted(resolved, key=lambda r: r.draft.start)
    for index, item in enumerate(ordered):
        if item.actor is not None or item.mention is not None or item.draft.kind != "continuation" or not quote_only(item):
            continue
        for step in (1, -1):
            position, current = index + step, paragraph(item)
            while 0 <= position < len(ordered) and quote_only(ordered[position]):
                neighbour = ordered[position]
                first, second = sorted([current, paragraph(neighbour)])
                if first != second and text[first[1] : second[0]].strip():
                    break  # a paragraph without a quote lies between: the run has ended
                if neighbour.actor is not None:
                    item.actor = neighbour.actor
                    item.quote = replace(item.quote, speaker=neighbour.actor.name)
                    break
                current, position = paragraph(neighbour), position + step
            if item.actor is None and step == -1 and position >= 0:
                _last_word_of_previous_paragraph(text, item, ordered[position], current, paragraph)
            if item.actor is not None:
                break


def _last_word_of_previous_paragraph(text: str, item: "_Resolved", before: "_Resolved", run_start: tuple[int, int], paragraph) -> None:
    """'He says Polish guards pushed them back four times.' / '"At night it was minus five."': a quote paragraph
    without a cue, right after a paragraph that ends on someone's statement, goes on with that speaker."""
    start, end = paragraph(before)
    if before.actor is None or (start, end) == run_start or text[end : run_start[0]].strip():
        return
    if re.search(r"[.!?][\"'”’]?\s+\S", text[before.draft.end : end]):
        return  # another sentence ends that paragraph
    item.actor = before.actor
    item.quote = replace(item.quote, speaker=before.actor.name)


# Lower-case words inside names: 'Jan-Willem de Vries', 'Port of Rotterdam'.
NAME_PARTICLES = frozenset("de del della der den van von da di du la le al bin ibn of".split())


def _proper_name(mention: Span) -> str | None:
    """The name a mention is, when the tagger found none: two or more words up to its head, each capitalised or a
    particle ('Jan-Willem de Vries'), none of them a description ('the', 'a')."""
    head = mention.root
    words = [t for t in mention if t.i <= head.i]
    if len(words) < 2 or not all(t.text[:1].isupper() or t.lower_ in NAME_PARTICLES or t.text in "-'’" for t in words):
        return None
    if words[0].lower_ == "the":
        words = words[1:]
    if len(words) < 2 or not words[0].text[:1].isupper():
        return None
    return "".join(t.text_with_ws for t in words).strip()


def _with_known_pronoun(actor: Actor, mention: Span | None, history: list[ActorMention]) -> Actor:
    """A person the registry lacks has no recorded pronoun: the text gives it ('..., she said' resolved to them), and
    from then on a 'he' cannot refer to them. Every earlier place of that person learns it too."""
    known = next((m.actor for m in history if m.actor.name == actor.name and m.actor.pronoun), None)
    if known is not None:
        return known
    form = PRONOUN_FORMS.get(mention.root.lower_) if mention is not None and len(mention) == 1 else None
    if actor.kind != "person" or form is None:
        return actor
    actor = replace(actor, pronoun=form)
    history[:] = [replace(m, actor=actor) if m.actor.name == actor.name else m for m in history]
    return actor


# Conjunctions that set a second speaker's words against the first's: 'X said A, while Y called it B'.
CONTRAST_MARKS = frozenset({"while", "whereas"})


# What a speech verb reports, when it reports words: 'argued that ...', 'called it "..."', 'described it as ...'.
REPORTED_COMPLEMENTS = frozenset({"ccomp", "xcomp", "oprd", "dobj"})


def _starts_an_attribution(child: Token) -> bool:
    """A clause hung on a reported clause that is the writer's next attribution: 'before adding', 'while Y argued that'.
    Its verb must report words: 'while the region argues over who should pay' is the speaker's own clause going on."""
    if child.dep_ == "prep" and child.lower_ in ("before", "after"):
        return any(c.dep_ == "pcomp" and c.lemma_ in SPEECH_CUES for c in child.children)
    if child.dep_ in ("advcl", "conj") and child.lemma_ in SPEECH_CUES:
        introduced = any((c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS | {"as"}) or c.dep_ == "nsubj" for c in child.children)
        return introduced and any(c.dep_ in REPORTED_COMPLEMENTS for c in child.children)
    return False


def _colon_subject(doc: Doc, opening: int, paragraph_start: int) -> Token | None:
    """The subject of the clause a colon ends right before a quote opens in the same paragraph ('X was blunt: "..."',
    'The chief executive put it simply: "..."'), or the paragraph above a quote that opens its own ('X, which published
    its reply the same evening:' / '> ...'): that clause introduces what its subject says. A named person or an
    organisation only, never 'the answer' or 'the result'."""
    before = doc.text[paragraph_start:opening].rstrip()
    if not before:
        paragraph_start = doc.text.rfind("\n\n", 0, max(0, paragraph_start - 1)) + 1
        before = doc.text[paragraph_start:opening].rstrip()
    if not before.endswith(":"):
        return None
    colon = doc.char_span(paragraph_start + len(before) - 1, paragraph_start + len(before), alignment_mode="expand")
    if colon is None:
        return None
    clause = doc[colon.start - 1] if colon.start > 0 else colon[0]  # the verb of the clause the colon ends
    while clause.pos_ not in ("VERB", "AUX") and clause.head != clause:
        clause = clause.head
    subject = next((c for c in clause.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.lower_ in RELATIVE_PRONOUNS and clause.dep_ == "relcl":
        subject = _antecedent(clause)
    if subject is None or not any(t.ent_type_ in ("PERSON", "ORG") or t.pos_ == "PROPN" for t in subject.subtree):
        return None
    return subject


def _gerund_complement(token: Token) -> bool:
    """'told cheering supporters outside the office': a participle the parser hung on the cue says where or to whom,
    not what ('vowed to challenge it' and 'urged Brussels to act' are infinitives)."""
    return token.dep_ == "xcomp" and token.tag_ == "VBG"


def _antecedent(relative_cue: Token) -> Token:
    """What 'which' or 'who' stands for: the noun the clause hangs on, or the name that noun describes. 'Mark Oduya, a
    former engineer at Lumora, who said ...': the parser hangs 'who' on the nearest noun, but who is a person."""
    noun = relative_cue.head
    if any(c.lower_ == "who" and c.dep_ == "nsubj" for c in relative_cue.children) and noun.ent_type_ != "PERSON":
        climb = noun
        while climb.dep_ in ("pobj", "prep", "appos", "compound") and climb.head != climb:
            climb = climb.head
            if climb.ent_type_ == "PERSON":
                return climb
    return noun.head if noun.dep_ == "appos" else noun


def _quoted_as_saying(cue: Token) -> Token | None:
    """'The report quoted Minister Dal as saying ...', 'Dal was quoted as saying ...': the one quoted spoke, not the report."""
    if cue.dep_ == "pcomp" and cue.head.lower_ == "as" and cue.head.head.lemma_ in ("quote", "cite"):
        return next((c for c in cue.head.head.children if c.dep_ in ("dobj", "nsubjpass")), None)
    return None


def _inherited_subject(cue: Token, quoted) -> Token | None:
    """'he said, adding that ...' and 'said X and added Y': a participle or a coordinated verb shares its head's subject.
    A cue the parser coordinated with the verb of a reported clause ('the union said that the offer was an insult and
    vowed to strike') shares the reporting verb's subject: the offer vowed nothing."""
    current = cue
    for _ in range(3):
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":  # 'opened the hearing by accusing ...'
            current = current.head
        if current.dep_ not in ("advcl", "conj", "xcomp", "prep") or current.head == current:
            return None
        if current.dep_ in ("conj", "advcl", "prep") and current.head.dep_ == "ccomp" and current.head.head != current.head:
            current = current.head  # ', adding that ...' hung on the reported clause belongs to the reporting verb
        current = current.head
        # 'The mayor was asked whether ... and said ...': the passive's subject is who answered.
        subjects = [c for c in current.children if (c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and cue.dep_ == "conj")) and not quoted(c)]
        if subjects:
            before = [c for c in subjects if c.i < current.i]
            return before[-1] if before else subjects[0]  # the nearer of two: 'Outside court, Amira's father, ...'
    return None


def _subject_when_asked(cue: Token) -> Token | None:
    """'Michalska, asked whether ..., replied that ...': the parser makes 'asked' the verb and hangs the reply on it."""
    if cue.dep_ in ("ccomp", "conj") and cue.head.lemma_ == "ask":
        return next((c for c in cue.head.children if c.dep_ == "nsubj" and c.i < cue.head.i), None)
    return None


def _fronted_apposition(cue: Token) -> Token | None:
    """'In Zakho, Nasrin Haji, whose sons left in October, said ...', 'After talks in Vilnius, Lithuania's Interior
    Minister Agne Bilotaite said ...': the parser makes the name an apposition of the fronted phrase's place and leaves
    the verb without a subject; the name that ends right before the verb is who said it, or the description it ends
    ('In a statement read by Mr Thorne, Amira's mother, Priya Sethi, said ...')."""
    for child in cue.lefts:
        # The fronted phrase, or what the parser made of it ('In a statement read ... by Mr Thorne' as a clause).
        if child.dep_ not in ("prep", "ccomp") or (child.dep_ == "ccomp" and any(t.text in QUOTE_MARKS for t in child.subtree)):
            continue
        for token in child.subtree:
            named = token.pos_ == "PROPN" or (token.pos_ == "NOUN" and any(c.dep_ == "appos" and c.pos_ == "PROPN" for c in token.children))
            if token.dep_ in ("appos", "conj") and named and token.head.dep_ == "pobj":
                after = token.right_edge.i + 1
                while after < cue.i and (cue.doc[after].is_punct or cue.doc[after].is_space):
                    after += 1
                if after == cue.i:
                    return token
    return None


def _name_line_above(doc: Doc, opening: int) -> str | None:
    """'Amara Osei, senior economist, Fairhaven Institute' on the line right above a quote that opens its line: the
    layout of an experts' round-up, where each view sits under its author's name. The name is the line's first part;
    a line with a verb or a full stop is prose, not a name line."""
    text = doc.text
    if opening < 2 or text[opening - 1] != "\n" or text[opening - 2] == "\n":
        return None
    line_start = text.rfind("\n", 0, opening - 1) + 1
    line = text[line_start : opening - 1]
    span = doc.char_span(line_start, opening - 1, alignment_mode="contract")
    if span is None or not line.strip() or line.rstrip().endswith((".", "?", "!", ":")) or len(line.split()) > 15:
        return None
    if any(t.pos_ in ("VERB", "AUX") for t in span):
        return None
    who = line.split(",")[0].strip()
    return who if _looks_like_name(who) and all(w[:1].isupper() for w in who.split()) else None


def _reads_as_a_full_name(entity: Span) -> bool:
    """Two or three capitalised words that no organisation or place noun ends, whatever the tagger called them."""
    words = entity.text.split()
    if entity.label_ == "PERSON":
        return len(words) > 1
    return (entity.label_ in ("WORK_OF_ART", "ORG") and 2 <= len(words) <= 3 and all(w[:1].isupper() and w.isalpha() for w in words)
            and words[-1].lower() not in ORGANISATION_NOUNS)


def _signed_letter(doc: Doc, marks: list[tuple[int, int]], headline_end: int) -> list[_Draft]:
    """A letter or op-ed signed on the text's last line, a blank line below its last paragraph ('— Irena Holt, Lessenia
    Farmers' Association'), is its signer's: each run of sentences in which they speak in the first person (outside
    quote marks) is a statement, in the paragraphs above the signature up to one with none. What the letter reports of
    others ('Sir, your report quoted Minister Dal ...') is not theirs, and an article that ends on a quote above its
    author's credit line has no such paragraph (a signed quote paragraph is `_press_release_drafts`'s)."""
    signature = LETTER_SIGNATURE.search(doc.text)
    if signature is None or not _looks_like_name(signature.group("who")):
        return []
    above = doc.text[: signature.start()]
    breaks = list(PARAGRAPH_BREAK.finditer(above))
    drafts: list[_Draft] = []
    for start, end in reversed(list(zip([0, *(b.end() for b in breaks)], [*(b.start() for b in breaks), len(above)]))):
        paragraph = doc.char_span(start, end, alignment_mode="contract")
        if start < headline_end or paragraph is None or above[start:end].lstrip()[:1] in QUOTE_MARKS + ">":
            break
        runs: list[list[int]] = []  # [start, end) tokens of consecutive first-person sentences
        for sentence in paragraph.sents:
            if not any(t.lower_ in FIRST_PERSON and t.tag_ in ("PRP", "PRP$") and not any(o < t.idx < c for o, c in marks) for t in sentence):
                continue
            if runs and runs[-1][1] == sentence.start:
                runs[-1][1] = sentence.end
            else:
                runs.append([sentence.start, sentence.end])
        if not runs:
            break
        drafts += [_named_draft(doc, trim(doc.text, doc[first:last].start_char, doc[first:last].end_char), "press_release", signature.group("who"))
                   for first, last in runs]
    return drafts


def _pull_quote(text: str, mark: tuple[int, int]) -> bool:
    """A line that is only a quote whose words the article has elsewhere too: set apart to catch the eye, it repeats
    a statement rather than making one ('"A first step, not a solution"' under '... the freeze was "a first step, not a
    solution".')."""
    line_start, line_end = text.rfind("\n", 0, mark[0]) + 1, text.find("\n", mark[1])
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : mark[0]].strip() or text[mark[1] + 1 : line_end].strip(CLOSING_MARKS + TRAILING_INSIDE_MARK + " "):
        return False
    words = " ".join(re.findall(r"\w+", text[mark[0] : mark[1]].lower()))
    return f" {words} " in " ".join(["", *re.findall(r"\w+", (text[:line_start] + " " + text[line_end:]).lower()), ""])


def _reads_as_a_title(quoted: str) -> bool:
    """A few words, one phrase: not sentences someone said."""
    return len(quoted.split()) <= MAX_TITLE_WORDS and not re.search(r"[.!?]\s", quoted)


FINITE_TAGS = frozenset({"VBZ", "VBP", "VBD", "MD"})


def _participle_of_its_subject(cue: Token, heads: list[Token]) -> bool:
    """'The hosepipe ban announced this week is necessary': the parser took the participle for the main verb and the
    sentence's own verb for its reported clause, which then is finite but has no subject (nor 'that') of its own, and
    follows the noun and participle with only a time or place between. The noun is what was announced, not who spoke."""
    def adjunct(token: Token) -> bool:
        while token.head != cue and token.head != token:
            token = token.head
        return token.head == cue and token.dep_ in ADJUNCT_DEPS

    def own_verb(head: Token) -> bool:
        finite = head.tag_ in FINITE_TAGS or any(c.dep_ == "aux" and c.tag_ in FINITE_TAGS for c in head.children)
        # A subject or 'that' the parser hung on the clause's auxiliary ('that Halvorsen had co-operated') counts too.
        opening = cue.doc[head.left_edge.i : head.i]
        return (head.dep_ == "ccomp" and head.i > cue.i and finite and not any(t.dep_ in SUBJECT_DEPS or t.dep_ == "mark" for t in opening)
                and all(adjunct(t) for t in cue.doc[cue.i + 1 : head.left_edge.i]))

    noun_before = any(c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN") and c.right_edge.i == cue.i - 1 for c in cue.children)
    return cue.tag_ in ("VBD", "VBN") and noun_before and any(own_verb(h) for h in heads)


def _verbless_subject(cue: Token) -> Token | None:
    """'One ticket-holder, who had travelled from Dublin, posted on X that ...': the parser reads the sentence as a noun
    with a participle and leaves the cue without a subject; that noun is who posted."""
    head = cue.head
    if cue.dep_ == "acl" and head.dep_ == "ROOT" and head.pos_ in ("NOUN", "PROPN") and cue.i > 0 and cue.doc[cue.i - 1].text == ",":
        return head
    return None


def _inverted_subject(cue: Token, marks: list[tuple[int, int]]) -> Token | None:
    """'"Order! Order!" bellowed the Speaker': after a quote, a verb the parser knows less well than 'said' gets its
    inverted subject as an object."""
    close = _last_close_before(cue, marks)
    if close is None or not re.fullmatch(r"[\s,]*", cue.doc.text[close + 1 : cue.idx]):
        return None
    return next((c for c in cue.rights if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)


def _last_close_before(cue: Token, marks: list[tuple[int, int]]) -> int | None:
    """The closing quote mark nearest before the cue in its sentence."""
    return max((c for _, c in marks if cue.sent.start_char <= c < cue.idx), default=None)


def _speaker_after_quote(cue: Token, marks: list[tuple[int, int]]) -> Token | None:
    """'"...," a spokeswoman for the Polish Border Guard, Anna Michalska, told reporters': the parser often hangs a
    long speaker phrase on the quote as an apposition and leaves the cue without a subject. The phrase between the
    closing mark and the cue is the speaker; its head is its one noun whose head lies outside it."""
    doc = cue.doc
    close = _last_close_before(cue, marks)
    if close is None:
        return None
    between = [t for t in cue.sent if close < t.idx < cue.idx]
    if not between or not re.fullmatch(r"[\s,]*", doc.text[close + 1 : between[0].idx]):
        return None
    inside = {t.i for t in between}
    heads = [t for t in between if t.head.i not in inside and not t.is_punct]
    if len(heads) != 1 or heads[0].pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    return heads[0]


def _reported_before(cue: Token) -> list[Token]:
    """'Nurses will strike, the Royal College of Nursing announced on Monday': the parser can make the reporting clause
    a complement of the reported one, or its conjunct with no 'and' between them when it ends the sentence. The clause
    before the comma is then the cue's content."""
    head, start = cue.head, cue.left_edge.i
    after_comma = cue.doc[start].text == "," or (start > 0 and cue.doc[start - 1].text == ",")
    ends_sentence = all(t.is_punct or t.is_space for t in cue.doc[cue.right_edge.i + 1 : cue.sent.end])
    unjoined = cue.dep_ == "conj" and ends_sentence and not any(c.dep_ == "cc" and head.i < c.i < cue.i for c in head.children)
    inverted = ((cue.dep_ == "ccomp" or unjoined) and head.i < cue.i and head.pos_ in ("VERB", "AUX") and after_comma
                and any(c.dep_ == "nsubj" for c in cue.children))
    return [head] if inverted else []


def _content_parts(heads: list[Token], cue: Token) -> list[tuple[list[Token], Token]]:
    """The content clauses of one cue: a conjunct with its own 'that' is a second statement ('tweeted that A and
    later in December that B'); clauses the parse split but the text runs on are one."""
    ordered = []
    for head in heads:
        ordered.append(head)
        ordered += [c for c in head.children if c.dep_ == "conj" and any(m.dep_ == "mark" for m in c.children)]
    parts: list[tuple[list[Token], Token]] = []
    for head in sorted(ordered, key=lambda h: h.i):
        tokens = _content_tokens(head, cue)
        if not tokens:
            continue
        if parts and tokens[0].i == parts[-1][0][-1].i + 1 and head.dep_ != "conj":
            parts[-1] = (parts[-1][0] + tokens, parts[-1][1])
            continue
        parts.append((tokens, head))
    return parts


def _speakers_next_act(verb: Token, cue: Token) -> bool:
    """'said the talks were "constructive" and agreed to meet again': a verb right after the fragment's closing mark and
    'and', in the cue's tense, with no subject of its own and a to-infinitive, goes on with what the speakers did, not
    with what they said. Where the clause has an auxiliary ('had rated it "tolerable" and made no mention'), the verb
    shares it and is part of the clause."""
    doc = verb.doc
    return (verb.tag_ == cue.tag_ and verb.tag_ in ("VBD", "VBZ") and verb.left_edge.i == verb.i >= 2
            and doc[verb.i - 1].lower_ == "and" and doc[verb.i - 2].text in CLOSING_MARKS
            and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
            and not any(c.dep_ in ("aux", "auxpass") for c in verb.head.children)
            and any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in verb.children))


def _content_tokens(head: Token, cue: Token) -> list[Token]:
    """The clause under `head`, without its 'that', a second statement or speech verb coordinated to it, a leading
    time adverbial ('said on Thursday the cabinet had ...'), a trailing participle of the writer's (', implying'), a new
    attribution (', while Y called it ...') or the writer's time after a quoted fragment ('"...", weeks later')."""
    doc = head.doc
    excluded: set[int] = set()
    writer_goes_on = len(doc)  # where the writer's own words take over: nothing after it is the speaker's
    for child in head.children:
        coordinated_statement = child.dep_ == "conj" and (
            any(c.dep_ == "mark" for c in child.children) or child.lemma_ in SPEECH_CUES or _speakers_next_act(child, cue)
        )
        if coordinated_statement:
            excluded.update(range(child.left_edge.i, child.right_edge.i + 1))
            excluded.update(c.i for c in head.children if c.dep_ in ("cc", "punct") and head.i < c.i < child.i)
        before = doc[child.left_edge.i - 1] if child.left_edge.i > 0 else None
        if before is not None and before.text in CLOSING_MARKS and before.i > 0:
            before = doc[before.i - 1]
        # ', implying ...', ', before adding: ...' and ', while Y called it "B"' ('while' or 'whereas' needs no comma): the
        # writer goes on to a participle or a new attribution, and what the parser hung on the content after it (B's
        # closing mark) goes with it.
        if child.i < head.i:
            continue
        after_comma = before is not None and before.text == ","
        participle = child.dep_ == "advcl" and child.tag_ == "VBG"
        contrasted = any(c.dep_ == "mark" and c.lower_ in CONTRAST_MARKS for c in child.children)
        if after_comma and (participle or _starts_an_attribution(child)):
            writer_goes_on = min(writer_goes_on, before.i)
        elif contrasted and _starts_an_attribution(child):
            writer_goes_on = min(writer_goes_on, child.left_edge.i)
    pre_mark = [c for c in head.children if c.dep_ == "mark"]
    first = pre_mark[0].i + 1 if pre_mark and pre_mark[0].lower_ == "that" else head.left_edge.i
    if head.dep_ == "conj" and pre_mark:
        first = pre_mark[0].i + 1
    if head.dep_ == "prep":  # 'calling for Frontex to be invited' keeps 'for'; 'called on X to act' drops 'on'
        first = head.i if head.lower_ == "for" else head.i + 1
    if head.dep_ in ("advcl", "dobj"):
        first = head.left_edge.i
    for child in sorted(head.lefts, key=lambda c: c.i):
        if child.i == first and child.dep_ in ("prep", "npadvmod") and any(t.ent_type_ == "DATE" for t in child.subtree):
            first = child.right_edge.i + 1
    last = min(head.right_edge.i, writer_goes_on - 1)
    if cue.head == head and cue.i > head.i:  # the reporting clause after the content ('A will strike, B announced')
        last = min(last, cue.left_edge.i - 1)
    # An object-content cue ('urged Brussels to act', 'called on Berlin to push'): the object and the clause after it.
    if head.dep_ in ("dobj", "prep"):
        for child in cue.children:
            after_comma = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ","
            # 'called for a referendum on the sale within six months': the parser hangs the deadline on the cue.
            later_object = child.dep_ == "prep" and (head.dep_ == "dobj" or child.lower_ not in OCCASION_PREPOSITIONS)
            if child.i > head.i and not after_comma and (child.dep_ in ("xcomp", "ccomp") or later_object):
                last = max(last, child.right_edge.i)
    # 'said the sale would go ahead, but with a golden share kept by the state': a ', but' the parser hung on the cue,
    # coordinating no verb of the writer's ('said X, but added Y'), qualifies the reported clause and ends with it.
    but = next((c for c in cue.children if c.dep_ == "cc" and c.lower_ == "but" and c.i > last
                and all(t.text == "," for t in doc[last + 1 : c.i])), None)
    if but is not None and but.n_rights and not any(c.dep_ == "conj" and c.i > but.i for c in cue.children):
        last = but.right_edge.i
    # 'called for a ballot at a press conference': where the call was made, which the parser may hang on what was
    # called for, is not part of it (GUIDELINES §7: 'calling for X' -> 'for X').
    if head.dep_ == "prep" and head.lower_ == "for":
        occasion = next((t for t in head.subtree if _speaking_event(t) and t.right_edge.i == last), None)
        if occasion is not None:
            last = occasion.i - 1
    last = min(last, _writers_adjunct_start(doc, first, last) - 1)
    tokens = [doc[i] for i in range(first, last + 1) if i not in excluded and i != cue.i]
    # ', describing the route as ...' / ', implying ...': a participle after a comma is a new act, not content.
    for index, token in enumerate(tokens[1:], start=1):
        comma = index - 1
        if comma > 0 and tokens[comma].text in QUOTE_MARKS:  # '..." exist," dismissing reports'
            comma -= 1
        if token.dep_ == "advcl" and token.tag_ == "VBG" and token.left_edge.i == token.i and tokens[comma].text == ",":
            tokens = tokens[:comma]
            break
    # 'urged X not to do Y: "quote"': the quote after the colon is a statement of its own.
    for index, token in enumerate(tokens):
        if token.text == ":" and index + 1 < len(tokens) and tokens[index + 1].text in "\"“«'‘":
            tokens = tokens[:index]
            break
    while tokens and not _may_end_content(tokens):
        tokens.pop()
    return tokens


# Punctuation a clause keeps at its end: a closing mark (trimmed later with its fragment's), '?' and '!' (GUIDELINES
# §7) and a figure's '%' ('unless the rise reached 8%').
KEPT_AT_END = CLOSING_MARKS + "?!%"
BRACKET_PAIRS = {")": "(", "]": "["}


def _may_end_content(tokens: list[Token]) -> bool:
    """True unless the last token is punctuation the clause does not end with (a comma, a dash, a bracket it never
    opened) or a conjunction whose second half the parser hung elsewhere ('was well below its value and warned that
    ...'); a closing bracket whose opening one it holds stays ('rose to 8% (from 6%)')."""
    last = tokens[-1]
    if last.pos_ == "CCONJ":
        return False
    if not last.is_punct or last.text in KEPT_AT_END:
        return True
    return last.text in BRACKET_PAIRS and any(t.text == BRACKET_PAIRS[last.text] for t in tokens)


# Words that say when something was said: ', weeks before leaving office', ', after the vote'.
WHEN_WORDS = frozenset({"before", "after", "during", "ahead", "amid", "when"})
ADJUNCT_DEPS = frozenset({"prep", "npadvmod", "advmod", "tmod", "advcl"})


def _writers_adjunct_start(doc: Doc, first: int, last: int) -> int:
    """Where the clause's last phrase begins when it is the writer's: after a quoted fragment and a comma ('... "was
    working better than anyone expected", weeks before leaving office'), a phrase that only says when the words were
    said or at what gathering. A coordinated verb there ('"reckless", and would cost jobs') goes on with the speaker's
    clause. `last + 1` where there is no such phrase."""
    for token in doc[first + 1 : last + 1]:
        start = token.left_edge.i
        if token.dep_ not in ADJUNCT_DEPS or token.right_edge.i < last or start < first + 2:
            continue
        glued = doc[start - 2 : start]  # a comma and a closing mark, in either order, with no space between them
        after_fragment = (not glued[0].whitespace_ and {glued[0].text, glued[1].text} & set(CLOSING_MARKS)
                          and "," in (glued[0].text, glued[1].text))
        conjunctions = {c.lower_ for c in token.children if c.dep_ == "mark"}
        says_when = (token.lower_ in WHEN_WORDS or conjunctions & WHEN_WORDS or _speaking_event(token)
                     or (token.dep_ != "advcl" and token.lower_ not in NOT_WHEN_SAID
                         and any(t.ent_type_ in ("DATE", "TIME") for t in token.subtree)))
        if after_fragment and says_when:
            return start - 2
    return last + 1


def _only_marks_outside(text: str, start: int, end: int, marks: list[tuple[int, int]]) -> bool:
    outside = text[start:end]
    for open_at, close_at in sorted(marks, reverse=True):
        outside = outside[: max(0, open_at - start)] + outside[max(0, close_at + 1 - start) :]
    return not re.search(r"\w", outside)


def _adjacent_marks(doc: Doc, cue: Token, subject: Token | None, marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quoted stretches attached to the cue: ending just before its clause ('"A," he said'), starting just after
    it ('said: "A"', ', "B."'), inside a complement of it ('called the ban "a collective punishment"'), or a cry's
    object with more of the clause after it ('chanted "No treaty, no dam!" outside the venue')."""
    text = doc.text
    sentence = cue.sent
    left_edge = min(cue.i, subject.left_edge.i if subject is not None else cue.i)
    while left_edge < cue.i and doc[left_edge].is_punct:  # a closing mark the parser hung on the subject
        left_edge += 1
    clause_start = doc[left_edge].idx
    clause_end = cue.idx + len(cue)
    for child in cue.rights:
        if child.dep_ in ("dobj", "dative", "prep", "npadvmod", "advmod", "nsubj", "agent") and not any(o < child.idx < c for o, c in marks):
            clause_end = max(clause_end, child.right_edge.idx + len(child.right_edge))
    found = []
    for mark in marks:
        open_at, close_at = mark
        between_before = text[close_at + 1 : clause_start]
        between_after = text[clause_end:open_at]
        # 'said:' closing a paragraph introduces the quote that opens the next one (an interview layout).
        introduces = re.fullmatch(r"\s*:\s*", between_after) is not None
        if "\n\n" in between_before or ("\n\n" in between_after and not introduces):  # a quote closing the paragraph above is not this cue's
            continue
        if close_at < clause_start and re.fullmatch(r"[\s,.:;]*", between_before) and close_at >= sentence.start_char - 400:
            found.append(mark)
        elif open_at >= clause_end and re.fullmatch(r"[\s,:;]*", between_after) and (open_at < sentence.end_char or introduces):
            found.append(mark)
        elif sentence.start_char <= open_at and close_at <= sentence.end_char:
            inside = doc.char_span(open_at + 1, close_at, alignment_mode="expand")
            if subject is None or inside is None:
                continue
            if (cue.lemma_ in COMPLEMENT_CUES and _governed_by(inside.root, cue, clause_ok=True)) or (
                    cue.lemma_ in QUOTED_ONLY_CUES and inside.root.dep_ == "dobj" and inside.root.head == cue):
                found.append(mark)
    return found


def _governed_by(token: Token, cue: Token, clause_ok: bool = False) -> bool:
    """True when the quoted phrase is a complement of the cue itself ('called X "Y"', 'defended X as "Y"'), not
    part of a clause under it (the parser often reads 'called the ban "a punishment"' as a small clause)."""
    current = token
    for _ in range(6):
        if current.head == current:
            return False
        if current.dep_ in ("advcl", "relcl", "conj", "parataxis") or (current.dep_ in ("ccomp", "xcomp") and not clause_ok):
            return False
        current = current.head
        if current.i == cue.i:
            return True
    return False


# Gatherings where things are said: 'called for a ballot at a press conference'.
SPEAKING_EVENTS = frozenset(
    "rally meeting conference briefing summit hearing session debate event protest demonstration vigil gathering ceremony "
    "forum congress convention assembly".split()
)


def _speaking_event(token: Token) -> bool:
    """'at a rally', 'at a council meeting': a gathering the text brings in with 'a', the occasion of the saying; 'at the
    next meeting' is as often when what was called for should happen."""
    return token.dep_ == "prep" and token.lower_ == "at" and any(
        c.dep_ == "pobj" and c.lemma_ in SPEAKING_EVENTS and any(d.dep_ == "det" and d.lower_ in ("a", "an") for d in c.children)
        for c in token.children
    )


# Prepositions of a deadline: 'called for a referendum within six months / by June' says what was asked for,
# not when it was asked.
NOT_WHEN_SAID = frozenset({"within", "by", "until", "till"})
# Verbs of a clause before the cue that says when the speaking happened: 'Speaking on Monday, ...'.
SPEAKING_OCCASIONS = frozenset("speak talk address write appear testify answer respond reply".split())


def _date_tokens(cue: Token, head: Token | None, content: list[Token]) -> list[Token]:
    """Time expressions that date the speaking: children of the cue ('tweeted in November', 'said on Thursday'), of a
    coordinated second statement before its 'that' ('and later in December that ...'), and failing those the places
    below where the parser also hangs them; never a deadline."""
    inside_content = {t.i for t in content}

    def dates(place: Token, before: int | None) -> list[Token]:
        return [
            t
            for child in place.children
            if child.dep_ in ("prep", "npadvmod", "advmod", "tmod") and child.i not in inside_content and (before is None or child.i < before)
            and child.lower_ not in NOT_WHEN_SAID
            for t in child.subtree
            if t.ent_type_ == "DATE"
        ]

    if head is not None and head.dep_ == "conj":
        own = dates(head, head.i)
        if own:
            return own
    # Where else the parser hangs the occasion: on a speaking clause or a 'when' clause before the cue ('Speaking on
    # Monday, X said', 'When I gave evidence in June, I told members ...'), on the cue's audience before the content
    # ('told a board meeting on Monday that ...').
    occasions = [
        child for child in cue.children
        if (child.dep_ == "advcl" and child.i < cue.i
            and (child.lemma_ in SPEAKING_OCCASIONS or any(c.lower_ == "when" and c.dep_ in ("advmod", "mark") for c in child.children)))
        or (child.dep_ in ("dobj", "dative") and child.i not in inside_content)
    ]
    # Or on a gathering hung on what was called for, which the content leaves out: 'called for X at a rally on Monday'.
    if head is not None:
        occasions += [c for t in head.subtree if t.i not in inside_content and _speaking_event(t) for c in t.children if c.dep_ == "pobj"]
    # Or on the content's verb, between the cue and the content: 'said on Monday the figures would be published'.
    leading = [t for t in dates(head, min(inside_content)) if t.i > cue.i] if head is not None and inside_content else []
    return dates(cue, None) or leading or [t for place in occasions for t in dates(place, None)]


def resolve_date(tokens: list[Token], article_date: dt.date | None) -> tuple[dt.date | None, str | None, str | None]:
    """(exact date, period, mention) of a statement. A month alone ('in November') gives a period and no day:
    putting the article's date on it would be a false exact date. No time expression, or one that pins no date
    ('last week' across two months, 'next week'): the article's date, which a vague mention must not erase.
    Speaking is past: 'said on Monday' is the latest Monday on or before the article's date. Expressions that pin
    nothing together ('Years later, in an interview in March 2011, he said') yield to the first that pins a date alone."""
    if not tokens:
        return article_date, None, None
    runs: list[list[Token]] = []
    for t in tokens:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    mentions = [" ".join(t.text for t in tokens)] + ([" ".join(t.text for t in run) for run in runs] if len(runs) > 1 else [])
    found = next(((m, r) for m in mentions if (r := resolve_mention(m, article_date, past_only=True)) is not None), None)
    if found is None:
        return article_date, None, mentions[0]
    mention, (date, period) = found
    if period == "day":
        return date, None, mention
    return None, f"{date.year:04d}-{date.month:02d}" if period == "month" else f"{date.year:04d}", mention


# Capitalised words before a surname that are a rank or title, not a first name ('Detective Inspector Hale').
RANKS = frozenset(
    "governor judge detective inspector sergeant constable superintendent commissioner councillor councilman councilwoman "
    "cllr general colonel major captain admiral lieutenant commander marshal corporal private agent king queen prince "
    "princess sheikh emir pope father sister brother rabbi imam bishop archbishop cardinal reverend saint st speaker "
    "justice coach skipper professor doctor nurse officer".split()
)


def _with_dropped_first_name(entity: Span) -> Span:
    """'Iain Morrison' where the tagger's entity is only 'Morrison': a capitalised name word it left out just before a
    one-word name, when that word is no title or rank."""
    if len(entity) != 1 or entity.start == 0:
        return entity
    before = entity.doc[entity.start - 1]
    word = before.lower_.rstrip(".")
    if (before.pos_ == "PROPN" and before.dep_ == "compound" and before.head == entity.root and before.is_title
            and before.ent_type_ == "" and word not in HONORIFICS | RANKS | PERSON_ROLE_NOUNS | PERSON_NOUNS | SPOKES_NOUNS):
        return entity.doc[entity.start - 1 : entity.end]
    return entity


def _kind_from_description(actor: Actor, titles: frozenset[str]) -> Actor:
    """An organisation whose name says nothing of its kind takes the kind of the noun beside it: 'Vaccine maker
    Vireon Biologics' is a company, so a later 'the company' is not the regulator named since."""
    if actor.kind != UNREGISTERED_ORGANISATION:
        return actor
    kinds = [ORGANISATION_NOUNS[t] for t in titles if t in ORGANISATION_NOUNS]
    kind = next((k for k in ORGANISATION_KINDS if kinds and k in kinds[0]), None)
    return replace(actor, kind=kind) if kind else actor


def _family_apposition(token: Token) -> bool:
    """A one-word name in apposition to a family word ('his wife, Ana', 'Ana, his wife'), whatever the tagger said."""
    return (token.dep_ == "appos" and token.head.lower_ in FAMILY_PRONOUNS) or any(
        c.dep_ == "appos" and c.lower_ in FAMILY_PRONOUNS for c in token.children)


def _person_by_context(entity: Span) -> bool:
    """A name the tagger took for something else that the text shows is a person's: 'X, who ...', 'X, 52,', or a
    subject a later 'she' refers to."""
    if entity.label_ not in ("ORG", "GPE", "LOC", "FAC", "WORK_OF_ART"):
        return False
    return bool(speaks_as_person(entity)) or pronoun_of_named_subject(entity) is not None


def _named_here(mention: Span, history: list[ActorMention]) -> Actor | None:
    """The person the article's names pass took this one-word name for ('Shilan says', after 'Shilan Karim'; 'Themba, a
    taxi mechanic, says' after 'Themba Khumalo')."""
    name = _before_apposition(mention)
    if len(name) != 1:
        return None
    return next((m.actor for m in history if m.position == name.start and not m.spoke and m.actor.kind == "person"), None)


def _named_before(who: str, history: list[ActorMention]) -> Actor | None:
    """'According to Dr Sow' after 'Dr Amara Sow': the person the article named in full before."""
    words = name_words(who.split(",")[0])
    people = [m.actor for m in history if m.actor.kind == "person" and ends_with_name(m.actor.name, words)]
    return people[-1] if people else None


def _titled_before(who: str, history: list[ActorMention]) -> Actor | None:
    """'From the Chief Executive:' after 'Chief Executive Graham Liddell': the person the article gave that title."""
    words = {canonical_word(w) for w in who.split() if w.lower() not in ("the", "a", "our")}
    people = [m.actor for m in history if m.actor.kind == "person" and words and words <= m.titles]
    return people[-1] if people else None


def _signed_person(who: str) -> Actor | None:
    """'Laura Chen, Chief Financial Officer' under a statement the registry cannot place: the person, named as signed
    (titles before the name dropped: 'Dr. Anna Berg' is Anna Berg); an honorific makes a surname alone a person's
    ('Mr Pelling', a transcript's 'MR PELLING:', is Pelling)."""
    words = who.split(",")[0].split()
    honorific = bool(words) and words[0].lower().strip(".") in HONORIFICS
    while words and words[0].lower().strip(".") in SIGNATURE_TITLES:
        words = words[1:]
    if (1 if honorific else 2) <= len(words) <= 4 and all(w[:1].isupper() for w in words):
        return unregistered_person(" ".join(words))
    return None


def _before_apposition(mention: Span) -> Span:
    comma = next((t for t in mention if t.text == "," and t.i > mention.root.i
                  and any(c.dep_ == "appos" and c.i > t.i for c in mention.root.children)), None)
    return mention.doc[mention.start : comma.i] if comma is not None else mention


def _looks_like_name(who: str) -> bool:
    """A signature, not a sentence: a name and up to three titles after commas, each a few words ('Marta Lindqvist, Head
    of Mission, International Organization for Migration')."""
    parts = [part.split() for part in who.split(",")]
    return (1 <= len(parts) <= 4 and all(1 <= len(words) <= 8 for words in parts[:1] + [p for p in parts[1:] if p])
            and parts[0][0][:1].isupper() and not who.rstrip().endswith((".", "?", "!")))


def _without_overlaps(drafts: list[_Draft]) -> list[_Draft]:
    """One statement per stretch of text: an attributed reading beats a continuation or a layout guess."""
    priority = {"direct": 0, "mixed": 0, "indirect": 1, "according_to": 2, "press_release": 3, "continuation": 4}
    kept: list[_Draft] = []
    for draft in sorted(drafts, key=lambda d: (priority[d.kind], -(d.end - d.start))):
        if any(k.start < draft.end and draft.start < k.end for k in kept):
            continue
        kept.append(draft)
    return kept


# 'BRASILIA, March 3 (Reuters) - ', 'KYIV (AP) — ', 'WARSAW, Nov 9 -- ', 'DUHOK, Kurdistan Region - ',
# 'ERBIL, 3 December 2021 - ', 'CAMBRIDGE, UK, 10 June 2025 - ' at the start of a paragraph.
DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+)*"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?|, \d{1,2} [A-Z][a-z]{2,8}\.?(?: \d{4})?|, [A-Z][a-z]+(?: [A-Z][a-z]+){0,2}|, [A-Z]{2,3})*"
    r"(?: \([A-Za-z .]+\))? ?(?:-{1,2}|–|—) ?"
    # 'Vilnius, 12 August 2021 — ': a city in title case counts with a full date only.
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?, (?:\d{1,2} [A-Z][a-z]{2,8}\.? \d{4}|[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}) ?(?:-{1,2}|–|—) ?"
)


# Lines of hard-wrapped plain text are at most about this long; a longer line under a headline is a paragraph.
HARD_WRAP_COLUMNS = 100
# A list item's marker at a line's start ('- ', '* ', '• ', '1. ', '2) '); a dash of a signature ('— Name') is none.
BULLET = re.compile(r"^[ \t]*(?P<marker>[-*•]|\d{1,2}[.)])[ \t]+(?=\S)", re.M)


@Language.component("stancewatch_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A first line without a full stop (a headline) ends a sentence, and a dateline is a sentence of its own: a
    headline must not run into its paragraph, nor 'BRASILIA, March 3 (Reuters)' become the subject of its reporting
    verb. Each list item, and its marker, starts a sentence: one bullet's speaker is never another's, nor does its
    quote run into the next. `QuoteExtractor.parse` hands the pipeline one paragraph at a time, so blank lines need no
    handling here."""
    if not len(doc):
        return doc
    token_at = {t.idx: t.i for t in doc}
    starts = [0]  # where a dateline may open a sentence
    # A headline with a single line break under it (as HTML extraction leaves one) ends there too; a text
    # hard-wrapped at 70-80 columns is not split, since its second line is no longer than that.
    first_line, _, rest = doc.text.partition("\n")
    second_line = rest.split("\n", 1)[0].strip()
    if (first_line.strip() and len(first_line) <= 200 and not re.search(r"[.!?:;,\"'”’]\s*$", first_line)
            and len(second_line) > HARD_WRAP_COLUMNS and second_line[:1].isupper()):
        after = next((t.i for t in doc if t.idx > len(first_line) and not t.is_space), None)
        if after is not None:
            doc[after].is_sent_start = True
            starts.append(after)
    for start in starts:
        dateline = DATELINE.match(doc.text, doc[start].idx)
        if dateline and dateline.end() in token_at:
            doc[token_at[dateline.end()]].is_sent_start = True
    for bullet in BULLET.finditer(doc.text):
        for edge in (bullet.start("marker"), bullet.end()):
            if edge in token_at:
                doc[token_at[edge]].is_sent_start = True
    return doc


def load_article_nlp(spacy_models: list[str], registry_files: list[Path]) -> Language:
    """The full spaCy pipeline (parser included: attribution needs it) plus actor linking; articles only."""
    import spacy

    import pipeline.nlp  # noqa: F401 - registers the stancewatch_actors factory

    errors = []
    for name in spacy_models:
        try:
            nlp = spacy.load(name)
            break
        except OSError as error:
            errors.append(f"{name}: {str(error).splitlines()[0][:120]}")
    else:
        raise OSError("no spaCy pipeline could be loaded; tried " + "; ".join(errors))
    nlp.add_pipe("stancewatch_paragraph_breaks", before="parser")
    nlp.add_pipe("stancewatch_actors", after="ner", config={"registry_files": [str(Path(p).resolve()) for p in registry_files]})
    return nlp


def article_statements(article: Article, quotes: list[ExtractedQuote]) -> list[Statement]:
    """Statements of one article. Ids are the article id and the offsets, so a re-run finds the same ids and
    skips what it already scored; the second speaker of a joint statement adds '#2'. A speaker that is neither in the
    registry nor a named person or organisation stays None, with its mention kept in `origin`."""
    ids = [f"{article.id}:{quote.start}-{quote.end}" for quote in quotes]
    ids = [i if i not in ids[:n] else f"{i}#{ids[:n].count(i) + 1}" for n, i in enumerate(ids)]
    return [
        Statement(
            id=statement_id,
            text=article.text[quote.start : quote.end],
            source_type=article.source_type,
            speaker=quote.speaker,
            date=quote.date,
            url=article.url,
            outlet=article.outlet,
            **({"lang": article.lang} if article.lang else {}),  # undeclared: each statement's language is detected
            origin=ArticleOrigin(
                article_id=article.id, start=quote.start, end=quote.end, cue=quote.cue, speaker_mention=quote.speaker_mention,
                kind=quote.kind, period=quote.period, date_mention=quote.date_mention,
            ),
        )
        for statement_id, quote in zip(ids, quotes)
    ]


class ArticleStatementFinder:
    """What a run needs to turn articles into statements: the parsing pipeline and the registry, loaded once."""

    def __init__(self, spacy_models: list[str], registry_files: list[Path]) -> None:
        self.registry = ActorRegistry.from_files(registry_files)
        self.extractor = QuoteExtractor(load_article_nlp(spacy_models, registry_files), self.registry)

    def statements(self, article: Article) -> list[Statement]:
        return article_statements(article, self.extractor.extract(article.text, article.date, article.outlet, article.title))
