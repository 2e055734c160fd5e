"""Result type, error type and backend names of article extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

BACKENDS: tuple[str, ...] = ("auto", "trafilatura", "newspaper3k")


class ExtractionError(ValueError):
    """The input cannot give an article: empty, not HTML, or no body text found."""


@dataclass
class ExtractedArticle:
    """One article extracted from a fetched page."""

    title: str | None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None  # aware, UTC; None when the page does not say
    language: str | None = None  # ISO 639-1
    text: str = ""  # one paragraph per line
    backend: str = ""  # which backend produced the text
