"""The short table printed at the end of a run."""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
import pyarrow.dataset as ds
from apache_beam.io.filesystems import FileSystems

COLUMNS = ("visitor", "destination_country", "destination_city", "status", "start_date", "date_precision", "publisher")


def _events_of_run(out_dir: str, run_id: str) -> list[dict[str, Any]]:
    path = FileSystems.join(out_dir, "visit_events")
    if "://" in out_dir or not FileSystems.exists(path):
        return []
    table = ds.dataset(path, format="parquet", partitioning="hive").to_table(
        columns=list(COLUMNS), filter=pc.field("run_id") == run_id
    )
    return table.to_pylist()


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[str(r.get(c) if r.get(c) is not None else "") for c in COLUMNS] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(COLUMNS)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(COLUMNS, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def print_summary(manifest: dict[str, Any]) -> None:
    counts = manifest["counts"]
    rows = _events_of_run(manifest["settings"]["output"], manifest["run_id"])
    print(f"\nVisit events found in run {manifest['run_id']} ({len(rows)}):")
    print(_table(rows) if rows else "  none new (items already processed by an earlier run are skipped)")
    print(
        "\nfeeds read {feeds_read} (unchanged {feeds_unchanged}, errors {feed_errors}) | items seen {items_seen} | "
        "duplicates {duplicates_skipped} | already processed {already_processed} | articles {articles_written} | "
        "events {events_written} | errors {errors_written}".format(**counts)
    )
    print(f"balanced (seen = articles + skipped + item errors): {manifest['balanced']}")
    print(f"output: {manifest['settings']['output']}  manifest: _runs/{manifest['run_id']}.json")
