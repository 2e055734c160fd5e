"""readability-lxml's Document over a tree we parsed, with a cleaner that leaves links alone.

readability-lxml parses the HTML string itself and cleans every page with an
lxml Cleaner (on a deep copy) whose ``javascript`` option rewrites every link
to strip ``javascript:`` URLs: a third of its run time on news pages, and no
change to the text. This subclass takes its tree from a callable (the page's
lean tree, parsed once for all extractors) and cleans it in place with the
same settings less that one. It also gives the article's text directly
(``summary_text``) instead of serialising the article to HTML, stripping its
attributes with a regular expression and parsing it again. On the 181
benchmark pages its text is the same as readability-lxml's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import lxml.html
from lxml.html import HtmlElement
from lxml_html_clean import Cleaner
from readability import Document
from readability.readability import REGEXES

from newsbeam.extract.text import BlockText


def make_text_cleaner() -> Cleaner:
    """readability-lxml's own cleaner settings, less the link rewriting (``javascript``)."""
    return Cleaner(
        scripts=True,
        javascript=False,
        comments=True,
        style=True,
        links=True,
        meta=False,
        add_nofollow=False,
        page_structure=False,
        processing_instructions=True,
        embedded=False,
        frames=False,
        forms=False,
        annoying_tags=False,
        remove_unknown_tags=False,
        safe_attrs_only=False,
    )


class TextReadabilityDocument(Document):
    """A readability Document over trees from ``new_tree``, cleaned for text only.

    readability changes the tree it works on, and parses again for a second,
    less ruthless pass (2 of the 181 benchmark pages): ``new_tree`` is called
    for each pass and must return a tree nobody else reads afterwards.
    """

    def __init__(
        self, new_tree: Callable[[], HtmlElement], cleaner: Cleaner, block_text: BlockText, **kwargs: Any
    ) -> None:
        super().__init__("", **kwargs)
        self._new_tree = new_tree
        self._cleaner = cleaner
        self._block_text = block_text
        self._text: str | None = None

    def summary_text(self) -> str:
        """The article's text, one block per line (``summary()``'s HTML as ``BlockText`` renders it)."""
        html = self.summary(html_partial=True)
        return self._text if self._text is not None else self._block_text(lxml.html.fromstring(html))

    def get_clean_html(self) -> str:
        """readability's hook for the article's final form: its text, when that is long enough.

        ``summary()`` retries less ruthlessly when what this returns is shorter
        than ``retry_length``. The HTML is never shorter than its text, so text
        of that length gives the same decision; shorter text is measured as HTML, as before.
        """
        self._text = self._block_text(self.html)
        if len(self._text) >= self.retry_length:
            return self._text
        self._text = None
        html: str = super().get_clean_html()
        return html

    def _parse(self, input: Any) -> HtmlElement:
        """Called on each pass of ``summary()``; ``input`` (the empty string given to Document) is unused."""
        doc = self._new_tree()
        self.encoding = "utf-8"
        for elem in doc.xpath("//*[@hidden]"):
            elem.drop_tree()
        for elem in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(elem.get("style")):
                elem.drop_tree()
        self._cleaner(doc)  # in place: Cleaner.clean_html would clean a deep copy
        return doc
