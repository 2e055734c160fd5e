"""Stage 3: fetch each item's page, many at a time, politely and safely.

Items are grouped into ``fetch.shards`` groups (a GroupByKey, not
BatchElements: the DaskRunner drops what a DoFn emits in finish_bundle),
and each group is fetched in chunks by the concurrent
:class:`newsbeam.fetch.Fetcher`; memory holds one chunk of pages at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.dedup import passthrough_key
from transforms.envelope import ITEM, PAGE, Record, item_error


class _FetchGroupFn(beam.DoFn):
    def __init__(self, fetch_cfg: dict[str, Any]) -> None:
        self._cfg = fetch_cfg
        self.fetched = Metrics.counter("newsbeam", "pages_fetched")
        self.failed = Metrics.counter("newsbeam", "fetch_errors")

    def setup(self) -> None:
        from newsbeam.fetch import FetchConfig, Fetcher

        config = FetchConfig.from_dict(self._cfg)
        self._fetcher = Fetcher(config)
        self._chunk = max(1, 4 * int(config.max_in_flight))

    def teardown(self) -> None:
        self._fetcher.close()

    def process(self, keyed: tuple[Any, Iterable[Record]]) -> Iterator[Record]:
        chunk: list[Record] = []
        for record in keyed[1]:
            if record["kind"] != ITEM:
                yield record
                continue
            chunk.append(record)
            if len(chunk) >= self._chunk:
                yield from self._fetch(chunk)
                chunk = []
        if chunk:
            yield from self._fetch(chunk)

    def _fetch(self, items: list[Record]) -> Iterator[Record]:
        results = self._fetcher.fetch_many([item["link"] for item in items], kind="page")
        for item, result in zip(items, results):
            if result.ok and result.text is not None:
                self.fetched.inc()
                yield {"kind": PAGE, "item": item, "html": result.text, "final_url": result.final_url,
                       "fetched_at": result.fetched_at}
            else:
                self.failed.inc()
                yield item_error("fetch", item, result.error_type or "fetch_error", result.error_message or "",
                                 attempts=result.attempts, retryable=result.retryable)


class FetchPages(beam.PTransform):
    """``item`` records -> ``page`` records (or fetch dead letters)."""

    def __init__(self, fetch_cfg: dict[str, Any], shards: int = 64) -> None:
        super().__init__()
        self._cfg = fetch_cfg
        self._shards = shards

    def _key(self, record: Record) -> tuple[Any, Record]:
        if record["kind"] == ITEM:
            return int(record["item_id"][:8], 16) % self._shards, record
        return passthrough_key(record), record

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "KeyByShard" >> beam.Map(self._key)
            | "GroupByShard" >> beam.GroupByKey()
            | "FetchShard" >> beam.ParDo(_FetchGroupFn(self._cfg))
        )
