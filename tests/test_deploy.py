"""Production recipes: every config parses through the CLI and builds the
pipeline's portable graph for its runner (no job is submitted); the
Airflow DAG loads when Airflow is installed (``make test-airflow``)."""

from __future__ import annotations

import uuid
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions

from newsbeam.config import load_config
from pipeline.build import build_pipeline
from pipeline.cli import pipeline_argv
from pipeline.plan import plan_run
from pipeline.runners import DEFAULT_BATCH_RUNNER, with_defaults
from tests.pipeline_helpers import REPO

STAGES = ("ReadFeeds", "SkipDuplicates", "FetchPages", "ExtractArticles", "StripBoilerplate",
          "ExtractVisitEvents", "WriteDatasets")
RUNNERS = {"dataflow": "DataflowRunner", "flink": "FlinkRunner", "spark": "SparkRunner",
           "dask": "DaskRunner", "local": DEFAULT_BATCH_RUNNER}


@pytest.mark.parametrize("name", sorted(RUNNERS))
def test_config_parses_and_builds_the_portable_graph(name: str, tmp_path: Path) -> None:
    path = REPO / "configs" / f"{name}.yaml"
    argv = with_defaults(pipeline_argv(["--config", str(path)]), DEFAULT_BATCH_RUNNER)
    options = PipelineOptions(argv)
    assert (options.view_as(StandardOptions).runner or "").endswith(RUNNERS[name])
    cfg = load_config(path)
    # Where the job reads and writes is the recipe's; here it is a temp dir.
    cfg.update(output=str(tmp_path), feeds=[str(REPO / "samples" / "feeds" / "*.xml")], feeds_file=None)
    plan = plan_run(options, cfg)
    proto = build_pipeline(options, plan).to_runner_api()
    labels = {t.unique_name for t in proto.components.transforms.values()}
    assert all(stage in labels for stage in STAGES)
    assert len(proto.root_transform_ids) == 1


def test_production_configs_keep_state_and_output_off_the_machine() -> None:
    for name in ("dataflow", "flink", "spark"):
        cfg = load_config(REPO / "configs" / f"{name}.yaml")
        assert "://" in cfg["output"] and "://" in cfg["feeds_file"], name
        assert cfg["beam"]["setup_file"] == "./setup.py", name


def test_the_airflow_dag_loads() -> None:
    pytest.importorskip("airflow", reason="Airflow is not installed (make test-airflow installs it)")
    import inspect

    from airflow.models import DagBag

    folder = str(REPO / "deploy" / "airflow")
    takes_examples = "include_examples" in inspect.signature(DagBag.__init__).parameters  # gone in Airflow 3
    bag = DagBag(dag_folder=folder, include_examples=False) if takes_examples else DagBag(dag_folder=folder)
    assert not bag.import_errors, bag.import_errors
    dag = bag.dags.get("newsbeam_daily")  # read from the files, no metadata database needed
    assert dag is not None
    [task] = dag.tasks
    assert task.py_file.endswith("deploy/newsbeam_job.py")
    assert task.pipeline_options["config"].endswith("configs/dataflow.yaml")


def test_dask_preparation_fills_the_partitions_and_warms_the_workers() -> None:
    """Against an existing cluster: the address and 4 partitions a worker go
    to Beam's runner, bags shuffle by tasks (set, not looked up), and each
    worker imports the stages before any task."""
    import sys
    import time
    from contextlib import ExitStack

    import dask
    from dask.distributed import Client, LocalCluster

    from pipeline.runners import PARTITIONS_PER_WORKER, prepare_dask

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster.scheduler_address) as client:
        assert not any(client.run(lambda: "pipeline.build" in sys.modules).values())  # a fresh worker
        with ExitStack() as stack:
            argv = prepare_dask([f"--dask_address={cluster.scheduler_address}"], stack)
            assert dask.config.get("dataframe.shuffle.method") == "tasks"  # no dataframe import to find it
        assert dask.config.get("dataframe.shuffle.method", None) is None  # only for the run
        assert f"--dask_client_address={cluster.scheduler_address}" in argv
        assert f"--dask_npartitions={PARTITIONS_PER_WORKER}" in argv
        deadline = time.monotonic() + 60
        while not all(client.run(lambda: "pipeline.build" in sys.modules).values()):
            assert time.monotonic() < deadline, "the worker never imported the pipeline's stages"
            time.sleep(0.2)


class _BundleKeysFn(beam.DoFn):  # type: ignore[misc]
    """Writes each bundle's keys to a file of its own (a Dask partition is one bundle)."""

    def __init__(self, out: str) -> None:
        self._out = out

    def start_bundle(self) -> None:
        self._path = Path(self._out) / uuid.uuid4().hex

    def process(self, keyed: tuple[int, object]) -> None:
        with self._path.open("a") as fh:
            fh.write(f"{keyed[0]}\n")


def test_spread_keys_fill_the_dask_runners_partitions_equally(tmp_path: Path) -> None:
    """Beam's DaskRunner hashes GroupByKey keys into its partitions (64 plain
    shard numbers fell 5 to 11 to each of 8); ``spread_keys`` gives keys that
    land 8 to each, through a real GroupByKey on a 2-worker cluster."""
    distributed = pytest.importorskip("dask.distributed")
    from pipeline.runners import spread_keys
    from transforms.read_feeds import SOURCE_SLOTS

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=40) as cluster:
        options = PipelineOptions(with_defaults(["--runner=DaskRunner", "--dask_npartitions=8",
                                                 f"--dask_client_address={cluster.scheduler_address}"], ""))
        keys = spread_keys(options, 64)
        assert keys is not None and len(set(keys)) == 64
        pipeline = beam.Pipeline(options=options)
        _ = (pipeline
             | "Slots" >> beam.Create(range(SOURCE_SLOTS))  # as the run's first Create: its partitions
             | "Keys" >> beam.FlatMap(lambda slot: [(k, slot) for k in keys[slot::SOURCE_SLOTS]])
             | "Group" >> beam.GroupByKey()
             | "Record" >> beam.ParDo(_BundleKeysFn(str(tmp_path))))
        result = pipeline.run(test_runner_api=False)
        result.wait_until_finish()
        result.client.close()  # type: ignore[attr-defined]  # the DaskRunner leaves its client open
    partitions = [sorted(int(k) for k in f.read_text().split()) for f in tmp_path.iterdir()]
    assert sorted(len(p) for p in partitions) == [8] * 8, partitions
    assert sorted(k for p in partitions for k in p) == sorted(keys)
    assert spread_keys(PipelineOptions(["--runner=FnApiRunner"]), 64) is None  # it deals keys in turn itself
