"""Running a batch job: plan, build, run, commit, report."""

from __future__ import annotations

import logging
from contextlib import ExitStack
from functools import partial
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.runner import PipelineState

from newsbeam.config import resolve_path
from newsbeam.memory import limit_malloc_arenas, use_system_arrow_pool
from newsbeam.samples import SampleServer
from pipeline.build import build_pipeline, worker_tools
from pipeline.commit import commit, recover
from pipeline.plan import RunPlan, plan_run
from pipeline.runners import fnapi_worker_processes, is_dask, prepare_dask, runner_name
from pipeline.workers import PrestartedWorkers
from transforms.worker_tools import WorkerTools

_LOG = logging.getLogger(__name__)


class PipelineFailed(RuntimeError):
    """The pipeline itself failed (exit status 1)."""


def serve_samples(plan: RunPlan, stack: ExitStack) -> None:
    """Demo: serve the configured sample sites on loopback for this run."""
    root = plan.config["samples"].get("serve")
    if not root:
        return
    server = stack.enter_context(SampleServer(resolve_path(plan.config, root)))
    resolve = dict(plan.config["fetch"].get("resolve") or {})
    resolve.update(server.resolve_map())
    plan.config["fetch"]["resolve"] = resolve


def _close_dask_client(result: Any) -> None:
    """The DaskRunner leaves its client open; closed here, before the
    LocalCluster it talks to stops (else it logs reconnection errors)."""
    client = getattr(result, "client", None)
    if client is not None and hasattr(client, "close"):
        client.close()


def run_batch(beam_argv: list[str], config: dict[str, Any] | None = None,
              fork_workers: bool = False) -> dict[str, Any]:
    """Runs one batch job; returns its manifest. ``fork_workers``: the
    FnApiRunner's worker processes are forks of this one (see
    ``pipeline/workers.py``): only in a process that has made no gRPC
    object yet (no earlier run on worker processes), as ``newsbeam run``."""
    limit_malloc_arenas()  # settings the worker processes inherit
    use_system_arrow_pool()
    with ExitStack() as stack:
        workers = None
        if processes := fnapi_worker_processes(beam_argv):
            workers = stack.enter_context(PrestartedWorkers(processes, fork=fork_workers))
        if is_dask(beam_argv):
            beam_argv = prepare_dask(beam_argv, stack)
        options = PipelineOptions(beam_argv)
        plan = plan_run(options, config)
        tools = WorkerTools()
        if workers:  # they build the extractors while the driver builds the graph
            workers.prepare(partial(tools.prebuild, worker_tools(plan.config)))
        recover(plan.out_dir)
        serve_samples(plan, stack)
        # Beam round-trips a graph through its portable form before handing
        # it to a runner that takes the Python graph (the DaskRunner): a check
        # of Beam's, ~0.4 s of every run here, which the portable runners skip.
        runner = workers.runner(options) if workers else None
        result = build_pipeline(options, plan, runner, tools).run(
            test_runner_api=False if is_dask(beam_argv) else "AUTO")
        state = result.wait_until_finish()
        _close_dask_client(result)
        if state not in (PipelineState.DONE, None) and str(state) != "DONE":
            raise PipelineFailed(f"pipeline ended in state {state}")
        return commit(plan, runner_name(beam_argv) or "")
