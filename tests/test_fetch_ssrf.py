"""SSRF guard: with allow_private_hosts off, nothing non-public is ever contacted.

Every case checks the error result AND that the loopback server recorded no
request at all. The test servers listen on loopback, which the guard refuses;
to test "a public host redirects to a private one", the Fetcher is told that
one loopback address (127.0.0.1/32) is trusted (``allowed_networks``, the
operator-side hook) and the redirect points at a second server on 127.0.0.2,
which is not trusted and must never see a request.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, quick_config


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


@pytest.fixture
def private_srv() -> Iterator[TestServer]:
    try:
        server = TestServer("127.0.0.2")
    except OSError as exc:
        pytest.skip(f"cannot listen on 127.0.0.2: {exc}")
    with server:
        yield server


@pytest.fixture
def guarded() -> Iterator[Fetcher]:
    f = Fetcher(FetchConfig.from_dict(quick_config(allow_private_hosts=False)))
    yield f
    f.close()


def assert_refused(result, error_type: str) -> None:  # type: ignore[no-untyped-def]
    assert not result.ok
    assert result.error_type == error_type, (result.error_type, result.error_message)
    assert not result.retryable and result.attempts == 0 and result.error_message


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1", "[::ffff:127.0.0.1]"])
def test_loopback_links_are_refused(srv: TestServer, guarded: Fetcher, host: str) -> None:
    r = guarded.fetch(f"http://{host}:{srv.port}/page")
    assert_refused(r, "blocked_address")
    assert srv.requests == []


def test_metadata_address_is_refused(guarded: Fetcher) -> None:
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/", "http://10.0.0.1/"):
        assert_refused(guarded.fetch(url), "blocked_address")


def test_ipv6_loopback_is_refused(guarded: Fetcher) -> None:
    try:
        server = TestServer("::1")
    except OSError as exc:  # no IPv6 here: the address check alone still runs
        assert_refused(guarded.fetch("http://[::1]:8080/page"), "blocked_address")
        pytest.skip(f"no IPv6 loopback to check that no request arrived: {exc}")
    with server:
        assert_refused(guarded.fetch(server.url("/page")), "blocked_address")
        assert server.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "/relative/path", "gopher://x/", "javascript:alert(1)"]
)
def test_other_schemes_are_refused(guarded: Fetcher, url: str) -> None:
    assert_refused(guarded.fetch(url), "blocked_scheme")


def test_malformed_urls_are_refused(guarded: Fetcher) -> None:
    for url in ("http://", "http://user:pw@example.com/", "http://example.com:99999/"):
        assert_refused(guarded.fetch(url), "invalid_url")


def test_redirect_from_allowed_host_to_private_is_refused(srv: TestServer, private_srv: TestServer) -> None:
    cfg = FetchConfig.from_dict(quick_config(allow_private_hosts=False))
    with Fetcher(cfg, allowed_networks=("127.0.0.1/32",)) as f:
        assert f.fetch(srv.url("/page")).ok  # the trusted address is reachable
        assert f.fetch(private_srv.url("/page")).error_type == "blocked_address"
        r = f.fetch(srv.url("/redirect?to=" + private_srv.url("/secret")))
        metadata = f.fetch(srv.url("/redirect?to=http://169.254.169.254/latest/meta-data/"))
        to_file = f.fetch(srv.url("/redirect?to=file:///etc/passwd"))
    assert not r.ok and r.error_type == "blocked_address" and r.attempts == 1
    assert metadata.error_type == "blocked_address"
    assert to_file.error_type == "blocked_scheme"
    assert private_srv.requests == []
    assert srv.paths().count("/page") == 1


def test_resolve_override_is_still_checked(srv: TestServer) -> None:
    resolve = {"news.example": f"127.0.0.1:{srv.port}"}
    with Fetcher(FetchConfig.from_dict(quick_config(allow_private_hosts=False, resolve=resolve))) as f:
        refused = f.fetch("http://news.example/page")
    assert refused.error_type == "blocked_address" and srv.requests == []
    with Fetcher(FetchConfig.from_dict(quick_config(allow_private_hosts=True, resolve=resolve))) as f:
        allowed = f.fetch("http://news.example/page")
    assert allowed.ok
    assert srv.requests[0].headers["Host"] == "news.example"  # connected to the IP, named the host


def test_host_is_resolved_once_per_request(srv: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checked address is the one connected to: the name is looked up by us only."""
    lookups: list[str] = []
    real = socket.getaddrinfo

    def counting(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        lookups.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    with Fetcher(FetchConfig.from_dict(quick_config())) as f:
        assert f.fetch(f"http://localhost:{srv.port}/page").ok
    assert lookups.count("localhost") == 1
    assert srv.requests[0].headers["Host"] == f"localhost:{srv.port}"
