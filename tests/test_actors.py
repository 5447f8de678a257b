import pytest

from pipeline.actors import Actor, ActorRegistry
from pipeline.config import DEFAULT_ACTORS_FILE, StancewatchConfig
from pipeline.nlp import build_nlp


@pytest.fixture(scope="module")
def registry():
    return ActorRegistry.from_files([DEFAULT_ACTORS_FILE])


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(StancewatchConfig(), with_stance=False)


@pytest.mark.parametrize("mention", ["KRG", "Erbil", "the Kurdistan Regional Government", "Kurdistan Regional Government"])
def test_aliases_resolve_to_one_actor(registry, mention):
    assert registry.resolve(mention).name == "Kurdistan Regional Government"


def test_speaker_with_title_resolves_to_the_person(registry):
    assert registry.resolve("KRG Prime Minister Masrour Barzani").name == "Masrour Barzani"
    assert registry.resolve("Iraqi Foreign Minister Fuad Hussein").affiliation == "Iraq federal government"
    assert registry.resolve("an anonymous blogger") is None
    assert registry.resolve("") is None


def test_an_alias_cannot_name_two_actors():
    registry = ActorRegistry()
    registry.add(Actor("Kurdistan Regional Government", "government", "KRG", ("KRG",)))
    with pytest.raises(ValueError, match="already names"):
        registry.add(Actor("Kurdistan Region Guard", "organisation", "x", ("krg",)))


def test_registry_file_errors_name_the_entry(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "X"\nkind = "planet"\n')
    with pytest.raises(ValueError, match=r"actors.toml: \[\[actor\]\] #1: kind 'planet'"):
        ActorRegistry.from_files([path])


def test_text_mentions_link_to_actors_and_keep_ner_labels(nlp):
    doc = nlp("The Kurdistan Regional Government said Erbil and the KRG met Lukashenko in Minsk on 3 December.")
    actors = {doc.text[s:e]: a for s, e, a in doc._.actors}
    assert actors["Kurdistan Regional Government"] == "Kurdistan Regional Government"
    assert actors["Erbil"] == actors["KRG"] == "Kurdistan Regional Government"
    assert actors["Lukashenko"] == "Alexander Lukashenko"
    assert actors["Minsk"] == "Belarus"
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels["Lukashenko"] == "PERSON" and labels["3 December"] == "DATE"


def test_hashtags_and_handles_are_not_entities(nlp):
    doc = nlp("#Belarus and @Lukashenko trend again as Poland closes the border.")
    assert [e.text for e in doc.ents] == ["Poland"]
