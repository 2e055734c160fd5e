"""``newsbeam stream`` end to end: a loopback site whose feeds gain items
between polls (and repeat old ones), the job run with ``--max-polls``, the
Parquet read back; a restart over the same output; SIGTERM mid-run."""

from __future__ import annotations

import glob
import json
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO

_WORDS = ("harbour", "council", "railway", "budget", "winter", "market", "school", "river", "bridge", "festival",
          "library", "museum", "airport", "garden", "factory", "stadium")


def story_text(n: int) -> str:
    """About 60 words of distinct prose for story ``n``."""
    topic = _WORDS[n % len(_WORDS)]
    return " ".join(
        f"Sentence {k} of story number {n} reports that the {topic} plan moved forward on day {k + n} "
        f"after residents discussed it at length."
        for k in range(5)
    )


class StreamSite:
    """``feed-a.xml`` lists items 0..(2p+1) at its poll p, ``feed-b.xml`` the
    even ones (same guids: one story in two feeds of the site). After
    :meth:`freeze` both keep listing what they listed last."""

    def __init__(self, per_poll: int = 2) -> None:
        self.per_poll = per_poll
        self._frozen: int | None = None
        self._max_count = 0
        self.requests: Counter[str] = Counter()
        self.served: set[str] = set()  # links listed in any feed served so far
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StreamSite:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def feeds(self) -> list[str]:
        return [f"{self.base}/feed-a.xml", f"{self.base}/feed-b.xml"]

    def link(self, n: int) -> str:
        return f"{self.base}/story/{n}.html"

    def freeze(self) -> None:
        with self._lock:
            self._frozen = self._max_count

    def _count(self, polls: int) -> int:
        return self.per_poll * (polls + 1)

    def _feed(self, name: str) -> bytes:
        with self._lock:
            self.requests[name] += 1
            polls = self.requests[name] - 1
            count = self._frozen if self._frozen is not None else self._count(polls)
            self._max_count = max(self._max_count, count)
            numbers = [n for n in range(count) if name == "feed-a.xml" or n % 2 == 0]
            self.served.update(self.link(n) for n in numbers)
        items = "".join(
            f"<item><guid isPermaLink='false'>story-{n}</guid><link>{escape(self.link(n))}</link>"
            f"<title>Story {n}</title><description>About story {n}</description></item>"
            for n in numbers
        )
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{name}</title>"
                f"<link>{self.base}/</link><description>poll {self.requests[name]}</description>{items}"
                f"</channel></rss>").encode()

    def _page(self, n: int) -> bytes:
        return (f"<!doctype html><html><head><title>Story {n}</title></head><body><article>"
                f"<h1>Story {n}</h1><p>{story_text(n)}</p></article></body></html>").encode()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path in ("/feed-a.xml", "/feed-b.xml"):
            self._send(handler, 200, self._feed(path[1:]), "application/rss+xml")
        elif path.startswith("/story/") and path.endswith(".html"):
            with self._lock:
                self.requests[path] += 1
            self._send(handler, 200, self._page(int(path[len("/story/"):-len(".html")])), "text/html; charset=utf-8")
        else:
            self._send(handler, 404, b"not found", "text/plain")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _events_module_ready() -> None:
    try:
        from newsbeam.events import VisitEventExtractor  # noqa: F401
        from newsbeam.extract import ArticleExtractor  # noqa: F401
        from newsbeam.fetch import Fetcher  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"a pipeline stage is not importable yet: {exc}")


def _args(site: StreamSite, out: Path, *extra: str) -> list[str]:
    return [*(f"--feed={f}" for f in site.feeds), f"--out={out}", "--allow-private-hosts",
            "--poll-interval=1", "--window=2", *extra]


def _table(out: Path, dataset: str) -> Any:
    return ds.dataset(out / dataset, format="parquet", partitioning="hive").to_table()


