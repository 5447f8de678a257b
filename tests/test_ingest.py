import datetime as dt
import json

import pytest

from corpus.reader import InputFileError, ReadResult
from pipeline.ingest import ArticleDefaults, article_id_for, read_article_file, read_article_records, read_articles

HTML = """<html><head><title>Iraq and the border</title>
<meta property="article:published_time" content="2021-12-10"></head>
<body><nav><a href="/">Home</a> | <a href="/about">About us</a> | <a href="/subscribe">Subscribe</a></nav>
<article><h1>Iraq and the border</h1>
<p>Iraqi Foreign Minister Fuad Hussein said on Monday that Baghdad would organise more return flights for its citizens.
"Those who want to return will be brought home," he told reporters in Baghdad after meeting EU envoys.</p>
<p>The KRG Prime Minister Masrour Barzani tweeted in November that smugglers are using "our citizens for a political dispute".</p>
</article><footer>Copyright 2021 Example Media. All rights reserved.</footer></body></html>"""


def test_text_article_keeps_its_text_byte_for_byte_and_a_stable_id(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes('Hussein said "yes".\r\nBarzani said no.\n'.encode())
    article = read_article_file(path, ArticleDefaults(date=dt.date(2021, 12, 1), outlet="Rudaw"))
    assert article.text == 'Hussein said "yes".\r\nBarzani said no.\n'  # offsets point into exactly this
    assert article.id == article_id_for(article.text) == read_article_file(path).id
    assert (article.date, article.outlet, article.source_type) == (dt.date(2021, 12, 1), "Rudaw", "press")


@pytest.mark.parametrize(("text", "title"), [
    ("Mayor rethinks port stance as Marlow raises offer\n\nMarlow Maritime has raised its offer, officials said.\n", "Mayor rethinks port stance as Marlow raises offer"),
    ("\ufeffPort strike looms\r\n\r\nDockers voted to strike.\r\n", "Port strike looms"),
    ("The union said it would strike.\n\nThe company said it would not.\n", None),  # a sentence, not a headline
    ("Port strike looms\nDockers voted to strike.\n", None),  # no blank line after it: the first paragraph
    ("Port strike looms\n", None),  # nothing but the one line
])
def test_a_text_article_title_is_its_headline_line(tmp_path, text, title):
    path = tmp_path / "a.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article_file(path)
    assert article.title == title and article.text == text.removeprefix("\ufeff")


def test_html_article_keeps_the_main_text_and_the_page_date(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(HTML, encoding="utf-8")
    article = read_article_file(path)
    assert "Fuad Hussein said on Monday" in article.text and "our citizens for a political dispute" in article.text
    assert "Copyright" not in article.text and "Subscribe" not in article.text
    assert article.date == dt.date(2021, 12, 10) and article.title == "Iraq and the border"
    # The command line's date fills in for pages without one; it never overrides the page's own (--date's help says so).
    assert read_article_file(path, ArticleDefaults(date=dt.date(2022, 1, 2))).date == dt.date(2021, 12, 10)
    undated = tmp_path / "undated.html"
    undated.write_text(HTML.replace('<meta property="article:published_time" content="2021-12-10">', ""), encoding="utf-8")
    assert read_article_file(undated).date is None
    assert read_article_file(undated, ArticleDefaults(date=dt.date(2022, 1, 2))).date == dt.date(2022, 1, 2)


def test_article_records_stream_and_bad_lines_are_quarantined_with_line_and_field(tmp_path):
    path = tmp_path / "articles.jsonl"
    lines = [
        {"id": "a1", "text": "Hussein said the EU must act.", "source_type": "press", "outlet": "Rudaw", "date": "2021-11-02", "url": "https://x/1"},
        {"id": "a2", "source_type": "press"},
        {"id": "a3", "text": "x", "html": "<p>x</p>"},
        {"id": "a4", "text": "Fine text.", "date": "2021-13-40"},
        {"id": "a1", "text": "Another text under a used id."},
        {"html": HTML, "outlet": "Example"},
    ]
    repeated = '{"id": "a5", "text": "First text.", "text": "Second text."}'
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n" + repeated + "\n", encoding="utf-8")
    result = ReadResult([])
    articles = list(read_article_records(path, result, ArticleDefaults(outlet="Default outlet")))
    assert [a.id for a in articles][0] == "a1" and len(articles) == 2
    assert articles[0].outlet == "Rudaw" and articles[0].date == dt.date(2021, 11, 2)
    from_html = articles[1]
    assert from_html.id.startswith("art-") and from_html.outlet == "Example" and from_html.date == dt.date(2021, 12, 10)
    problems = {(q.line, q.field) for q in result.quarantined}
    assert problems == {(2, "<record>"), (3, "<record>"), (4, "date"), (5, "id"), (7, "<json>"), (8, "text")}


def test_unknown_article_file_types_and_missing_files_are_user_errors(tmp_path):
    bad = tmp_path / "a.pdf"
    bad.write_text("x")
    with pytest.raises(InputFileError, match="unsupported article type"):
        read_article_file(bad)
    with pytest.raises(InputFileError, match="no such file"):
        list(read_articles([tmp_path / "missing.txt"], ReadResult([])))


def test_article_files_without_text_are_quarantined_and_undeclared_languages_stay_undeclared(tmp_path):
    empty, latin1, good = tmp_path / "empty.txt", tmp_path / "latin1.txt", tmp_path / "good.txt"
    empty.write_text("\n \n", encoding="utf-8")
    latin1.write_bytes("Caf\xe9 owners said prices rose.".encode("latin-1"))
    good.write_text("Officials said the border is closed.", encoding="utf-8")
    result = ReadResult([])
    articles = list(read_articles([empty, latin1, good], result))
    assert [a.source for a in articles] == [str(good)] and articles[0].lang is None and articles[0].location == str(good)
    assert [(q.file, q.line, q.field) for q in result.quarantined] == [(str(empty), 1, "text"), (str(latin1), 1, "<file>")]
    assert "not UTF-8" in result.quarantined[1].reason


def test_a_plain_text_article_takes_the_date_its_dateline_prints(tmp_path):
    release = tmp_path / "release.txt"
    release.write_text("PRESS RELEASE\nFor immediate release - 2 August 2024\n\nThe service confirmed the fire is contained.\n", encoding="utf-8")
    assert read_article_file(release, ArticleDefaults(date=dt.date(2024, 8, 9))).date == dt.date(2024, 8, 2)  # the text's own date wins
    wire = tmp_path / "wire.txt"
    story = "The floods of 12 March 2019 were recalled by residents who lost their homes, and the council promised a new barrier."
    wire.write_text(f"NORTHHAVEN, March 14 (Wire) - Dockers walked out.\n\n{story}\n", encoding="utf-8")
    assert read_article_file(wire).date is None  # no year in the dateline; a date in the story is not the publication's
