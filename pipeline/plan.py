"""What a run will do, decided on the driver before the graph is built:
its id, its sources, its config, and what earlier runs already wrote."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions

from newsbeam.config import ConfigError, load_config, merge, resolve_path
from newsbeam.parquet import read_table
from newsbeam.syndication.store import load_earlier_members
from pipeline.options import NewsbeamOptions

STAGING = "_staging"
STATE = "_state"
RUNS = "_runs"


@dataclass
class RunPlan:
    run_id: str
    out_dir: str
    config: dict[str, Any]
    sources: list[str]
    started_at: dt.datetime
    archives: tuple[str, ...] = ()  # WARC archives of stored pages
    known_ids: frozenset[str] = frozenset()
    validators: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Earlier runs' articles with their near-duplicate cluster and MinHash
    # signature (newsbeam.syndication.Member), when near_duplicates is on.
    earlier_signatures: list[Any] = field(default_factory=list)

    @property
    def staging_dir(self) -> str:
        return FileSystems.join(self.out_dir, STAGING, self.run_id)

    @property
    def ingest_date(self) -> str:
        return self.started_at.date().isoformat()


def new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def read_sources_file(path: str) -> list[str]:
    try:
        with FileSystems.open(path) as fh:
            lines = fh.read().decode("utf-8").splitlines()
    except Exception as exc:
        raise ConfigError(f"cannot read --feeds-file {path}: {exc}") from exc
    return [x.strip() for x in lines if x.strip() and not x.strip().startswith("#")]


def _resolved(cfg: dict[str, Any], sources: list[str]) -> list[str]:
    resolved = []
    for src in sources:
        if "://" in src:
            resolved.append(src)
        else:
            path = resolve_path(cfg, src) if not any(c in src for c in "*?[") else src
            resolved.append(str(path))
    return list(dict.fromkeys(resolved))


def _sources(cfg: dict[str, Any], opts: NewsbeamOptions) -> list[str]:
    """The feeds: ``--feed`` replaces the config's feeds, ``--feeds-file``
    its feeds file; ``--warc`` alone replaces both (only the archive runs)."""
    from_config = not opts.warc
    sources = list(opts.feed) if opts.feed else list(cfg.get("feeds") or []) if from_config else []
    feeds_file = opts.feeds_file or (cfg.get("feeds_file") if from_config else None)
    if feeds_file:
        sources += read_sources_file(feeds_file)
    return _resolved(cfg, sources)


def _archives(cfg: dict[str, Any], opts: NewsbeamOptions) -> tuple[str, ...]:
    """``--warc`` replaces the config's archives; ``--feed`` or ``--feeds-file`` alone drops them."""
    from_config = not (opts.feed or opts.feeds_file)
    archives = list(opts.warc) if opts.warc else list(cfg.get("warcs") or []) if from_config else []
    return tuple(_resolved(cfg, archives))


def _overrides(opts: NewsbeamOptions) -> dict[str, Any]:
    over: dict[str, Any] = {}
    if opts.allow_private_hosts:
        over.setdefault("fetch", {})["allow_private_hosts"] = True
    if opts.extract_backend:
        over.setdefault("extract", {})["backend"] = opts.extract_backend
    if opts.out:
        over["output"] = opts.out
    return over


def _dataset_files(out_dir: str, dataset: str) -> list[str]:
    pattern = FileSystems.join(out_dir, dataset, "*", "*.parquet")
    try:
        return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    except Exception:
        return []


def known_item_ids(out_dir: str) -> frozenset[str]:
    """Items an earlier run carried through: written articles, and items
    whose failure was final (a later run would fail the same way)."""
    ids: set[str] = set()
    for path in _dataset_files(out_dir, "articles"):
        ids.update(read_table(path).column("article_id").to_pylist())
    for path in _dataset_files(out_dir, "errors"):
        table = read_table(path)
        if "retryable" in table.column_names and "item_id" in table.column_names:
            for item_id, retryable in zip(table.column("item_id").to_pylist(), table.column("retryable").to_pylist()):
                if item_id and retryable is False:
                    ids.add(item_id)
    return frozenset(ids)


def read_feed_state(out_dir: str) -> dict[str, dict[str, Any]]:
    """What earlier runs saw of each feed: ETag, Last-Modified, content hash."""
    from newsbeam.fetch import FeedStateStore

    return dict(FeedStateStore(FileSystems.join(out_dir, STATE)).items())


def _earlier_signatures(cfg: dict[str, Any], out_dir: str) -> list[Any]:
    dedup = cfg.get("dedup") or {}
    if not dedup.get("near_duplicates", True):
        return []
    return list(load_earlier_members(out_dir, int(dedup.get("num_perm", 128))))


def plan_run(options: PipelineOptions, config: dict[str, Any] | None = None) -> RunPlan:
    """Reads the config (ConfigError on a bad one) and the output's state."""
    opts = options.view_as(NewsbeamOptions)
    cfg = merge(config, _overrides(opts)) if config is not None else load_config(opts.config, _overrides(opts))
    now = dt.datetime.now(dt.timezone.utc)
    out_dir = str(cfg["output"])
    return RunPlan(
        run_id=opts.run_id or new_run_id(now),
        out_dir=out_dir,
        config=cfg,
        sources=_sources(cfg, opts),
        started_at=now,
        archives=_archives(cfg, opts),
        known_ids=known_item_ids(out_dir),
        validators=read_feed_state(out_dir),
        earlier_signatures=_earlier_signatures(cfg, out_dir),
    )
