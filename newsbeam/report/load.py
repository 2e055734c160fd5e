"""Reading an output directory for the report: datasets and run manifests.

Nothing here raises for a missing, empty or unreadable dataset: each load
returns a :class:`Loaded` whose ``message`` says what was wrong, so the page
can show it instead of a traceback.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.dataset as ds

from schemas import ARTICLES, ERRORS, VISIT_EVENTS, VISITS

# The columns each section needs (article text is never loaded).
ARTICLE_COLUMNS = ("article_id", "url", "publisher", "title", "published_at", "word_count", "removed_boilerplate")
EVENT_COLUMNS = (
    "event_id", "article_id", "url", "publisher", "published_at", "visitor", "visitor_title", "visitor_country",
    "host", "host_title", "destination_country", "destination_city", "start_date", "end_date", "date_precision",
    "status", "confidence",
)  # fmt: skip
ERROR_COLUMNS = ("run_id", "stage", "source", "error_type", "message", "occurred_at", "retryable")
VISIT_COLUMNS = (
    "visit_id", "visitor", "visitor_title", "visitor_country", "host", "destination_country", "destination_city",
    "start_date", "end_date", "date_precision", "status", "first_seen", "last_seen", "article_count",
    "publisher_count", "confidence",
)  # fmt: skip


@dataclass
class Loaded:
    """Rows of one dataset, or why there are none."""

    name: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None
    present: bool = True


@dataclass
class ReportData:
    """Everything the page shows, read from one output directory."""

    out_dir: str
    runs: list[dict[str, Any]]
    runs_message: str | None
    articles: Loaded
    events: Loaded
    errors: Loaded
    visits: Loaded


def _read_table(path: str, schema: pa.Schema) -> pa.Table:
    """The dataset at ``path``, trying the declared schema first, then inference."""
    kwargs: dict[str, Any] = {"format": "parquet", "partitioning": "hive", "ignore_prefixes": ["_", "."]}
    try:
        return ds.dataset(path, schema=schema, **kwargs).to_table()
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return ds.dataset(path, **kwargs).to_table()


def load_dataset(out_dir: str, name: str, schema: pa.Schema, columns: tuple[str, ...]) -> Loaded:
    """Read ``out_dir/name`` with hive partitioning, keeping ``columns`` (missing ones are None)."""
    path = os.path.join(out_dir, name)
    if not os.path.isdir(path):
        return Loaded(name, message=f"No {name} dataset: {path} does not exist.", present=False)
    try:
        table = _read_table(path, schema)
    except (OSError, pa.ArrowException) as exc:
        return Loaded(name, message=f"The {name} dataset could not be read: {type(exc).__name__}: {exc}")
    if table.num_rows == 0:
        return Loaded(name, message=f"The {name} dataset is empty (no rows in {path}).")
    kept = [c for c in columns if c in table.column_names]
    rows = table.select(kept).to_pylist()
    for row in rows:
        for col in columns:
            row.setdefault(col, None)
    return Loaded(name, rows=rows)


def _run_sort_key(run: dict[str, Any]) -> str:
    return str(run.get("started_at") or run.get("finished_at") or run.get("run_id") or "")


def load_runs(out_dir: str) -> tuple[list[dict[str, Any]], str | None]:
    """The run manifests in ``out_dir/_runs``, oldest first, and a message about any problem."""
    path = os.path.join(out_dir, "_runs")
    if not os.path.isdir(path):
        return [], f"No run manifests: {path} does not exist."
    runs: list[dict[str, Any]] = []
    bad: list[str] = []
    for entry in sorted(os.listdir(path)):
        if not entry.endswith(".json") or entry.startswith((".", "_")):
            continue
        try:
            with open(os.path.join(path, entry), encoding="utf-8") as fh:
                run = json.load(fh)
        except (OSError, ValueError):
            bad.append(entry)
            continue
        if isinstance(run, dict):
            run.setdefault("run_id", entry[: -len(".json")])
            runs.append(run)
        else:
            bad.append(entry)
    runs.sort(key=_run_sort_key)
    message = None
    if bad:
        message = f"{len(bad)} manifest(s) could not be read: {', '.join(bad[:5])}"
    elif not runs:
        message = f"No run manifests in {path}."
    return runs, message


def load_all(out_dir: str) -> ReportData:
    """Read every dataset and manifest the report shows."""
    runs, runs_message = load_runs(out_dir)
    return ReportData(
        out_dir=out_dir,
        runs=runs,
        runs_message=runs_message,
        articles=load_dataset(out_dir, "articles", ARTICLES, ARTICLE_COLUMNS),
        events=load_dataset(out_dir, "visit_events", VISIT_EVENTS, EVENT_COLUMNS),
        errors=load_dataset(out_dir, "errors", ERRORS, ERROR_COLUMNS),
        visits=load_dataset(out_dir, "visits", VISITS, VISIT_COLUMNS),
    )
