"""Normalising extracted text to one paragraph per line."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

# Blanks turned into plain spaces inside a line (\r, \f and \v end a line, as for str.splitlines).
INLINE_BLANKS = ("\t", "\u00a0", "\u200b")


class TextNormalizer:
    """Collapses blanks inside lines and drops empty lines, so paragraphs are joined by one newline.

    The blanks are replaced with plain string methods and only runs of spaces
    go through a regular expression: a character class over the whole text
    ran at about 20 MB/s, ten times slower (same output on every benchmark text).
    """

    def __init__(self) -> None:
        self._spaces = re.compile(" {2,}")

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        joined = "\n".join(text.splitlines())
        for blank in INLINE_BLANKS:
            if blank in joined:
                joined = joined.replace(blank, " ")
        if "  " in joined:
            joined = self._spaces.sub(" ", joined)
        lines = (line.strip() for line in joined.split("\n"))
        return "\n".join(line for line in lines if line)


# Elements that start a new line in rendered text.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dd", "dt", "blockquote",
        "pre", "table", "tr", "td", "th", "section", "article", "figcaption", "header", "footer", "aside", "hr",
    }
)


class BlockText:
    """Text of an lxml element with a line break around every block element, one paragraph per line."""

    def __init__(self) -> None:
        self._normalize = TextNormalizer()

    def __call__(self, root: HtmlElement) -> str:
        parts: list[str] = []
        for event, el in etree.iterwalk(root, events=("start", "end")):
            block = isinstance(el.tag, str) and el.tag in BLOCK_TAGS
            if event == "start":
                if block:
                    parts.append("\n")
                if el.text and isinstance(el.tag, str):
                    parts.append(el.text)
            else:
                if block:
                    parts.append("\n")
                if el.tail and el is not root:
                    parts.append(el.tail)
        return self._normalize("".join(parts))
