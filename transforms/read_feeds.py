"""Stage 1: read feeds (http(s) URLs, local paths and globs, Beam filesystems), and WARC archives."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from transforms.deal import SpreadOverKeys
from transforms.envelope import FEED, ITEM, Record, error_record
from transforms.read_archives import ArchiveSource, IndexArchives

_LOG = logging.getLogger(__name__)


def is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


# The pipeline starts from this many slots of sources, whatever the number of
# feeds: the DaskRunner cuts a run into as many partitions as its first
# Create has elements (at most --dask_npartitions) and keeps that number
# through every GroupByKey, so one feed (or one glob) would mean one
# partition and one busy worker.
SOURCE_SLOTS = 64


def source_slots(sources: list[Any], slots: int = SOURCE_SLOTS) -> list[list[Any]]:
    """``sources`` dealt into ``slots`` lists (some of them empty)."""
    return [sources[i::slots] for i in range(max(slots, 1))]


class _ExpandSourcesFn(beam.DoFn):
    """A slot's sources: a glob or directory becomes its matching files;
    URLs pass as they are."""

    def __init__(self) -> None:
        self.unmatched = Metrics.counter("newsbeam", "feed_sources_unmatched")

    def process(self, slot: list[str]) -> Iterator[Any]:
        for source in slot:
            yield from self._expand(source)

    def _expand(self, source: str | ArchiveSource) -> Iterator[Any]:
        if isinstance(source, ArchiveSource):
            for found in self._expand(source.path):
                yield ArchiveSource(found) if isinstance(found, str) else found
            return
        if is_url(source):
            yield source
            return
        try:
            matches = FileSystems.match([source])[0].metadata_list
        except Exception as exc:  # a bad path or an unknown filesystem
            self.unmatched.inc()
            yield error_record("feed", source, "unreadable_source", f"{type(exc).__name__}: {exc}", feed_url=source)
            return
        paths = sorted(m.path for m in matches)
        if not paths:
            self.unmatched.inc()
            yield error_record("feed", source, "no_such_feed", "no file matches this path or glob", feed_url=source)
        yield from paths


class _ReadFeedFn(beam.DoFn):
    """Reads one feed, emits its items, a feed summary, and dead letters."""

    def __init__(self, fetch_cfg: dict[str, Any], validators: dict[str, dict[str, Any]]) -> None:
        self._fetch_cfg = fetch_cfg
        self._validators = validators
        self.items_seen = Metrics.counter("newsbeam", "items_seen")
        self.feed_errors = Metrics.counter("newsbeam", "feed_errors")

    def setup(self) -> None:
        from newsbeam.fetch import FetchConfig, Fetcher
        from newsbeam.urls import PublisherResolver

        self._publisher = PublisherResolver()
        self._fetcher = Fetcher(FetchConfig.from_dict(self._fetch_cfg))

    def teardown(self) -> None:
        self._fetcher.close()

    def process(self, source: Any) -> Iterator[Any]:
        if isinstance(source, (dict, ArchiveSource)):  # a dead letter, or an archive for the next step
            yield source
            return
        try:
            body, summary = self._read(source)
        except (OSError, ValueError) as exc:
            self.feed_errors.inc()
            yield error_record("feed", source, "unreadable_feed", f"{type(exc).__name__}: {exc}", feed_url=source)
            return
        if body is None:
            yield summary
            return
        yield from self._parse(source, body, summary)

    def _read(self, source: str) -> tuple[bytes | None, Record]:
        previous = self._validators.get(source, {})
        summary: Record = {"kind": FEED, "feed_url": source, "items": 0, "status": "ok"}
        if is_url(source):
            result = self._fetcher.fetch(
                source, kind="feed", etag=previous.get("etag"), last_modified=previous.get("last_modified")
            )
            if result.not_modified:
                summary["status"] = "not_modified"
                return None, summary
            if not result.ok:
                self.feed_errors.inc()
                return None, error_record(
                    "feed", source, result.error_type or "fetch_error", result.error_message or "",
                    feed_url=source, attempts=result.attempts, retryable=result.retryable,
                )
            body = result.body or b""
            summary.update(etag=result.etag, last_modified=result.last_modified)
        else:
            body = self._read_file(source)
        digest = hashlib.sha1(body).hexdigest()
        summary["content_sha1"] = digest
        if previous.get("content_sha1") == digest:
            summary["status"] = "not_modified"
            return None, summary
        return body, summary

    def _read_file(self, path: str) -> bytes:
        limit = int(self._fetch_cfg.get("max_bytes", 5_000_000))
        with FileSystems.open(path) as fh:
            body = fh.read(limit + 1)
        if len(body) > limit:
            raise ValueError(f"feed file is larger than fetch.max_bytes ({limit})")
        return bytes(body)

    def _parse(self, source: str, body: bytes, summary: Record) -> Iterable[Record]:
        from newsbeam.feeds import FeedError, parse_feed

        try:
            parsed = parse_feed(body, source, self._publisher)
        except FeedError as exc:
            self.feed_errors.inc()
            yield error_record("feed", source, exc.error_type, str(exc), feed_url=source)
            # Remembered too: the same broken document is not reported twice.
            yield {**summary, "status": "malformed"}
            return
        if parsed.malformed:
            self.feed_errors.inc()
            yield error_record("feed", source, "malformed_feed", parsed.malformed, feed_url=source)
        summary["items"] = len(parsed.items) + len(parsed.rejected)
        summary["version"] = parsed.version
        self.items_seen.inc(summary["items"])
        yield summary
        for item in parsed.items:
            yield {"kind": ITEM, **item}
        for where, error_type, message in parsed.rejected:
            yield error_record("feed", where, error_type, message, item_id=where, feed_url=source)


def _source_name(source: Any) -> str | None:
    """A feed or archive is dealt by its path; a dead letter passes on alone."""
    return None if isinstance(source, dict) else str(source)


class ReadFeeds(beam.PTransform):
    """Feed sources (and WARC ``archives``) -> feed summaries, items and dead letters.

    ``validators`` holds what the previous runs saw of each feed (ETag,
    Last-Modified, content hash): an unchanged feed yields no items.
    Archives give one item per stored response (``transforms.read_archives``).
    ``keys`` (from ``pipeline.runners.spread_keys``, on the DaskRunner) are
    what the sources are dealt to before they are read.
    """

    def __init__(self, sources: list[str], fetch_cfg: dict[str, Any], validators: dict[str, dict[str, Any]],
                 archives: tuple[str, ...] = (), keys: list[int] | None = None) -> None:
        super().__init__()
        self._sources: list[str | ArchiveSource] = [*sources, *map(ArchiveSource, archives)]
        self._fetch_cfg = fetch_cfg
        self._validators = validators
        self._keys = keys

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        # The files a glob matches are read in parallel. Beam's DaskRunner
        # turns a Reshuffle into nothing (one glob's files, e.g. a crawl's
        # WARC files, would all be read by one task): there the sources are
        # dealt to ``keys``, which it spreads over its partitions. That is
        # the one regrouping: Create's own Reshuffle would only spread the
        # globs, and cost every run a stage (30-50 ms in 2-worker timelines).
        spread = beam.Reshuffle() if self._keys is None else SpreadOverKeys(self._keys, _source_name)
        return (
            pbegin
            | "FeedSources" >> beam.Create(source_slots(self._sources), reshuffle=False)
            | "ExpandGlobs" >> beam.ParDo(_ExpandSourcesFn())
            | "SpreadFeeds" >> spread
            | "ReadAndParse" >> beam.ParDo(_ReadFeedFn(self._fetch_cfg, self._validators))
            | "ReadArchives" >> IndexArchives()
        )
