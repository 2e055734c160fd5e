"""Driver-side files of syndication: earlier runs' signatures, the visits snapshot.

File I/O only (through Beam's FileSystems, like :mod:`newsbeam.parquet`),
so any filesystem Beam knows works:

* ``OUT/_state/minhash/RUN_ID.parquet``: the MinHash signature and the
  shingle hashes of every article a run wrote (saved at commit; about
  1.3 KB an article). A cache: an article of
  ``articles/`` without a saved signature (a run from before this feature, a
  commit cut short) is signed again from its stored text.
* ``OUT/visits/visits.parquet``: the consolidated visits, rewritten whole by
  each commit (written beside it under a ``_`` name that readers skip, then
  renamed over it, which is atomic on local filesystems).
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from newsbeam.parquet import read_table, table_from_rows, write_table
from newsbeam.syndication.clusters import Member
from newsbeam.syndication.minhash import SIGNATURE_VERSION, Signature, Signer
from newsbeam.syndication.visits import consolidate_visits, visit_order
from schemas import ARTICLES, VISIT_EVENTS, VISITS

STATE = "_state"
SIGNATURES_DIR = "minhash"
VISITS_DIR = "visits"
VISITS_FILE = "visits.parquet"
SIGNATURE = "signature"  # the record kind that carries one article's signature to the commit

_EVENT_COLUMNS = (
    "event_id", "article_id", "publisher", "published_at", "visitor", "visitor_title", "visitor_country",
    "host", "host_title", "destination_country", "destination_city", "start_date", "end_date",
    "date_precision", "status", "confidence",
)
_SIGNATURES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("cluster_id", pa.string()),
        pa.field("published_at", pa.timestamp("us", tz="UTC")),
        pa.field("num_perm", pa.int32()),
        pa.field("version", pa.int32()),
        pa.field("size", pa.int32()),
        pa.field("hashvalues", pa.binary()),
        pa.field("shingles", pa.binary()),
    ]
)


def _match(pattern: str) -> list[str]:
    try:
        return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    except Exception:
        return []


def _dataset_files(out_dir: str, dataset: str) -> list[str]:
    return _match(FileSystems.join(out_dir, dataset, "*", "*.parquet"))


def _read_rows(paths: Iterable[str], columns: list[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in paths:
        table = read_table(path, columns)
        have = [c for c in columns if c in table.column_names]
        rows.extend({**dict.fromkeys(columns), **r} for r in table.select(have).to_pylist())
    return rows


def _temp_beside(path: str) -> str:
    """A temporary name in ``path``'s folder (made when missing), renamed to ``path`` once written."""
    folder, name = path.rstrip("/").rsplit("/", 1)
    if not FileSystems.exists(folder):
        try:
            FileSystems.mkdirs(folder)
        except OSError:
            pass
    return FileSystems.join(folder, f"_{name}.tmp")


def _write_atomic(table: pa.Table, path: str) -> None:
    tmp = _temp_beside(path)
    write_table(table, tmp)
    FileSystems.rename([tmp], [path])


def signature_record(article: dict[str, Any], sig: Signature, num_perm: int) -> dict[str, Any]:
    """The record that carries an article's signature to the commit."""
    return {
        "kind": SIGNATURE, "article_id": article["article_id"], "cluster_id": article.get("cluster_id"),
        "duplicate_of": article.get("duplicate_of"), "published_at": article.get("published_at"),
        "num_perm": num_perm, "version": SIGNATURE_VERSION, "size": sig.size, "hashvalues": sig.to_b64(),
        "shingles": base64.b64encode(sig.shingles).decode("ascii"),
    }


def save_signatures(out_dir: str, run_id: str, records: Iterable[dict[str, Any]], batch_rows: int = 1000) -> int:
    """Saves the run's ``signature`` records, a row group per ``batch_rows``
    written as it is made (a run's signatures are never all held decoded at
    once); returns how many."""
    batches = _signature_batches(records, batch_rows)
    first = next(batches, None)
    if first is None:
        return 0
    path = FileSystems.join(out_dir, STATE, SIGNATURES_DIR, f"{run_id}.parquet")
    tmp, count = _temp_beside(path), 0
    with FileSystems.create(tmp) as fh, pq.ParquetWriter(fh, _SIGNATURES, compression="zstd") as writer:
        for batch in itertools.chain([first], batches):
            writer.write_batch(batch)
            count += batch.num_rows
    FileSystems.rename([tmp], [path])
    return count


