"""Production recipes: every config parses through the CLI and builds the
pipeline's portable graph for its runner (no job is submitted); the
Airflow DAG loads when Airflow is installed (``make test-airflow``)."""

from __future__ import annotations

from pathlib import Path

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
