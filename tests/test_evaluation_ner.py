import pytest

from corpus.external import shared_data_dir
from corpus.schema import ONTONOTES_LABELS
from evaluation.ner import ONTONOTES_TO_CONLL, iob_spans, micro_f1_interval, read_conll, span_scores, to_conll_label

# Written for this test (never copied from a data set): two documents, three sentences, six entities.
SNIPPET = """-DOCSTART- -X- -X- O

Angela NNP B-NP B-PER
Merkel NNP I-NP I-PER
visited VBD B-VP O
Paris NNP B-NP B-LOC
. . O O

Siemens NNP B-NP B-ORG
sells VBZ B-VP O
German JJ B-NP B-MISC
trains NNS I-NP O
in IN B-PP O
New NNP B-NP B-LOC
York NNP I-NP I-LOC

-DOCSTART- -X- -X- O

Oslo NNP B-NP B-LOC
"""


@pytest.fixture()
def snippet(tmp_path):
    path = tmp_path / "tiny.conll"
    path.write_text(SNIPPET, encoding="utf-8")
    return path


def test_reader_splits_sentences_and_skips_docstart(snippet):
    sentences = read_conll(snippet)
    assert [s.tokens for s in sentences] == [
        ["Angela", "Merkel", "visited", "Paris", "."],
        ["Siemens", "sells", "German", "trains", "in", "New", "York"],
        ["Oslo"],
    ]
    assert [s.line for s in sentences] == [3, 9, 19]
    assert [s.entities() for s in sentences] == [
        [(0, 2, "PER"), (3, 4, "LOC")],
        [(0, 1, "ORG"), (2, 3, "MISC"), (5, 7, "LOC")],
        [(0, 1, "LOC")],
    ]


def test_exact_span_scores_on_the_snippet(snippet):
    gold = [s.entities() for s in read_conll(snippet)]
    predicted = [
        [(0, 2, "PER"), (3, 4, "LOC")],  # both right
        [(0, 1, "PER"), (2, 4, "MISC"), (5, 7, "LOC")],  # wrong label, wrong end, right
        [],  # Oslo missed
    ]
    scores = span_scores(gold, predicted)
    # PER: 1 of 2 predicted right, 1 gold -> P 1/2 R 1 F 2/3 ; LOC: 2 of 2 right, 3 gold -> P 1 R 2/3 F 4/5
    # ORG: 1 gold, none predicted -> 0 ; MISC: 1 gold, 1 predicted with the wrong span -> 0
    per_label = scores["per_label"]
    assert per_label["PER"]["precision"] == pytest.approx(1 / 2) and per_label["PER"]["f1"] == pytest.approx(2 / 3)
    assert per_label["LOC"]["recall"] == pytest.approx(2 / 3) and per_label["LOC"]["f1"] == pytest.approx(4 / 5)
    assert per_label["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "gold": 1, "predicted": 0, "correct": 0}
    assert per_label["MISC"]["f1"] == 0.0
    # micro: 3 right of 5 predicted and 6 gold -> P 3/5, R 1/2, F 2 * .3 / 1.1 = 6/11
    micro = scores["micro"]
    assert (micro["correct"], micro["predicted"], micro["gold"]) == (3, 5, 6)
    assert micro["precision"] == pytest.approx(3 / 5) and micro["recall"] == pytest.approx(1 / 2) and micro["f1"] == pytest.approx(6 / 11)


def test_micro_interval_resamples_sentences(snippet):
    gold = [s.entities() for s in read_conll(snippet)]
    assert micro_f1_interval(gold, gold) == (1.0, 1.0)
    assert micro_f1_interval(gold, [[], [], []]) == (0.0, 0.0)


def test_iob1_and_stray_inside_tags_start_entities_as_conlleval_does():
    assert iob_spans(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == [(0, 2, "PER"), (3, 4, "LOC"), (4, 5, "LOC"), (5, 6, "ORG")]
    with pytest.raises(ValueError, match="not IOB"):
        iob_spans(["S-PER"])


def test_label_mapping_is_documented_for_every_ontonotes_label():
    assert {label: to_conll_label(label) for label in ("PERSON", "ORG", "GPE", "LOC", "FAC")} == {
        "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"
    }
    for label in ("NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"):
        assert to_conll_label(label) == "MISC"
    dropped = {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
    assert all(to_conll_label(label) is None for label in dropped)
    assert set(ONTONOTES_TO_CONLL) | dropped == ONTONOTES_LABELS


def test_bad_lines_name_the_file_and_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Paris NNP B-NP B-LOC\nLondon NNP B-NP X-LOC\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.conll:2: NER tag 'X-LOC'"):
        read_conll(path)
    path.write_text("-DOCSTART- -X- -X- O\n\n", encoding="utf-8")
    with pytest.raises(ValueError, match="holds no sentences"):
        read_conll(path)


def test_spacy_entities_come_back_as_token_spans_with_conll_labels(snippet):
    from benchmarks.ner_conll import SPACY_MODELS, spacy_conll_entities
    from pipeline.nlp import load_spacy

    sentences = read_conll(snippet)
    predicted = spacy_conll_entities(load_spacy(SPACY_MODELS), sentences)
    assert len(predicted) == len(sentences)
    for sentence, spans in zip(sentences, predicted):
        assert all(0 <= start < end <= len(sentence.tokens) and label in ("PER", "ORG", "LOC", "MISC") for start, end, label in spans)
    assert (0, 2, "PER") in predicted[0]


CONLL_TEST = shared_data_dir() / "conll2003_en" / "test.txt"


@pytest.mark.skipif(not CONLL_TEST.is_file(), reason=f"{CONLL_TEST} is absent (CoNLL-2003 lives in ../shared/data, never in this repo)")
def test_reader_matches_the_official_conll2003_test_counts():
    sentences = read_conll(CONLL_TEST)
    entities = [label for s in sentences for _, _, label in s.entities()]
    # SOURCE.md: 3,453 sentences, 46,435 tokens, 5,648 entities (1,617 PER / 1,668 LOC / 1,661 ORG / 702 MISC)
    assert len(sentences) == 3453 and sum(len(s.tokens) for s in sentences) == 46435
    assert {label: entities.count(label) for label in ("PER", "LOC", "ORG", "MISC")} == {"PER": 1617, "LOC": 1668, "ORG": 1661, "MISC": 702}
