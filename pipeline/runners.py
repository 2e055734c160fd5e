"""Runner choice: Beam options pass through; only defaults are filled in."""

from __future__ import annotations

import importlib
import logging
import os
from contextlib import ExitStack
from typing import Any

from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

_LOG = logging.getLogger(__name__)

DASK_RUNNER = "apache_beam.runners.dask.dask_runner.DaskRunner"
# Without --runner, batch runs on the FnApiRunner: Beam's DirectRunner would
# first try Prism, whose binary it downloads, costing ~15 s offline.
DEFAULT_BATCH_RUNNER = "FnApiRunner"


def config_flags(beam: dict[str, Any]) -> list[str]:
    """The config's ``beam:`` mapping as command-line flags."""
    flags: list[str] = []
    for key, value in beam.items():
        if value is None or value is False:
            continue
        if value is True:
            flags.append(f"--{key}")
        elif isinstance(value, list):
            flags += [f"--{key}={v}" for v in value]
        else:
            flags.append(f"--{key}={value}")
    return flags


def register_optional_options() -> None:
    """Makes the options of the Flink, Spark and (when dask is installed)
    Dask runners known to the parser: Beam registers them on import."""
    import apache_beam.runners.portability.flink_runner
    import apache_beam.runners.portability.spark_runner

    try:
        import apache_beam.runners.dask.dask_runner  # noqa: F401
    except ImportError:
        pass


def _flag_value(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def runner_name(argv: list[str]) -> str | None:
    return _flag_value(argv, "--runner")


def with_defaults(argv: list[str], default_runner: str) -> list[str]:
    """``argv`` with our default runner when none is given, and the
    ``DaskRunner`` short name expanded to its module path."""
    argv = list(argv)
    runner = runner_name(argv)
    if runner is None:
        return [*argv, f"--runner={default_runner}"]
    if runner.lower() in ("dask", "daskrunner"):
        argv = [a for a in argv if a != runner and not a.startswith("--runner")]
        argv.append(f"--runner={DASK_RUNNER}")
    return argv


def fnapi_worker_processes(argv: list[str]) -> int:
    """How many SDK worker processes the FnApiRunner will start for
    ``argv`` (``--direct_running_mode=multi_processing``), else 0 (also
    with ``--late_workers``: the runner starts them itself)."""
    fnapi = (runner_name(argv) or "").rsplit(".", 1)[-1] == "FnApiRunner"
    late = "--late_workers" in argv or "--late-workers" in argv
    if not fnapi or late or _flag_value(argv, "--direct_running_mode") != "multi_processing":
        return 0
    try:
        count = int(_flag_value(argv, "--direct_num_workers") or 1)
    except ValueError:
        return 0  # Beam's option parsing reports it
    return count if count > 0 else os.cpu_count() or 1


def is_dask(argv: list[str]) -> bool:
    return _is_dask_runner(runner_name(argv))


def _is_dask_runner(runner: object) -> bool:
    return str(runner or "").endswith("DaskRunner")


PARTITIONS_PER_WORKER = 4


def prepare_dask(argv: list[str], stack: ExitStack) -> list[str]:
    """Points Beam's DaskRunner at the cluster: ``--dask_address`` (ours,
    or Beam's own ``--dask_client_address``), else a LocalCluster started
    here (one single-threaded worker per core). Without an address Beam's
    runner would quietly start a default cluster of its own. Also sets
    ``--dask_npartitions`` to 4 per worker unless given (Beam's default
    partitioning measured 3-4x slower; 4 per worker lets a worker that
    finishes early take more). Settings made here last until ``stack`` closes."""
    import dask
    from dask.distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)  # dask sets INFO on import
    # Bags shuffle by tasks on a distributed cluster whatever this says, but
    # without it every groupby first imports dask.dataframe (and dask.array,
    # scipy.fft) to look up the dataframe default: ~0.55 s of the driver's run.
    stack.enter_context(dask.config.set({"dataframe.shuffle.method": "tasks"}))
    argv = list(argv)
    address = _flag_value(argv, "--dask_client_address") or _flag_value(argv, "--dask_address") \
        or _flag_value(argv, "--dask-address")
    if address is None:
        cores = os.cpu_count() or 1
        cluster = stack.enter_context(
            LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None,
                         silence_logs=logging.ERROR)
        )
        address = str(cluster.scheduler_address)
        _LOG.info("started a dask LocalCluster with %d workers at %s", cores, address)
    if _flag_value(argv, "--dask_client_address") is None:
        argv.append(f"--dask_client_address={address}")
    with Client(address) as client:
        workers = list(client.scheduler_info().get("workers", {}))
        warm_workers(client, workers)
        if _flag_value(argv, "--dask_npartitions") is None:
            argv.append(f"--dask_npartitions={PARTITIONS_PER_WORKER * max(1, len(workers))}")
    return argv


