"""Parquet files through Beam's FileSystems, so any filesystem Beam knows works."""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from schemas import with_metadata


def table_from_rows(rows: list[dict[str, Any]], schema: pa.Schema, dataset: str) -> pa.Table:
    """Rows (dicts keyed by column) to a table of the declared schema, in one
    columnar conversion; keys outside the schema are ignored."""
    columns = {f.name: [row.get(f.name) for row in rows] for f in schema}
    return pa.Table.from_pydict(columns, schema=with_metadata(schema, dataset))


def write_table(table: pa.Table, path: str) -> None:
    """Writes the whole file in one piece (built in memory, then one write)."""
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd")
    with FileSystems.create(path) as fh:
        fh.write(sink.getvalue().to_pybytes())


def read_table(path: str, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file; with ``columns``, only those of them it has are decoded."""
    with FileSystems.open(path) as fh:
        data = pa.BufferReader(fh.read())
    if columns is None:
        return pq.read_table(data)
    parquet = pq.ParquetFile(data)
    return parquet.read(columns=[c for c in columns if c in parquet.schema_arrow.names])
