"""Body extractors behind one small interface: ``extract(page) -> Body``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

import tldextract.tldextract as tldextract_module
from trafilatura import extract as trafilatura_extract
from trafilatura.settings import Extractor

from newsbeam.extract.page import Page
from newsbeam.extract.readability_doc import TextReadabilityDocument, make_text_cleaner
from newsbeam.extract.text import BlockText, TextNormalizer


@dataclass
class Body:
    """What one backend read from a page: text (one paragraph per line) and what metadata it found."""

    text: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    backend: str = ""  # set by the combining backend to the one whose text it kept


class BodyExtractor(Protocol):
    """A body extractor; ``name`` is reported as ``ExtractedArticle.backend``."""

    name: str

    def extract(self, page: Page) -> Body: ...


def make_tldextract_offline() -> None:
    """Point tldextract's shared extractor (used by newspaper3k) at its bundled suffix-list snapshot.

    With no suffix-list URLs and no cache directory it neither downloads the
    list nor reads a cached download; it never opens a connection.
    """
    current = tldextract_module.TLD_EXTRACTOR
    if tuple(current.suffix_list_urls) == ():
        return
    tldextract_module.TLD_EXTRACTOR = tldextract_module.TLDExtract(suffix_list_urls=(), cache_dir=None)


class TrafilaturaBackend:
    """trafilatura on the page's lean tree (parsed once, boilerplate dropped), comments excluded.

    Fast mode skips trafilatura's own readability/jusText fallback; measured on
    the benchmark it is both faster and more accurate (see docs/extraction.md).
    Recall focus (``favor_recall``) skips trafilatura's balanced-mode rescue
    (measuring the whole page's text when the extract is short, 79 of 181
    pages, and retrying in recall mode, never kept there) and its teaser-block
    pruning: about 14 % faster alone, F1 0.9632 against 0.9624; inside the
    default backend 9 % faster, F1 0.9736 against 0.9743 (five pages keep a
    few more words). ``recall=False`` gives the balanced mode back.

    trafilatura copies the tree it is given and leaves it as it was. Its options
    are built once here: given keywords, ``extract`` builds them on every call,
    reading nine values through configparser each time (about half a
    millisecond a page, measured). The page URL is left out of them: trafilatura
    uses it to resolve links, which the text does not keep, and in log messages.
    """

    name = "trafilatura"

    def __init__(self, fast: bool = True, recall: bool = True) -> None:
        self._options = Extractor(output_format="txt", fast=fast, recall=recall, comments=False)
        self._normalize = TextNormalizer()

    def extract(self, page: Page) -> Body:
        return Body(text=self._normalize(trafilatura_extract(page.lean_tree(), options=self._options)))


class NewspaperBackend:
    """newspaper3k on the HTML already fetched; images are never fetched, nothing is downloaded."""

    name = "newspaper3k"

    def __init__(self) -> None:
        from newspaper import Config  # imported when used: it costs ~0.15 s of every worker's start

        make_tldextract_offline()
        self._config = Config()
        self._config.fetch_images = False
        self._config.memoize_articles = False
        self._normalize = TextNormalizer()

    def extract(self, page: Page) -> Body:
        from newspaper import Article

        article = Article(page.url, config=self._config, fetch_images=False)
        article.download(input_html=page.html)
        article.parse()
        published = article.publish_date if isinstance(article.publish_date, datetime) else None
        return Body(
            text=self._normalize(article.text),
            title=article.title or None,
            authors=list(article.authors or []),
            published_at=published,
        )


class ReadabilityBackend:
    """readability-lxml (a port of Arc90's Readability) on the page's lean tree, text one block per line."""

    name = "readability-lxml"

    def __init__(self) -> None:
        self._block_text = BlockText()
        self._cleaner = make_text_cleaner()

    def extract(self, page: Page) -> Body:
        try:
            document = TextReadabilityDocument(page.take_tree, self._cleaner, self._block_text)
            return Body(text=document.summary_text())
        except Exception:  # readability raises its own Unparseable and lxml errors on odd pages
            return Body(text="")
