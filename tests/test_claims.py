"""Check-worthy claims: quantity and date normalization, the classifier, the spaCy component, predict / run / evaluate."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corpus.external import shared_data_dir
from pipeline.cli import app
from tests.conftest import tampered_copy, tiny_records, write_jsonl

runner = CliRunner()
SEED_ARTICLE = shared_data_dir().parent / "domain" / "seed-article-iraq-eu-belarus.txt"

# Hand-written, enough for a linear model to separate: verifiable facts vs opinions, wishes and greetings.
TINY_CLAIMS = [
    ("Unemployment rose to 8 percent in 2020.", True),
    ("The government spent $4 billion on new roads last year.", True),
    ("Police arrested ten smugglers near the border on Tuesday.", True),
    ("Over 2000 people were returned on twelve flights.", True),
    ("The ministry closed two consulates in October.", True),
    ("Exports fell by 12 percent between 2018 and 2020.", True),
    ("Taxes went up three times during his term.", True),
    ("The airline doubled its flights to Minsk in July.", True),
    ("The border fence is 186 kilometres long.", True),
    ("Crime dropped by a third in five years.", True),
    ("I think we can do better than this.", False),
    ("Thank you all for coming tonight.", False),
    ("We must stand together as a nation.", False),
    ("I hope the talks will succeed.", False),
    ("Let me be very clear about that.", False),
    ("What a wonderful crowd we have here.", False),
    ("Our children deserve a brighter future.", False),
    ("I believe in the American people.", False),
    ("That is a good question, thank you.", False),
    ("We will fight for every family.", False),
]


def tiny_claim_columns() -> tuple[list[str], list[bool]]:
    return [text for text, _ in TINY_CLAIMS], [label for _, label in TINY_CLAIMS]


@pytest.fixture(scope="session")
def tiny_claims_model_dir(tmp_path_factory) -> Path:
    """A real TF-IDF check-worthiness model, trained once per session on the tiny sentences (a second)."""
    from models.claims import TfidfCheckworthiness

    texts, labels = tiny_claim_columns()
    out = tmp_path_factory.mktemp("claims") / "tfidf"
    TfidfCheckworthiness(char_min_df=1, c_grid=(10.0,), class_weight_grid=("balanced",)).fit(
        texts, labels, dev=(texts, labels), data_sources=["tests/test_claims.py TINY_CLAIMS"]
    ).save(out)
    return out


@pytest.fixture(scope="session")
def nlp():
    from pipeline.config import StancewatchConfig
    from pipeline.nlp import load_spacy

    return load_spacy(StancewatchConfig().nlp.spacy_models)


def _quantities(nlp, text: str) -> list[dict]:
    from pipeline.quantities import normalize_quantities

    doc = nlp(text)
    return normalize_quantities(doc[:])


@pytest.mark.parametrize(
    ("text", "surface", "expected"),
    [
        ("Since November they have returned over 2000 people from Belarus.", "2000", {"value": 2000, "qualifier": "over", "unit": "people"}),
        ("Between 7,500 to 8,000 of the migrants are from the Kurdistan Region.", "7,500 to 8,000",
         {"value": None, "low": 7500, "high": 8000, "qualifier": "between", "unit": "migrants"}),
        ("7,500–8,000 migrants are stuck at the border.", "7,500–8,000", {"value": None, "low": 7500, "high": 8000, "unit": "migrants"}),
        ("Police arrested ten migrant smugglers in Iraq.", "ten", {"value": 10, "unit": "smugglers", "dimension": "count"}),
        ("The court heard ten arrested smugglers.", "ten", {"value": 10, "unit": "smugglers"}),
        ("Iraq is home to nearly 2 million internally displaced persons.", "2 million", {"value": 2_000_000, "qualifier": "nearly", "unit": "persons"}),
        ("The government spent $4 billion on roads.", "$4 billion", {"value": 4_000_000_000, "unit": "dollar", "dimension": "currency"}),
        ("Unemployment fell by 3.5 percent.", "3.5 percent", {"value": 3.5, "unit": "percentage"}),
        ("Flights increased from four to five per week.", "four to five per week", {"low": 4, "high": 5, "qualifier": "from", "unit": "per week"}),
        ("Departures were added from three other Iraqi cities.", "three", {"value": 3, "qualifier": None, "unit": "cities"}),
        # press shorthand quantulum misreads on its own (as euro·metre, barns, kelvins, or one summed number)
        ("Filling costs us about €5m a week.", "€5m a week", {"value": 5_000_000, "qualifier": "about", "unit": "euro per week"}),
        ("The loan is worth 1.5bn euros.", "1.5bn euros", {"value": 1_500_000_000, "unit": "euro"}),
        ("They paid £2.3bn for it.", "£2.3bn", {"value": 2_300_000_000, "unit": "pound sterling"}),
        ("The bank paid $250-300 million.", "$250-300 million", {"value": None, "low": 250_000_000, "high": 300_000_000, "unit": "dollar"}),
        ("The bank paid between 250 and 300 million dollars.", "250 and 300 million dollars",
         {"value": None, "low": 250_000_000, "high": 300_000_000, "qualifier": "between", "unit": "dollar"}),
        ("The project employs 5k workers.", "5k", {"value": 5000, "unit": "workers"}),
        ("The wall is 5m high.", "5m", {"value": 5, "unit": "metre"}),
        ("The fund holds EUR 12m.", "EUR 12m", {"value": 12_000_000, "unit": "euro"}),
        ("Turnout rose 3.5 per cent on Sunday.", "3.5 per cent", {"value": 3.5, "unit": "percentage"}),
        ("The flow fell to 150 cubic metres per second.", "150 cubic metres per second", {"value": 150, "unit": "cubic metre per second"}),
        # European number formats, currencies quantulum does not know, and a dozen
        ("The fund holds 1,5 million złoty.", "1,5 million złoty", {"value": 1_500_000, "unit": "Polish złoty", "dimension": "currency"}),
        ("We counted the 4.000 migrants at the camp.", "4.000", {"value": 4000, "unit": "migrants"}),
        ("The budget is PLN 1.6 billion.", "1.6 billion", {"value": 1_600_000_000, "unit": "Polish złoty", "dimension": "currency"}),
        ("They paid 300 zlotys each.", "300 zlotys", {"value": 300, "unit": "Polish złoty"}),
        ("It costs 2,5 mln PLN.", "2,5 mln PLN", {"value": 2_500_000, "unit": "Polish złoty"}),
        ("A dozen were children.", "A dozen", {"value": 12}),
        # an article before a currency sum ('a £310m investment'), and a unit quantulum does not know ending the phrase
        ("A referendum would delay a £310m investment by a year.", "£310m", {"value": 310_000_000, "unit": "pound sterling"}),
        ("It made an £8.2m loss.", "£8.2m", {"value": 8_200_000, "unit": "pound sterling"}),
        ("Throughput will double to 1.2 million TEU.", "1.2 million TEU", {"value": 1_200_000, "unit": "TEU"}),
        ("The NHS hired 300 GP trainees.", "300", {"value": 300, "unit": "trainees"}),
        # an adjective inflect takes for a plural before the noun counted, and a minute that is time, not an angle
        ("The board recruited 45 overseas nurses.", "45", {"value": 45, "unit": "nurses", "dimension": "count"}),
        ("It is a 40-minute drive.", "40-minute", {"value": 40, "unit": "minute", "dimension": "time"}),
        # a currency range with the currency and scale on both ends, read as the range its ends make
        ("The sale could raise £1.2bn-£1.5bn for the city.", "£1.2bn-£1.5bn",
         {"value": None, "low": 1_200_000_000, "high": 1_500_000_000, "unit": "pound sterling", "dimension": "currency"}),
        ("They will pay $250m to $300m for it.", "$250m to $300m",
         {"value": None, "low": 250_000_000, "high": 300_000_000, "unit": "dollar", "dimension": "currency"}),
        ("The deal is worth €1.2bn–€1.5bn.", "€1.2bn–€1.5bn", {"value": None, "low": 1_200_000_000, "high": 1_500_000_000, "unit": "euro"}),
        ("The fund holds EUR 1.2bn-EUR 1.5bn.", "EUR 1.2bn-EUR 1.5bn", {"value": None, "low": 1_200_000_000, "high": 1_500_000_000, "unit": "euro"}),
        ("The bank paid £250-300 million.", "£250-300 million", {"value": None, "low": 250_000_000, "high": 300_000_000, "unit": "pound sterling"}),
        ("Repairs will cost 250-300 million.", "250-300 million", {"value": None, "low": 250_000_000, "high": 300_000_000}),
        ("7,500 to 8,000 migrants crossed.", "7,500 to 8,000", {"value": None, "low": 7500, "high": 8000, "unit": "migrants"}),
        # a year after a preposition still counts the plural noun right after it
        ("In 2000 cases the court ruled for the state.", "2000", {"value": 2000, "unit": "cases", "dimension": "count"}),
        # a range of counts whose low end is a year, and a range of sums after "between" with the currency on both ends
        ("From 2000 to 2500 people fled.", "2000 to 2500", {"value": None, "low": 2000, "high": 2500, "unit": "people"}),
        ("It cost between $5 and $10.", "$5 and $10", {"value": None, "low": 5, "high": 10, "qualifier": "between", "unit": "dollar"}),
        ("It cost between £250m and £300m.", "£250m and £300m",
         {"value": None, "low": 250_000_000, "high": 300_000_000, "qualifier": "between", "unit": "pound sterling"}),
    ],
)
def test_quantities_are_normalized(nlp, text, surface, expected):
    found = {q["text"]: q for q in _quantities(nlp, text)}
    assert surface in found, found
    quantity = found[surface]
    assert text[quantity["start"] : quantity["end"]] == surface
    assert {key: quantity[key] for key in expected} == expected


@pytest.mark.parametrize(
    "text",
    ["Iraq is fourth on the list of most non-returned migrants.", "In 2019 the plant closed.", "This is one of the world's richest countries.",
     "Negative incentives rarely work.", "The stance took a turn in December.",
     # a year after a preposition, before a name or a noun it does not count; ordinals that rank, with or without "of"
     "Since 2015 EU states have tightened borders.", "In 2020 ISIS lost its last town.", "By 2030 emissions must halve.", "It is the fifth time this year.",
     "She won a third term.", "The bill passed its third reading.", "The third of May was cold.",
     # "by" an ordinal with no word of change before it, or one that modifies a noun
     "The deal was backed by a third party.", "He was followed by a fifth.", "It was led by a fifth-year student.",
     # a fraction after an ordinal is a period, and so are two years as a range
     "In the first half of the year exports rose.", "In the second quarter sales rose.", "In the third quarter profits fell.",
     "First half profits rose.", "From 2015 to 2020 exports rose.", "From 2015 to 2020, exports rose."],
)
def test_ordinals_years_and_pronouns_are_not_quantities(nlp, text):
    assert _quantities(nlp, text) == []


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("The bill passed by 71 to 58.", [("71", 71, None), ("58", 58, None)]),
        ("The motion passed by 71 votes to 58.", [("71", 71, "votes"), ("58", 58, None)]),
        ("Exports fell from 10 to 5 percent.", [("10", 10, None), ("5 percent", 5, "percentage")]),
    ],
)
def test_a_tally_is_its_numbers_not_a_range(nlp, text, stated):
    found = _quantities(nlp, text)
    assert [(q["text"], q["value"], q["unit"]) for q in found] == stated
    assert all(q["low"] is None and q["high"] is None for q in found)


@pytest.mark.parametrize(
    ("text", "sums"),
    [
        ("They gave £5m and £3m.", [("£5m", 5_000_000), ("£3m", 3_000_000)]),
        ("They gave £5m, £3m and £2m.", [("£5m", 5_000_000), ("£3m", 3_000_000), ("£2m", 2_000_000)]),
        ("They gave £5 or £3 each.", [("£5", 5), ("£3", 3)]),
    ],
)
def test_coordinated_sums_are_each_a_sum(nlp, text, sums):
    found = _quantities(nlp, text)
    assert [(q["text"], q["value"]) for q in found] == sums
    assert {q["unit"] for q in found} == {"pound sterling"}


@pytest.mark.parametrize(
    ("text", "surface", "value", "qualifier"),
    [
        ("One in five nurses has left.", "One in five", 20, None),
        ("Nearly one in three people are poor.", "one in three", 33.333333, "nearly"),
        ("Two in five voters agree.", "Two in five", 40, None),
        ("They cut a fifth of the budget.", "a fifth", 20, None),
        ("They cut nearly a third of the workforce.", "a third", 33.333333, "nearly"),
        ("Two-thirds of members voted yes.", "Two-thirds", 66.666667, None),
        ("Half of the beds are empty.", "Half", 50, None),
        ("Three quarters of voters agree.", "Three quarters", 75, None),
        # "half" before a determiner needs no "of"
        ("Farmers could lose half their harvest.", "half", 50, None),
        ("Half the members voted no.", "Half", 50, None),
        # a change by a share: no "of", but "by" after a word of change
        ("Sick leave is down by a fifth, the minister said.", "a fifth", 20, None),
        ("Prices rose by a third.", "a third", 33.333333, None),
        ("Costs were cut by half.", "half", 50, None),
        ("They cut the budget by two thirds.", "two thirds", 66.666667, None),
    ],
)
def test_shares_in_words_read_as_the_percent_they_state(nlp, text, surface, value, qualifier):
    [as_percent] = _quantities(nlp, "20% of nurses have left.")
    [share] = _quantities(nlp, text)  # and no count of its own words ("five" nurses)
    assert text[share["start"] : share["end"]] == share["text"] == surface
    assert (share["value"], share["qualifier"], share["unit"], share["dimension"]) == (value, qualifier, as_percent["unit"], as_percent["dimension"])


def test_dates_are_iso_where_the_text_and_the_statement_date_pin_them(nlp):
    from pipeline.quantities import normalize_dates

    doc = nlp("On October 9 the authority suspended all flights, after a decision in March 2021 and talks since mid-November.")
    dated = {d["text"]: d for d in normalize_dates(doc[:], dt.date(2021, 12, 15))}
    assert (dated["October 9"]["iso"], dated["October 9"]["exact"]) == ("2021-10-09", True)
    assert (dated["March 2021"]["iso"], dated["March 2021"]["precision"], dated["March 2021"]["exact"]) == ("2021-03", "month", False)
    assert dated["mid-November"]["iso"] is None
    undated = {d["text"]: d for d in normalize_dates(doc[:], None)}
    assert undated["October 9"]["iso"] is None and undated["March 2021"]["iso"] == "2021-03"  # no year to take it from


def test_a_date_without_a_year_is_the_nearest_one_in_the_direction_the_sentence_speaks(nlp):
    from pipeline.quantities import normalize_dates

    def iso(text: str, reference: dt.date) -> dict[str, str]:
        return {d["text"]: d["iso"] for d in normalize_dates(nlp(text)[:], reference)}

    assert iso("Filling will proceed in April.", dt.date(2023, 2, 3)) == {"April": "2023-04"}
    assert iso("Filling began in April.", dt.date(2023, 2, 3)) == {"April": "2022-04"}
    assert iso("The bank will decide in June.", dt.date(2023, 6, 20)) == {"June": "2023-06"}  # this month, not next year's
    assert iso("A third flight is due on 1 December.", dt.date(2021, 11, 18)) == {"1 December": "2021-12-01"}
    assert iso("The minister said more would follow in March.", dt.date(2021, 11, 18)) == {"March": "2022-03"}
    # No cue either way: the date just gone, unless the next one is far nearer (a fortnight ahead against a year back).
    assert iso("Talks were held on 1 December.", dt.date(2021, 11, 18)) == {"1 December": "2021-12-01"}
    assert iso("Talks were held in March.", dt.date(2021, 11, 18)) == {"March": "2021-03"}
    # The future cue of a later clause is not this clause's; a deadline is ahead unless the clause says it is past.
    deported = iso("We deported 300 people in October and will send another 1000+ by January.", dt.date(2021, 11, 16))
    assert deported == {"October": "2021-10", "January": "2022-01"}  # and no year 1000
    assert iso("We need 5 million euros by December.", dt.date(2021, 11, 22)) == {"December": "2021-12"}
    assert iso("Most had left by December.", dt.date(2022, 2, 1)) == {"December": "2021-12"}
    assert iso("In March, the plant will open.", dt.date(2021, 11, 18)) == {"March": "2022-03"}
    # A condition or a promise looks ahead ('if elected on Thursday', written on a Tuesday), a past condition does not.
    assert iso("Okafor promised to cancel the process if elected on Thursday.", dt.date(2023, 5, 2)) == {"Thursday": "2023-05-04"}
    assert iso("She asked if he had resigned on Thursday.", dt.date(2023, 5, 2)) == {"Thursday": "2023-04-27"}
    # A to-infinitive of what someone agrees, plans or means to do looks ahead; 'agreed to' a thing does not.
    assert iso("Dal and Ostrov agreed to meet again in July.", dt.date(2025, 5, 23)) == {"July": "2025-07"}
    assert iso("They expect to finish the dam in March.", dt.date(2025, 5, 23)) == {"March": "2026-03"}
    assert iso("We aim to open it in June.", dt.date(2025, 5, 23)) == {"June": "2025-06"}
    assert iso("They agreed to the deal in July.", dt.date(2025, 5, 23)) == {"July": "2024-07"}


def test_a_weekday_that_names_no_particular_day_gets_no_date(nlp):
    from pipeline.quantities import normalize_dates

    friday = dt.date(2024, 1, 5)

    def dated(text: str) -> list[tuple[str, str | None, bool]]:
        return [(d["text"], d["iso"], d["exact"]) for d in normalize_dates(nlp(text)[:], friday)]

    assert dated("My kids might actually see me on a Friday.") == [("Friday", None, False)]
    assert dated("We meet each Friday.") == [("Friday", None, False)]
    assert dated("We meet on Fridays.") == [("Fridays", None, False)]
    # a particular Friday still resolves: written on a Friday, "on Friday" and "this Friday" are that day
    assert dated("I saw her on Friday.") == [("Friday", "2024-01-05", True)]
    assert dated("I see her this Friday.") == [("Friday", "2024-01-05", True)]
    assert dated("I saw her last Friday.") == [("last Friday", "2023-12-29", True)]


def test_a_generic_weekday_resolves_to_no_date():
    from pipeline.dates import resolve

    friday = dt.date(2024, 1, 5)
    assert resolve("every Friday", friday) is None and resolve("a Friday", friday) is None and resolve("Fridays", friday) is None
    assert resolve("Friday", friday) == (friday, "day")


@pytest.mark.parametrize(
    "text",
    ["A referendum would delay a £310m investment by a year.", "Keeping it would mean closing it within a decade.",
     "Talks lasted two weeks.", "The plan needs six more months.", "They have waited for years."],
)
def test_a_duration_is_not_a_date(nlp, text):
    from pipeline.quantities import normalize_dates

    assert normalize_dates(nlp(text)[:], dt.date(2023, 3, 20)) == []


def test_said_on_the_article_s_own_weekday_is_that_day():
    from pipeline.dates import resolve

    monday = dt.date(2023, 4, 3)
    assert resolve("on Monday", monday) == (monday, "day")
    assert resolve("last Monday", monday) == (dt.date(2023, 3, 27), "day")
    assert resolve("Friday", monday) == (dt.date(2023, 3, 31), "day")
    assert resolve("Friday", monday, future=True) == (dt.date(2023, 4, 7), "day")
    assert resolve("Monday at 3pm", dt.date(2023, 4, 5)) == (monday, "day")


def test_a_week_is_its_month_when_it_lies_in_one_and_what_has_happened_is_never_ahead():
    from pipeline.dates import resolve

    tuesday = dt.date(2023, 5, 2)
    assert resolve("last week", tuesday, past_only=True) == (dt.date(2023, 4, 24), "month")
    assert resolve("this week", dt.date(2023, 5, 30), past_only=True) == (dt.date(2023, 5, 29), "month")  # its days so far
    assert resolve("last week", dt.date(2023, 6, 6), past_only=True) is None  # 29 May - 4 June
    assert resolve("next week", tuesday, past_only=True) is None
    assert resolve("in six months", tuesday, past_only=True) is None
    assert resolve("six months", tuesday) is None  # a duration names no date
    assert resolve("six months ago", tuesday, past_only=True) == (dt.date(2022, 11, 2), "month")


def test_the_days_of_a_week_a_mention_names_run_up_to_the_reference():
    from pipeline.dates import week_days

    assert week_days("last week", dt.date(2023, 6, 6)) == (dt.date(2023, 5, 29), dt.date(2023, 6, 4))  # across two months
    assert week_days("this week", dt.date(2023, 5, 31)) == (dt.date(2023, 5, 29), dt.date(2023, 5, 31))
    assert week_days("on Monday", dt.date(2023, 6, 6)) is None and week_days("six weeks", dt.date(2023, 6, 6)) is None
    assert week_days("last week", None) is None


def test_classifier_fits_saves_reloads_and_refuses_tampered_weights(tiny_claims_model_dir, tmp_path):
    from models.claims import TfidfCheckworthiness
    from models.registry import load_claims_model

    texts, labels = tiny_claim_columns()
    model = load_claims_model(tiny_claims_model_dir)
    assert isinstance(model, TfidfCheckworthiness)
    assert model.predict(texts) == labels
    proba = model.predict_proba(["Exports fell by 40 percent in 2021.", "Thank you, I hope we do better."])
    assert proba.shape == (2, 2) and np.allclose(proba.sum(1), 1.0) and proba[0, 1] > proba[1, 1]
    card = (tiny_claims_model_dir / "MODEL_CARD.md").read_text()
    assert model.weights_sha256_ in card and "seed: 13" in card and "dev (20 sentences" in card
    with pytest.raises(ValueError, match="sha256"):
        load_claims_model(tampered_copy(tiny_claims_model_dir, tmp_path / "bad", "claims.safetensors"))
    with pytest.raises(ValueError, match="booleans"):
        TfidfCheckworthiness().fit(texts, ["yes"] * len(texts))


def test_threshold_is_tuned_for_f1():
    from models.claims import tune_threshold

    gold = [True, True, False, False, False]
    scores = np.array([0.3, 0.25, 0.2, 0.1, 0.05])
    threshold, f1 = tune_threshold(gold, scores)
    assert 0.2 < threshold <= 0.25 and f1 == 1.0


def test_component_scores_sentences_and_attaches_normalized_quantities(nlp, tiny_claims_model_dir):
    import pipeline.claims  # noqa: F401 - registers the factory
    from pipeline.nlp import load_spacy
    from pipeline.config import StancewatchConfig

    claims_nlp = load_spacy(StancewatchConfig().nlp.spacy_models)
    claims_nlp.add_pipe("stancewatch_claims", config={"model_dir": str(tiny_claims_model_dir)})
    text = "Thank you all for coming tonight.\n\nPolice arrested ten smugglers on Tuesday. I hope the talks will succeed.\n😡 #Belarus #BorderCrisis"
    doc = claims_nlp.make_doc(text)
    doc._.reference_date = dt.date(2021, 12, 3)
    doc = claims_nlp(doc)
    claims = doc._.claims
    # Hashtags alone state nothing: not even a candidate.
    assert [c["text"] for c in claims] == ["Thank you all for coming tonight.", "Police arrested ten smugglers on Tuesday.", "I hope the talks will succeed."]
    assert [c["checkworthy"] for c in claims] == [False, True, False]
    assert [span.text for span in doc.spans["claims"]] == ["Police arrested ten smugglers on Tuesday."]
    arrested = claims[1]
    assert [(q["value"], q["unit"]) for q in arrested["quantities"]] == [(10, "smugglers")]
    assert arrested["dates"][0]["iso"] == "2021-11-30"  # the Tuesday before the statement's date
    assert all(text[c["start"] : c["end"]] == c["text"] for c in claims)


def test_a_sentence_leaves_the_hashtag_after_it_whole(nlp, tiny_claims_model_dir):
    from pipeline.claims import ClaimsComponent
    from models.registry import load_claims_model

    component = ClaimsComponent(load_claims_model(tiny_claims_model_dir))
    tweet = nlp("Four-day week pilot? Finally! My kids might actually see me on a Friday. #4DayWeek")
    assert [span.text for span in component.candidates(tweet)] == ["Four-day week pilot?", "My kids might actually see me on a Friday."]
    tagged = nlp("We won the vote today. #FourDayWeek is coming for everyone now")
    assert [span.text for span in component.candidates(tagged)] == ["We won the vote today.", "#FourDayWeek is coming for everyone now"]
    lone = nlp("Great news for all of us. #")
    assert [span.text for span in component.candidates(lone)] == ["Great news for all of us."]


@pytest.fixture(scope="session")
def claims_config(tmp_path_factory, tiny_config, tiny_claims_model_dir) -> Path:
    path = tmp_path_factory.mktemp("claims-config") / "stancewatch.toml"
    path.write_text(tiny_config.read_text(encoding="utf-8") + f'\n[claims]\nmodel_dir = "{tiny_claims_model_dir}"\n', encoding="utf-8")
    return path


def _records_with_claims() -> list[dict]:
    records = tiny_records()[:3]
    for record in records:
        record["gold"]["claims"] = []  # annotated: no check-worthy claim
    records[0]["text"] += " Police arrested ten smugglers on Tuesday."
    records[0]["gold"]["claims"] = [{"start": len(records[0]["text"]) - 41, "end": len(records[0]["text"]), "checkworthy": True}]
    return records


def test_predict_writes_claims_and_evaluate_scores_them(tmp_path, claims_config):
    gold = write_jsonl(tmp_path / "gold.jsonl", _records_with_claims())
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["predict", str(gold), "--out", str(out), "--config", str(claims_config)])
    assert result.exit_code == 0, result.output
    assert "claims not scored" not in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    first = records[0]
    assert first["stances"] and first["provenance"]["claims_weights_sha256"]
    for claim in first["claims"]:
        assert {"start", "end", "text", "checkworthy", "score", "quantities"} <= set(claim)
        assert 0.0 <= claim["score"] <= 1.0
    arrested = [c for c in first["claims"] if c["text"] == "Police arrested ten smugglers on Tuesday."]
    assert arrested and arrested[0]["checkworthy"] and arrested[0]["quantities"][0]["value"] == 10
    assert arrested[0]["speaker"] == tiny_records()[0]["speaker"]
    report = tmp_path / "report.json"
    result = runner.invoke(app, ["evaluate", str(gold), str(out), "--json", str(report)])
    assert result.exit_code == 0, result.output
    claims = json.loads(report.read_text())["claims"]
    assert claims["statements"] == 3 and claims["checkworthy"]["gold_checkworthy"] == 1
    assert claims["checkworthy"]["recall"] == 1.0 and len(claims["checkworthy"]["f1_interval_95"]) == 2


def test_run_stores_claims_with_the_model_hash(tmp_path, claims_config, tiny_claims_model_dir):
    from models.registry import load_claims_model

    gold = write_jsonl(tmp_path / "in.jsonl", _records_with_claims())
    db = tmp_path / "claims.db"
    result = runner.invoke(app, ["run", str(gold), "--config", str(claims_config), "--db", str(db)])
    assert result.exit_code == 0, result.output
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT statement_id, text, checkworthy, score, quantities, model_hash FROM claims WHERE checkworthy = 1").fetchall()
    model_hash = load_claims_model(tiny_claims_model_dir).weights_sha256_
    arrested = [r for r in rows if r[1] == "Police arrested ten smugglers on Tuesday."]
    assert arrested and arrested[0][0] == "t01" and arrested[0][5] == model_hash
    assert json.loads(arrested[0][4])[0]["unit"] == "smugglers"


def test_a_claims_model_added_later_fills_in_claims_for_statements_already_stored(tmp_path, tiny_config, claims_config):
    no_claims = tmp_path / "no-claims.toml"
    no_claims.write_text(tiny_config.read_text(encoding="utf-8") + f'\n[claims]\nmodel_dir = "{tmp_path / "absent"}"\n', encoding="utf-8")
    records = _records_with_claims()
    gold, db = write_jsonl(tmp_path / "in.jsonl", records), tmp_path / "later.db"
    assert runner.invoke(app, ["run", str(gold), "--config", str(no_claims), "--db", str(db)]).exit_code == 0
    connection = sqlite3.connect(db)
    assert connection.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == 0
    with_claims = runner.invoke(app, ["run", str(gold), "--config", str(claims_config), "--db", str(db)])
    assert re.search(r"skipped: already scored\s*│\s*0", with_claims.output), with_claims.output
    assert connection.execute("SELECT COUNT(DISTINCT statement_id) FROM claims").fetchone()[0] == len(records)
    again = runner.invoke(app, ["run", str(gold), "--config", str(claims_config), "--db", str(db)])
    assert re.search(rf"skipped: already scored\s*│\s*{len(records)}", again.output), again.output


def test_a_changed_claims_threshold_rejudges_stored_claims_from_their_scores_without_a_model_run(tmp_path, claims_config):
    from pipeline.report import read_top_claims

    gold, db = write_jsonl(tmp_path / "in.jsonl", _records_with_claims()), tmp_path / "threshold.db"
    assert runner.invoke(app, ["run", str(gold), "--config", str(claims_config), "--db", str(db)]).exit_code == 0
    connection = sqlite3.connect(db)
    judged = "SELECT statement_id, start, checkworthy, score, threshold FROM claims ORDER BY statement_id, start"
    first = connection.execute(judged).fetchall()
    own_threshold = first[0][4]
    assert all(t == own_threshold for *_, t in first) and any(c for _, _, c, _, _ in first)
    assert all(c == (score >= own_threshold) for _, _, c, score, _ in first)

    strict = tmp_path / "strict.toml"
    strict.write_text(claims_config.read_text(encoding="utf-8").replace("[claims]\n", "[claims]\nthreshold = 0.999\n"), encoding="utf-8")
    result = runner.invoke(app, ["run", str(gold), "--config", str(strict), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert re.search(r"skipped: already scored\s*│\s*3", result.output), result.output  # no model run
    turned = {sid for sid, _, c, score, _ in first if c and score < 0.999}
    assert turned and re.search(rf"claims re-judged: new threshold\s*│\s*{len(turned)}", result.output), result.output
    strictly = connection.execute(judged).fetchall()
    assert [(sid, start, bool(score >= 0.999), score, 0.999) for sid, start, _, score, _ in first] == [
        (sid, start, bool(c), score, t) for sid, start, c, score, t in strictly
    ]

    back = runner.invoke(app, ["run", str(gold), "--config", str(claims_config), "--db", str(db)])
    assert back.exit_code == 0, back.output
    assert connection.execute(judged).fetchall() == first
    rows, note = read_top_claims(db)
    assert rows and f"from a score of {own_threshold:.2f}" in note


def test_without_a_claims_model_statements_still_get_stance_and_the_output_says_so(tmp_path, tiny_config):
    config = tmp_path / "no-claims.toml"
    config.write_text(tiny_config.read_text(encoding="utf-8") + f'\n[claims]\nmodel_dir = "{tmp_path / "absent"}"\n', encoding="utf-8")
    gold = write_jsonl(tmp_path / "gold.jsonl", tiny_records()[:2])
    out = tmp_path / "pred.jsonl"
    result = runner.invoke(app, ["predict", str(gold), "--out", str(out), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "claims not scored" in result.output and "no claims model" in result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(r["stances"] and r["claims"] is None for r in records)


@pytest.mark.skipif(not (shared_data_dir() / "checkthat2024_task1_english").is_dir(), reason="needs ../shared/data/checkthat2024_task1_english")
def test_checkthat_reader_matches_the_published_split_sizes():
    from corpus.external import checkthat2024, checkthat2024_rows

    # SOURCE.md: rows and check-worthy rows per split; quoted texts with doubled quotes must not merge rows.
    expected = {"train": (22501, 5413), "dev": (1032, 238), "dev-test": (318, 108), "test": (341, 88)}
    for split, (rows, checkworthy) in expected.items():
        read = checkthat2024_rows(split)
        assert (len(read), sum(r["checkworthy"] for r in read)) == (rows, checkworthy), split
    dev = checkthat2024("dev")
    assert dev.column_names == ["id", "text", "checkworthy"] and dev[0]["id"].startswith("ct24-")
    with pytest.raises(ValueError, match="split must be one of"):
        checkthat2024_rows("validation")


@pytest.fixture(scope="session")
def checkthat_sample_model():
    """TF-IDF on the first 6,000 CheckThat! training sentences, one C: seconds, and enough for the seed article."""
    from benchmarks.checkthat import columns
    from corpus.external import checkthat2024_rows
    from models.claims import TfidfCheckworthiness

    dev = checkthat2024_rows("dev")
    return TfidfCheckworthiness(c_grid=(3.0,), class_weight_grid=("balanced",)).fit(
        *columns(checkthat2024_rows("train")[:6000]), dev=columns(dev)
    )


@pytest.mark.skipif(not SEED_ARTICLE.is_file() or not (shared_data_dir() / "checkthat2024_task1_english").is_dir(),
                    reason="needs ../shared (the seed article and CheckThat! 2024 data); not in this checkout")
def test_seed_article_yields_its_check_worthy_numbers(tmp_path, checkthat_sample_model):
    from pipeline.claims import ClaimsComponent
    from pipeline.config import StancewatchConfig
    from pipeline.nlp import load_spacy

    article_nlp = load_spacy(StancewatchConfig().nlp.spacy_models)
    component = ClaimsComponent(checkthat_sample_model)
    doc = article_nlp(SEED_ARTICLE.read_text(encoding="utf-8"))
    doc._.reference_date = dt.date(2021, 12, 15)
    component(doc)
    stated = [(q, c) for c in doc._.claims if c["checkworthy"] for q in c["quantities"]]

    def find(**expected):
        return [c for q, c in stated if all(q[k] == v for k, v in expected.items())]

    assert find(low=7500, high=8000, unit="migrants", qualifier="between"), stated
    assert find(value=2000, qualifier="over", unit="people"), stated
    assert find(value=10, unit="smugglers"), stated
    returned = find(value=2000, unit="people")[0]
    assert "returned over 2000 people" in returned["text"] and {"Belarus", "Iraq"} <= {e["text"] for e in returned["entities"]}


@pytest.mark.slow
def test_fine_tuned_minilm_fits_saves_and_reloads(tmp_path):
    from models.claims import MiniLMCheckworthiness
    from models.registry import load_claims_model

    texts, labels = tiny_claim_columns()
    model = MiniLMCheckworthiness(epochs=4, batch_size=10, max_length=32, learning_rate=1e-4, head_learning_rate=3e-3, seed=1)
    model.fit(texts, labels, dev=(texts, labels)).save(tmp_path / "minilm")
    reloaded = load_claims_model(tmp_path / "minilm")
    assert reloaded.predict(texts) == labels
    assert np.allclose(reloaded.predict_proba(texts), model.predict_proba(texts), atol=1e-5)


@pytest.mark.slow
@pytest.mark.skipif(not (shared_data_dir() / "checkthat2024_task1_english").is_dir(), reason="needs ../shared/data/checkthat2024_task1_english")
@pytest.mark.parametrize("members", [("tfidf",), ("tfidf", "embedding")])
def test_a_small_checkthat_sample_clears_an_f1_floor_on_dev_test(members, tmp_path):
    """4,000 training sentences, tuned on dev, scored on dev-test (never test): all-positive scores 0.51 there, chance 0.40."""
    from benchmarks.checkthat import columns
    from corpus.external import checkthat2024_rows
    from models.claims import build_claims_model
    from models.registry import load_claims_model

    model = build_claims_model(members[0] if len(members) == 1 else "ensemble", members=members)
    model.fit(*columns(checkthat2024_rows("train")[:4000]), dev=columns(checkthat2024_rows("dev")))
    texts, gold = columns(checkthat2024_rows("dev-test"))
    f1 = model.score(texts, gold, "dev-test")["f1"]["score"]
    assert f1 >= 0.70, f1
    assert load_claims_model(model.save(tmp_path / "model")).predict(texts) == model.predict(texts)


def test_claims_embeddings_read_sentences_as_written():
    """Claims heads were trained on sentences as written: the stance models' hashtag spelling must not reach them."""
    from models.baseline import EmbeddingStanceClassifier
    from models.claims import EmbeddingCheckworthiness

    sentence = "Violent crime rose 12 percent last year #MakeAmericaSafeAgain"
    claims_features = EmbeddingCheckworthiness()._featurize([sentence], fit=False)
    as_written = EmbeddingStanceClassifier(readable_text=False).embed([sentence])
    as_words = EmbeddingStanceClassifier(readable_text=True).embed([sentence])
    assert np.allclose(claims_features, as_written, atol=1e-6) and not np.allclose(as_written, as_words, atol=1e-3)


@pytest.mark.parametrize(
    ("text", "surface", "unit"),
    [
        ("Salaries are 1,000,000 Iraqi dinars a month.", "1,000,000 Iraqi dinars", "Iraqi dinar"),
        ("He paid 200 dinars.", "200 dinars", "dinar"),
        ("It cost 500 kronor.", "500 kronor", "krona"),
        ("Meridian would invest 300 million crowns.", "300 million crowns", "crown"),
        ("It cost 40 UAE dirhams.", "40 UAE dirhams", "UAE dirham"),
        ("The fee is 300 zlotys.", "300 zlotys", "Polish złoty"),
    ],
)
def test_currencies_quantulum_does_not_know_are_currencies(nlp, text, surface, unit):
    """quantulum knows about thirty currencies; the rest (CLDR's names, by babel) were counts of 'dinars'."""
    [found] = _quantities(nlp, text)
    assert (found["text"], found["unit"], found["dimension"]) == (surface, unit, "currency")


@pytest.mark.parametrize("text", ["They scored 50 marks.", "He sold 3 units."])
def test_a_currency_noun_that_is_an_english_word_stays_a_count(nlp, text):
    [found] = _quantities(nlp, text)
    assert found["dimension"] == "count"
