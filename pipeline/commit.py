"""Making a run's files visible, all or nothing, and its manifest.

Workers write into ``OUT/_staging/RUN_ID/`` (readers never see it: dataset
readers skip ``_``-prefixed paths). When the pipeline has finished, the
driver writes a journal listing every move, then moves the files into the
datasets, then deletes the journal. A run killed before the journal leaves
only staging files, deleted by the next run; a run killed during the moves
is rolled forward by the next run (:func:`recover`), so no reader ever sees
a part of a run without the rest of it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from typing import Any

import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems

from newsbeam.fsio import apply_moves, delete_dir, match, read_json, write_json
from newsbeam.syndication.store import SIGNATURE, save_signatures, write_visits_snapshot
from pipeline.plan import RUNS, STAGING, STATE, RunPlan
from schemas import DATASETS
from transforms.write import RECORDS_DIR

_LOG = logging.getLogger(__name__)
JOURNAL = "_COMMITTING.json"


def _staged_moves(plan_out: str, staging: str) -> list[tuple[str, str]]:
    moves = []
    for dataset in DATASETS:
        for src in match(FileSystems.join(staging, dataset, "*", "*.parquet")):
            partition = src.rstrip("/").split("/")[-2]
            name = src.rstrip("/").split("/")[-1]
            moves.append((src, FileSystems.join(plan_out, dataset, partition, name)))
    return moves


def recover(out_dir: str) -> list[str]:
    """Finish interrupted commits and drop abandoned staging directories.
    One batch job at a time per output directory (documented)."""
    done = []
    for journal in match(FileSystems.join(out_dir, STAGING, "*", JOURNAL)):
        state = read_json(journal)
        apply_moves(state["moves"])
        write_json(FileSystems.join(out_dir, RUNS, f"{state['run_id']}.json"), state["manifest"])
        done.append(state["run_id"])
    root = FileSystems.join(out_dir, STAGING)
    runs = {path[len(root):].lstrip("/").split("/")[0] for path in match(FileSystems.join(root, "**"))}
    for run_id in sorted(r for r in runs if r):
        delete_dir(FileSystems.join(root, run_id))
    return done


def _num_rows(path: str) -> int:
    with FileSystems.open(path) as fh:
        return int(pq.ParquetFile(fh).metadata.num_rows)


def _records(staging: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for path in match(FileSystems.join(staging, RECORDS_DIR, "*.json")):
        out.extend(read_json(path))
    return out


def _item_errors(moves: list[tuple[str, str]]) -> tuple[int, Counter[str]]:
    """Errors that ended an item, and all errors by stage."""
    ended, by_stage = 0, Counter[str]()
    for src, _ in moves:
        if "/errors/" not in src.replace("\\", "/"):
            continue
        with FileSystems.open(src) as fh:
            table = pq.read_table(fh, columns=["stage", "item_id"])
        for stage, item_id in zip(table.column("stage").to_pylist(), table.column("item_id").to_pylist()):
            by_stage[stage] += 1
            ended += bool(item_id) and stage != "events"
    return ended, by_stage


def build_manifest(plan: RunPlan, moves: list[tuple[str, str]], records: list[dict[str, Any]],
                   runner: str, finished_at: dt.datetime) -> dict[str, Any]:
    rows = Counter[str]()
    for src, _ in moves:
        dataset = next(d for d in DATASETS if f"/{d}/" in src.replace("\\", "/"))
        rows[dataset] += _num_rows(src)
    item_errors, by_stage = _item_errors(moves)
    feeds = [r for r in records if r["kind"] == "feed" and not r.get("archive")]
    archives = [r for r in records if r["kind"] == "feed" and r.get("archive")]
    dups = Counter(r["reason"] for r in records if r["kind"] == "duplicate")
    counts: dict[str, Any] = {
        "feeds_read": len(feeds),
        "feeds_unchanged": sum(1 for f in feeds if f.get("status") == "not_modified"),
        "feed_errors": by_stage.get("feed", 0),
        "archives_read": len(archives),
        "items_seen": sum(int(f.get("items") or 0) for f in feeds + archives),
        "duplicates_skipped": dups["same_url"] + dups["same_guid"],
        "already_processed": dups["already_processed"],
        "articles_written": rows["articles"],
        "events_written": rows["visit_events"],
        "errors_written": rows["errors"],
        "item_errors": item_errors,
        "near_duplicates": sum(1 for r in records if r["kind"] == SIGNATURE and r.get("duplicate_of")),
        "errors_by_stage": dict(by_stage),
    }
    accounted = counts["articles_written"] + counts["duplicates_skipped"] + counts["already_processed"] + item_errors
    return {
        "run_id": plan.run_id,
        "mode": "batch",
        "runner": runner,
        "started_at": plan.started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "duration_s": round((finished_at - plan.started_at).total_seconds(), 3),
        "counts": counts,
        "balanced": counts["items_seen"] == accounted,
        "learned_boilerplate": sorted(
            (
                {k: r[k] for k in ("publisher", "line", "articles", "stories")}
                for r in records
                if r["kind"] == "learned"
            ),
            key=lambda r: (r["publisher"], r["line"]),
        ),
        "settings": {"sources": plan.sources, "archives": list(plan.archives), "output": plan.out_dir,
                     "config": public_config(plan.config)},
    }


def public_config(cfg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cfg.items() if not k.startswith("_")}


def save_feed_state(plan: RunPlan, records: list[dict[str, Any]]) -> None:
    """Remembers the validators of every feed read (a broken one too, so an
    unchanged broken feed is not reported again)."""
    from newsbeam.fetch import FeedStateStore

    store = FeedStateStore(FileSystems.join(plan.out_dir, STATE))
    read = (r for r in records if r["kind"] == "feed" and not r.get("archive"))
    for feed in (r for r in read if r.get("status") in ("ok", "malformed")):
        store.put(feed["feed_url"], etag=feed.get("etag"), last_modified=feed.get("last_modified"),
                  content_sha1=feed.get("content_sha1"))
    store.save()


def save_syndication(plan: RunPlan, records: list[dict[str, Any]], manifest: dict[str, Any]) -> None:
    """After the moves: the run's MinHash signatures (for later runs), and
    the ``visits/`` snapshot recomputed from all visit events (issue #7).
    Both are derived data: a failure is logged, never undoes the commit."""
    try:
        save_signatures(plan.out_dir, plan.run_id, records)
        manifest["counts"]["visits_written"] = write_visits_snapshot(plan.out_dir)
    except Exception as exc:
        _LOG.exception("syndication state or visits snapshot not written")
        manifest["syndication_error"] = f"{type(exc).__name__}: {exc}"


def commit(plan: RunPlan, runner: str) -> dict[str, Any]:
    """Moves the run's staged files into the datasets; returns the manifest."""
    staging = plan.staging_dir
    moves = _staged_moves(plan.out_dir, staging)
    records = _records(staging)
    manifest = build_manifest(plan, moves, records, runner, dt.datetime.now(dt.timezone.utc))
    journal = FileSystems.join(staging, JOURNAL)
    write_json(journal, {"run_id": plan.run_id, "moves": moves, "manifest": manifest})
    apply_moves(moves)
    save_feed_state(plan, records)
    save_syndication(plan, records, manifest)
    write_json(FileSystems.join(plan.out_dir, RUNS, f"{plan.run_id}.json"), manifest)
    delete_dir(staging)
    return manifest
