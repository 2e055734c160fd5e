"""Stages 5b and 5c: the run-wide decisions, made on compact stubs.

Near-duplicate clustering and learned boilerplate need every article of the
run before any article can go on. What crosses a GroupByKey is held by the
runner (the FnApiRunner holds all of it in memory), so full articles do not
cross these groups: ``ParkArticles`` writes each article and its signature
to a spill file in the run's staging directory and sends on a stub (id,
publisher, the MinHash values without the shingle hashes, hashes of its
short lines, where it is parked); the run-wide steps decide on stubs,
reading back only the signatures that the exact pair check needs;
``RestoreArticles`` groups the decided stubs by spill file, reads each file
once and sends the articles on with the decisions applied. Memory then
grows with the stubs (~1 KB an article), not with the texts. Spill files
are pickles written and read by this job only, inside its staging
directory; the commit deletes them with it.
"""

from __future__ import annotations

import datetime as dt
import pickle
import uuid
from collections.abc import Iterable, Iterator
from typing import IO, Any, NamedTuple

import apache_beam as beam
import numpy as np
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from newsbeam.boilerplate import (
    BoilerplateRules,
    BoilerplateStripper,
    Learned,
    StoryLines,
    learn_from_hashes,
    learnable_lines,
    line_hash,
    normalise_line,
)
from newsbeam.memory import HeapTrimmer
from newsbeam.syndication.clusters import Assignment, Member, Thresholds, assign_clusters
from newsbeam.syndication.minhash import Signature, Signer
from newsbeam.syndication.store import signature_record
from transforms.boilerplate import LEARNED, recount
from transforms.dedup import passthrough_key
from transforms.envelope import ARTICLE, STUB, Record

SPILL_DIR = "_spill"
_ALL_STUBS = "run"  # the one key under which all of the run's stubs meet
# Also the most articles one restore step reads at once, and the grain of the
# restore + events stage: each file is one group, and runners deal groups to
# workers whole (50: a 2,000-article run is ~40 groups, not ~10 uneven ones).
ARTICLES_PER_SPILL_FILE = 50
_LENGTH_BYTES = 8
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Stub(NamedTuple):
    """An article parked in a spill file, as the run-wide steps see it.

    A named tuple of plain values, not a record dict: the one decision step
    decodes every stub of the run at once, and 10,000 stubs took 19.4 MB as
    dicts (a copy of each key per stub, a datetime, a Signature) and 11.6 MB
    as these (measured once with a script, not a benchmark).
    ``published_at`` is in microseconds since the epoch (None when unknown);
    ``hashvalues`` and ``size`` are the MinHash values and the shingle count
    (the shingle hashes stay in the spill file, at ``offset``; empty when
    near-duplicates are off); ``lines``: the packed hashes of the learnable
    lines (empty when learning is off)."""

    article_id: str
    publisher: str
    published_at: int | None
    parked: str  # the spill file's name (not its whole path)
    entry: int  # the entry's number in that file
    offset: int  # the entry's byte offset
    hashvalues: bytes
    size: int
    lines: bytes

    def signature(self) -> Signature:
        return Signature(self.hashvalues, self.size)

    def published(self) -> dt.datetime | None:
        return None if self.published_at is None else _EPOCH + dt.timedelta(microseconds=self.published_at)


def _micros(when: dt.datetime | None) -> int | None:
    if when is None:
        return None
    aware = when if when.tzinfo is not None else when.replace(tzinfo=dt.timezone.utc)
    return (aware - _EPOCH) // dt.timedelta(microseconds=1)


