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
        self.terminal = re.compile(r"[.!?\"”’':)\]]\s*$")
        self.space = re.compile(r"[ \t\r\f\v]+")

    def paragraphs(self, text: str) -> list[str]:
        out: list[str] = []
        buf = ""
        for raw in text.split("\n"):
            line = self.space.sub(" ", raw).strip()
            if not line:
                if buf:
                    out.append(buf)
                    buf = ""
                continue
            indented = raw[:1] in (" ", "\t")
            if buf and (indented or self.terminal.search(buf)):
                out.append(buf)
                buf = line
            else:
                buf = f"{buf} {line}" if buf else line
        if buf:
            out.append(buf)
        return out

    def split(self, text: str) -> list[str]:
        sentences: list[str] = []
        for para in self.paragraphs(text):
            start = 0
            for m in self.boundary.finditer(para):
                prev = para[start : m.start() + 1].split()
                last = prev[-1].lower().rstrip(".") if prev else ""
                if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                    continue
                sentences.append(para[start : m.end()].strip())
                start = m.end()
            tail = para[start:].strip()
            if tail:
                sentences.append(tail)
        return sentences
