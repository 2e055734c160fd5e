"""Worker processes for the FnApiRunner, ready before the graph is built.

With ``--direct_running_mode=multi_processing`` Beam's FnApiRunner starts
each SDK worker (``python -m apache_beam.runners.worker.sdk_worker_main``)
only once the graph is planned, built and handed to it; every worker then
spends ~1 s importing Beam and our stages while the driver waits (timelines
of single runs, not a benchmark). Here the processes exist before the
graph does, each waiting for the runner's request to run Beam's own worker
main, with the environment Beam gives its subprocess workers. The runner
reaches them through Beam's external worker-pool environment; Beam's runner
and worker code are unchanged.

The processes are either forks of the driver, which has imported Beam and
our stages already (ready at once; ``newsbeam run`` on Linux), or new
interpreters that import them while the driver plans and builds (``spawn``:
any process, any platform). gRPC supports a fork only before the process
has made any gRPC object, so only a fresh process may fork its workers.

Top-level imports stay light: a spawned process runs this module first.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

STOP_WAIT_SECONDS = 30.0


def can_fork() -> bool:
    """Whether workers may be forks of this process's interpreter: Linux only
    (elsewhere a fork copies system libraries that do not survive it)."""
    return sys.platform.startswith("linux")


class PrestartedWorkers:
    """``count`` worker processes, each waiting for one start request.

    ``fork``: the processes are copies of this one (on Linux; elsewhere they
    are spawned). Only for a process that has made no gRPC object yet.

    A context manager around the run: on exit the processes never asked to
    start are killed, and the others (whose runner has stopped them) are
    waited for, up to ``STOP_WAIT_SECONDS`` each before being killed."""

    def __init__(self, count: int, fork: bool = False) -> None:
        context: Any = multiprocessing.get_context("fork" if fork and can_fork() else "spawn")
        self._procs: list[Any] = []
        self._requests: list[Connection] = []
        for number in range(count):
            receive, send = context.Pipe(duplex=False)
            # A forked process inherits every pipe made so far; it closes the
            # sending ends, so that the driver's death ends its input.
            inherited = [*self._requests, send] if context.get_start_method() == "fork" else []
            proc = context.Process(target=_wait_and_run, args=(receive, inherited),
                                   name=f"newsbeam-worker-{number + 1}")
            proc.start()
            receive.close()
            self._procs.append(proc)
            self._requests.append(send)
        self._started = 0
        self._closed = False
        self._lock = threading.Lock()
        self._server: Any = None

    @property
    def pids(self) -> list[int]:
        return [proc.pid for proc in self._procs]

    @property
    def started(self) -> int:
        """How many processes have been handed a start request."""
        return self._started

    @property
    def exit_codes(self) -> list[int | None]:
        return [proc.exitcode for proc in self._procs]

    def runner(self, options: Any) -> Any:
        """A FnApiRunner that runs ``options``' pipeline on these processes."""
        from apache_beam.options.pipeline_options import DirectOptions
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner

        # 'multi_processing' would make the runner start processes of its own
        # instead of using the environment it is given.
        options.view_as(DirectOptions).direct_running_mode = None
        return FnApiRunner(default_environment=self.environment())

    def environment(self) -> Any:
        """A Beam external environment whose worker pool, served on loopback
        until exit, hands each start request to the next waiting process."""
        import grpc
        from apache_beam.portability.api import beam_fn_api_pb2_grpc
        from apache_beam.runners.portability.local_job_service import BeamFnLoggingServicer
        from apache_beam.transforms.environments import ExternalEnvironment
        from apache_beam.utils import thread_pool_executor

        self._server = grpc.server(thread_pool_executor.shared_unbounded_instance())
        port = self._server.add_insecure_port("localhost:0")
        # The workers log here, as Beam's subprocess workers log to a server
        # of their own (the runner's would print each record as a message).
        beam_fn_api_pb2_grpc.add_BeamFnLoggingServicer_to_server(BeamFnLoggingServicer(), self._server)
        beam_fn_api_pb2_grpc.add_BeamFnExternalWorkerPoolServicer_to_server(
            _pool_servicer(self, f"localhost:{port}"), self._server)
        self._server.start()
        return ExternalEnvironment(f"localhost:{port}")

    def prepare(self, work: Callable[[], None]) -> None:
        """Has every waiting process call ``work`` (picklable) while it waits,
        e.g. build the tools its stages will borrow. Its failure is only
        logged: the stages then do that work themselves."""
        with self._lock:
            waiting = self._requests[self._started:]
        for request in waiting:
            try:
                request.send(("prepare", work))
            except OSError:
                pass  # that process has died: its start request will say so

    def start_worker(self, env: dict[str, str]) -> str:
        """Hands ``env`` to the next waiting process: '' or why it could not."""
        with self._lock:
            if self._closed:
                return "the run has ended"
            if self._started >= len(self._procs):
                return f"all {len(self._procs)} pre-started workers are in use"
            proc, request = self._procs[self._started], self._requests[self._started]
            self._started += 1
        if not proc.is_alive():
            return f"pre-started worker {proc.pid} has exited (status {proc.exitcode})"
        try:
            request.send(("start", env))
            request.close()
        except OSError as exc:
            return f"pre-started worker {proc.pid} did not take its start request: {exc}"
        return ""

    def __enter__(self) -> PrestartedWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.stop(0)
        with self._lock:
            started, idle = self._procs[: self._started], self._procs[self._started:]
            self._closed = True
        for proc in idle:
            proc.kill()
            proc.join()
        for proc in started:
            proc.join(STOP_WAIT_SECONDS)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for request in self._requests:
            request.close()


