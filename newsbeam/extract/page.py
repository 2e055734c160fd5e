"""A fetched page parsed once, shared by the metadata readers and the body extractors."""

from __future__ import annotations

from lxml.html import HtmlElement
from trafilatura.utils import load_html

from newsbeam.extract.model import ExtractionError


class Page:
    """The HTML of one page and its lxml tree.

    ``tree`` is for readers that leave it as it is. Body extractors change the
    tree they are given, so they call ``take_tree()``: the first call hands over
    the parsed tree itself (so the common path parses once), later calls a fresh parse.
    """

    def __init__(self, html: str, url: str) -> None:
        if not isinstance(html, str) or not html.strip():
            raise ExtractionError(f"empty HTML for {url}")
        tree = load_html(html)
        if tree is None:
            raise ExtractionError(f"HTML could not be parsed for {url}")
        self.html = html
        self.url = url
        self.tree: HtmlElement = tree
        self._taken = False

    def take_tree(self) -> HtmlElement:
        """A tree the caller may change; the shared one only the first time."""
        if not self._taken:
            self._taken = True
            return self.tree
        tree = load_html(self.html)
        if tree is None:  # cannot happen: the same HTML parsed before
            raise ExtractionError(f"HTML could not be parsed for {self.url}")
        return tree
