"""Article readers: plain text, HTML and JSONL article records become `Article`s, the unit quotes are found in.

An article keeps its text exactly as read (no newline translation), because every statement found in it
points back into that text by character offsets, and the gold's sha256 is taken over the same string.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from corpus.reader import InputFileError, LineError, QuarantinedRecord, ReadResult, parse_json_line, validation_issue
from corpus.schema import SourceType, blank_to_none, iso_date

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".jsonl")
PARAGRAPH_BREAKS = re.compile(r"\s*\n\s*")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Article(BaseModel):
    """One article: its text and where it came from. `id` defaults to a hash of the text, so re-reading
    the same article gives the same id (and the same statement ids) on every run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str
    source_type: SourceType = "press"
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None
    lang: str | None = None  # as the record declared it; else each statement's language is detected
    source: str | None = None  # the file it was read from
    line: int | None = None  # the line of its record, for an article record of a JSONL file

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        if not text.strip():
            raise ValueError("article text is empty or whitespace")
        return text

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def location(self) -> str | None:
        """The file, and the line of a JSONL record, as stored and as quarantine records name it."""
        return f"{self.source}:{self.line}" if self.source and self.line else self.source


class ArticleRecord(BaseModel):
    """One line of an article JSONL file: `text` (or `html`), with optional id, outlet, date, url, title."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, min_length=1)
    text: str | None = None
    html: str | None = None
    source_type: SourceType = "press"
    title: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    url: str | None = None
    lang: str | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> dt.date | None:
        return iso_date(value)

    @field_validator("title", "outlet", "url", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: object) -> object:
        return blank_to_none(value)

    @model_validator(mode="after")
    def _one_body(self) -> "ArticleRecord":
        if (self.text is None) == (self.html is None):
            raise ValueError("an article record needs exactly one of 'text' or 'html'")
        return self


def article_id_for(text: str) -> str:
    return "art-" + text_sha256(text)[:12]


@dataclass
class ArticleDefaults:
    """What the command line says about articles whose file or record does not say it itself."""

    date: dt.date | None = None
    outlet: str | None = None
    url: str | None = None
    source_type: SourceType = "press"


def extract_html(html: str, where: str) -> tuple[str, str | None, dt.date | None, str | None, str | None]:
    """Main text, title, date, url and site name of an HTML page, boilerplate (menus, footers) removed by trafilatura."""
    import trafilatura

    # No extensive search: it turns a footer's "Copyright 2021" into a publication date of 2021-01-01.
    document = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = document.text if document is not None else None
    if not text or not text.strip():
        raise ValueError(f"{where}: no article text found in the HTML (is it a page with a main text?)")
    # trafilatura puts each block (<p>, <li>, heading) on one line; a page is never hard-wrapped, so every line
    # break is a paragraph break, and the quote finder reads paragraphs as blank-line-separated (who speaks on).
    text = PARAGRAPH_BREAKS.sub("\n\n", text.strip())
    date = None
    if document.date:
        try:
            date = dt.date.fromisoformat(document.date[:10])
        except ValueError:
            date = None
    return text, document.title, date, document.url, document.sitename


class ArticleFileError(ValueError):
    """A .txt/.html article whose content cannot become an article (not UTF-8, no text): quarantined, not fatal."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name


