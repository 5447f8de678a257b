import datetime as dt
from pathlib import Path

import pytest

from pipeline.actors import ACTOR_LABELS, KIND_SPELLINGS, Actor, ActorRegistry
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


def test_an_organisation_s_country_office_speaks_for_the_organisation_not_the_country(registry):
    assert registry.resolve("IOM Iraq").name == "IOM" and registry.resolve("UNHCR Poland").name == "UNHCR"
    assert registry.resolve("Iraq").name == "Iraq" and registry.resolve("Fuad Hussein, Iraq's Foreign Minister").name == "Fuad Hussein"


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
    path.write_text('[[actor]]\nname = "X"\nkind = ["person"]\n')
    with pytest.raises(ValueError, match=r"#1: kind \['person'\] is not one of"):
        ActorRegistry.from_files([path])
    # A wrong key on a complete entry is only that: the entry is not said to lack what it has.
    path.write_text('[[actor]]\nname = "X"\nkind = "person"\naffilation = "Y"\n')
    with pytest.raises(ValueError, match=r"#1: unknown keys \['affilation'\]; an actor takes") as raised:
        ActorRegistry.from_files([path])
    assert "needs" not in str(raised.value)
    path.write_text('[[actor]]\nname = "X"\n')
    with pytest.raises(ValueError, match=r"#1: needs 'kind'$"):
        ActorRegistry.from_files([path])


