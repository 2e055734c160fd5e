"""``build_pipeline(options)``: the batch graph, one linear chain to one sink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineRunner

from newsbeam.boilerplate import BoilerplateRules
from newsbeam.config import resolve_path
from pipeline.plan import RunPlan, plan_run
from pipeline.runners import spread_keys
from transforms.boilerplate import StripConfiguredBoilerplate
from transforms.dedup import SkipDuplicates
from transforms.events import ExtractVisitEvents, events_tool
from transforms.extract import ExtractArticles, extractor_tool
from transforms.fetch import FetchPages
from transforms.read_feeds import ReadFeeds
from transforms.run_wide import SPILL_DIR, RunWideStages
from transforms.worker_tools import WorkerTools
from transforms.write import WriteDatasets


def boilerplate_rules(cfg: dict[str, Any]) -> dict[str, Any]:
    """The configured rules, loaded on the driver and shipped to workers."""
    return BoilerplateRules.from_file(resolve_path(cfg, cfg["boilerplate"]["rules"])).to_dict()


def worker_tools(cfg: dict[str, Any]) -> list[tuple[str, Callable[[], Any]]]:
    """The heavy tools (key, build) that the stages borrow from ``WorkerTools``."""
    return [extractor_tool(cfg["extract"]), events_tool()]


def add_stages(records: beam.PCollection, plan: RunPlan, spill_dir: str,
               keys: list[int] | None = None, tools: WorkerTools | None = None) -> beam.PCollection:
    """Stages 2-6, shared by batch and stream: items in, articles with events
    out. Articles wait in ``spill_dir`` during the run-wide steps. ``keys``:
    as many as ``pipeline.fetch_shards``, to group under when the runner
    spreads some keys more evenly than others (``spread_keys``). ``tools``:
    the handle whose tools a worker may have built already."""
    cfg = plan.config
    # One handle: each worker builds its extractors once, whatever the runner's bundles.
    tools = tools if tools is not None else WorkerTools()
    return (
        records
        | "SkipDuplicates" >> SkipDuplicates(plan.known_ids)
        | "FetchPages" >> FetchPages(cfg["fetch"], shards=int(cfg["pipeline"]["fetch_shards"]), keys=keys)
        | "ExtractArticles" >> ExtractArticles(cfg["extract"], tools)
        | "StripBoilerplate" >> StripConfiguredBoilerplate(boilerplate_rules(cfg))
        | "RunWide" >> RunWideStages(spill_dir, cfg["dedup"], cfg["boilerplate"]["learn"], plan.earlier_signatures,
                                     restore_keys=keys)
        | "ExtractVisitEvents" >> ExtractVisitEvents(tools)
    )


def build_pipeline(options: PipelineOptions, plan: RunPlan | None = None,
                   runner: PipelineRunner | None = None, tools: WorkerTools | None = None) -> beam.Pipeline:
    """The batch pipeline for ``options`` (and the run ``plan``, made from
    the options when not given), on ``runner`` (else the options' runner),
    its DoFns borrowing from ``tools``. Nothing runs until ``.run()``."""
    plan = plan or plan_run(options)
    pipeline = beam.Pipeline(runner=runner, options=options)
    keys = spread_keys(options, int(plan.config["pipeline"]["fetch_shards"]))
    records = pipeline | "ReadFeeds" >> ReadFeeds(plan.sources, plan.config["fetch"], plan.validators, plan.archives,
                                                  keys)
    flush_rows = int(plan.config["pipeline"]["flush_rows"])
    (
        add_stages(records, plan, FileSystems.join(plan.staging_dir, SPILL_DIR), keys, tools)
        | "WriteDatasets" >> WriteDatasets(plan.staging_dir, plan.run_id, plan.ingest_date, flush_rows)
    )
    return pipeline
