"""Language detection on short statements, and what a run does with a language the models cannot score."""

import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.language import DetectedLanguage, decide_language, default_detector, normalise_code, unsupported_reason

LABELLED = Path(__file__).parent / "data" / "language_short.jsonl"


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]


def test_short_statements_in_seven_languages_are_detected(labelled):
    detector = default_detector()
    guesses = [(row["lang"], detector.detect(row["text"]).lang) for row in labelled]
    right = Counter(gold for gold, guess in guesses if gold == guess)
    assert set(Counter(gold for gold, _ in guesses)) == {"en", "ar", "ckb", "kmr", "ru", "pl", "lt"}
    assert sum(right.values()) / len(guesses) >= 0.95, guesses
    assert all(right[lang] >= 14 for lang in ("ar", "ckb", "kmr", "ru", "pl", "lt")), right  # of 16 each
    # The error that matters: a foreign statement passing as English would be scored by an English model.
    assert [guess for gold, guess in guesses if gold != "en" and guess == "en"] == []


def test_short_english_the_first_detector_is_unsure_of_stays_english():
    # py3langid alone: Zulu, Lithuanian, Nigerian Pidgin, Afrikaans, Italian, each below 0.3.
    detector = default_detector()
    texts = ["Shame on Lukashenko!", "Lukashenko lies.", "Hillary for president!", "Atheism is freedom", "No comment."]
    assert [detector.detect(text).lang for text in texts] == ["en"] * len(texts)
    # Nigerian Pidgin is named above 0.5 for plain English: fastText decides between them.
    assert [detector.detect(text).lang for text in ("A generational win for caribou", "Row with CRLF inside quotes.")] == ["en", "en"]


def test_codes_are_normalised_and_noise_is_ignored():
    assert normalise_code("EN-us") == "en" and normalise_code("ku") == "kmr" and normalise_code("ckb") == "ckb"
    detector = default_detector()
    assert detector.detect("@EU_Commission https://t.co/xyz #12345").lang == "und"
    assert detector.detect("@EU_Commission Людей выталкивают обратно в лес #Беларусь").lang == "ru"
    # Hashtags in another script are tags, not the text's language; hashtags alone still decide.
    assert detector.detect("We demand the safe return of all Iraqis stranded in Belarus #العراق #بيلاروسيا").lang == "en"
    assert detector.detect("Мы требуем вернуть людей домой #Iraq #EU").lang == "ru"
    assert detector.detect("#Беларусь #граница").lang == "ru"


def test_the_detector_decides_unless_it_is_unsure_and_the_input_named_a_language():
    unsure, sure = DetectedLanguage("it", 0.19), DetectedLanguage("ar", 0.99)
    assert decide_language("en", unsure) == "en"
    assert decide_language(None, unsure) == "it"
    assert decide_language("en", sure) == "ar"
    assert unsupported_reason("en", sure, ["en"]) is None
    assert "'ar' is not supported" in unsupported_reason("ar", sure, ["en"])


def test_run_stores_unsupported_languages_unscored_with_the_reason_and_counts_them(tmp_path, tiny_config, labelled):
    from pipeline.cli import app

    foreign = [row for row in labelled if row["lang"] != "en"][::4]  # 24 statements, 4 of each language
    records = [
        {"id": "en-1", "text": "Lukashenko is using migrants as a weapon against Europe.", "source_type": "tweet"},
        {"id": "en-2", "text": "No comment.", "source_type": "tweet", "lang": "en"},  # too short to detect: the declared language stands
        {"id": "ar-declared-en", "text": "يجب وقف الرحلات إلى مينسك فوراً.", "source_type": "tweet", "lang": "en"},
        *({"id": row["id"], "text": row["text"], "source_type": "tweet"} for row in foreign),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "unscored, language not supported: " in result.output and "ar 5" in result.output
    assert "2 statement(s) stored without a date" in result.output, "the two scored ones; the run says trends cannot place them"
    connection = sqlite3.connect(db)
    rows = {r[0]: r[1:] for r in connection.execute("SELECT id, lang, lang_detected, unscored_reason FROM statements")}
    assert len(rows) == len(records)
    scored = {r[0] for r in connection.execute("SELECT DISTINCT statement_id FROM stances")}
    assert scored == {"en-1", "en-2"}
    assert rows["en-1"][:2] == ("en", "en") and rows["en-1"][2] is None
    assert rows["en-2"][0] == "en" and rows["en-2"][2] is None
    # The input said English; the text is Arabic: the declared language is kept, the detected one decides.
    assert rows["ar-declared-en"][:2] == ("en", "ar") and "'ar' is not supported" in rows["ar-declared-en"][2]
    for row in foreign:
        lang, detected, reason = rows[row["id"]]
        assert lang == detected and reason and "left unscored" in reason
    assert {rows[row["id"]][1] for row in foreign} >= {"ar", "ckb", "kmr", "ru", "pl", "lt"}
    # Run again: what was stored unscored is skipped, not stored and counted a second time.
    again = CliRunner().invoke(app, ["run", str(path), "--config", str(tiny_config), "--db", str(db)])
    assert re.search(r"skipped: already scored\s*│\s*2", again.output), again.output
    assert re.search(rf"skipped: stored unscored before\s*│\s*{len(records) - 2}", again.output), again.output
    assert "unscored, language not supported" not in again.output


def test_predict_leaves_unsupported_languages_unscored_and_says_why(tmp_path, tiny_config):
    from pipeline.cli import app

    records = [
        {"id": "en-1", "text": "Lukashenko is using migrants as a weapon against Europe.", "source_type": "tweet"},
        {"id": "ru-1", "text": "Лукашенко использует мигрантов как оружие против Европы.", "source_type": "tweet", "speaker": "Fuad Hussein"},
        {"id": "en-2", "text": "Minsk flew these people in on purpose to pressure the EU.", "source_type": "tweet"},
    ]
    path, out = tmp_path / "mixed.jsonl", tmp_path / "predictions.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["predict", str(path), "--out", str(out), "--config", str(tiny_config)])
    assert result.exit_code == 0, result.output
    predictions = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [p["id"] for p in predictions] == ["en-1", "ru-1", "en-2"], "one record per input, in input order"
    english, russian = predictions[0], predictions[1]
    assert english["lang"] == "en" and english["unscored"] is None and english["stances"]
    assert russian["lang"] == "ru" and russian["stances"] == [] and "'ru' is not supported" in russian["unscored"]
    assert russian["speaker_actor"]["name"] == "Fuad Hussein", "who said it does not depend on the language"


def test_supported_languages_are_configurable(tmp_path, tiny_config):
    from pipeline.batch import run_batch
    from pipeline.config import load_config

    config = load_config(tiny_config)
    config.store.db = tmp_path / "s.db"
    config.language.supported = ["en", "ru"]
    path = tmp_path / "ru.jsonl"
    path.write_text(json.dumps({"id": "ru-1", "text": "Лукашенко использует мигрантов как оружие.", "source_type": "tweet"}, ensure_ascii=False) + "\n")
    summary = run_batch([path], config)
    assert summary.stored == 1 and not summary.unscored_languages