def _decode(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleFileError("<file>", f"not UTF-8 text ({error.reason} at byte {error.start})") from None


_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
# A whole date, day first or month first, with its year: a dateline or release line gives one, a bare "March 14" no year.
_FULL_DATE = re.compile(rf"\b(?:\d{{1,2}} {_MONTH},? (?:19|20)\d\d|{_MONTH} \d{{1,2}},? (?:19|20)\d\d)\b")
# Only the top of a plain-text article, and only its short lines (headline, dateline, release line, byline), say when it
# was published; a date in the running text is what the story is about.
DATELINE_LINES, DATELINE_LINE_CHARS = 6, 100


HEADLINE_MAX_WORDS = 25


# A press release's letterhead line: 'PRESS RELEASE', 'For immediate release - 21 July 2025', 'Embargoed until ...'.
_RELEASE_LINE = re.compile(r"(?:(?:press|news|media) release|for immediate release|embargoed)\b", re.IGNORECASE)
_BLOCK = re.compile(r"\S[^\n]*(?:\n[ \t]*\S[^\n]*)*")  # lines between blank lines


def _letterhead_line(line: str) -> bool:
    line = line.strip()
    capitals = line.upper() == line and any(char.isalpha() for char in line)  # the issuer: 'MARROWDALE FARMERS' UNION'
    return capitals or bool(_RELEASE_LINE.match(line)) or _FULL_DATE.fullmatch(line) is not None


def letterhead_end(text: str) -> int:
    """Where the text below a press release's letterhead starts: past the paragraphs at the top that name the issuer in
    capitals, say 'PRESS RELEASE' or 'For immediate release - 21 July 2025', or give a date; 0 where there are none."""
    return next((block.start() for block in _BLOCK.finditer(text) if not all(map(_letterhead_line, block.group().splitlines()))), 0)


def headline(text: str) -> str | None:
    """A plain-text article's title: its first line, or the first below a press release's letterhead, when a blank line
    follows it and it reads as a headline (short, not a sentence that ends in a full stop or a quote); the text keeps
    it, so offsets are unchanged."""
    for start in dict.fromkeys((letterhead_end(text), 0)):
        lines = text[start:].strip().splitlines()
        if len(lines) < 3 or lines[1].strip():
            continue
        first = lines[0].strip()
        if 0 < len(first.split()) <= HEADLINE_MAX_WORDS and not first.endswith((".", "!", "?", '"', "\u201d", ":", ",")):
            return first
    return None


def top_lines(text: str) -> list[str]:
    """The first non-empty lines of an article, where a dateline, a byline or a writer's bio line sits."""
    return list(islice((line for line in text.splitlines() if line.strip()), DATELINE_LINES))


def dateline_date(text: str) -> dt.date | None:
    """The publication date a plain-text article prints at its top ('For immediate release - 2 August 2024',
    'WARSAW, June 10, 2024 (Wire) -'), or None."""
    from pipeline.dates import resolve

    for line in top_lines(text):
        # A long line is running text, though a wire dateline opens one ('WARSAW, June 10, 2024 (Wire) - Opposition ...').
        dash = line.find(" - ", 0, DATELINE_LINE_CHARS)
        head = line if len(line) <= DATELINE_LINE_CHARS else line[:dash] if dash > 0 else ""
        match = _FULL_DATE.search(head)
        resolved = resolve(match.group(), None) if match else None
        if resolved is not None and resolved[1] == "day":
            return resolved[0]
    return None


def read_article_file(path: Path, defaults: ArticleDefaults | None = None) -> Article:
    """A .txt or .html file as one article; the command line's date/outlet/url fill in what the page does not say."""
    defaults = defaults or ArticleDefaults()
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    raw = _decode(path)
    title = page_date = page_url = page_outlet = None
    if suffix in HTML_SUFFIXES:
        try:
            text, title, page_date, page_url, page_outlet = extract_html(raw, str(path))
        except ValueError as error:
            raise ArticleFileError("html", str(error).split(": ", 1)[-1]) from None
    elif suffix in TEXT_SUFFIXES:
        text = raw
        title, page_date = headline(text), dateline_date(text)
    else:
        raise InputFileError(f"{path}: unsupported article type {path.suffix!r}; expected one of {ARTICLE_SUFFIXES}")
    try:
        return Article(
            id=article_id_for(text), text=text, source_type=defaults.source_type, title=title,
            outlet=page_outlet or defaults.outlet, date=page_date or defaults.date, url=page_url or defaults.url, source=str(path),
        )
    except ValidationError as error:
        raise ArticleFileError(*validation_issue(error, "<file>")) from None


def _article_from_record(raw: str, path: Path, line: int, defaults: ArticleDefaults) -> Article:
    record = parse_json_line(raw, ArticleRecord)
    # The record's own fields first, then what its HTML says, then the command line's defaults.
    title, date, url, outlet = record.title, record.date, record.url, record.outlet
    if record.html is not None:
        try:
            text, page_title, page_date, page_url, page_outlet = extract_html(record.html, f"{path}:{line}")
        except ValueError as error:
            raise LineError("html", str(error).split(": ", 1)[-1]) from None
        title, date, url, outlet = title or page_title, date or page_date, url or page_url, outlet or page_outlet
    else:
        text = record.text
    return Article(
        id=record.id or article_id_for(text), text=text, source_type=record.source_type, title=title,
        outlet=outlet or defaults.outlet, date=date or defaults.date, url=url or defaults.url, lang=record.lang, source=str(path), line=line,
    )


def read_article_records(path: Path, result: ReadResult, defaults: ArticleDefaults | None = None) -> Iterator[Article]:
    """Streams the articles of a JSONL file; a bad line is quarantined with its line and field, never fatal."""
    defaults = defaults or ArticleDefaults()
    seen: dict[str, int] = {}
    with Path(path).open("rb") as handle:
        for line, raw_bytes in enumerate(handle, start=1):
            try:
                raw = raw_bytes.decode("utf-8-sig" if line == 1 else "utf-8")
            except UnicodeDecodeError as error:
                result.quarantined.append(QuarantinedRecord(str(path), line, "<line>", f"invalid UTF-8: {error.reason}", raw_bytes[:200].decode("utf-8", errors="backslashreplace")))
                continue
            if not raw.strip():
                continue
            try:
                article = _article_from_record(raw, Path(path), line, defaults)
            except LineError as error:
                result.quarantined.append(QuarantinedRecord(str(path), line, error.field_name, str(error), raw[:2000]))
                continue
            if article.id in seen:
                result.quarantined.append(QuarantinedRecord(str(path), line, "id", f"duplicate article id {article.id!r} (first on line {seen[article.id]})", raw[:2000]))
                continue
            seen[article.id] = line
            yield article


def read_articles(paths: list[Path], result: ReadResult, defaults: ArticleDefaults | None = None) -> Iterator[Article]:
    """Every article of the given files: .txt/.html are one article each, .jsonl holds one article record a line.
    An article file without text (empty, not UTF-8, an HTML page with no main text) is quarantined like a bad record."""
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise InputFileError(f"{path}: no such file")
        if path.suffix.lower() == ".jsonl":
            yield from read_article_records(path, result, defaults)
            continue
        try:
            article = read_article_file(path, defaults)
        except ArticleFileError as error:
            result.quarantined.append(QuarantinedRecord(str(path), 1, error.field_name, str(error), ""))
            continue
        yield article
