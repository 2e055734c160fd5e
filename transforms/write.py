"""Stage 7: write every dataset from one terminal step.

One sink step writes all datasets (articles, visit_events, errors) plus a
JSON side file of the run's records (feed summaries, duplicates, learned
boilerplate) into the run's staging directory; the driver commits them
(``pipeline.commit``). One terminal step is what the DaskRunner computes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.metrics import Metrics

from newsbeam.fsio import json_default
from newsbeam.memory import HeapTrimmer, use_system_arrow_pool
from newsbeam.parquet import table_from_rows, write_table
from schemas import DATASETS
from transforms.envelope import ARTICLE, ERROR, Record

RECORDS_DIR = "_records"


class _StageFn(beam.DoFn):
    """Buffers rows and writes a Parquet file per dataset every
    ``flush_rows`` articles and at the end of each bundle."""

    def __init__(self, staging_dir: str, run_id: str, ingest_date: str, flush_rows: int = 1000) -> None:
        self._staging = staging_dir
        self._run_id = run_id
        self._ingest_date = ingest_date
        self._flush_rows = flush_rows
        self.files = Metrics.counter("newsbeam", "files_staged")

    def setup(self) -> None:
        use_system_arrow_pool()
        self._trimmer = HeapTrimmer()

    def start_bundle(self) -> None:
        self._rows: dict[str, list[dict[str, Any]]] = {name: [] for name in DATASETS}
        self._records: list[Record] = []

    def process(self, record: Record) -> Iterator[None]:
        kind = record["kind"]
        if kind == ARTICLE:
            self._rows["articles"].append({**record["article"], "run_id": self._run_id})
            for event in record.get("events", []):
                self._rows["visit_events"].append({**event, "run_id": self._run_id})
        elif kind == ERROR:
            self._rows["errors"].append({**record["row"], "run_id": self._run_id})
        else:
            self._records.append(record)
        if len(self._rows["articles"]) >= self._flush_rows:
            self._flush()
        return iter(())

    def finish_bundle(self) -> None:
        self._flush()

    def _flush(self) -> None:
        if not self._records and not any(self._rows.values()):
            return  # a bundle with nothing left to write: no files, no heap walk
        part = uuid.uuid4().hex
        for name, rows in self._rows.items():
            if rows:
                path = FileSystems.join(self._staging, name, f"ingest_date={self._ingest_date}", f"part-{part}.parquet")
                write_table(table_from_rows(rows, DATASETS[name], name), path)
                self.files.inc()
                rows.clear()
        if self._records:
            path = FileSystems.join(self._staging, RECORDS_DIR, f"part-{part}.json")
            with FileSystems.create(path) as fh:
                fh.write(json.dumps(self._records, default=json_default).encode("utf-8"))
            self._records = []
        self._trimmer.trim()  # what the file's rows and buffers took goes back to the system


class WriteDatasets(beam.PTransform):
    """All records -> staged Parquet files and record files of this run."""

    def __init__(self, staging_dir: str, run_id: str, ingest_date: str, flush_rows: int = 1000) -> None:
        super().__init__()
        self._args = (staging_dir, run_id, ingest_date, flush_rows)

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "StageFiles" >> beam.ParDo(_StageFn(*self._args))
