"""Entry file for schedulers that run a Beam Python file (Airflow's
BeamRunPythonPipelineOperator): ``python newsbeam_job.py [newsbeam run flags]``."""

import sys

from pipeline.cli import main

if __name__ == "__main__":
    sys.exit(main(["run", *sys.argv[1:]]))
