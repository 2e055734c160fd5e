"""Stage 6: extract visit events from each article's cleaned text."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.envelope import ARTICLE, Record, item_error
from transforms.worker_tools import WorkerTools


def event_id(article_id: str, event: dict[str, Any]) -> str:
    """Stable for the same input: the article and the visit's identity."""
    key = "|".join(
        str(event.get(k) or "").lower()
        for k in ("visitor", "destination_country", "destination_city", "start_date", "status")
    )
    return hashlib.sha1(f"{article_id}|{key}".encode()).hexdigest()


def event_rows(article: dict[str, Any], events: list[dict[str, Any]], version: str) -> list[dict[str, Any]]:
    """The ``visit_events`` rows of one article."""
    rows = []
    for event in events:
        row = dict(event)
        row.update(
            event_id=event_id(article["article_id"], event),
            article_id=article["article_id"],
            url=article["url"],
            publisher=article.get("publisher"),
            published_at=article.get("published_at"),
            extractor_version=version,
        )
        rows.append(row)
    return rows


def events_tool() -> tuple[str, Callable[[], Any]]:
    """The worker tool the events step uses: its key in ``WorkerTools`` and
    how to build it (it has no configuration)."""
    return "visit-events", _new_events_extractor


def _new_events_extractor() -> Any:
    from newsbeam.events import VisitEventExtractor

    return VisitEventExtractor()


class _EventsFn(beam.DoFn):
    def __init__(self, tools: WorkerTools) -> None:
        self._tools = tools
        self.events = Metrics.counter("newsbeam", "visit_events")
        self.failed = Metrics.counter("newsbeam", "event_errors")

    def setup(self) -> None:
        from newsbeam.events import EXTRACTOR_VERSION

        self._key, build = events_tool()
        self._extractor = self._tools.borrow(self._key, build)
        self._version = EXTRACTOR_VERSION

    def teardown(self) -> None:
        self._tools.give_back(self._key, self._extractor)

    def process(self, record: Record) -> Iterator[Record]:
        if record["kind"] != ARTICLE:
            yield record
            return
        article = record["article"]
        try:
            events = self._extractor.extract(article["text"], article.get("published_at"), article.get("title"))
        except Exception as exc:  # the article stands; the failure is a dead letter
            self.failed.inc()
            events = []
            err = item_error("events", article, type(exc).__name__, str(exc) or repr(exc))
            err["row"]["item_id"] = None  # the item itself is carried through as an article
            yield err
        self.events.inc(len(events))
        yield {**record, "events": event_rows(article, events, self._version)}


class ExtractVisitEvents(beam.PTransform):
    """``article`` records gain ``events``: their ``visit_events`` rows."""

    def __init__(self, tools: WorkerTools | None = None) -> None:
        super().__init__()
        self._tools = tools or WorkerTools()

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "ExtractEvents" >> beam.ParDo(_EventsFn(self._tools))
