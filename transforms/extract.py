"""Stage 4: extract title, authors, time, language and text from each page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.extract import ExtractionError
from newsbeam.memory import HeapTrimmer
from transforms.envelope import ARTICLE, PAGE, Record, item_error
from transforms.worker_tools import WorkerTools


def word_count(text: str) -> int:
    return len(text.split())


def extractor_tool(extract_cfg: dict[str, Any]) -> tuple[str, Callable[[], Any]]:
    """The worker tool the extraction step uses: its key in ``WorkerTools``
    (naming its configuration) and how to build it."""
    backend = str(extract_cfg.get("backend", "auto"))
    return f"article-extractor:{backend}", partial(_new_extractor, backend)


def _new_extractor(backend: str) -> Any:
    from newsbeam.extract import ArticleExtractor

    return ArticleExtractor(backend=backend)


class _ExtractFn(beam.DoFn):
    def __init__(self, extract_cfg: dict[str, Any], tools: WorkerTools) -> None:
        self._tools = tools
        self._key, self._build = extractor_tool(extract_cfg)
        self._min_words = int(extract_cfg.get("min_words", 25))
        self.extracted = Metrics.counter("newsbeam", "articles_extracted")
        self.failed = Metrics.counter("newsbeam", "extract_errors")

    def setup(self) -> None:
        self._trimmer = HeapTrimmer()  # parsed pages are big: give freed pages back now and then
        self._extractor = self._tools.borrow(self._key, self._build)

    def teardown(self) -> None:
        self._tools.give_back(self._key, self._extractor)

    def process(self, record: Record) -> Iterator[Record]:
        if record["kind"] != PAGE:
            yield record
            return
        item = record["item"]
        self._trimmer.tick()
        try:
            page = self._extractor.extract(record["html"], record["final_url"] or item["link"])
        except ExtractionError as exc:  # the page has no usable article text
            self.failed.inc()
            yield item_error("extract", item, "no_article_text", str(exc) or "no article text found")
            return
        except Exception as exc:  # the extractor's own failure is a dead letter, never a crash
            self.failed.inc()
            yield item_error("extract", item, type(exc).__name__, str(exc) or repr(exc))
            return
        words = word_count(page.text)
        if words < self._min_words:
            self.failed.inc()
            yield item_error("extract", item, "no_article_text",
                             f"{words} words of article text found (extract.min_words is {self._min_words})")
            return
        self.extracted.inc()
        yield {"kind": ARTICLE, "article": _article(item, record, page)}


def _article(item: Record, page_record: Record, page: Any) -> dict[str, Any]:
    return {
        "article_id": item["item_id"],
        "url": page_record["final_url"] or item["link"],
        "canonical_url": item["canonical_url"],
        "feed_url": item["feed_url"],
        "publisher": item["publisher"],
        "guid": item.get("guid"),
        "title": page.title or item.get("title"),
        "authors": list(page.authors or []),
        "published_at": page.published_at or item.get("published_at"),
        "fetched_at": page_record["fetched_at"],
        "language": page.language,
        "text": page.text,
        "removed_boilerplate": [],
        "word_count": word_count(page.text),
        "extractor": page.backend,
    }


class ExtractArticles(beam.PTransform):
    """``page`` records -> ``article`` records (or extract dead letters)."""

    def __init__(self, extract_cfg: dict[str, Any], tools: WorkerTools | None = None) -> None:
        super().__init__()
        self._cfg = extract_cfg
        self._tools = tools or WorkerTools()

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "ExtractArticle" >> beam.ParDo(_ExtractFn(self._cfg, self._tools))
