"""The daily newsbeam batch job, scheduled by Airflow.

Put this file in the DAGs folder and set Airflow Variables:
``newsbeam_repo`` (a checkout of this repository on the Airflow workers, with
``pip install -e .[gcp]`` done), ``newsbeam_config`` (default
``configs/dataflow.yaml``) and ``newsbeam_runner`` (default
``DataflowRunner``, which needs apache-airflow-providers-google; or
``FlinkRunner``/``SparkRunner`` with their configs). The job is incremental: it processes only items
not yet in the output, so a retried or re-run day adds nothing twice.
"""

from __future__ import annotations

import datetime as dt

from airflow import DAG
from airflow.models import Variable
from airflow.providers.apache.beam.operators.beam import BeamRunPythonPipelineOperator

REPO = Variable.get("newsbeam_repo", default_var="/opt/newsbeam")
CONFIG = Variable.get("newsbeam_config", default_var="configs/dataflow.yaml")
RUNNER = Variable.get("newsbeam_runner", default_var="DataflowRunner")

with DAG(
    dag_id="newsbeam_daily",
    description="news feeds to articles, visit events and visits (Parquet)",
    schedule="30 2 * * *",  # every day at 02:30 UTC
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    catchup=False,
    max_active_runs=1,  # one batch job at a time per output directory
    default_args={"retries": 2, "retry_delay": dt.timedelta(minutes=15)},
    tags=["newsbeam"],
) as dag:
    BeamRunPythonPipelineOperator(
        task_id="newsbeam_batch",
        py_file=f"{REPO}/deploy/newsbeam_job.py",
        runner=RUNNER,
        # The runner's options live in the config's `beam:` section.
        pipeline_options={"config": f"{REPO}/{CONFIG}"},
        py_interpreter="python3",
        py_system_site_packages=True,
    )
