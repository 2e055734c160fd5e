"""``build_pipeline(options)``: the batch graph, one linear chain to one sink."""

from __future__ import annotations

from typing import Any

import apache_beam as beam
from apache_beam.options.pipeline_options import PipelineOptions

from newsbeam.boilerplate import BoilerplateRules
from newsbeam.config import resolve_path
from pipeline.plan import RunPlan, plan_run
from transforms.boilerplate import LearnBoilerplate, StripConfiguredBoilerplate
from transforms.dedup import SkipDuplicates
from transforms.events import ExtractVisitEvents
from transforms.extract import ExtractArticles
from transforms.fetch import FetchPages
from transforms.near_dups import NearDuplicates
from transforms.read_feeds import ReadFeeds
from transforms.write import WriteDatasets


def boilerplate_rules(cfg: dict[str, Any]) -> dict[str, Any]:
    """The configured rules, loaded on the driver and shipped to workers."""
    return BoilerplateRules.from_file(resolve_path(cfg, cfg["boilerplate"]["rules"])).to_dict()


def _near_duplicates(plan: RunPlan) -> beam.PTransform:
    """Clusters copies of one story (before learned boilerplate, which counts
    stories by cluster); a no-op when ``dedup.near_duplicates`` is off."""
    dedup = plan.config["dedup"]
    if not dedup.get("near_duplicates", True):
        return beam.Map(lambda record: record)
    return NearDuplicates(dedup, plan.earlier_signatures)


def add_stages(records: beam.PCollection, plan: RunPlan) -> beam.PCollection:
    """Stages 2-6, shared by batch and stream: items in, articles with events out."""
    cfg = plan.config
    return (
        records
        | "SkipDuplicates" >> SkipDuplicates(plan.known_ids)
        | "FetchPages" >> FetchPages(cfg["fetch"], shards=int(cfg["pipeline"]["fetch_shards"]))
        | "ExtractArticles" >> ExtractArticles(cfg["extract"])
        | "StripBoilerplate" >> StripConfiguredBoilerplate(boilerplate_rules(cfg))
        | "NearDuplicates" >> _near_duplicates(plan)
        | "LearnBoilerplate" >> LearnBoilerplate(cfg["boilerplate"]["learn"])
        | "ExtractVisitEvents" >> ExtractVisitEvents()
    )


def build_pipeline(options: PipelineOptions, plan: RunPlan | None = None) -> beam.Pipeline:
    """The batch pipeline for ``options`` (and the run ``plan``, made from
    the options when not given). Nothing runs until ``.run()``."""
    plan = plan or plan_run(options)
    pipeline = beam.Pipeline(options=options)
    records = pipeline | "ReadFeeds" >> ReadFeeds(plan.sources, plan.config["fetch"], plan.validators)
    flush_rows = int(plan.config["pipeline"]["flush_rows"])
    (
        add_stages(records, plan)
        | "WriteDatasets" >> WriteDatasets(plan.staging_dir, plan.run_id, plan.ingest_date, flush_rows)
    )
    return pipeline
