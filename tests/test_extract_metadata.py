"""Page metadata: publication time, title, authors and language from meta tags, JSON-LD and text."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from newsbeam.extract import ArticleExtractor
from newsbeam.extract.authors import AuthorCleaner
from newsbeam.extract.language import LanguageResolver
from newsbeam.extract.metadata import MetadataReader
from newsbeam.extract.page import Page
from tests.test_extract_backends import PARAGRAPHS, URL, article_page

GERMAN = (
    "Die alte Hafenfähre hat am Dienstagmorgen zum ersten Mal seit neun Jahren wieder angelegt, mit vierzig "
    "Fahrgästen und einer Blaskapelle an Bord, während die Fischer von der Mole aus zusahen.",
    "Die Gemeinde teilte mit, dass das Schiff im Sommer viermal täglich fahren werde und die Fahrkarten "
    "billiger blieben als beim Bus, der die lange Strecke um die Mündung herum fährt.",
    "Ob die Fähre auch im Winter verkehrt, ist noch nicht entschieden, weil Stürme die Hafeneinfahrt oft "
    "tagelang sperren und die Versicherung dann deutlich teurer wird.",
)


def read(head: str = "", html_attrs: str = 'lang="en"', url: str = URL) -> tuple[MetadataReader, Page]:
    return MetadataReader(), Page(article_page(head, html_attrs), url)


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def test_published_time_from_meta_is_converted_to_utc() -> None:
    reader, page = read('<meta property="article:published_time" content="2024-03-01T23:15:00-05:00">')
    assert reader.read(page.tree, URL).published_at == datetime(2024, 3, 2, 4, 15, tzinfo=timezone.utc)


def test_published_time_from_json_ld_graph() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Example News"},
        {"@type": "NewsArticle", "headline": "Ferry back", "datePublished": "2023-11-20T06:05:00Z"},
    ]}
    reader, page = read(json_ld(graph))
    assert reader.read(page.tree, URL).published_at == datetime(2023, 11, 20, 6, 5, tzinfo=timezone.utc)


def test_naive_published_time_is_taken_as_utc() -> None:
    reader, page = read('<meta itemprop="datePublished" content="2022-07-04 18:00">')
    published = reader.read(page.tree, URL).published_at
    assert published == datetime(2022, 7, 4, 18, 0, tzinfo=timezone.utc)
    assert published is not None and published.tzinfo is not None


def test_no_date_anywhere_gives_none() -> None:
    reader, page = read()
    assert reader.read(page.tree, "https://news.example.org/ferry").published_at is None


def test_impossible_dates_are_ignored() -> None:
    reader, page = read('<meta property="article:published_time" content="0001-01-01T00:00:00Z">')
    assert reader.read(page.tree, "https://news.example.org/ferry").published_at is None


def test_title_prefers_og_title_and_drops_site_suffix() -> None:
    head = (
        '<meta property="og:title" content="Ferry returns to the harbour - Example News">'
        '<meta property="og:site_name" content="Example News">'
    )
    reader, page = read(head)
    assert reader.read(page.tree, URL).title == "Ferry returns to the harbour"


def test_title_is_narrowed_to_the_h1_inside_it() -> None:
    reader, page = read('<meta property="og:title" content="Opinion | Harbour ferry returns after nine years">')
    assert reader.read(page.tree, URL).title == "Harbour ferry returns after nine years"


def test_title_from_title_tag_when_no_meta() -> None:
    reader, page = read()
    assert reader.read(page.tree, URL).title == "Harbour ferry returns after nine years"


def test_authors_from_json_ld_skip_organisations() -> None:
    data = {"@type": "NewsArticle", "author": [
        {"@type": "Person", "name": "Ana Souza"},
        {"@type": "Organization", "name": "Example News"},
        {"@type": "Person", "name": "By Lee Min-jun"},
    ]}
    reader, page = read(json_ld(data))
    meta = reader.read(page.tree, URL)
    assert AuthorCleaner().clean(meta.raw_authors, URL, meta.site_name) == ["Ana Souza", "Lee Min-jun"]


def test_authors_from_byline_element_when_no_meta() -> None:
    article = ArticleExtractor(backend="trafilatura").extract(article_page(), URL)
    assert article.authors == ["Maria Lindqvist"]


def test_byline_elements_in_document_order_outside_comment_sections() -> None:
    html = article_page(paragraphs=(
        '<section id="comments"><span rel="author">Comment Poster</span></section>',
        '<p><a rel="author" href="/staff/tom">Tom Okafor</a></p>',
        '<span class="author" itemprop="author">Ana Souza</span>',
    ))
    meta = MetadataReader().read(Page(html, URL).tree, URL)
    assert meta.raw_authors == ["By Maria Lindqvist", "Tom Okafor"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["By John Smith"], ["John Smith"]),
        (["John SmithJane Doe"], ["John Smith", "Jane Doe"]),
        (["Ronald McDonald"], ["Ronald McDonald"]),
        (["By Jane Doe and John Smith, Staff Writers"], ["Jane Doe", "John Smith"]),
        (["jane.doe@example.org"], []),
        (["Staff"], []),
        (["John Smith | Updated: Jan 5, 2020 10:30 IST"], ["John Smith"]),
        (["by Jeff FoustMonday, November 18, 2019"], ["Jeff Foust"]),
        (["https://www.facebook.com/someone"], []),
        (["BY JOHN SMITH"], ["John Smith"]),
        (["Maria García y José Pérez"], ["Maria García", "José Pérez"]),
        (["Ilana Brown, MS, RDN"], ["Ilana Brown"]),
        (["Tom Krisher, AP Auto Writer"], ["Tom Krisher"]),
        (["Theresa May", "theresa may"], ["Theresa May"]),
        (["Ludwig van Beethoven"], ["Ludwig van Beethoven"]),
        (["Charlie Wood, Example News"], ["Charlie Wood"]),
        (["@handle_only", "CamelHandle"], []),
        (["Example News Newsdesk"], []),
    ],
)
def test_author_cleaning(raw: list[str], expected: list[str]) -> None:
    assert AuthorCleaner().clean(raw, URL, "Example News") == expected


def test_desk_named_after_a_hyphenated_host_is_not_an_author() -> None:
    cleaner = AuthorCleaner()
    assert cleaner.clean(["Metro Daily Newsdesk", "Anna Berg, Metro Daily"], "https://www.metro-daily.test/a") == [
        "Anna Berg"
    ]


@pytest.fixture(scope="module")
def languages() -> LanguageResolver:
    return LanguageResolver()


def test_language_from_html_lang_region_stripped(languages: LanguageResolver) -> None:
    reader, page = read(html_attrs='lang="de-DE"')
    declared = reader.read(page.tree, URL).declared_language
    assert declared == "de"
    assert languages.resolve(declared, "kurz") == "de"


def test_language_from_og_locale(languages: LanguageResolver) -> None:
    reader, page = read('<meta property="og:locale" content="fr_FR">', html_attrs="")
    assert languages.resolve(reader.read(page.tree, URL).declared_language, "") == "fr"


def test_language_detected_when_not_declared(languages: LanguageResolver) -> None:
    page = article_page(html_attrs="", paragraphs=GERMAN)
    article = ArticleExtractor(backend="trafilatura").extract(page, URL)
    assert article.language == "de"
    assert languages.resolve(None, "\n".join(PARAGRAPHS)) == "en"


def test_invalid_declaration_falls_back_to_detection(languages: LanguageResolver) -> None:
    assert languages.resolve("xx-YY", "\n".join(GERMAN)) == "de"


def test_wrong_declaration_is_overruled_only_on_long_confident_text(languages: LanguageResolver) -> None:
    assert languages.resolve("en", "\n".join(GERMAN)) == "de"
    assert languages.resolve("en", GERMAN[0][:60]) == "en"


def test_no_language_without_declaration_or_letters(languages: LanguageResolver) -> None:
    assert languages.resolve(None, "12 34 56") is None


def test_zone_abbreviation_in_a_written_date_is_honoured() -> None:
    reader, page = read('<meta name="pubdate" content="November 19, 2019 6:00 PM EST">')
    assert reader.read(page.tree, URL).published_at == datetime(2019, 11, 19, 23, 0, tzinfo=timezone.utc)