def test_the_us_spelling_organization_is_read_as_organisation_and_readme_lists_every_kind(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "Urban Mobility Forum"\nkind = "organization"\naliases = ["UMF"]\n')
    actor = ActorRegistry.from_files([path]).resolve("UMF")
    assert (actor.kind, actor.label) == ("organisation", "ORG")
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(f"`{kind}`" in readme for kind in (*ACTOR_LABELS, *KIND_SPELLINGS))


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


def test_two_registries_that_share_an_actor_load_together(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[[actor]]\nname = "Olaf Scholz"\nkind = "person"\npronoun = "he"\naffiliation = "Germany government"\naliases = ["Scholz"]\n')
    second.write_text('[[actor]]\nname = "Olaf Scholz"\nkind = "person"\naffiliation = "Germany government"\naliases = ["Chancellor Scholz"]\n')
    registry = ActorRegistry.from_files([first, second])
    assert registry.actors["Olaf Scholz"].aliases == ("Scholz", "Chancellor Scholz")
    assert registry.actors["Olaf Scholz"].pronoun == "he"
    assert registry.resolve("Chancellor Scholz").name == "Olaf Scholz"


def test_an_actor_defined_twice_with_another_affiliation_names_both_places(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('[[actor]]\nname = "Olaf Scholz"\nkind = "person"\naffiliation = "Germany government"\n')
    second.write_text('[[actor]]\nname = "Olaf Scholz"\nkind = "person"\naffiliation = "SPD"\n')
    with pytest.raises(ValueError, match=r"b.toml: \[\[actor\]\] #1: actor 'Olaf Scholz' was defined at .*a.toml: \[\[actor\]\] #1 with affiliation"):
        ActorRegistry.from_files([first, second])


def test_our_domain_registries_load_together():
    registries = sorted(DEFAULT_ACTORS_FILE.parent.glob("*.toml"))
    assert len(registries) >= 2
    assert len(ActorRegistry.from_files(registries)) < sum(len(ActorRegistry.from_files([path])) for path in registries)


def test_an_office_that_changed_hands_is_no_actor_alias(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text(
        '[[actor]]\nname = "David Sassoli"\nkind = "person"\naffiliation = "EU"\naliases = ["European Parliament President"]\n'
        '[[actor]]\nname = "Roberta Metsola"\nkind = "person"\naffiliation = "EU"\n'
        '[[office]]\ntitle = "President of the European Parliament"\naliases = ["European Parliament President"]\n'
        'holders = [{ actor = "David Sassoli", from = 2019-07-03, to = 2022-01-11 }, { actor = "Roberta Metsola", from = 2022-01-18 }]\n'
    )
    with pytest.raises(ValueError, match="'European Parliament President' is an alias of actor 'David Sassoli', but office .* is also held by Roberta Metsola"):
        ActorRegistry.from_files([path])


def test_a_newly_elected_office_holder_is_the_holder_on_that_day(registry):
    assert registry.resolve("The newly elected European Parliament President", dt.date(2022, 1, 20)).name == "Roberta Metsola"
    assert registry.resolve("European Parliament President", dt.date(2021, 12, 1)).name == "David Sassoli"
    assert registry.resolve("German Chancellor") is None  # no date: the office cannot say who


def test_a_name_cut_at_its_and_is_whole_and_a_line_break_ends_a_name(nlp):
    from spacy.tokens import Span

    from pipeline.nlp import _repaired_names

    doc = nlp.make_doc("The Irish Nursing and Care Workers Union met Li Wen, University of Marlow\nWen argues.")
    cut = [Span(doc, 0, 4, label="ORG"), Span(doc, 4, 7, label="ORG"), Span(doc, 8, 10, label="PERSON"), Span(doc, 11, 16, label="ORG")]
    assert [(e.text, e.label_) for e in _repaired_names(cut)] == [
        ("The Irish Nursing and Care Workers Union", "ORG"), ("Li Wen", "PERSON"), ("University of Marlow", "ORG"), ("Wen", "ORG"),
    ]


def _mayors(tmp_path, holders: str) -> Path:
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "A"\nkind = "person"\n[[actor]]\nname = "B"\nkind = "person"\n'
                    f'[[office]]\ntitle = "Mayor of Eastport"\naliases = ["the mayor"]\nholders = [{holders}]\n')
    return path


def test_an_office_term_s_to_is_its_last_day_in_office(tmp_path):
    registry = ActorRegistry.from_files([_mayors(tmp_path, '{ actor = "A", to = 2023-05-07 }, { actor = "B", from = 2023-05-08 }')])
    assert registry.resolve("the mayor", dt.date(2023, 5, 7)).name == "A"
    assert registry.resolve("the mayor", dt.date(2023, 5, 8)).name == "B"
    one_day = ActorRegistry.from_files([_mayors(tmp_path, '{ actor = "A", from = 2023-05-07, to = 2023-05-07 }')])
    assert one_day.resolve("the mayor", dt.date(2023, 5, 7)).name == "A"
    assert one_day.resolve("the mayor", dt.date(2023, 5, 8)) is None


def test_a_term_that_ends_on_the_day_the_next_begins_overlaps(tmp_path):
    with pytest.raises(ValueError, match="terms of 'A' and 'B' overlap"):
        ActorRegistry.from_files([_mayors(tmp_path, '{ actor = "A", to = 2023-05-08 }, { actor = "B", from = 2023-05-08 }')])


def test_an_office_over_a_month_is_the_one_holder_of_the_whole_month(tmp_path):
    registry = ActorRegistry.from_files([_mayors(tmp_path, '{ actor = "A", to = 2023-05-07 }, { actor = "B", from = 2023-05-08 }')])
    assert registry.resolve("the mayor", (dt.date(2023, 4, 1), dt.date(2023, 4, 30))).name == "A"
    assert registry.resolve("the mayor", (dt.date(2023, 5, 1), dt.date(2023, 5, 31))) is None


def test_a_label_is_an_entity_label_not_a_title(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "Priya Nand"\nkind = "person"\nlabel = "Maritime Minister"\n')
    with pytest.raises(ValueError, match=r"label 'Maritime Minister' is .*entity label.*aliases"):
        ActorRegistry.from_files([path])
    path.write_text('[[actor]]\nname = "Priya Nand"\nkind = "person"\naliases = ["Maritime Minister"]\n')
    assert ActorRegistry.from_files([path]).resolve("the maritime minister").name == "Priya Nand"


def test_the_readme_documents_offices_and_labels():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert all(word in readme for word in ("[[office]]", "`holders`", "`from`", "`to`", "inclusive", "`label`"))


def test_a_comma_listed_signature_names_the_person_not_their_company(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "Lena Holt"\nkind = "person"\n[[actor]]\nname = "Harrow Shipping Group"\nkind = "company"\n')
    registry = ActorRegistry.from_files([path])
    assert registry.resolve("Lena Holt, Chief Executive, Harrow Shipping Group").name == "Lena Holt"
    assert registry.resolve("Harrow Shipping Group, Lena Holt's company").name == "Harrow Shipping Group"
