"""Sentence splitting for news bodies (one paragraph per line, hard-wrapped lines re-joined)."""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "gen",
        "sen",
        "rep",
        "gov",
        "lt",
        "col",
        "maj",
        "capt",
        "prof",
        "rev",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "no",
        "vs",
        "inc",
        "corp",
        "co",
        "ltd",
        "jr",
        "sr",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "mt",
        "ft",
        "approx",
    }
)


@dataclass(frozen=True)
class Sentence:
    """One sentence with its index in the article (-1 for the headline)."""

    index: int
    text: str


class SentenceSplitter:
    """Splits article text into sentences; the regexes are compiled once."""

    def __init__(self) -> None:
        self.boundary = re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
        # runs of [ \t\r\f\v] other than a lone space (replacing a lone space by a space is a costly no-op)
        self.space = re.compile(r"[\t\r\f\v][ \t\r\f\v]*| [ \t\r\f\v]+")
        self.end_chars = frozenset(".!?\"”’':)]")

    def paragraphs(self, text: str) -> list[str]:
        out: list[str] = []
        buf = ""
        fix = _needs_space_fix(text)  # if the text has no such run, none of its lines has
        for raw in text.split("\n"):
            line = (self.space.sub(" ", raw) if fix and _needs_space_fix(raw) else raw).strip()
            if not line:
                if buf:
                    out.append(buf)
                    buf = ""
                continue
            indented = raw[:1] in (" ", "\t")
            # buf is built from stripped lines: it ends with its last character, not with space
            if buf and (indented or buf[-1] in self.end_chars):
                out.append(buf)
                buf = line
            else:
                buf = f"{buf} {line}" if buf else line
        if buf:
            out.append(buf)
        return out

    def split(self, text: str) -> list[str]:
        sentences: list[str] = []
        # paragraphs are pieces of the text's lines: what the text lacks, they lack
        plain = text.isascii() and not any(map(text.__contains__, "\x1c\x1d\x1e\x1f"))
        for para in self.paragraphs(text):
            start = 0
            spaces_only = plain or (para.isascii() and not any(map(para.__contains__, "\x1c\x1d\x1e\x1f")))
            for m in self.boundary.finditer(para):
                p = m.start()
                if spaces_only:  # the only whitespace is single spaces, and para[p] is the mark: no rstrip needed
                    k = para.rfind(" ", start, p)
                    last = para[k + 1 if k >= 0 else start : p + 1].lower().rstrip(".")
                else:
                    last = _last_word(para, start, p + 1).lower().rstrip(".")
                if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                    continue
                sentences.append(para[start : m.end()].strip())
                start = m.end()
            tail = para[start:].strip()
            if tail:
                sentences.append(tail)
        return sentences


def _last_word(text: str, start: int, end: int) -> str:
    """The last whitespace-delimited word of ``text[start:end]`` (as ``.split()[-1]``, without the split)."""
    while end > start and text[end - 1].isspace():
        end -= 1
    k = end
    while k > start and not text[k - 1].isspace():
        k -= 1
    return text[k:end]


def _needs_space_fix(line: str) -> bool:
    return "  " in line or "\t" in line or "\r" in line or "\f" in line or "\v" in line


def lower_agrees_with_ignorecase(text: str) -> bool:
    """True when searching ``text.lower()`` with an ASCII pattern finds what ``(?i)`` finds in ``text``.

    Among all code points only these three differ (checked against Python's re over the whole Unicode range):
    'İ' lower-cases to two characters, and re.IGNORECASE lets 'ı' match 'i' and 'ſ' match 's'.
    """
    return text.isascii() or not ("İ" in text or "ı" in text or "ſ" in text)
