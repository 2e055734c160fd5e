"""Running whole pipelines in tests and reading their output back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from newsbeam.config import load_config
from newsbeam.samples import SampleServer
from pipeline.run import run_batch

REPO = Path(__file__).resolve().parents[1]


def read_dataset(out: Path, name: str) -> pa.Table:
    path = out / name
    if not path.exists():
        return pa.table({})
    return ds.dataset(path, format="parquet", partitioning="hive").to_table()


def manifests(out: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((out / "_runs").glob("*.json"))]


def comparable_rows(table: pa.Table, drop: tuple[str, ...]) -> list[tuple[Any, ...]]:
    """A dataset's rows, sorted, without the ``drop`` columns (run ids, times)."""
    keep = [c for c in table.column_names if c not in drop]
    rows = table.select(keep).to_pylist()
    return sorted(tuple(repr(r[c]) for c in keep) for r in rows)


# The columns that differ between two runs of the same input.
VOLATILE_COLUMNS = {
    "articles": ("run_id", "fetched_at", "ingest_date"),
    "visit_events": ("run_id", "ingest_date"),
    "errors": ("run_id", "occurred_at", "ingest_date"),
}


def config_for(site: Path, **fetch: Any) -> dict[str, Any]:
    cfg = load_config(REPO / "configs" / "local.yaml")
    cfg["samples"]["serve"] = str(site)
    cfg["fetch"].update({"allow_private_hosts": True, **fetch})
    return cfg


def run_in_process(site: Path, feeds: list[Path], out: Path, *extra: str, **fetch: Any) -> dict[str, Any]:
    """One batch run on the FnApiRunner, the site served on loopback."""
    argv = [f"--feed={f}" for f in feeds] + [f"--out={out}", "--runner=FnApiRunner", *extra]
    return run_batch(argv, config_for(site, **fetch))


def newsbeam(*args: str, timeout: float = 600, **popen: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], cwd=REPO, env=env, text=True,
                          capture_output=True, timeout=timeout, check=False, **popen)


__all__ = ["VOLATILE_COLUMNS", "SampleServer", "comparable_rows", "config_for", "manifests", "newsbeam", "read_dataset",
           "run_in_process"]
