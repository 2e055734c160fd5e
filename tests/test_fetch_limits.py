"""Limits: body size on the wire and after decompression, redirects, timeouts, deadline, memory."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, bomb, quick_config


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


def make(**overrides: object) -> Fetcher:
    return Fetcher(FetchConfig.from_dict(quick_config(**overrides)))


def test_content_length_over_max_bytes_is_refused_before_reading(srv: TestServer) -> None:
    with make(max_bytes=1_000_000) as f:
        r = f.fetch(srv.url("/big"))
    assert r.error_type == "too_large" and not r.retryable and r.attempts == 1 and "10000000" in (r.error_message or "")


def test_endless_body_is_cut_at_max_bytes_quickly_with_bounded_memory(srv: TestServer) -> None:
    max_bytes = 2_000_000
    with make(max_bytes=max_bytes, deadline=20) as f:
        tracemalloc.start()
        started = time.monotonic()
        r = f.fetch(srv.url("/endless"))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert r.error_type == "too_large" and not r.ok and r.text is None
    assert elapsed < 3.0, f"took {elapsed:.1f}s to stop an endless body"
    assert peak < 2 * max_bytes, f"peak traced memory {peak} bytes for max_bytes={max_bytes}"


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compression_bomb_is_stopped_after_decompression(srv: TestServer, encoding: str) -> None:
    max_bytes = 1_000_000
    assert len(bomb(encoding)) < 100_000  # built before tracing: the server shares this process
    with make(max_bytes=max_bytes) as f:
        tracemalloc.start()
        r = f.fetch(srv.url(f"/bomb?enc={encoding}"))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert r.error_type == "too_large" and "inflates" in (r.error_message or "")
    assert peak < 2 * max_bytes, f"peak traced memory {peak} bytes"


def test_compressed_page_within_limits_is_decoded(srv: TestServer) -> None:
    import gzip
    import zlib

    page = b"<html><body><p>" + b"news " * 2000 + b"</p></body></html>"
    srv.add("/gz", gzip.compress(page), Content_Encoding="gzip")
    srv.add("/zlib", zlib.compress(page), Content_Encoding="deflate")
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    srv.add("/raw", raw.compress(page) + raw.flush(), Content_Encoding="deflate")
    srv.add("/br", b"xx", Content_Encoding="br")
    with make() as f:
        for path in ("/gz", "/zlib", "/raw"):
            r = f.fetch(srv.url(path))
            assert r.ok and r.text == page.decode(), path
        assert f.fetch(srv.url("/br")).error_type == "decode_error"
    assert srv.requests[0].headers["Accept-Encoding"] == "gzip, deflate"


def test_redirect_chain_over_max_redirects(srv: TestServer) -> None:
    with make(max_redirects=3) as f:
        r = f.fetch(srv.url("/loop/0"))
    assert r.error_type == "too_many_redirects" and not r.retryable
    assert srv.paths() == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]  # 3 redirects followed, no more


def test_redirect_cycle_is_detected(srv: TestServer) -> None:
    with make(max_redirects=10) as f:
        r = f.fetch(srv.url("/cycle/a"))
    assert r.error_type == "too_many_redirects" and "loop" in (r.error_message or "")
    assert len(srv.requests) == 2


def test_read_timeout(srv: TestServer) -> None:
    with make(read_timeout=0.3, attempts=1) as f:
        started = time.monotonic()
        r = f.fetch(srv.url("/slow?delay=2"))
    assert r.error_type == "timeout" and r.retryable and time.monotonic() - started < 1.5


def test_trickling_body_hits_the_deadline(srv: TestServer) -> None:
    with make(read_timeout=1.0, deadline=1.0, attempts=1) as f:
        started = time.monotonic()
        r = f.fetch(srv.url("/trickle?every=0.1"))
        elapsed = time.monotonic() - started
    assert r.error_type == "deadline_exceeded" and r.retryable
    assert 0.9 < elapsed < 1.6, elapsed


def test_deadline_covers_all_attempts(srv: TestServer) -> None:
    with make(read_timeout=0.4, deadline=1.0, attempts=5, backoff_base=0.01) as f:
        started = time.monotonic()
        r = f.fetch(srv.url("/slow?delay=3"))
        elapsed = time.monotonic() - started
    assert not r.ok and r.error_type in ("timeout", "deadline_exceeded") and elapsed < 1.6
    assert r.attempts < 5


def test_connection_refused(srv: TestServer) -> None:
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with make(attempts=2) as f:
        r = f.fetch(f"http://127.0.0.1:{port}/page")
    assert r.error_type == "connection_error" and r.retryable and r.attempts == 2
