"""Stored pages from WARC archives (``--warc``): items without a feed, pages without a fetch.

``ReadFeeds`` carries an archive as an :class:`ArchiveSource` down its one
chain (globs expanded like feeds'); :class:`IndexArchives` turns each
archive into one item per ``response`` record, holding where the record is
(path, offset) but not its body. The fetch stage then reads those items'
pages from the archive instead of the web (:func:`archived_pages`), after
the duplicate check and spread over the fetch shards: each archive is read
once through for its index, and then one record at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.envelope import FEED, ITEM, PAGE, Record, error_record, item_error


class ArchiveSource(NamedTuple):
    """A WARC archive to read (a path, glob or Beam filesystem path)."""

    path: str


def _open(path: str) -> Any:
    # Raw bytes: a .warc.gz is one gzip member per record, which warcio
    # reads itself (and which lets a record be found by its offset).
    return FileSystems.open(path, compression_type=CompressionTypes.UNCOMPRESSED)


class _IndexArchiveFn(beam.DoFn):
    """An archive -> its items (one per response record) and a summary;
    every other record passes through."""

    def __init__(self) -> None:
        self.items_seen = Metrics.counter("newsbeam", "items_seen")
        self.archive_errors = Metrics.counter("newsbeam", "archive_errors")

    def setup(self) -> None:
        from newsbeam.urls import PublisherResolver

        self._publisher = PublisherResolver()

    def process(self, element: Any) -> Iterator[Record]:
        if not isinstance(element, ArchiveSource):
            yield element
            return
        from newsbeam.archive import ArchiveError, index_warc

        path, count = element.path, 0
        try:
            with _open(path) as stream:
                for response in index_warc(stream):
                    count += 1
                    yield self._item(path, response)
        except (ArchiveError, OSError) as exc:
            self.archive_errors.inc()
            error_type = exc.error_type if isinstance(exc, ArchiveError) else "unreadable_archive"
            yield error_record("feed", path, error_type, f"{exc} (after {count} responses)", feed_url=path)
        self.items_seen.inc(count)
        yield {"kind": FEED, "feed_url": path, "items": count, "status": "ok", "archive": True}

    def _item(self, path: str, response: Any) -> Record:
        from newsbeam.urls import UrlError, article_id, canonical_url

        try:
            canonical = canonical_url(response.uri)
        except UrlError as exc:
            where = response.uri or f"{path}@{response.offset}"
            return error_record("feed", where, "invalid_url", str(exc), item_id=where, feed_url=path)
        return {
            "kind": ITEM, "item_id": article_id(canonical), "guid": None, "link": response.uri,
            "canonical_url": canonical, "title": None, "summary": None, "content": None, "published_at": None,
            "feed_url": path, "publisher": self._publisher(canonical),
            "archive": {"path": path, "offset": response.offset, "captured_at": response.captured_at},
        }


class IndexArchives(beam.PTransform):
    """``ArchiveSource`` elements -> items and archive summaries; the rest unchanged."""

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "IndexArchive" >> beam.ParDo(_IndexArchiveFn())


def archived_pages(items: Iterable[Record], max_bytes: int, decoder: Any) -> Iterator[Record]:
    """The ``page`` records (or fetch dead letters) of archive items, each
    archive opened once and read in offset order."""
    from newsbeam.archive import ArchiveError, read_response

    by_path: dict[str, list[Record]] = {}
    for item in items:
        by_path.setdefault(item["archive"]["path"], []).append(item)
    for path, group in sorted(by_path.items()):
        group.sort(key=lambda item: item["archive"]["offset"])
        try:
            stream = _open(path)
        except OSError as exc:
            for item in group:
                yield item_error("fetch", item, "unreadable_archive", f"{path}: {exc}")
            continue
        with stream:
            for item in group:
                where = item["archive"]
                try:
                    html = read_response(stream, where["offset"], max_bytes, decoder)
                except ArchiveError as exc:
                    yield item_error("fetch", item, exc.error_type, str(exc))
                    continue
                yield {"kind": PAGE, "item": item, "html": html, "final_url": item["link"],
                       "fetched_at": where["captured_at"] or dt.datetime.now(dt.timezone.utc)}
