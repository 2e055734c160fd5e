"""ArticleExtractor: one interface over the body extractors, plus page metadata."""

from __future__ import annotations

from datetime import datetime, timezone

from newsbeam.extract.authors import AuthorCleaner
from newsbeam.extract.auto import AutoBackend
from newsbeam.extract.backends import (
    Body,
    BodyExtractor,
    NewspaperBackend,
    TrafilaturaBackend,
    make_tldextract_offline,
)
from newsbeam.extract.language import LanguageResolver
from newsbeam.extract.metadata import MetadataReader
from newsbeam.extract.model import BACKENDS, ExtractedArticle, ExtractionError
from newsbeam.extract.page import HtmlLoader, Page

MIN_ARTICLE_WORDS = 5  # fewer words than a sentence: a menu or an error page, not an article


class ArticleExtractor:
    """Extracts title, authors, publication time, language and body text from fetched HTML.

    ``backend`` is one of ``BACKENDS``: "newspaper3k", "trafilatura", or "auto"
    (the default: the combination with the best measured F1, see docs/extraction.md).
    Everything heavy is built here, so a Beam ``DoFn.setup()`` builds one per worker.
    """

    def __init__(self, backend: str = "auto") -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown extraction backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        self.backend = backend
        make_tldextract_offline()  # whatever the backend, tldextract never downloads its suffix list
        self._body = self._make_body(backend)
        self._loader = HtmlLoader()
        self._metadata = MetadataReader()
        self._authors = AuthorCleaner()
        self._language = LanguageResolver()

    @staticmethod
    def _make_body(backend: str) -> BodyExtractor:
        if backend == "newspaper3k":
            return NewspaperBackend()
        if backend == "trafilatura":
            return TrafilaturaBackend()
        return AutoBackend()

    def extract(self, html: str, url: str) -> ExtractedArticle:
        """The article in ``html`` fetched from ``url``.

        Raises ExtractionError when the input is empty or not HTML, or when no
        article text (at least ``MIN_ARTICLE_WORDS`` words) is found in it.
        """
        page = Page(html, url, self._loader)
        meta = self._metadata.read(page.tree, url)  # the whole page, before a body extractor prunes it
        # A library failing on a malformed page raises its own type, which the pipeline records as such.
        body: Body = self._body.extract(page)
        if len(body.text.split()) < MIN_ARTICLE_WORDS:
            raise ExtractionError(f"no article text found in {url}")
        raw_authors = meta.raw_authors or body.authors
        return ExtractedArticle(
            title=meta.title or body.title,
            authors=self._authors.clean(raw_authors, url, meta.site_name),
            published_at=meta.published_at or as_utc(body.published_at),
            language=self._language.resolve(meta.declared_language, body.text),
            text=body.text,
            backend=body.backend or self._body.name,
        )


def as_utc(value: datetime | None) -> datetime | None:
    """An aware UTC datetime; naive values are taken as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)
