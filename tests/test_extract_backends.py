"""Each extraction backend on small hand-written pages: text, title, authors, date, language, errors."""

from __future__ import annotations

import socket
from datetime import datetime, timezone
from typing import Any

import lxml.html
import pytest
import tldextract.tldextract as tldextract_module
from readability import Document

from newsbeam.extract import BACKENDS, ArticleExtractor, ExtractedArticle, ExtractionError
from newsbeam.extract.backends import ReadabilityBackend
from newsbeam.extract.page import Page
from newsbeam.extract.text import BlockText

URL = "https://news.example.org/world/harbour-ferry-returns"

PARAGRAPHS = (
    "The old harbour ferry made its first crossing in nine years on Tuesday morning, carrying forty passengers "
    "and a brass band across the bay while fishermen watched from the breakwater and sounded their horns.",
    "Town officials said the restored vessel would run four times a day during the summer season, and that "
    "ticket prices would stay below those charged by the coastal bus line for the same journey.",
    "Engineers spent two winters replacing the hull plates and the diesel engine, using parts salvaged from a "
    "sister ship that had been laid up in a northern shipyard since the early nineteen nineties.",
    "Residents on the far shore, who have relied on a long detour around the estuary, welcomed the return of "
    "the service and said it would bring shoppers and tourists back to the small market square.",
    "The council has not yet decided whether the ferry will continue through the winter months, when storms "
    "often close the harbour mouth for several days at a time and insurance costs climb sharply.",
)

BOILERPLATE = (
    '<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>'
    '<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>'
)
FOOTER = (
    '<footer><p>Subscribe to our newsletter for the morning briefing.</p>'
    '<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a> | Copyright Example News</p></footer>'
)


def article_page(head: str = "", html_attrs: str = 'lang="en"', paragraphs: tuple[str, ...] = PARAGRAPHS) -> str:
    """A small news page: boilerplate around an <article> of the given paragraphs."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html {html_attrs}><head><meta charset='utf-8'>"
        f"<title>Harbour ferry returns after nine years | Example News</title>{head}</head>"
        f"<body>{BOILERPLATE}<main><article><h1>Harbour ferry returns after nine years</h1>"
        f'<div class="byline">By Maria Lindqvist</div>{body}</article>'
        f'<aside><h3>Most read</h3><ul><li><a href="/a">Council budget vote delayed</a></li>'
        f'<li><a href="/b">Storm warning for the coast</a></li></ul></aside></main>{FOOTER}</body></html>'
    )


FULL_HEAD = (
    '<meta property="og:title" content="Harbour ferry returns after nine years">'
    '<meta property="og:site_name" content="Example News">'
    '<meta property="article:published_time" content="2024-05-14T09:30:00+02:00">'
    '<meta name="author" content="By Maria Lindqvist and Tom Okafor, Staff Writers">'
)


@pytest.fixture(scope="module")
def extractors() -> dict[str, ArticleExtractor]:
    return {backend: ArticleExtractor(backend=backend) for backend in BACKENDS}


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_backend_extracts_text_one_paragraph_per_line(
    extractors: dict[str, ArticleExtractor], backend: str
) -> None:
    article = extractors[backend].extract(article_page(FULL_HEAD), URL)
    assert isinstance(article, ExtractedArticle)
    lines = article.text.split("\n")
    for paragraph in PARAGRAPHS:
        assert paragraph in lines, f"{backend} lost or merged a paragraph"
    assert "" not in lines
    assert "Subscribe to our newsletter" not in article.text
    assert "Privacy policy" not in article.text
    assert article.backend in {"trafilatura", "newspaper3k", "readability-lxml"}
    if backend != "auto":
        assert article.backend == backend


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_backend_reports_metadata(extractors: dict[str, ArticleExtractor], backend: str) -> None:
    article = extractors[backend].extract(article_page(FULL_HEAD), URL)
    assert article.title == "Harbour ferry returns after nine years"
    assert article.authors == ["Maria Lindqvist", "Tom Okafor"]
    assert article.published_at == datetime(2024, 5, 14, 7, 30, tzinfo=timezone.utc)
    assert article.published_at is not None and article.published_at.utcoffset() is not None
    assert article.language == "en"


def test_unknown_backend_is_a_value_error_naming_it() -> None:
    with pytest.raises(ValueError, match="boilerpipe"):
        ArticleExtractor(backend="boilerpipe")


def test_default_backend_is_auto() -> None:
    assert ArticleExtractor().backend == "auto"


UNUSABLE = ["", "   \n ", "<html><body><nav><a href='/'>Home</a></nav></body></html>", "\x00\x01\x02 \ufffd"]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("html", UNUSABLE)
def test_unusable_input_raises_extraction_error(
    extractors: dict[str, ArticleExtractor], backend: str, html: str
) -> None:
    with pytest.raises(ExtractionError):
        extractors[backend].extract(html, URL)


def test_newspaper3k_never_opens_a_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network disabled in this test")

    extractor = ArticleExtractor(backend="newspaper3k")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page = article_page(FULL_HEAD + '<meta property="og:image" content="https://img.example.org/ferry.jpg">')
    article = extractor.extract(page, "https://www.example.co.uk/news/ferry")
    assert PARAGRAPHS[0] in article.text
    assert attempts == []
    assert tuple(tldextract_module.TLD_EXTRACTOR.suffix_list_urls) == ()
    assert tldextract_module.extract("https://www.example.co.uk/x").suffix == "co.uk"
    assert attempts == []


@pytest.mark.parametrize(
    "paragraphs",
    [PARAGRAPHS, ("A short note of a hundred characters or so, under readability's retry length.",)],
    ids=["article", "short text: readability's second pass"],
)
def test_once_parsed_readability_gives_readability_lxml_text(paragraphs: tuple[str, ...]) -> None:
    html = article_page(FULL_HEAD, paragraphs=paragraphs)
    ours = ReadabilityBackend().extract(Page(html, URL)).text
    theirs = BlockText()(lxml.html.fromstring(Document(html).summary(html_partial=True)))
    assert ours == theirs
    assert paragraphs[-1] in ours.split("\n")
