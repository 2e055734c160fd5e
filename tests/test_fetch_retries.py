"""Retry rules: what is retried, how often, how long it waits (backoff, Retry-After)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import quote

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, quick_config


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


def make(**overrides: object) -> Fetcher:
    return Fetcher(FetchConfig.from_dict(quick_config(**overrides)))


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429, 408])
def test_transient_status_is_retried_until_success(srv: TestServer, status: int) -> None:
    path = f"/flaky?status={status}&fail=2"
    with make(attempts=3) as f:
        r = f.fetch(srv.url(path))
    assert r.ok and r.attempts == 3 and srv.paths().count(path) == 3


def test_transient_status_after_all_attempts_is_retryable(srv: TestServer) -> None:
    path = "/flaky?status=500&fail=9"
    with make(attempts=3) as f:
        r = f.fetch(srv.url(path))
    assert not r.ok and r.error_type == "http_500" and r.status == 500
    assert r.attempts == 3 and r.retryable and srv.paths().count(path) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451])
def test_4xx_other_than_429_is_final(srv: TestServer, status: int) -> None:
    path = f"/flaky?status={status}&fail=9"
    with make(attempts=3) as f:
        r = f.fetch(srv.url(path))
    assert r.error_type == f"http_{status}" and r.attempts == 1 and not r.retryable
    assert srv.paths().count(path) == 1


def test_connection_reset_is_retried(srv: TestServer) -> None:
    with make(attempts=3) as f:
        r = f.fetch(srv.url("/reset?fail=2"))
    assert r.ok and r.attempts == 3
    with make(attempts=2) as f:
        bad = f.fetch(srv.url("/reset?fail=5"))
    assert bad.error_type == "connection_error" and bad.retryable and bad.attempts == 2


def test_truncated_body_is_retried(srv: TestServer) -> None:
    with make(attempts=2) as f:
        r = f.fetch(srv.url("/truncated?fail=1"))
        bad = f.fetch(srv.url("/truncated?fail=5"))
    assert r.ok and r.attempts == 2
    assert bad.error_type == "truncated" and bad.retryable and "2000" in (bad.error_message or "")


def test_timeout_is_retried(srv: TestServer) -> None:
    with make(attempts=2, read_timeout=0.2) as f:
        r = f.fetch(srv.url("/slow?delay=0.6"))
    assert r.error_type == "timeout" and r.attempts == 2 and r.retryable
    assert srv.paths().count("/slow?delay=0.6") == 2


def test_retry_after_seconds_is_honoured(srv: TestServer) -> None:
    with make(attempts=2, backoff_base=0.0) as f:
        started = time.monotonic()
        r = f.fetch(srv.url("/flaky?status=503&fail=1&retry_after=1"))
    assert r.ok and r.attempts == 2 and time.monotonic() - started >= 1.0
    gap = srv.requests[1].at - srv.requests[0].at
    assert gap >= 0.95, gap


def test_retry_after_http_date_is_honoured(srv: TestServer) -> None:
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=2), usegmt=True)
    path = "/flaky?status=429&fail=1&retry_after=" + quote(when)
    with make(attempts=2, backoff_base=0.0) as f:
        r = f.fetch(srv.url(path))
    assert r.ok and r.attempts == 2
    assert srv.requests[1].at - srv.requests[0].at >= 0.9  # HTTP-dates have 1 s resolution


def test_retry_after_beyond_deadline_gives_up_at_once(srv: TestServer) -> None:
    with make(attempts=3, deadline=2.0) as f:
        started = time.monotonic()
        r = f.fetch(srv.url("/flaky?status=503&fail=9&retry_after=120"))
    assert time.monotonic() - started < 0.5
    assert r.error_type == "http_503" and r.retryable and r.attempts == 1
    assert "Retry-After" in (r.error_message or "")


def test_backoff_uses_full_jitter_within_the_cap(srv: TestServer) -> None:
    path = "/flaky?status=500&fail=9"
    with make(attempts=4, backoff_base=0.1, backoff_max=0.2) as f:
        started = time.monotonic()
        r = f.fetch(srv.url(path))
        elapsed = time.monotonic() - started
    times = [rec.at for rec in srv.requests]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert r.attempts == 4 and len(gaps) == 3
    assert all(gap < 0.2 + 0.15 for gap in gaps), gaps  # 0.1, 0.2, 0.2 caps (+ request time)
    assert elapsed < 1.0
