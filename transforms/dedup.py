"""Stage 2: skip duplicates, within the run and against earlier runs."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.envelope import DUPLICATE, ITEM, Record


def passthrough_key(record: Record) -> str:
    """A key that groups a non-item record with nothing else."""
    return "~" + hashlib.sha1(repr(sorted(record.items(), key=lambda kv: kv[0])).encode()).hexdigest()


def _duplicate(item: Record, reason: str, kept: str | None = None) -> Record:
    return {"kind": DUPLICATE, "item_id": item["item_id"], "source": item["link"], "reason": reason, "kept": kept}


class _SkipKnownFn(beam.DoFn):
    """Items already written (or finally failed) by an earlier run are skipped."""

    def __init__(self, known_ids: frozenset[str]) -> None:
        self._known = known_ids
        self.skipped = Metrics.counter("newsbeam", "already_processed")

    def process(self, record: Record) -> Iterator[Record]:
        if record["kind"] == ITEM and record["item_id"] in self._known:
            self.skipped.inc()
            yield _duplicate(record, "already_processed")
        else:
            yield record


class _KeepFirstFn(beam.DoFn):
    """Of the items sharing a key, the first in (feed_url, link) order is kept."""

    def __init__(self, reason: str) -> None:
        self._reason = reason
        self.skipped = Metrics.counter("newsbeam", f"duplicates_{reason}")

    def process(self, keyed: tuple[str, Iterable[Record]]) -> Iterator[Record]:
        records = list(keyed[1])
        items = sorted((r for r in records if r["kind"] == ITEM), key=lambda r: (r["feed_url"], r["link"]))
        yield from (r for r in records if r["kind"] != ITEM)
        if not items:
            return
        yield items[0]
        for dup in items[1:]:
            self.skipped.inc()
            yield _duplicate(dup, self._reason, kept=items[0]["item_id"])


def _by_item_id(record: Record) -> tuple[str, Record]:
    return (record["item_id"] if record["kind"] == ITEM else passthrough_key(record)), record


def _by_guid(record: Record) -> tuple[str, Record]:
    if record["kind"] == ITEM:
        # Without a guid, its canonical URL (unique after the URL step) keys it alone.
        guid = record.get("guid")
        return (f"{record['publisher']}|{guid}" if guid else f"~url|{record['item_id']}"), record
    return passthrough_key(record), record


class SkipDuplicates(beam.PTransform):
    """Items seen before, or twice in this run (same canonical URL, or same
    guid at one publisher: one story in two feeds of one site), become
    ``duplicate`` records; the rest pass on."""

    def __init__(self, known_ids: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self._known = known_ids

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "SkipAlreadyProcessed" >> beam.ParDo(_SkipKnownFn(self._known))
            | "KeyByCanonicalUrl" >> beam.Map(_by_item_id)
            | "GroupByCanonicalUrl" >> beam.GroupByKey()
            | "KeepFirstPerUrl" >> beam.ParDo(_KeepFirstFn("same_url"))
            | "KeyByGuid" >> beam.Map(_by_guid)
            | "GroupByGuid" >> beam.GroupByKey()
            | "KeepFirstPerGuid" >> beam.ParDo(_KeepFirstFn("same_guid"))
        )
