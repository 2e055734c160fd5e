"""A fetched page parsed once, shared by the metadata readers and the body extractors."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction

from newsbeam.extract.model import ExtractionError

# Control characters libxml2 rejects, as UTF-8 bytes (each is one byte there); U+FFFE and U+FFFF are three.
CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")

# Elements no body extractor keeps: trafilatura deletes every one of them with its subtree before it
# looks for the article (its MANUALLY_CLEANED list), readability-lxml's text is the same without them
# on all 181 benchmark pages. Dropping them once, before either runs, spares both a third of the tree.
BOILERPLATE_TAGS = (
    "aside", "audio", "button", "canvas", "embed", "fencedframe", "footer", "iframe", "input", "link", "map",
    "menu", "nav", "noscript", "object", "picture", "select", "style", "svg", "textarea", "video",
)
JSON_LD = "application/ld+json"  # the one kind of script kept: trafilatura reads articleBody and page types from it


class HtmlLoader:
    """Parses HTML as trafilatura's ``load_html`` does, in about two thirds of its time.

    Same parser settings (comments and processing instructions dropped, ids
    not collected) and the same repairs (control characters, a DOCTYPE with a
    slash, a self-closing ``<html/>``), with two savings: control characters
    are deleted from the UTF-8 bytes in one C call instead of by a regular
    expression over the string, and the elements get their class from a
    C-level lookup instead of lxml.html's Python one, called once for every
    element that Python code touches (so every later tree walk is cheaper too).
    Every element is a plain ``HtmlElement``: no form or input helpers,
    which no reader here uses.
    """

    def __init__(self) -> None:
        self._parser = lxml.html.HTMLParser(
            collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
        )
        self._parser.set_element_class_lookup(
            etree.ElementDefaultClassLookup(
                element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
            )
        )
        self._doctype = re.compile(r"^< ?! ?DOCTYPE[^>]*/[^<>]*>", re.IGNORECASE)
        self._faulty_html = re.compile(r"(<html.*?)\s*/>", re.IGNORECASE)

    def parse(self, html: str) -> HtmlElement | None:
        """The document's root element; None when the text is not HTML (as trafilatura's ``load_html``)."""
        beginning = html[:50].lower()
        data = self._repaired(html, beginning).encode("utf-8", "replace").translate(None, CONTROL_BYTES)
        for bad in NONCHARACTERS:
            if bad in data:
                data = data.replace(bad, b"")
        try:
            tree: HtmlElement = lxml.html.fromstring(data, parser=self._parser)
        except (etree.ParserError, ValueError):
            return None
        if "html" not in beginning and len(tree) < 2:  # a fragment of one block, or no markup at all
            return None
        return tree

    def _repaired(self, html: str, beginning: str) -> str:
        if "doctype" in beginning:
            first, _, rest = html.partition("\n")
            html = self._doctype.sub("", first, count=1) + "\n" + rest
        for line in html[:4096].splitlines()[:4]:
            if "<html" in line and line.endswith("/>"):
                return self._faulty_html.sub(r"\1>", html, count=1)
        return html


def drop_boilerplate(tree: HtmlElement) -> HtmlElement:
    """``tree`` without ``BOILERPLATE_TAGS``, scripts other than JSON-LD, and the head's other children."""
    for script in list(tree.iter("script")):
        if (script.get("type") or "").strip().lower() != JSON_LD:
            script.drop_tree()
    head = tree.find("head")
    if head is not None:
        for child in list(head):
            if child.tag != "script":
                child.drop_tree()
    etree.strip_elements(tree, *BOILERPLATE_TAGS, with_tail=False)
    return tree


class Page:
    """The HTML of one page and its lxml tree, in two stages.

    ``tree`` is the whole page, for readers that leave it as it is (metadata,
    the paragraph core); they read it first. ``lean_tree()`` then drops the
    boilerplate elements from that same tree (in place, once) for the body
    extractors that only read it (trafilatura copies what it is given).
    ``take_tree()`` is for an extractor that changes the tree: the first
    call hands over the lean tree itself, later calls a fresh parse, pruned alike.
    """

    def __init__(self, html: str, url: str, loader: HtmlLoader | None = None) -> None:
        if not isinstance(html, str) or not html.strip():
            raise ExtractionError(f"empty HTML for {url}")
        self._loader = loader or HtmlLoader()
        self.html = html
        self.url = url
        self.tree: HtmlElement = self._parse()
        self._lean = False
        self._taken = False

    def lean_tree(self) -> HtmlElement:
        """The shared tree without boilerplate elements (see ``drop_boilerplate``); do not change it."""
        if not self._lean:
            drop_boilerplate(self.tree)
            self._lean = True
        return self.tree

    def take_tree(self) -> HtmlElement:
        """A lean tree the caller may change; the shared one only the first time."""
        if not self._taken:
            self._taken = True
            return self.lean_tree()
        return drop_boilerplate(self._parse())

    def _parse(self) -> HtmlElement:
        tree = self._loader.parse(self.html)
        if tree is None:
            raise ExtractionError(f"HTML could not be parsed for {self.url}")
        return tree
