"""Streaming stage 1 and 2: poll the feeds on a clock, window, keep each item once.

``PollFeeds`` is a splittable DoFn like Beam's ``PeriodicImpulse`` (a
restriction of poll indices, a manual watermark) that also ends early when a
stop marker file appears: that is how a streaming run is drained on every
runner (the driver writes the marker on SIGTERM/Ctrl-C). Each poll reads all
feeds at once, in the same fused stage, so a feed is read at its poll time.

``StreamDedup`` windows the records and skips every item seen before: twice
in one window (the batch ``SkipDuplicates``, per window), in an earlier
window of this run (the claim store), or by an earlier run (the ids and
guids already written).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.io.restriction_trackers import OffsetRange, OffsetRestrictionTracker
from apache_beam.io.watermark_estimators import ManualWatermarkEstimator
from apache_beam.metrics import Metrics
from apache_beam.transforms import core, window
from apache_beam.utils.timestamp import Timestamp

from transforms.dedup import SkipDuplicates
from transforms.envelope import DUPLICATE, FEED, ITEM, Record
from transforms.read_feeds import _ExpandSourcesFn, _ReadFeedFn
from transforms.stream_claims import ClaimStore, guid_key

NO_END = 2**62  # "until stopped": more polls than any run makes
STOP_CHECK_S = 10.0  # on runners that honour resume delays: how often a waiting poller looks for the stop marker


class PollSpec(NamedTuple):
    """Poll ``k`` is due at ``start + k * interval``; polls ``first`` to ``end - 1`` are made."""

    start: float
    interval: float
    first: int
    end: int
    stop_path: str
    block_s: float  # > 0: wait in-process in steps of this many seconds (local runners); 0: defer to the runner


class _PollRange(core.RestrictionProvider):
    def initial_restriction(self, spec: PollSpec) -> OffsetRange:
        return OffsetRange(spec.first, spec.end)

    def create_tracker(self, restriction: OffsetRange) -> OffsetRestrictionTracker:
        return OffsetRestrictionTracker(restriction)

    def restriction_size(self, spec: PollSpec, restriction: OffsetRange) -> int:
        return 8

    def truncate(self, spec: PollSpec, restriction: OffsetRange) -> None:
        return None  # a drained job makes no more polls


def _advance(estimator: Any, when: float) -> None:
    current = estimator.current_watermark()
    target = Timestamp(when)
    if current is None or target > current:
        estimator.set_watermark(target)


class _PollFn(beam.DoFn):
    """Emits poll indices at their due times, timestamped with the due time."""

    def __init__(self) -> None:
        self.polls = Metrics.counter("newsbeam", "polls")

    @beam.DoFn.unbounded_per_element()
    def process(
        self,
        spec: PollSpec,
        tracker: Any = beam.DoFn.RestrictionParam(_PollRange()),
        estimator: Any = beam.DoFn.WatermarkEstimatorParam(ManualWatermarkEstimator.default_provider()),
    ) -> Iterator[Any]:
        index = tracker.current_restriction().start
        while True:
            if FileSystems.exists(spec.stop_path):
                tracker.try_claim(tracker.current_restriction().stop)  # nothing left: the restriction is done
                return
            due = spec.start + spec.interval * index
            wait = due - time.time()
            if wait > 0:
                if spec.block_s > 0:
                    time.sleep(min(wait, spec.block_s))
                    continue
                _advance(estimator, due)
                tracker.defer_remainder(Timestamp(min(due, time.time() + STOP_CHECK_S)))
                return
            if not tracker.try_claim(index):
                return
            _advance(estimator, due)
            self.polls.inc()
            yield window.TimestampedValue(index, due)
            index += 1


class _StreamReadFeedFn(_ReadFeedFn):
    """The batch feed reader, remembering each feed's validators between
    polls so that an unchanged feed is skipped (304 or same content hash)."""

    def process(self, source: Any) -> Iterator[Record]:
        for record in super().process(source):
            if record["kind"] == FEED and record.get("status") == "ok":
                self._validators[source] = {k: record.get(k) for k in ("etag", "last_modified", "content_sha1")}
            yield record


class _ReadPollFn(beam.DoFn):
    """One poll: every source (globs expanded anew) read concurrently."""

    def __init__(self, sources: list[str], fetch_cfg: dict[str, Any], validators: dict[str, dict[str, Any]],
                 threads: int = 8) -> None:
        self._sources = sources
        self._fetch_cfg = fetch_cfg
        self._validators = validators
        self._threads = threads

    def setup(self) -> None:
        self._expand = _ExpandSourcesFn()
        self._reader = _StreamReadFeedFn(self._fetch_cfg, dict(self._validators))
        self._reader.setup()
        self._pool = ThreadPoolExecutor(max_workers=self._threads, thread_name_prefix="newsbeam-poll")

    def teardown(self) -> None:
        self._reader.teardown()
        self._pool.shutdown(wait=False)

    def _read(self, source: str) -> list[Record]:
        return list(self._reader.process(source))

    def process(self, poll_index: int) -> Iterator[Record]:
        targets: list[str] = []
        for found in self._expand.process(self._sources):
            if isinstance(found, dict):
                yield found  # a dead letter: nothing matches the glob
            else:
                targets.append(found)
        for records in self._pool.map(self._read, targets):
            for record in records:
                if record["kind"] == FEED:
                    record["poll"] = poll_index
                yield record


class PollFeeds(beam.PTransform):
    """PBegin -> feed summaries, items and dead letters of every poll, each
    timestamped with its poll's due time."""

    def __init__(self, spec: PollSpec, sources: list[str], fetch_cfg: dict[str, Any],
                 validators: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._spec = spec
        self._read = _ReadPollFn(sources, fetch_cfg, validators)

    def expand(self, pbegin: beam.pvalue.PBegin) -> beam.PCollection:
        return (
            pbegin
            | "PollSpec" >> beam.Create([self._spec])
            | "Clock" >> beam.ParDo(_PollFn())
            | "ReadFeeds" >> beam.ParDo(self._read)
        )


def _duplicate(item: Record, reason: str) -> Record:
    return {"kind": DUPLICATE, "item_id": item["item_id"], "source": item.get("link"), "reason": reason,
            "kept": None}


class _ClaimFn(beam.DoFn):
    """Items that an earlier window or run already took become duplicates
    (``already_processed``); the rest are claimed by id and by guid."""

    def __init__(self, claim_root: str, known_guids: frozenset[str], owner: str) -> None:
        self._root = claim_root
        self._known_guids = known_guids
        self._owner = owner
        self.skipped = Metrics.counter("newsbeam", "already_processed")

    def setup(self) -> None:
        self._claims = ClaimStore(self._root)

    def process(self, record: Record, win: Any = beam.DoFn.WindowParam) -> Iterator[Record]:
        if record["kind"] != ITEM:
            yield record
            return
        owner = f"{self._owner} {getattr(win, 'start', '')}"
        keys = [record["item_id"]]
        if record.get("guid"):
            keys.append(guid_key(record.get("publisher"), record["guid"]))
        if any(k in self._known_guids for k in keys[1:]) or not all(self._claims.claim(k, owner) for k in keys):
            self.skipped.inc()
            yield _duplicate(record, "already_processed")
            return
        yield record


class StreamDedup(beam.PTransform):
    """Records -> the same records in fixed windows of ``window_s`` seconds,
    every item that was seen before turned into a ``duplicate`` record.

    An updated item (same guid and URL, new timestamp) is the same item:
    skipped, like the batch pipeline skips an item it wrote before."""

    def __init__(self, window_s: float, known_ids: frozenset[str], known_guids: frozenset[str],
                 claim_root: str, owner: str) -> None:
        super().__init__()
        self._window_s = window_s
        self._known_ids = known_ids
        self._claim = _ClaimFn(claim_root, known_guids, owner)

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "FixedWindows" >> beam.WindowInto(window.FixedWindows(self._window_s))
            | "WithinWindow" >> SkipDuplicates(self._known_ids)
            | "ClaimNew" >> beam.ParDo(self._claim)
        )