def _manifests(out: Path) -> list[dict[str, Any]]:
    runs = [json.loads(p.read_text()) for p in (out / "_runs").glob("*.json")]
    return sorted(runs, key=lambda m: m["started_at"])


def test_stream_writes_each_item_once_and_a_restart_adds_nothing(tmp_path: Path) -> None:
    _events_module_ready()
    from pipeline.stream import run_stream_cli

    out = tmp_path / "out"
    with StreamSite() as site:
        assert run_stream_cli(_args(site, out, "--max-polls=4")) == 0
        served = set(site.served)
        articles = _table(out, "articles")
        urls = articles.column("url").to_pylist()
        ids = articles.column("article_id").to_pylist()
        assert len(served) > site.per_poll  # the feeds grew between polls
        assert len(urls) == len(served)  # N distinct items -> N rows
        assert len(set(ids)) == len(ids)  # 0 duplicates
        assert set(urls) == served
        assert all(site.requests[f"/story/{u.rsplit('/', 1)[1]}"] == 1 for u in urls)  # each page fetched once
        first = _manifests(out)[-1]
        assert first["mode"] == "stream" and first["balanced"]
        assert first["counts"]["articles_written"] == len(served)
        assert first["stream"]["polls"] == 4

        site.freeze()
        assert run_stream_cli(_args(site, out, "--max-polls=2")) == 0
        assert _table(out, "articles").num_rows == len(served)  # a restart adds 0 rows
        second = _manifests(out)[-1]
        assert second["run_id"] != first["run_id"]
        assert second["counts"]["articles_written"] == 0
        assert second["counts"]["already_processed"] >= len(served)  # seen again, skipped by the seen-set
        assert second["balanced"]
        assert not list((out / "_state" / "stream").iterdir())  # no scratch left behind
    events = _table(out, "visit_events").column("event_id").to_pylist() if (out / "visit_events").exists() else []
    assert len(set(events)) == len(events)


def test_sigterm_mid_run_exits_0_and_leaves_only_whole_parquet_files(tmp_path: Path) -> None:
    _events_module_ready()
    out = tmp_path / "out"
    with StreamSite() as site:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "stream", *_args(site, out)], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            began = time.time()
            while not glob.glob(str(out / "articles" / "*" / "*.parquet")) and time.time() - began < 120:
                assert proc.poll() is None, proc.communicate()[0]
                time.sleep(0.2)
            time.sleep(1.0)  # into the next window's polls
            assert proc.poll() is None
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, output
    files = sorted(out.rglob("*.parquet"))
    assert files
    for path in files:
        table = pq.read_table(path)  # opens: a whole file
        # Window files are never empty; the visits snapshot and the state
        # caches may be (these pages report no visits).
        if "visits" not in path.parts and "_state" not in path.parts:
            assert table.num_rows > 0, path
    ids = _table(out, "articles").column("article_id").to_pylist()
    assert len(ids) == len(set(ids))
    manifest = _manifests(out)[-1]
    assert manifest["stream"]["stopped_by"] == "signal"
    assert manifest["counts"]["articles_written"] == len(ids)


def test_one_run_over_many_windows_as_on_a_streaming_runner(tmp_path: Path) -> None:
    """The graph as a streaming runner runs it: one run, several windows."""
    _events_module_ready()
    from pipeline.cli import check_pipeline_args
    from pipeline.runners import with_defaults
    from pipeline.stream import DEFAULT_STREAM_RUNNER, run_stream

    out = tmp_path / "out"
    with StreamSite() as site:
        argv = _args(site, out, "--max-polls=4", "--window=1")
        check_pipeline_args(argv)
        manifest = run_stream(with_defaults(argv, DEFAULT_STREAM_RUNNER), single_run=True)
        served = set(site.served)
    urls = _table(out, "articles").column("url").to_pylist()
    assert sorted(urls) == sorted(served)  # each item once
    assert manifest["stream"]["windows_written"] >= 3  # polls 1 s apart, windows of 1 s
    assert len(list((out / "articles").glob("*/*.parquet"))) >= 3
