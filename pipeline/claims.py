"""The claim detector as a spaCy component: sentences -> check-worthiness -> what each claim states, normalized.

It runs after NER and actor linking, so a claim's entities carry their actors and its DATE entities
are there to resolve. Every sentence is a candidate claim (CheckThat! scores sentences); all get a
score, those at or above the threshold are check-worthy. Results go to `doc.spans["claims"]` (the
spans, for spaCy tools) and `doc._.claims` (the dicts the pipeline writes out).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span, Token
from spacy.util import minibatch

from pipeline.config import StancewatchConfig
from pipeline.quantities import claim_entities, normalize_dates, normalize_quantities

SPANS_KEY = "claims"
# Shorter "sentences" are headings, list markers or fragments: never a claim on their own.
MIN_CLAIM_CHARS = 12
# Words a claim needs besides hashtags, handles, links and emoji: '😡 #Belarus #BorderCrisis' states nothing.
MIN_CLAIM_WORDS = 2
TAG_MARKS = ("#", "@")

for _name, _default in (("claims", None), ("reference_date", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@lru_cache(maxsize=4)
def _cached_claims_model(model_dir: str):
    from models.registry import load_claims_model

    return load_claims_model(Path(model_dir))


@Language.factory(
    "stancewatch_claims",
    assigns=["doc._.claims", "doc.spans", "token.is_sent_start"],
    default_config={"model_dir": "", "threshold": None, "batch_size": 256},
)
def make_claims(nlp: Language, name: str, model_dir: str, threshold: float | None, batch_size: int) -> "ClaimsComponent":
    return ClaimsComponent(_cached_claims_model(model_dir), threshold, batch_size)


class ClaimsComponent:
    """Scores each sentence of each doc in one model call per batch of docs; `threshold` overrides the model's own."""

    def __init__(self, model, threshold: float | None = None, batch_size: int = 256) -> None:
        if threshold is not None and not 0.0 < threshold < 1.0:
            raise ValueError(f"[claims] threshold must be between 0 and 1 (exclusive), got {threshold}")
        self.model = model
        self.threshold = model.threshold_ if threshold is None else float(threshold)
        self.batch_size = batch_size
        self.sentencizer = Sentencizer()

    def candidates(self, doc: Doc) -> list[Span]:
        """The doc's sentences, trimmed of surrounding whitespace, as candidate claims."""
        if not doc.has_annotation("SENT_START"):
            self.sentencizer(doc)
        spans = []
        carried: list = []
        for sentence in doc.sents:
            # A line break ends a claim too: headings and paragraphs carry no full stop between them.
            tokens: list = carried
            carried = []
            for token in [*sentence, None]:
                if token is not None and not (token.is_space and "\n" in token.text):
                    tokens += [] if token.is_space else [token]
                    continue
                if tokens and tokens[-1].text in TAG_MARKS:
                    # The sentencizer ends "... on a Friday. #" after the '#' of "#4DayWeek": it goes with its tag, and a
                    # lone '#' with no tag after it goes nowhere.
                    mark = tokens.pop()
                    carried = [mark] if token is None and _opens_a_tag(mark) else []
                if tokens and tokens[-1].idx + len(tokens[-1]) - tokens[0].idx >= MIN_CLAIM_CHARS and _words(tokens) >= MIN_CLAIM_WORDS:
                    spans.append(doc[tokens[0].i : tokens[-1].i + 1])
                tokens = []
        return spans

    def predict(self, docs: list[Doc]) -> list[list[tuple[Span, float]]]:
        """(candidate span, P(check-worthy)) per doc; reads the docs, writes nothing."""
        spans = [self.candidates(doc) for doc in docs]
        flat = [span.text for doc_spans in spans for span in doc_spans]
        scores = self.model.predict_proba(flat)[:, 1] if flat else []
        out, position = [], 0
        for doc_spans in spans:
            out.append([(span, float(scores[position + i])) for i, span in enumerate(doc_spans)])
            position += len(doc_spans)
        return out

    def set_annotations(self, docs: list[Doc], scored: list[list[tuple[Span, float]]]) -> None:
        for doc, doc_scored in zip(docs, scored):
            reference: dt.date | None = doc._.reference_date
            claims = []
            for span, score in doc_scored:
                quantities = normalize_quantities(span)
                claims.append(
                    {
                        "start": span.start_char, "end": span.end_char, "text": span.text,
                        "checkworthy": score >= self.threshold, "score": round(score, 4),
                        "quantities": quantities, "dates": normalize_dates(span, reference, quantities), "entities": claim_entities(span),
                    }
                )
            doc.spans[SPANS_KEY] = [span for span, score in doc_scored if score >= self.threshold]
            doc._.claims = claims

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            self.set_annotations(batch, self.predict(batch))
            yield from batch


def _opens_a_tag(mark: Token) -> bool:
    """True when a '#' or '@' (spaCy splits it off a hashtag or handle) is glued to the word after it."""
    doc = mark.doc
    return not mark.whitespace_ and mark.i + 1 < len(doc) and not doc[mark.i + 1].is_space


def _words(tokens: list) -> int:
    """Words of a candidate that are not hashtags or handles (spaCy splits '#' off, so the word after it is the tag)."""
    text = tokens[0].doc.text
    return sum(1 for t in tokens if t.is_alpha and not (t.idx > 0 and text[t.idx - 1] in "#@"))


def claims_unavailable_reason(config: StancewatchConfig) -> str | None:
    """Why claims will not be scored with this config, or None when they will: said in every command's output."""
    from models.claims import CLAIMS_CONFIG_FILE

    if not config.claims.enabled:
        return "claims disabled in the config ([claims] enabled = false)"
    model_dir = Path(config.claims.model_dir)
    if not (model_dir / CLAIMS_CONFIG_FILE).is_file():
        return (
            f"no claims model in {model_dir}: statements get stance only; train one with "
            f"`python -m benchmarks.checkthat --model tfidf --save {model_dir}` (needs ../shared/data) or set [claims] model_dir"
        )
    return None
