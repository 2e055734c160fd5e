"""Streaming sink: each window's rows become Parquet files, committed by rename.

All records of one window (and pane) are grouped into one element; the sink
writes each dataset's rows as whole Parquet files into the run's staging
directory, writes a journal of the moves, renames the files into the
datasets, then writes the window's record file (the mark that the window is
committed, and the counts for the run's manifest). A reader of a dataset
sees a file complete or not at all; a window interrupted between journal and
record file is rolled forward by :func:`recover_windows` at the next start.
File names are fixed by run, window and pane, so a retried bundle rewrites
the same files instead of adding copies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from newsbeam.fsio import apply_moves, ensure_parent, match, read_json, write_json
from newsbeam.parquet import table_from_rows, write_table
from schemas import DATASETS
from transforms.envelope import ARTICLE, ERROR, ITEM, PAGE, Record

WINDOWS_DIR = "windows"
STAGING_DIR = "staging"
JOURNAL_SUFFIX = ".journal.json"


def window_tag(win: Any, pane_index: int) -> tuple[str, str]:
    """(tag, ingest date) of a window: its UTC start, and the pane."""
    start = getattr(win, "start", None)
    when = start.to_utc_datetime(has_tz=True) if start is not None else dt.datetime.now(dt.timezone.utc)
    return f"{when.strftime('%Y%m%dT%H%M%SZ')}-p{pane_index}", when.date().isoformat()


def commit_window(run_dir: str, tag: str, moves: list[list[str]], info: dict[str, Any]) -> None:
    """Journal, moves, then the record file that marks the window done."""
    journal = FileSystems.join(run_dir, WINDOWS_DIR, tag + JOURNAL_SUFFIX)
    done = {**info, "files": [dst for _, dst in moves]}
    write_json(journal, {"moves": moves, "done": done})
    apply_moves(moves)
    write_json(FileSystems.join(run_dir, WINDOWS_DIR, tag + ".json"), done)
    FileSystems.delete([journal])


def recover_windows(run_dir: str) -> int:
    """Rolls forward windows interrupted after their journal; returns how many."""
    journals = match(FileSystems.join(run_dir, WINDOWS_DIR, "*" + JOURNAL_SUFFIX))
    for journal in journals:
        state = read_json(journal)
        apply_moves(state["moves"])
        write_json(journal[: -len(JOURNAL_SUFFIX)] + ".json", state["done"])
        FileSystems.delete([journal])
    return len(journals)


class _WindowSinkFn(beam.DoFn):
    def __init__(self, out_dir: str, run_dir: str, run_id: str, flush_rows: int) -> None:
        self._out = out_dir
        self._run_dir = run_dir
        self._run_id = run_id
        self._flush_rows = max(1, flush_rows)
        self.windows = Metrics.counter("newsbeam", "windows_written")

    def _split(self, records: Iterable[Record]) -> tuple[dict[str, list[dict[str, Any]]], list[Record]]:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        other: list[Record] = []
        for record in records:
            kind = record["kind"]
            if kind == ARTICLE:
                rows["articles"].append({**record["article"], "run_id": self._run_id})
                rows["visit_events"].extend({**e, "run_id": self._run_id} for e in record.get("events", []))
            elif kind == ERROR:
                rows["errors"].append({**record["row"], "run_id": self._run_id})
            elif kind not in (ITEM, PAGE):  # never left over: every item ends as an article, error or duplicate
                other.append(record)
        return rows, other

    def _stage(self, rows: dict[str, list[dict[str, Any]]], tag: str, date: str) -> list[list[str]]:
        moves = []
        for name, dataset_rows in rows.items():
            for n, first in enumerate(range(0, len(dataset_rows), self._flush_rows)):
                part = f"part-{self._run_id}-{tag}-{n:04d}.parquet"
                src = FileSystems.join(self._run_dir, STAGING_DIR, name, f"ingest_date={date}", part)
                dst = FileSystems.join(self._out, name, f"ingest_date={date}", part)
                ensure_parent(src)
                chunk = dataset_rows[first:first + self._flush_rows]
                write_table(table_from_rows(chunk, DATASETS[name], name), src)
                moves.append([src, dst])
        return moves

    def process(self, keyed: tuple[Any, Iterable[Record]], win: Any = beam.DoFn.WindowParam,
                pane: Any = beam.DoFn.PaneInfoParam) -> Iterator[dict[str, Any]]:
        rows, other = self._split(keyed[1])
        tag, date = window_tag(win, int(getattr(pane, "index", 0) or 0))
        moves = self._stage(rows, tag, date)
        info = {"window": tag, "start": str(getattr(win, "start", "")), "end": str(getattr(win, "end", "")),
                "rows": {name: len(r) for name, r in rows.items()}, "records": other}
        commit_window(self._run_dir, tag, moves, info)
        self.windows.inc()
        yield {"window": tag, "rows": info["rows"], "files": [dst for _, dst in moves]}


class WriteWindows(beam.PTransform):
    """Windowed records -> one committed set of Parquet files per window."""

    def __init__(self, out_dir: str, run_dir: str, run_id: str, flush_rows: int = 1000) -> None:
        super().__init__()
        self._fn = _WindowSinkFn(out_dir, run_dir, run_id, flush_rows)

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "KeyByWindow" >> beam.Map(lambda record: ("window", record))
            | "GroupByWindow" >> beam.GroupByKey()
            | "WriteWindow" >> beam.ParDo(self._fn)
        )
