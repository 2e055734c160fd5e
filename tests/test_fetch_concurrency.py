"""fetch_many: bounded by max_in_flight and per_host, per_host_delay spacing, slow hosts isolated.

Distinct hosts are names mapped to the one loopback server with ``resolve``;
the server counts concurrent requests per Host header.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, quick_config


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


def make(srv: TestServer, hosts: list[str], **overrides: object) -> Fetcher:
    resolve = {h: f"127.0.0.1:{srv.port}" for h in hosts}
    return Fetcher(FetchConfig.from_dict(quick_config(resolve=resolve, **overrides)))


def test_slow_host_does_not_stall_the_others(srv: TestServer) -> None:
    slow = [f"http://slow.test/slow?delay=1&n={i}" for i in range(6)]
    fast = [f"http://fast.test/page?n={i}" for i in range(20)]
    with make(srv, ["slow.test", "fast.test"], per_host=2, max_in_flight=4, read_timeout=5) as f:
        started = time.monotonic()
        results = f.fetch_many(slow + fast)
    assert all(r.ok for r in results)
    fast_done = [rec.at - started for rec in srv.requests if rec.headers["Host"] == "fast.test"]
    assert len(fast_done) == 20 and max(fast_done) < 0.8, max(fast_done)
    assert srv.max_active["slow.test"] == 2


def test_per_host_and_max_in_flight_bounds(srv: TestServer) -> None:
    hosts = [f"h{i}.test" for i in range(4)]
    urls = [f"http://{h}/slow?delay=0.3&n={n}" for n, h in itertools.product(range(8), hosts)]
    with make(srv, hosts, per_host=2, max_in_flight=6) as f:
        results = f.fetch_many(urls)
    assert all(r.ok for r in results) and [r.url for r in results] == urls
    assert max(srv.max_active[h] for h in hosts) == 2
    assert srv.max_active["*"] <= 6
    assert srv.max_active["*"] >= 4  # it did run concurrently


def test_per_host_limit_holds_for_concurrent_fetch_calls(srv: TestServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with make(srv, ["one.test"], per_host=2) as f, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: f.fetch(f"http://one.test/slow?delay=0.1&n={i}"), range(8)))
    assert all(r.ok for r in results) and srv.max_active["one.test"] == 2


def test_per_host_delay_spaces_request_starts(srv: TestServer) -> None:
    urls = [f"http://polite.test/page?n={i}" for i in range(5)] + [f"http://other.test/page?n={i}" for i in range(5)]
    with make(srv, ["polite.test", "other.test"], per_host=4, per_host_delay=0.2) as f:
        results = f.fetch_many(urls)
    assert all(r.ok for r in results)
    for host in ("polite.test", "other.test"):
        starts = sorted(rec.at for rec in srv.requests if rec.headers["Host"] == host)
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        assert len(gaps) == 4 and min(gaps) >= 0.18, (host, gaps)


def test_fetch_many_results_for_every_url_even_on_errors(srv: TestServer) -> None:
    urls = ["file:///etc/passwd", "http://", "http://x.test/page", "http://x.test/status?code=404"]
    with make(srv, ["x.test"]) as f:
        results = f.fetch_many(urls)
    assert [r.error_type for r in results] == ["blocked_scheme", "invalid_url", None, "http_404"]
    assert f.fetch_many([]) == []