def warm_workers(client: Any, workers: list[str]) -> None:
    """Each worker imports Beam and our stages while the driver plans and
    builds the graph (~1 s on a fresh worker, else paid by its first task;
    nothing on a worker that has them already): one task a worker, left to
    run after the client closes. Not ``client.run``, which waits for every
    worker's reply, and a worker busy importing replied ~0.65 s late
    (timed once with cProfile, not a benchmark)."""
    from dask.distributed import fire_and_forget

    for worker in workers:
        fire_and_forget(client.submit(warm_worker, workers=[worker], allow_other_workers=False, pure=False))


def spread_keys(options: PipelineOptions, count: int) -> list[int] | None:
    """``count`` keys for the batch graph's groupings (fetch shards, spill
    files to restore) that the runner spreads evenly over its partitions, or
    None when any distinct keys are spread evenly: the FnApiRunner deals a
    stage's keys to its workers in turn. The DaskRunner hashes each key into
    one of its partitions: 64 shards fell 5 to 11 to each of 8 partitions,
    and the worker that drew the large ones ran on alone for ~1.5 s of an
    18 s run (one run's task stream)."""
    if not _is_dask_runner(options.view_as(StandardOptions).runner):
        return None
    from apache_beam.runners.dask.dask_runner import DaskOptions

    npartitions = options.view_as(DaskOptions).npartitions
    return dask_spread_keys(count, npartitions) if npartitions else None


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def dask_spread_keys(count: int, npartitions: int) -> list[int]:
    """``count`` integer keys that a Dask bag groupby (Beam's DaskRunner
    GroupByKey) puts in equal numbers into the partitions of a run cut into
    ``npartitions``, ordered so that consecutive keys go to different
    partitions. Dask itself is asked where candidate keys land (a groupby on
    the local synchronous scheduler), rather than its hashing copied."""
    import dask
    import dask.bag as db

    from transforms.read_feeds import SOURCE_SLOTS

    # The run's partitions: its first Create (SOURCE_SLOTS elements) cut into
    # at most npartitions, then as many as a groupby of them gives (the same
    # through every later groupby).
    parts = db.from_sequence(range(SOURCE_SLOTS), npartitions=npartitions).groupby(_first).npartitions
    candidates = list(range(8 * max(count, parts)))
    chunks = [[(key, None) for key in candidates[i::parts]] for i in range(parts)]
    bag = db.from_delayed([dask.delayed(chunk) for chunk in chunks]).groupby(_first, shuffle="tasks")
    landed = dask.compute(*bag.map(_first).to_delayed(), scheduler="sync")
    queues = [sorted(found, reverse=True) for found in landed if found]
    keys: list[int] = []
    while len(keys) < count:
        keys += [queue.pop() for queue in queues if queue][:count - len(keys)]
    return keys


def warm_worker() -> None:
    """Imports what the pipeline's tasks will need (a task on each Dask worker)."""
    importlib.import_module("pipeline.build")  # Beam, and every stage's modules