def _pool_servicer(workers: PrestartedWorkers, logging_url: str) -> Any:
    """Beam's worker-pool service over ``workers`` (the runner calls
    StartWorker once per worker it wants, and never StopWorker); the
    workers log to ``logging_url``."""
    from apache_beam.portability.api import beam_fn_api_pb2, beam_fn_api_pb2_grpc, endpoints_pb2
    from google.protobuf import text_format

    logging_endpoint = text_format.MessageToString(endpoints_pb2.ApiServiceDescriptor(url=logging_url))

    class Pool(beam_fn_api_pb2_grpc.BeamFnExternalWorkerPoolServicer):  # type: ignore[misc]
        def StartWorker(self, request: Any, context: Any = None) -> Any:
            env = {  # as Beam's SubprocessSdkWorker sets them for its worker process
                "CONTROL_API_SERVICE_DESCRIPTOR": text_format.MessageToString(request.control_endpoint),
                "LOGGING_API_SERVICE_DESCRIPTOR": logging_endpoint,
                "PIPELINE_OPTIONS": "{}",  # the FnApiRunner provisions its workers no options
                "WORKER_ID": request.worker_id,
            }
            return beam_fn_api_pb2.StartWorkerResponse(error=workers.start_worker(env))

        def StopWorker(self, request: Any, context: Any = None) -> Any:
            return beam_fn_api_pb2.StopWorkerResponse()

    return Pool()


def _wait_and_run(requests: Connection, inherited: list[Connection]) -> None:
    """A worker process: imports Beam's worker and our stages (nothing left
    to import in a fork), does the work it is asked to prepare, waits for
    its start request (the end of its input means none comes), then runs
    Beam's worker main as ``python -m ...sdk_worker_main`` would."""
    for conn in inherited:
        conn.close()
    from apache_beam.runners.worker import sdk_worker_main

    from pipeline.runners import warm_worker

    warm_worker()
    while True:
        try:
            kind, payload = requests.recv()
        except EOFError:
            return
        if kind == "start":
            break
        try:
            payload()
        except Exception:  # the stages will try again, and report what fails
            logging.getLogger(__name__).warning("preparing worker %s failed", os.getpid(), exc_info=True)
    root = logging.getLogger()
    for handler in list(root.handlers):  # a fork's copies of the driver's: Beam's worker logs to the runner
        root.removeHandler(handler)
    os.environ.update(payload)
    sdk_worker_main.main([])
