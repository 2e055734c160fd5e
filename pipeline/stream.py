"""``newsbeam stream``: poll the feeds on a clock, write each item once, per window.

The graph (:func:`build_stream_pipeline`) is the same on every runner:
PollFeeds -> StreamDedup -> the batch stages 2-6 -> WriteWindows. How the
driver runs it depends on the runner:

* Runners that execute a graph stage by stage (the FnApiRunner, which the
  DirectRunner uses for this graph) hold everything behind a GroupByKey
  until their input ends, so one endless run would write nothing until it
  stops. The driver therefore runs the graph once per window: each run makes
  the polls due in that window, writes and commits it, and ends.
* Streaming runners (Dataflow, Flink, Prism...) get one run that polls until
  stopped.

Stopping: SIGTERM or Ctrl-C writes a stop marker under the run's state
directory; the poller sees it, makes no more polls, the open window is
written, and the command exits 0. A second signal ends the process at once
(the next start rolls forward what it left).
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
import threading
import time
from contextlib import ExitStack
from types import FrameType
from typing import Any

import apache_beam as beam
import pyarrow.parquet as pq
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import PipelineOptions, StandardOptions
from apache_beam.runners.runner import PipelineState

from newsbeam.config import ConfigError
from newsbeam.memory import limit_malloc_arenas, use_system_arrow_pool
from pipeline.build import add_stages
from pipeline.commit import build_manifest, public_config, save_feed_state, save_syndication
from pipeline.options import NewsbeamOptions
from pipeline.plan import RUNS, STATE, RunPlan, plan_run
from pipeline.run import serve_samples
from pipeline.runners import is_dask, runner_name, with_defaults
from transforms.run_wide import SPILL_DIR
from transforms.stream import NO_END, PollFeeds, PollSpec, StreamDedup
from transforms.stream_claims import guid_key
from transforms.stream_sink import WINDOWS_DIR, WriteWindows, match, read_json, recover_windows, write_json

_LOG = logging.getLogger(__name__)

STREAM_DIR = "stream"  # OUT/_state/stream/RUN_ID/: claims, staging, window records of a running stream
STOP_FILE = "STOP"
RUN_FILE = "run.json"
DEFAULT_STREAM_RUNNER = "FnApiRunner"
# Runners that run a graph stage by stage: the driver gives them one window per run.
STAGED_RUNNERS = ("FnApiRunner", "DirectRunner", "SwitchingDirectRunner", "BundleBasedDirectRunner")
LOCAL_WAIT_STEP_S = 1.0


class StreamSettings:
    """The stream options, checked: poll interval, window, max polls."""

    def __init__(self, options: PipelineOptions, config: dict[str, Any]) -> None:
        opts = options.view_as(NewsbeamOptions)
        poll, win = opts.poll_interval, opts.window
        self.poll_interval = float(poll if poll is not None else config["stream"]["poll_interval"])
        self.window = float(win if win is not None else config["stream"]["window"])
        self.max_polls: int | None = opts.max_polls
        if self.poll_interval <= 0 or self.window <= 0:
            raise ConfigError("--poll-interval and --window must be positive numbers of seconds")
        if self.max_polls is not None and self.max_polls < 1:
            raise ConfigError("--max-polls must be at least 1")

    @property
    def end(self) -> int:
        return self.max_polls if self.max_polls is not None else NO_END

    def as_dict(self) -> dict[str, Any]:
        return {"poll_interval": self.poll_interval, "window": self.window, "max_polls": self.max_polls}


def run_dir(out_dir: str, run_id: str) -> str:
    return FileSystems.join(out_dir, STATE, STREAM_DIR, run_id)


def known_guid_keys(out_dir: str) -> frozenset[str]:
    """Claim keys of the (publisher, guid) pairs already written to articles/."""
    keys: set[str] = set()
    for path in match(FileSystems.join(out_dir, "articles", "*", "*.parquet")):
        with FileSystems.open(path) as fh:
            table = pq.read_table(fh)
        if "guid" not in table.column_names:
            continue
        pairs = zip(table.column("publisher").to_pylist(), table.column("guid").to_pylist())
        keys.update(guid_key(publisher, guid) for publisher, guid in pairs if guid)
    return frozenset(keys)


def build_stream_pipeline(options: PipelineOptions, plan: RunPlan, settings: StreamSettings, spec: PollSpec,
                          known_guids: frozenset[str]) -> beam.Pipeline:
    """The streaming graph; the same for every runner."""
    pipeline = beam.Pipeline(options=options)
    rdir = run_dir(plan.out_dir, plan.run_id)
    records = (
        pipeline
        | "PollFeeds" >> PollFeeds(spec, plan.sources, plan.config["fetch"], plan.validators)
        | "StreamDedup" >> StreamDedup(settings.window, plan.known_ids, known_guids,
                                       FileSystems.join(rdir, "seen"), plan.run_id)
    )
    flush_rows = int(plan.config["pipeline"]["flush_rows"])
    spill = FileSystems.join(rdir, SPILL_DIR)
    add_stages(records, plan, spill) | "WriteWindows" >> WriteWindows(plan.out_dir, rdir, plan.run_id, flush_rows)
    return pipeline


class StopSignals:
    """SIGTERM/SIGINT: the first writes the stop marker, a second exits at once."""

    def __init__(self, stop_path: str) -> None:
        self.stop_path = stop_path
        self.requested = False
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise SystemExit(128 + signum)
        self.request()
        print("newsbeam: stopping after the current window is written (signal again to exit now)",
              file=sys.stderr, flush=True)

    def request(self) -> None:
        self.requested = True
        if not FileSystems.exists(self.stop_path):
            with FileSystems.create(self.stop_path) as fh:
                fh.write(b"stop\n")


def _is_staged(argv: list[str]) -> bool:
    name = (runner_name(argv) or DEFAULT_STREAM_RUNNER).rsplit(".", 1)[-1]
    return name in STAGED_RUNNERS


def _window_polls(start: float, settings: StreamSettings, first: int) -> int:
    """One past the last poll, from ``first`` on, due inside ``first``'s window."""
    due = start + settings.poll_interval * first
    window_end = (due // settings.window + 1) * settings.window
    end = first + 1
    while end < settings.end and start + settings.poll_interval * end < window_end:
        end += 1
    return end


def _run(options: PipelineOptions, plan: RunPlan, settings: StreamSettings, spec: PollSpec,
         known_guids: frozenset[str]) -> None:
    result = build_stream_pipeline(options, plan, settings, spec, known_guids).run()
    state = result.wait_until_finish()
    if state not in (PipelineState.DONE, None) and str(state) != "DONE":
        raise RuntimeError(f"pipeline ended in state {state}")


def _update_validators(plan: RunPlan, seen: set[str]) -> None:
    """Carries feed validators from committed windows into the next run."""
    for path in match(FileSystems.join(run_dir(plan.out_dir, plan.run_id), WINDOWS_DIR, "*.json")):
        if path in seen:
            continue
        seen.add(path)
        window = read_json(path)
        for rec in window.get("records", []):
            if rec.get("kind") == "feed" and rec.get("status") == "ok":
                plan.validators[rec["feed_url"]] = {k: rec.get(k) for k in ("etag", "last_modified", "content_sha1")}
        rows = window.get("rows", {})
        print(f"window {window['window']}: {rows.get('articles', 0)} articles, {rows.get('visit_events', 0)} events, "
              f"{rows.get('errors', 0)} errors", file=sys.stderr, flush=True)


def _drop_spill(plan: RunPlan) -> None:
    spill = FileSystems.join(run_dir(plan.out_dir, plan.run_id), SPILL_DIR)
    if FileSystems.exists(spill):
        FileSystems.delete([spill])


def run_windows(options: PipelineOptions, plan: RunPlan, settings: StreamSettings, stop: StopSignals,
                known_guids: frozenset[str]) -> int:
    """Stage-by-stage runners: one run per window until stopped or out of polls."""
    start, first, seen = time.time(), 0, set[str]()
    while not stop.requested and first < settings.end:
        end = _window_polls(start, settings, first)
        spec = PollSpec(start, settings.poll_interval, first, end, stop.stop_path, LOCAL_WAIT_STEP_S)
        _run(options, plan, settings, spec, known_guids)
        _drop_spill(plan)  # the window is written: its parked articles are not needed again
        _update_validators(plan, seen)
        first = end
    return first


def run_unbounded(options: PipelineOptions, plan: RunPlan, settings: StreamSettings, stop: StopSignals,
                  known_guids: frozenset[str], wait_step: float = 0.0) -> None:
    """Streaming runners: one run, polling until stopped (or out of polls).
    ``wait_step`` > 0 makes the clock wait in-process (for runners that
    ignore a resume delay and would otherwise spin)."""
    spec = PollSpec(time.time(), settings.poll_interval, 0, settings.end, stop.stop_path, wait_step)
    _run(options, plan, settings, spec, known_guids)


def finalize(plan: RunPlan, runner: str, extra: dict[str, Any]) -> dict[str, Any]:
    """The run's manifest in _runs/ from its committed windows; state saved, scratch removed."""
    rdir = run_dir(plan.out_dir, plan.run_id)
    recover_windows(rdir)
    windows = [read_json(p) for p in match(FileSystems.join(rdir, WINDOWS_DIR, "*.json"))]
    files = [f for w in windows for f in w.get("files", []) if FileSystems.exists(f)]
    records = [r for w in windows for r in w.get("records", [])]
    manifest = build_manifest(plan, [(f, f) for f in files], records, runner, dt.datetime.now(dt.timezone.utc))
    manifest["mode"] = "stream"
    manifest["stream"] = {**extra, "windows_written": len(windows),
                          "polls": len({r.get("poll") for r in records if r.get("kind") == "feed"})}
    save_feed_state(plan, records)
    save_syndication(plan, records, manifest)  # signatures for later runs, and the visits/ snapshot
    write_json(FileSystems.join(plan.out_dir, RUNS, f"{plan.run_id}.json"), manifest)
    FileSystems.delete([rdir])
    return manifest


def recover_streams(out_dir: str) -> list[str]:
    """Manifests for stream runs that ended without one (killed); their scratch removed."""
    done = []
    for path in match(FileSystems.join(out_dir, STATE, STREAM_DIR, "*", RUN_FILE)):
        info = read_json(path)
        plan = RunPlan(run_id=info["run_id"], out_dir=out_dir, config=info["config"], sources=info["sources"],
                       started_at=dt.datetime.fromisoformat(info["started_at"]))
        finalize(plan, info.get("runner") or "", {**info["stream"], "stopped_by": "interrupted"})
        done.append(plan.run_id)
    return done


def run_stream(beam_argv: list[str], config: dict[str, Any] | None = None,
               single_run: bool | None = None) -> dict[str, Any]:
    """Runs a streaming job until stopped; returns its manifest. ``single_run``
    (default: by runner) runs the graph once for all windows, as on a
    streaming runner, instead of once per window."""
    if is_dask(beam_argv):
        raise ConfigError("newsbeam stream does not run on the DaskRunner (no windows, no streaming sources)")
    limit_malloc_arenas()
    use_system_arrow_pool()
    options = PipelineOptions(beam_argv)
    options.view_as(StandardOptions).streaming = True
    plan = plan_run(options, config)
    if plan.archives:
        raise ConfigError("WARC archives (--warc, warcs:) are read by newsbeam run; a stream polls feeds only")
    settings = StreamSettings(options, plan.config)
    recover_streams(plan.out_dir)
    with ExitStack() as stack:
        serve_samples(plan, stack)  # the demo's sample sites on loopback, as batch does
        return _run_job(beam_argv, options, plan, settings, single_run)


def _run_job(beam_argv: list[str], options: PipelineOptions, plan: RunPlan, settings: StreamSettings,
             single_run: bool | None) -> dict[str, Any]:
    rdir = run_dir(plan.out_dir, plan.run_id)
    runner = runner_name(beam_argv) or DEFAULT_STREAM_RUNNER
    write_json(FileSystems.join(rdir, RUN_FILE), {
        "run_id": plan.run_id, "started_at": plan.started_at.isoformat(), "sources": plan.sources,
        "config": public_config(plan.config), "runner": runner, "stream": settings.as_dict()})
    known_guids = known_guid_keys(plan.out_dir)
    with StopSignals(FileSystems.join(rdir, STOP_FILE)) as stop:
        staged = _is_staged(beam_argv)
        per_window = staged if single_run is None else not single_run
        if per_window:
            run_windows(options, plan, settings, stop, known_guids)
        else:
            run_unbounded(options, plan, settings, stop, known_guids, LOCAL_WAIT_STEP_S if staged else 0.0)
        stopped_by = "signal" if stop.requested else "max_polls"
    return finalize(plan, runner, {**settings.as_dict(), "stopped_by": stopped_by})


def run_stream_cli(argv: list[str]) -> int:
    """``newsbeam stream ARGS``: exit 0 when stopped cleanly, 1 when the pipeline failed."""
    from pipeline.cli import _beam_parser, check_pipeline_args
    from pipeline.summary import print_summary

    if "-h" in argv or "--help" in argv:
        _beam_parser().print_help()
        return 0
    check_pipeline_args(argv)
    try:
        manifest = run_stream(with_defaults(argv, DEFAULT_STREAM_RUNNER))
    except ConfigError:
        raise
    except Exception as exc:  # the pipeline itself failed
        _LOG.exception("stream failed")
        print(f"newsbeam: stream failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print_summary(manifest)
    return 0
