"""robots.txt: fetched once per host, obeyed for our user agent; exemptions and off switch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import TestServer, quick_config

ROBOTS = """
User-agent: *
Disallow: /private

User-agent: newsbeam
Disallow: /private
Disallow: /status
"""


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        server.robots_txt = ROBOTS
        yield server


def make(**overrides: object) -> Fetcher:
    return Fetcher(FetchConfig.from_dict(quick_config(**{"robots": True, **overrides})))


def test_robots_fetched_once_and_obeyed(srv: TestServer) -> None:
    srv.add("/private/x", b"<p>secret</p>")
    with make() as f:
        ok = f.fetch_many([srv.url("/page"), srv.url("/feed")] * 5 + [srv.url("/page?x=1")], kind="feed")
        denied = f.fetch(srv.url("/private/x"))
        ours = f.fetch(srv.url("/status?code=200"))
    assert all(r.ok for r in ok)
    assert denied.error_type == "robots_disallowed" and not denied.retryable and denied.attempts == 0
    assert ours.error_type == "robots_disallowed"  # only in the group naming our user agent
    assert srv.paths().count("/robots.txt") == 1
    assert "/private/x" not in srv.paths() and "/status?code=200" not in srv.paths()
    assert srv.requests[0].headers["User-Agent"].startswith("newsbeam/")


def test_user_agent_is_configurable_for_robots(srv: TestServer) -> None:
    srv.add("/private/x", b"<p>secret</p>")
    with make(user_agent="otherbot/1.0 (+http://other.test)") as f:
        assert f.fetch(srv.url("/status?code=200")).ok
        assert f.fetch(srv.url("/private/x")).error_type == "robots_disallowed"


def test_robots_off_and_exempt_hosts(srv: TestServer) -> None:
    srv.add("/private/x", b"<p>secret</p>")
    with make(robots=False) as f:
        assert f.fetch(srv.url("/private/x")).ok
    with make(robots_exempt=["127.0.0.1"]) as f:
        assert f.fetch(srv.url("/private/x")).ok
    assert "/robots.txt" not in srv.paths()


def test_missing_robots_allows_everything(srv: TestServer) -> None:
    srv.robots_txt = None
    with make() as f:
        assert f.fetch(srv.url("/page")).ok
    assert srv.paths() == ["/robots.txt", "/page"]


def test_robots_server_error_keeps_pages_out(srv: TestServer) -> None:
    srv.robots_status = 503
    with make(attempts=2) as f:
        r = f.fetch(srv.url("/page"))
    assert r.error_type == "robots_unavailable" and r.retryable
    assert "/page" not in srv.paths() and srv.paths().count("/robots.txt") == 2


def test_redirect_target_host_robots_is_checked(srv: TestServer) -> None:
    resolve = {"a.test": f"127.0.0.1:{srv.port}", "b.test": f"127.0.0.1:{srv.port}"}
    with make(resolve=resolve) as f:
        r = f.fetch(f"http://a.test:{srv.port}/redirect?to=http://b.test:{srv.port}/private/x")
    assert r.error_type == "robots_disallowed"
    hosts = [rec.headers["Host"] for rec in srv.requests if rec.path == "/robots.txt"]
    assert hosts == [f"a.test:{srv.port}", f"b.test:{srv.port}"]
