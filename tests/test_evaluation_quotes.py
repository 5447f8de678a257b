import json
from pathlib import Path

import pytest

from evaluation.quotes import quote_score_intervals, quote_scores
from evaluation.report import evaluate_files
from tests.conftest import write_jsonl


def test_quote_scores_on_a_hand_computed_case():
    gold = [[(0, 10, "Fuad Hussein"), (20, 40, "Masrour Barzani")], [(5, 15, "KRG")]]
    predicted = [[(0, 10, "fuad hussein"), (25, 45, "Nechirvan Barzani")], []]
    scores = quote_scores(gold, predicted)
    # exact: 1 of 2 predicted, 1 of 3 gold -> P .5, R 1/3, F1 .4 ; overlap: 2 of 2, 2 of 3 -> F1 .8
    assert scores["exact"]["f1"] == pytest.approx(0.4)
    assert scores["overlap"]["precision"] == pytest.approx(1.0) and scores["overlap"]["recall"] == pytest.approx(2 / 3)
    assert scores["overlap"]["f1"] == pytest.approx(0.8)
    # speakers: one right (case-insensitive) of 3 gold quotes, of 2 found
    assert scores["speaker_accuracy"] == pytest.approx(1 / 3)
    assert scores["speaker_accuracy_on_found"] == pytest.approx(0.5)


def test_no_predicted_quotes_scores_zero_without_crashing():
    scores = quote_scores([[(0, 5, "A")]], [[]])
    assert scores["overlap"]["f1"] == 0.0 and scores["speaker_accuracy"] == 0.0
    assert scores["speaker_accuracy_on_found"] is None  # 0 of 0 found: no score, not a score of 0


def test_speaker_accuracy_is_undefined_without_gold_quotes():
    scores = quote_scores([[]], [[(0, 5, "A")]])
    assert scores["overlap"]["precision"] == 0.0
    assert scores["speaker_accuracy"] is None and scores["speaker_accuracy_on_found"] is None
    assert quote_score_intervals([[]], [[(0, 5, "A")]], resamples=20)["speaker_accuracy"] is None


def test_report_has_a_quote_section_only_when_predictions_carry_quotes(tmp_path):
    text = 'Hussein said "they believe Belarus uses this" on Monday.'
    gold = write_jsonl(tmp_path / "g.jsonl", [{"id": "q1", "text": text, "source_type": "press", "speaker": "Fuad Hussein",
                                               "gold": {"stances": [{"target": "T", "label": "favor"}],
                                                        "quotes": [{"start": 14, "end": 44, "speaker": "Fuad Hussein", "cue": "said"}]}}])
    stance = {"target": "T", "label": "favor", "probs": {"favor": 0.9, "against": 0.05, "none": 0.05}}
    without = write_jsonl(tmp_path / "a.jsonl", [{"id": "q1", "stances": [stance]}])
    assert "quotes" not in evaluate_files(gold, without)
    with_quotes = write_jsonl(tmp_path / "b.jsonl", [{"id": "q1", "stances": [stance], "quotes": [{"start": 14, "end": 44, "speaker": "Fuad Hussein"}]}])
    report = evaluate_files(gold, with_quotes)
    assert report["quotes"]["exact"]["f1"] == 1.0 and report["quotes"]["speaker_accuracy"] == 1.0
    json.dumps(report)


def test_annotated_articles_read_and_a_shifted_span_names_its_line_and_field(tmp_path):
    from evaluation.quotes import ArticleGoldError, read_annotated_articles

    good = {"id": "a1", "date": "2025-06-05", "text": 'He said "we will win" today.', "quotes": [{"start": 9, "end": 20, "quote": "we will win", "speaker": "Ann Lee"}]}
    path = tmp_path / "articles.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(good | {"quotes": [good["quotes"][0] | {"start": 8}]}) + "\n", encoding="utf-8")
    with pytest.raises(ArticleGoldError, match=r"articles.jsonl:2: field '<record>'|articles.jsonl:2: field 'quotes"):
        read_annotated_articles(path)
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    assert read_annotated_articles(path)[0].gold_tuples() == [(9, 20, "Ann Lee")]
    path.write_text(json.dumps(good)[:-1] + ', "date": "2025-06-06"}\n', encoding="utf-8")
    with pytest.raises(ArticleGoldError, match=r"articles.jsonl:1: field 'date': the key appears twice"):
        read_annotated_articles(path)


def test_the_annotated_articles_of_the_repo_read_cleanly():
    from evaluation.quotes import read_annotated_articles
    from pipeline.actors import ActorRegistry

    folder = Path(__file__).resolve().parents[1] / "corpus" / "articles"
    files = sorted(folder.glob("*/*.jsonl"))
    assert {f.parent.name for f in files} >= {"other_domains", "border_crisis"}
    for path in files:
        articles = read_annotated_articles(path)
        assert len(articles) >= 8 and all(a.quotes for a in articles)
    # A domain's articles name registered speakers by the registry's canonical name, never by an alias.
    registry = ActorRegistry.from_files([folder.parent / "actors" / "border_crisis.toml"])
    for article in (a for split in ("dev", "test") for a in read_annotated_articles(folder / "border_crisis" / f"{split}.jsonl")):
        for quote in article.quotes:
            actor = registry.resolve_exact(quote.speaker, article.date)
            assert actor is None or actor.name == quote.speaker, (article.id, quote.speaker)


def test_a_speaker_matches_whatever_its_case_or_leading_article():
    gold = [[(0, 10, "senior European diplomat"), (20, 30, "Residents"), (40, 50, "Ana")]]
    predicted = [[(0, 10, "A senior European diplomat"), (20, 30, "the residents"), (40, 50, "Anastasia")]]
    assert quote_scores(gold, predicted)["speaker_accuracy"] == 2 / 3
