"""The page parsed once: same tree as trafilatura's loader, the lean tree, and what the extractors do to it."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from trafilatura import extract as trafilatura_extract
from trafilatura.utils import load_html

from newsbeam.extract import ExtractionError
from newsbeam.extract.page import BOILERPLATE_TAGS, HtmlLoader, Page
from tests.test_extract_backends import FULL_HEAD, PARAGRAPHS, URL, article_page

JSON_LD = '<script type="application/ld+json">{}</script>'.format(
    json.dumps({"@type": "NewsArticle", "headline": "Harbour ferry returns"})
)
EXTRAS = (
    "<script>var tracker = 1;</script><style>p { color: red }</style><noscript>Enable scripts</noscript>"
    '<svg><path d="M0 0"/></svg><form><select><option>Choose</option></select><button>Go</button></form>'
)

ODD_PAGES = [
    article_page(FULL_HEAD + JSON_LD),
    "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/strict.dtd\">\n"
    + article_page(),
    "<html/>\n<body><p>One paragraph after a self-closing html tag.</p><p>And a second one.</p></body>",
    article_page(paragraphs=("Control\x01 characters\x0b and \ufffe noncharacters are dropped.", *PARAGRAPHS)),
    "<?xml version='1.0' encoding='utf-8'?><html><body><p>Declared encoding, given as a string.</p></body></html>",
]


@pytest.mark.parametrize("html", ODD_PAGES)
def test_loader_builds_the_tree_trafilatura_builds(html: str) -> None:
    ours = HtmlLoader().parse(html)
    theirs = load_html(html)
    assert ours is not None and theirs is not None
    assert etree.tostring(ours, encoding="unicode") == etree.tostring(theirs, encoding="unicode")


@pytest.mark.parametrize("html", ["plain words, no markup", "<p>x</p>"])
def test_loader_refuses_what_trafilatura_refuses(html: str) -> None:
    assert load_html(html) is None
    assert HtmlLoader().parse(html) is None
    with pytest.raises(ExtractionError):
        Page(html, URL)


def test_lean_tree_drops_boilerplate_keeps_article_and_json_ld() -> None:
    page = Page(article_page(FULL_HEAD + JSON_LD, paragraphs=(*PARAGRAPHS[:2], EXTRAS, *PARAGRAPHS[2:])), URL)
    assert page.tree.find(".//nav") is not None  # the whole page until the lean tree is asked for
    lean = page.lean_tree()
    assert lean is page.tree
    assert not [el.tag for el in lean.iter(*BOILERPLATE_TAGS)]
    assert [s.get("type") for s in lean.iter("script")] == ["application/ld+json"]
    assert lean.find("head/meta") is None and lean.find("head/title") is None
    text = lean.text_content()
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for gone in ("Subscribe to our newsletter", "Most read", "var tracker", "Enable scripts", "Choose"):
        assert gone not in text


def test_trafilatura_leaves_the_lean_tree_as_it_was() -> None:
    """The trafilatura backend reads the shared tree without taking it: trafilatura must copy it."""
    lean = Page(article_page(FULL_HEAD), URL).lean_tree()
    before = etree.tostring(lean)
    text = trafilatura_extract(lean, url=URL, include_comments=False, fast=True, output_format="txt")
    assert text and PARAGRAPHS[0] in text
    assert etree.tostring(lean) == before


def test_take_tree_hands_over_the_lean_tree_once_then_fresh_ones() -> None:
    page = Page(article_page(FULL_HEAD), URL)
    first = page.take_tree()
    assert first is page.tree and first.find(".//nav") is None
    first.find(".//article").drop_tree()
    second = page.take_tree()
    assert second is not first
    assert second.find(".//article") is not None and second.find(".//nav") is None
