"""Normalising extracted text to one paragraph per line."""

from __future__ import annotations

import re


class TextNormalizer:
    """Collapses blanks inside lines and drops empty lines, so paragraphs are joined by one newline."""

    def __init__(self) -> None:
        self._blanks = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        lines = (self._blanks.sub(" ", line).strip() for line in text.splitlines())
        return "\n".join(line for line in lines if line)