class _ParkFn(beam.DoFn):
    """Articles to spill files (a new file every ``ARTICLES_PER_SPILL_FILE``
    and at each bundle's end); a stub for each goes on."""

    def __init__(self, spill_dir: str, num_perm: int | None, learn: bool) -> None:
        self._dir = spill_dir
        self._num_perm = num_perm
        self._learn = learn
        self.parked = Metrics.counter("newsbeam", "articles_parked")

    def setup(self) -> None:
        self._signer = Signer(self._num_perm) if self._num_perm else None

    def start_bundle(self) -> None:
        self._file: IO[bytes] | None = None
        self._name = ""
        self._count = 0

    def process(self, record: Record) -> Iterator[Record | Stub]:
        if record["kind"] != ARTICLE:
            yield record
            return
        article = record["article"]
        text = article.get("text") or ""
        sig = self._signer.sign(text) if self._signer else None
        name, index, offset = self._park(pickle.dumps(sig, protocol=pickle.HIGHEST_PROTOCOL),
                                         pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        self.parked.inc()
        # The stub leaves out the shingle hashes (most of a signature's
        # size): the decision step reads them from the spill file, at
        # ``offset``, only for the few pairs that need the exact check.
        hashvalues, size = (sig.hashvalues, sig.size) if sig is not None else (b"", 0)
        yield Stub(article["article_id"], article.get("publisher") or "", _micros(article.get("published_at")),
                   name, index, offset, hashvalues, size,
                   _pack(line_hash(x) for x in learnable_lines(text)) if self._learn else b"")

    def _park(self, sig: bytes, record: bytes) -> tuple[str, int, int]:
        """One entry: the signature, then the record, each after its length
        (so that the signature alone can be read back)."""
        if self._file is None:
            self._name = f"spill-{uuid.uuid4().hex}.pkl"  # stubs carry the name, not the whole path
            self._file = FileSystems.create(FileSystems.join(self._dir, self._name))
            self._count = 0
            self._offset = 0
        entry = b"".join((_length(sig), sig, _length(record), record))
        self._file.write(entry)
        where = (self._name, self._count, self._offset)
        self._count += 1
        self._offset += len(entry)
        if self._count >= ARTICLES_PER_SPILL_FILE:
            self._close()
        return where

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def finish_bundle(self) -> None:
        self._close()


def _length(data: bytes) -> bytes:
    return len(data).to_bytes(_LENGTH_BYTES, "little")


def _read_part(fh: IO[bytes], header: bytes | None = None) -> Any:
    """The next length-prefixed pickle of a spill file (this job's own file)."""
    header = header or fh.read(_LENGTH_BYTES)
    return pickle.loads(fh.read(int.from_bytes(header, "little")))


def _pack(hashes: Iterable[int]) -> bytes:
    return np.array(sorted(hashes), dtype="<u8").tobytes()


def _unpack(packed: bytes) -> frozenset[int]:
    return frozenset(np.frombuffer(packed, dtype="<u8").tolist())  # tolist: Python ints in one C loop


def _key_all_stubs(record: Record | Stub) -> tuple[str, Record | Stub]:
    return (_ALL_STUBS if isinstance(record, Stub) else passthrough_key(record)), record


class _DecideFn(beam.DoFn):
    """All of the run's stubs at once (two passes over the group, which Beam
    lets us iterate again): near-duplicate clusters, against earlier runs'
    signatures too, then each publisher's learned lines, counted by story.
    Each stub goes on with its decisions and without its signature, and with
    the group its spill file is restored in: the file's name, or one of
    ``restore_keys`` (the spill files dealt to them in turn)."""

    def __init__(self, spill_dir: str, thresholds: Thresholds | None, earlier: list[Member],
                 learn: tuple[int, float] | None, restore_keys: list[int] | None = None) -> None:
        self._dir = spill_dir
        self._restore_keys = restore_keys
        self._thresholds = thresholds
        self._earlier = earlier
        self._learn = learn
        self.copies = Metrics.counter("newsbeam", "near_duplicates")
        self.learned = Metrics.counter("newsbeam", "boilerplate_lines_learned")

    def setup(self) -> None:
        self._trimmer = HeapTrimmer()

    def process(self, keyed: tuple[str, Iterable[Record | Stub]]) -> Iterator[Record]:
        members: list[Member] = []
        parked: dict[str, Stub] = {}
        lines: dict[str, list[tuple[str, bytes]]] = {}
        files: set[str] = set()
        for record in keyed[1]:
            if not isinstance(record, Stub):
                yield record
                continue
            files.add(record.parked)
            if self._thresholds is not None:
                members.append(Member(record.article_id, record.signature(), record.published()))
                parked[record.article_id] = record
            if self._learn is not None:
                lines.setdefault(record.publisher, []).append((record.article_id, record.lines))
        if members or lines:
            self._trimmer.trim()  # the worker's earlier stages freed much: back to the system before the peak
        clusters = assign_clusters(members, self._earlier, self._thresholds,
                                   lambda found: _full_signatures(found, parked, self._dir)) if self._thresholds else {}
        learned = {pub: self._learn_publisher(arts, clusters) for pub, arts in lines.items()}
        groups = self._groups(files)
        for record in keyed[1]:
            if isinstance(record, Stub):
                yield self._decided(record, clusters, learned.get(record.publisher), groups[record.parked])

    def _groups(self, files: set[str]) -> dict[str, Any]:
        keys = self._restore_keys
        if not keys:
            return {name: name for name in files}
        return {name: keys[i % len(keys)] for i, name in enumerate(sorted(files))}

    def _learn_publisher(self, arts: list[tuple[str, bytes]], clusters: dict[str, Assignment]) -> Learned:
        assert self._learn is not None
        found = learn_from_hashes(
            (StoryLines(aid, clusters[aid].cluster_id if aid in clusters else aid, _unpack(packed))
             for aid, packed in arts), *self._learn)
        self.learned.inc(len(found.counts))
        return found

    def _decided(self, stub: Stub, clusters: dict[str, Assignment], learned: Learned | None, group: Any) -> Record:
        out: Record = {"kind": STUB, "article_id": stub.article_id, "publisher": stub.publisher,
                       "parked": stub.parked, "index": stub.entry, "group": group}
        if self._thresholds is not None:
            found = clusters.get(stub.article_id)
            out["cluster_id"] = found.cluster_id if found else stub.article_id
            out["duplicate_of"] = found.duplicate_of if found else None
            self.copies.inc(out["duplicate_of"] is not None)
        if learned is not None and learned.counts:
            hashes = sorted(_unpack(stub.lines) & learned.counts.keys())
            out["learned"] = hashes
            out["report"] = [(h, learned.counts[h], learned.stories) for h in hashes
                             if learned.reporter[h] == stub.article_id]
        return out


def read_parked(path: str) -> Iterator[tuple[Record, Any]]:
    """The ``(article record, signature)`` entries of one spill file, in order."""
    with FileSystems.open(path) as fh:
        while header := fh.read(_LENGTH_BYTES):
            sig = _read_part(fh, header)
            yield _read_part(fh), sig


def read_signatures(path: str, offsets: Iterable[int]) -> dict[int, Signature]:
    """The signatures of the spill file's entries at ``offsets`` (the
    records after them are not read)."""
    out: dict[int, Signature] = {}
    with FileSystems.open(path) as fh:
        for offset in sorted(offsets):
            fh.seek(offset)
            out[offset] = _read_part(fh)
    return out


def _full_signatures(members: list[Member], parked: dict[str, Stub], spill_dir: str) -> list[Signature]:
    """The members' signatures with their shingle hashes: a stub's read back
    from its spill file in ``spill_dir`` (each file opened once), an earlier
    run's as saved."""
    wanted: dict[str, list[int]] = {}
    for m in members:
        if not m.signature.shingles and m.article_id in parked:
            stub = parked[m.article_id]
            wanted.setdefault(stub.parked, []).append(stub.offset)
    found = {name: read_signatures(FileSystems.join(spill_dir, name), offsets) for name, offsets in wanted.items()}

    def full(m: Member) -> Signature:
        stub = parked.get(m.article_id)
        return found[stub.parked][stub.offset] if stub and not m.signature.shingles else m.signature

    return [full(m) for m in members]


def _by_restore_group(record: Record) -> tuple[Any, Record]:
    return (record["group"] if record["kind"] == STUB else passthrough_key(record)), record


class _RestoreFn(beam.DoFn):
    """The decided stubs of a group's spill files: their articles, decisions applied."""

    def __init__(self, spill_dir: str, num_perm: int) -> None:
        self._dir = spill_dir
        self._num_perm = num_perm

    def setup(self) -> None:
        self._stripper = BoilerplateStripper(BoilerplateRules())

    def process(self, keyed: tuple[Any, Iterable[Record]]) -> Iterator[Record]:
        stubs: dict[str, dict[int, Record]] = {}
        for record in keyed[1]:
            if record["kind"] == STUB:
                stubs.setdefault(record["parked"], {})[record["index"]] = record
            else:
                yield record
        for name, wanted in stubs.items():
            for index, (record, sig) in enumerate(read_parked(FileSystems.join(self._dir, name))):
                stub = wanted.get(index)
                if stub is not None:
                    yield from self._restore(record, sig, stub)

    def _restore(self, record: Record, sig: Any, stub: Record) -> Iterator[Record]:
        article = record["article"]
        if "cluster_id" in stub:
            article["cluster_id"], article["duplicate_of"] = stub["cluster_id"], stub["duplicate_of"]
        if stub.get("learned"):
            learned = self._learned_lines(article["text"], set(stub["learned"]))
            for h, count, stories in stub.get("report", []):
                yield {"kind": LEARNED, "publisher": stub["publisher"], "line": learned[h], "articles": count,
                       "stories": stories}
            text, removed = self._stripper.strip(article["text"], article.get("publisher"), learned.values())
            recount(article, text, removed)
        yield record
        if sig is not None:
            yield signature_record(article, sig, self._num_perm)

    @staticmethod
    def _learned_lines(text: str, hashes: set[int]) -> dict[int, str]:
        out = {}
        for line in text.splitlines():
            norm = normalise_line(line)
            h = line_hash(norm)
            if h in hashes:
                out[h] = norm
        return out


class RunWideStages(beam.PTransform):
    """Near-duplicate clusters (``cluster_id``, ``duplicate_of``, and a
    ``signature`` record per article), then lines learned per publisher
    (removed, and a ``learned`` record each), deciding on stubs while the
    articles wait in spill files under ``spill_dir``. Either step can be
    off; with both off the records pass unchanged. ``restore_keys``: the
    keys that the runner spreads evenly over its workers, to restore the
    spill files under (else each file is restored under its own name)."""

    def __init__(self, spill_dir: str, dedup_cfg: dict[str, Any], learn_cfg: dict[str, Any],
                 earlier: Iterable[Any] = (), restore_keys: list[int] | None = None) -> None:
        super().__init__()
        self._dir = spill_dir
        self._restore_keys = restore_keys
        self._dedup = dedup_cfg if dedup_cfg.get("near_duplicates", True) else None
        self._learn = learn_cfg if learn_cfg.get("enabled", True) else None
        self._earlier = list(earlier)
        self._num_perm = int(dedup_cfg.get("num_perm", 128))

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        if self._dedup is None and self._learn is None:
            return records
        thresholds = Thresholds(jaccard=float(self._dedup.get("threshold", 0.5))) if self._dedup else None
        learn = (int(self._learn["min_articles"]), float(self._learn["min_share"])) if self._learn else None
        return (
            records
            | "ParkArticles" >> beam.ParDo(_ParkFn(self._dir, self._num_perm if self._dedup else None, bool(learn)))
            | "KeyAllStubs" >> beam.Map(_key_all_stubs)
            | "GroupAllStubs" >> beam.GroupByKey()
            | "Decide" >> beam.ParDo(_DecideFn(self._dir, thresholds, self._earlier, learn, self._restore_keys))
            | "KeyByRestoreGroup" >> beam.Map(_by_restore_group)
            | "GroupByRestoreGroup" >> beam.GroupByKey()
            | "RestoreArticles" >> beam.ParDo(_RestoreFn(self._dir, self._num_perm))
        )