def _signature_batches(records: Iterable[dict[str, Any]], size: int) -> Iterator[pa.RecordBatch]:
    columns: dict[str, list[Any]] = {f.name: [] for f in _SIGNATURES}
    for r in records:
        if r.get("kind") != SIGNATURE:
            continue
        published = r.get("published_at")
        row = {**r, "hashvalues": base64.b64decode(r["hashvalues"]),
               "shingles": base64.b64decode(r.get("shingles") or ""),
               "published_at": dt.datetime.fromisoformat(published) if isinstance(published, str) else published}
        for name, values in columns.items():
            values.append(row.get(name))
        if len(columns["article_id"]) >= size:
            yield pa.RecordBatch.from_pydict(columns, schema=_SIGNATURES)
            columns = {f.name: [] for f in _SIGNATURES}
    if columns["article_id"]:
        yield pa.RecordBatch.from_pydict(columns, schema=_SIGNATURES)


def _saved_signatures(out_dir: str, num_perm: int) -> dict[str, Signature]:
    saved: dict[str, Signature] = {}
    for row in _read_rows(_match(FileSystems.join(out_dir, STATE, SIGNATURES_DIR, "*.parquet")),
                          ["article_id", "num_perm", "version", "size", "hashvalues", "shingles"]):
        if row["num_perm"] == num_perm and row["version"] == SIGNATURE_VERSION and row["hashvalues"] is not None:
            saved[row["article_id"]] = Signature(bytes(row["hashvalues"]), int(row["size"] or 0),
                                                 bytes(row["shingles"] or b""))
    return saved


def load_earlier_members(out_dir: str, num_perm: int) -> list[Member]:
    """Every article earlier runs wrote, with its cluster and signature."""
    files = _dataset_files(out_dir, "articles")
    if not files:
        return []
    saved = _saved_signatures(out_dir, num_perm)
    articles = _read_rows(files, ["article_id", "cluster_id", "published_at"])
    missing = {a["article_id"] for a in articles} - set(saved)
    if missing:
        signer = Signer(num_perm)
        for row in _read_rows(files, ["article_id", "text"]):
            if row["article_id"] in missing:
                saved[row["article_id"]] = signer.sign(row["text"] or "")
    return [Member(a["article_id"], saved[a["article_id"]], a["published_at"], a["cluster_id"] or a["article_id"])
            for a in articles]


def write_visits_snapshot(out_dir: str) -> int:
    """Recomputes ``OUT/visits/`` from all of ``visit_events/`` and
    ``articles/``; returns the number of visits. The events are read as one
    Arrow table and consolidated one destination country at a time (visits
    are grouped by destination first, so the result is the same), and only
    the articles that have events are read: memory follows the largest
    country's events, not the whole history as Python rows."""
    import pyarrow.compute as pc  # here: workers import this module and never need it

    events = _read_columns(_dataset_files(out_dir, "visit_events"), list(_EVENT_COLUMNS), VISIT_EVENTS)
    rows: list[dict[str, Any]] = []
    if events is not None and events.num_rows:
        articles = _articles_of(out_dir, events.column("article_id"))
        for dest in pc.unique(events.column("destination_country")).to_pylist():
            if dest:
                chunk = events.filter(pc.equal(events.column("destination_country"), dest)).to_pylist()
                rows.extend(consolidate_visits(chunk, articles))
        rows.sort(key=visit_order)
    _write_atomic(table_from_rows(rows, VISITS, VISITS_DIR), FileSystems.join(out_dir, VISITS_DIR, VISITS_FILE))
    return len(rows)


def _read_columns(paths: Iterable[str], columns: list[str], schema: pa.Schema) -> pa.Table | None:
    """``columns`` of every file as one table; a column a file lacks is null."""
    tables = []
    for path in paths:
        table = read_table(path, columns)
        for name in columns:
            if name not in table.column_names:
                table = table.append_column(schema.field(name), pa.nulls(table.num_rows, schema.field(name).type))
        tables.append(table.select(columns))
    return pa.concat_tables(tables, promote_options="permissive") if tables else None


def _articles_of(out_dir: str, article_ids: pa.ChunkedArray) -> dict[str, dict[str, Any]]:
    import pyarrow.compute as pc

    wanted = pc.unique(article_ids)
    found: dict[str, dict[str, Any]] = {}
    columns = ["article_id", "cluster_id", "published_at", "fetched_at", "publisher"]
    for path in _dataset_files(out_dir, "articles"):
        table = _read_columns([path], columns, ARTICLES)
        if table is not None:
            table = table.filter(pc.is_in(table.column("article_id"), value_set=wanted))
            found.update((a["article_id"], a) for a in table.to_pylist())
    return found

