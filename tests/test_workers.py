"""Worker processes started with the run for the FnApiRunner (pipeline/workers.py)."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

import pipeline.cli
import pipeline.run
import pipeline.workers
from newsbeam.config import load_config
from pipeline.run import run_batch
from pipeline.runners import fnapi_worker_processes
from pipeline.workers import PrestartedWorkers
from tests.pipeline_helpers import REPO, VOLATILE_COLUMNS, comparable_rows, read_dataset

MULTI = ["--runner=FnApiRunner", "--direct_running_mode=multi_processing"]


def test_only_the_fnapi_runners_worker_processes_are_started_early() -> None:
    assert fnapi_worker_processes([*MULTI, "--direct_num_workers=2"]) == 2
    assert fnapi_worker_processes(["--runner", "FnApiRunner", "--direct_running_mode", "multi_processing",
                                   "--direct_num_workers", "3"]) == 3
    assert fnapi_worker_processes([*MULTI, "--direct_num_workers=0"]) == os.cpu_count()  # Beam: one per core
    assert fnapi_worker_processes([*MULTI, "--direct_num_workers=2", "--late_workers"]) == 0
    assert fnapi_worker_processes(["--runner=FnApiRunner", "--direct_num_workers=2"]) == 0  # in one process
    assert fnapi_worker_processes(["--runner=DirectRunner", "--direct_running_mode=multi_processing"]) == 0
    assert fnapi_worker_processes(["--runner=apache_beam.runners.dask.dask_runner.DaskRunner"]) == 0


def _gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().rsplit(")", 1)[-1].split()[0] == "Z":
            return True  # exited, not yet reaped by its parent
        time.sleep(0.1)
    return False


def test_a_dead_worker_is_reported_and_idle_workers_are_stopped_at_the_end() -> None:
    with PrestartedWorkers(2) as workers:
        first, second = workers.pids
        os.kill(first, 9)
        assert _gone(first, 10)
        error = workers.start_worker({"WORKER_ID": "w1"})
        assert f"pre-started worker {first} has exited" in error
        assert workers.started == 1
    assert _gone(second, 5)  # never asked: killed on exit, not left behind
    assert workers.exit_codes == [-9, -9]
    assert workers.start_worker({"WORKER_ID": "late"}) == "the run has ended"


@pytest.mark.parametrize("fork", [False, True])
def test_waiting_workers_exit_when_their_driver_dies(fork: bool) -> None:
    """A driver killed before the runner asked for its workers: each reads
    the end of its input and exits (a spawned one once its imports are
    done). A forked one must not keep its own or a sibling's input open."""
    driver = subprocess.run(
        [sys.executable, "-c", "import os, sys\nfrom pipeline.workers import PrestartedWorkers\n"
                               f"w = PrestartedWorkers(2, fork={fork})\nprint(*w.pids, flush=True)\nos._exit(0)"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    for pid in driver.stdout.split():
        assert _gone(int(pid), 60), pid


def _command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_text().split("\0")[:-1]


@pytest.mark.skipif(not pipeline.workers.can_fork(), reason="workers are forked on Linux only")
def test_forked_workers_are_copies_of_the_driver_and_spawned_ones_new_interpreters() -> None:
    script = ("import os\nfrom pipeline.workers import PrestartedWorkers\n"
              "with PrestartedWorkers(1, fork=True) as forked, PrestartedWorkers(1) as spawned:\n"
              "    print(open(f'/proc/{os.getpid()}/cmdline').read().split(chr(0))[:-1])\n"
              "    print(open(f'/proc/{forked.pids[0]}/cmdline').read().split(chr(0))[:-1])\n"
              "    print(open(f'/proc/{spawned.pids[0]}/cmdline').read().split(chr(0))[:-1])\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60,
                          check=True)
    driver, forked, spawned = done.stdout.splitlines()
    assert forked == driver  # the same program: a copy, with what the driver had imported
    assert "spawn_main" in spawned and spawned != driver


def test_waiting_workers_do_what_they_are_asked_to_prepare_and_survive_its_failure(tmp_path: Path) -> None:
    with PrestartedWorkers(2) as workers:
        workers.prepare(partial(int, "not a number"))  # fails in each process: only logged
        for n in (1, 2):
            workers.prepare(partial(Path.write_text, tmp_path / f"prepared-{n}", "yes"))  # both processes write it
        deadline = time.monotonic() + 60
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["prepared-1", "prepared-2"]
        assert workers.exit_codes == [None, None]  # still waiting for their start requests


@pytest.mark.slow
def test_two_early_workers_run_the_demo_as_the_in_process_runner_does(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[PrestartedWorkers] = []

    class Recorded(PrestartedWorkers):
        def __init__(self, count: int, fork: bool = False) -> None:
            assert not fork  # this test process has made gRPC objects: its workers are spawned
            super().__init__(count, fork)
            seen.append(self)

    monkeypatch.setattr(pipeline.run, "PrestartedWorkers", Recorded)
    config = REPO / "configs" / "local.yaml"
    one = run_batch([f"--out={tmp_path / 'one'}", "--runner=FnApiRunner"], load_config(config))
    assert not seen  # one worker runs inside the driver
    two = run_batch([f"--out={tmp_path / 'two'}", *MULTI, "--direct_num_workers=2"], load_config(config))
    [workers] = seen
    assert workers.started == 2 and workers.exit_codes == [0, 0]  # both served the run, then ended cleanly
    assert two["counts"] == one["counts"] and two["balanced"]
    for name, drop in VOLATILE_COLUMNS.items():
        expected = read_dataset(tmp_path / "one", name)
        assert expected.num_rows > 0
        assert comparable_rows(read_dataset(tmp_path / "two", name), drop) == comparable_rows(expected, drop), name


def test_the_cli_forks_its_workers_and_a_library_caller_spawns_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """``newsbeam run`` is a fresh process, so its workers may be forks of it
    (its row-for-row test is in test_samples_run.py); ``run_batch`` called
    by other code spawns them unless asked."""
    calls: list[tuple[list[str], bool]] = []

    def run(argv: list[str], config: object = None, fork_workers: bool = False) -> dict[str, object]:
        calls.append((argv, fork_workers))
        raise pipeline.run.PipelineFailed("stop here")

    monkeypatch.setattr(pipeline.run, "run_batch", run)
    config = str(REPO / "configs" / "local.yaml")
    assert pipeline.cli.main(["run", "--config", config, *MULTI, "--direct_num_workers=2"]) == 1
    [(argv, fork)] = calls
    assert fork and "--direct_num_workers=2" in argv
    assert inspect.signature(run_batch).parameters["fork_workers"].default is False
