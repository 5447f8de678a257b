"""One spaCy Language for the whole enrichment: NER -> actor linking -> stance.

Components are registered factories and hand off through declared places: entities in `doc.ents`,
actors in `doc._.actors`, the statement's targets in `doc._.targets`, stance in `doc._.stances`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from pipeline.actors import ActorRegistry
from pipeline.claims import claims_unavailable_reason  # also registers the stancewatch_claims factory
from pipeline.config import StancewatchConfig

# NER in the small English pipeline has its own tok2vec, so nothing else needs to run for entities.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")

for _name, _default in (("actors", []), ("targets", []), ("stances", []), ("speaker_actor", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def load_spacy(names: list[str]) -> Language:
    """The first installed pipeline among `names` (the offline re-upload has its own package name)."""
    errors = []
    for name in names:
        try:
            return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
        except OSError as error:
            errors.append(f"{name}: {str(error).splitlines()[0][:120]}")
    raise OSError("no spaCy pipeline could be loaded; tried " + "; ".join(errors) + ". Install one with `make setup`.")


@Language.factory("stancewatch_actors", assigns=["doc._.actors", "doc.ents"], default_config={"registry_files": []})
def make_actor_linker(nlp: Language, name: str, registry_files: list[str]) -> "ActorLinker":
    return ActorLinker(nlp, ActorRegistry.from_files([Path(p) for p in registry_files]))


class ActorLinker:
    """Links entity mentions to registry actors by alias matching (case-insensitive).

    A match on an entity spaCy found keeps spaCy's label and gains the actor as `kb_id_`; a match where
    spaCy found nothing becomes an entity with the actor's label. Hashtags and @handles are dropped:
    the small English model tags them PERSON or MONEY.
    """

    def __init__(self, nlp: Language, registry: ActorRegistry) -> None:
        from spacy.matcher import PhraseMatcher

        self.registry = registry
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for actor in registry.actors.values():
            surfaces = {re.sub(r"^(the|The) ", "", m.strip()) for m in (actor.name, *actor.aliases)}
            surfaces |= {surface.replace("'", "’") for surface in surfaces}  # 'Iraq’s Foreign Ministry', typeset
            self.matcher.add(actor.name, [nlp.make_doc(surface) for surface in surfaces])

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        entities = _repaired_names([e for e in doc.ents if not _is_handle(text, e.start_char, e.text)])
        by_span = {(e.start, e.end): e for e in entities}
        candidates = [Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)]
        matched = {}
        for span in filter_spans(candidates):
            if _is_handle(text, span.start_char, span.text):
                continue
            actor = self.registry.actors[span.label_]
            overlapping = [e for e in entities if e.start < span.end and span.start < e.end]
            exact = by_span.get((span.start, span.end))
            source = exact or (overlapping[0] if overlapping else None)
            label = source.label_ if source is not None else actor.label
            matched[(span.start, span.end)] = Span(doc, span.start, span.end, label=label, kb_id=actor.name)
        linked = list(matched.values())
        taken = set()
        for span in linked:
            taken.update(range(span.start, span.end))
        kept = [e for e in entities if not taken.intersection(range(e.start, e.end))]
        doc.ents = sorted(kept + linked, key=lambda e: e.start)
        doc._.actors = [(e.start_char, e.end_char, e.kb_id_) for e in doc.ents if e.kb_id_]
        return doc


# Words a name goes on after: the small model sometimes ends an organisation there and starts a second one.
NAME_CONNECTORS = frozenset({"and", "&", "of", "for"})


def _repaired_names(entities: list[Span]) -> list[Span]:
    """'The Irish Nursing and' + 'Care Workers Union' (two ORG entities, touching) is one organisation's name; a line
    break ends a name ('University of Marlow' on one line, 'Wen argues' on the next)."""
    joined: list[Span] = []
    for entity in (part for e in entities for part in _split_at_line_breaks(e)):
        previous = joined[-1] if joined else None
        if (previous is not None and previous.label_ == entity.label_ == "ORG" and previous.end == entity.start
                and previous[-1].lower_ in NAME_CONNECTORS):
            joined[-1] = Span(entity.doc, previous.start, entity.end, label="ORG")
        else:
            joined.append(entity)
    return joined


def _split_at_line_breaks(entity: Span) -> list[Span]:
    breaks = [t.i for t in entity if t.is_space and "\n" in t.text]
    if not breaks:
        return [entity]
    bounds = [entity.start, *breaks, entity.end]
    parts = [(start + (start in breaks), end) for start, end in zip(bounds, bounds[1:])]
    return [Span(entity.doc, start, end, label=entity.label_, kb_id=entity.kb_id_) for start, end in parts if end > start]


def _is_handle(text: str, start: int, surface: str) -> bool:
    return surface[:1] in "#@" or (start > 0 and text[start - 1] in "#@")


@lru_cache(maxsize=4)
def _cached_stance_model(model_dir: str, precision: str):
    from models.registry import load_stance_model

    return load_stance_model(Path(model_dir)).set_precision(precision)


@Language.factory(
    "stancewatch_stance", assigns=["doc._.stances"], default_config={"model_dir": "", "batch_size": 64, "precision": "fp32"}
)
def make_stance(nlp: Language, name: str, model_dir: str, batch_size: int, precision: str) -> "StanceComponent":
    return StanceComponent(_cached_stance_model(model_dir, precision), batch_size)


class StanceComponent:
    """Labels each doc against `doc._.targets`; `pipe` batches many docs so each is encoded once.

    `pipe` scores a batch in a worker thread while the stages before it (NER, actors, claims: mostly
    single-threaded) prepare the next one, so both cores stay busy; torch releases the GIL while it
    computes. At most two batches are in flight, and docs come out in the order they went in.
    """

    def __init__(self, model, batch_size: int) -> None:
        self.model = model
        self.batch_size = batch_size

    def predict(self, docs: list[Doc]):
        return self.model.predict_proba_grouped([d.text for d in docs], [list(d._.targets) for d in docs], self.batch_size)

    def set_annotations(self, docs: list[Doc], probabilities) -> None:
        labels = self.model.labels
        for doc, probs in zip(docs, probabilities):
            doc._.stances = [
                {"target": target, "label": label, "probs": {l: round(float(p), 4) for l, p in zip(labels, row)}}
                for target, row, label in zip(doc._.targets, probs, self.model.decide(probs))
            ]

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stance") as worker:
            pending = None
            for batch in minibatch(docs, size=batch_size):
                scoring = worker.submit(self.predict, batch)
                if pending is not None:
                    yield from self._annotated(*pending)
                pending = (batch, scoring)
            if pending is not None:
                yield from self._annotated(*pending)

    def _annotated(self, batch: list[Doc], scoring) -> list[Doc]:
        self.set_annotations(batch, scoring.result())
        return batch


def build_nlp(config: StancewatchConfig, with_stance: bool = True) -> Language:
    nlp = load_spacy(config.nlp.spacy_models)
    nlp.add_pipe("stancewatch_actors", after="ner", config={"registry_files": [str(Path(p).resolve()) for p in config.actors.registry]})
    if claims_unavailable_reason(config) is None:
        nlp.add_pipe(
            "stancewatch_claims",
            after="stancewatch_actors",
            config={"model_dir": str(Path(config.claims.model_dir).resolve()), "threshold": config.claims.threshold},
        )
    if with_stance:
        nlp.add_pipe(
            "stancewatch_stance",
            config={
                "model_dir": str(Path(config.stance.model_dir).resolve()),
                "batch_size": config.stance.batch_size,
                "precision": config.stance.precision,
            },
        )
    return nlp
