"""Fetcher basics on a loopback server: config, pages, feeds, charsets, conditional GET."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timezone
from pathlib import Path

import pytest
import yaml

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fetch_server import FEED, LAST_MODIFIED, TestServer, quick_config

CAFE = "Le café de la gare: déjà vu, naïve façade, «crème brûlée» — 20 €, cœur."
JAPANESE = "東京で首相が会談した。日本語のニュース記事です。"


@pytest.fixture
def srv() -> Iterator[TestServer]:
    with TestServer() as server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    f = Fetcher(FetchConfig.from_dict(quick_config()))
    yield f
    f.close()


def html(text: str, meta: str = "") -> str:
    return f"<!doctype html><html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_config_from_defaults_yaml_and_unknown_key() -> None:
    defaults_file = Path(__file__).resolve().parents[1] / "configs" / "defaults.yaml"
    defaults = yaml.safe_load(defaults_file.read_text(encoding="utf-8"))["fetch"]
    cfg = FetchConfig.from_dict(defaults)
    assert cfg.max_in_flight == 32 and cfg.max_bytes == 5_000_000 and cfg.attempts == 3
    assert cfg.robots and not cfg.allow_private_hosts
    with pytest.raises(ValueError, match="no_such_key"):
        FetchConfig.from_dict({**defaults, "no_such_key": 1})
    with pytest.raises(ValueError, match="attempts"):
        FetchConfig.from_dict({"attempts": 0})
    with pytest.raises(ValueError, match="resolve"):
        FetchConfig.from_dict({"resolve": {"a.test": "not-an-address"}})


def test_page_ok_sends_user_agent_and_reports_result(srv: TestServer) -> None:
    with Fetcher(FetchConfig.from_dict(quick_config(user_agent="TestBot/9 (+http://x.test)"))) as f:
        r = f.fetch(srv.url("/page"))
    assert r.ok and r.status == 200 and r.error_type is None and r.attempts == 1
    assert "Hello, world." in (r.text or "")
    assert r.final_url == r.url == srv.url("/page")
    assert r.fetched_at.tzinfo == timezone.utc and r.elapsed > 0
    assert srv.requests[0].headers["User-Agent"] == "TestBot/9 (+http://x.test)"
    assert srv.requests[0].headers["Host"] == f"127.0.0.1:{srv.port}"


def test_redirect_is_followed_and_final_url_reported(srv: TestServer, fetcher: Fetcher) -> None:
    r = fetcher.fetch(srv.url("/redirect?to=/page&code=301"))
    assert r.ok and r.final_url == srv.url("/page") and r.url == srv.url("/redirect?to=/page&code=301")


def test_content_types(srv: TestServer, fetcher: Fetcher) -> None:
    image = fetcher.fetch(srv.url("/image"))
    assert not image.ok and image.error_type == "unsupported_content_type" and not image.retryable
    feed_as_page = fetcher.fetch(srv.url("/feed"), kind="page")
    assert feed_as_page.error_type == "unsupported_content_type"
    feed = fetcher.fetch(srv.url("/feed"), kind="feed")
    assert feed.ok and feed.body == FEED and "<rss" in (feed.text or "")
    srv.add("/x.xhtml", html("x").encode(), Content_Type="application/xhtml+xml")
    assert fetcher.fetch(srv.url("/x.xhtml")).ok
    with pytest.raises(ValueError):
        fetcher.fetch(srv.url("/page"), kind="image")


def test_http_errors_are_final_and_named(srv: TestServer, fetcher: Fetcher) -> None:
    r = fetcher.fetch(srv.url("/status?code=404"))
    assert not r.ok and r.error_type == "http_404" and r.status == 404
    assert r.attempts == 1 and not r.retryable and "404" in (r.error_message or "")
    assert srv.paths().count("/status?code=404") == 1


def test_conditional_get_304(srv: TestServer, fetcher: Fetcher) -> None:
    first = fetcher.fetch(srv.url("/etag"), kind="feed")
    assert first.ok and not first.not_modified
    assert first.etag == '"v1"' and first.last_modified == LAST_MODIFIED
    again = fetcher.fetch(srv.url("/etag"), kind="feed", etag=first.etag, last_modified=first.last_modified)
    assert again.ok and again.not_modified and again.status == 304 and again.text is None
    assert again.etag == '"v1"' and again.last_modified == LAST_MODIFIED
    sent = srv.requests[-1].headers
    assert sent["If-None-Match"] == '"v1"' and sent["If-Modified-Since"] == LAST_MODIFIED
    by_date = fetcher.fetch(srv.url("/etag"), kind="feed", last_modified=LAST_MODIFIED)
    assert by_date.not_modified


@pytest.mark.parametrize(
    ("name", "text", "codec", "content_type", "meta"),
    [
        ("utf8-header", CAFE, "utf-8", "text/html; charset=utf-8", ""),
        ("utf8-meta", CAFE, "utf-8", "text/html", '<meta charset="utf-8">'),
        ("cp1252-header", CAFE, "cp1252", "text/html; charset=windows-1252", ""),
        ("latin1-header-is-cp1252", CAFE, "cp1252", "text/html; charset=ISO-8859-1", ""),
        ("latin1-http-equiv", CAFE, "cp1252", "text/html",
         '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
        ("sjis-header", JAPANESE, "shift_jis", "text/html; charset=Shift_JIS", ""),
        ("sjis-meta", JAPANESE, "shift_jis", "text/html", '<meta charset="shift_jis">'),
        ("utf8-undeclared", CAFE + " " + JAPANESE, "utf-8", "text/html", ""),
        ("cp1252-undeclared", CAFE * 5, "cp1252", "text/html", ""),
        ("cp1252-mislabelled-utf8", CAFE * 5, "cp1252", "text/html; charset=utf-8", ""),
        ("sjis-undeclared", JAPANESE * 5, "shift_jis", "text/html", ""),
    ],
)
def test_charsets_without_mojibake(
    srv: TestServer, fetcher: Fetcher, name: str, text: str, codec: str, content_type: str, meta: str
) -> None:
    srv.add(f"/{name}", html(text, meta).encode(codec), Content_Type=content_type)
    r = fetcher.fetch(srv.url(f"/{name}"))
    assert r.ok, r.error_message
    assert text in (r.text or ""), f"decoded with {r.charset}: {(r.text or '')[:200]!r}"


def test_latin1_declared_decodes_cp1252_only_bytes(srv: TestServer, fetcher: Fetcher) -> None:
    # 0x80 and 0x93/0x94 are C1 controls in ISO-8859-1 but €, “ ” in windows-1252, as browsers show them.
    srv.add("/c1", html("“quoted” 20€").encode("cp1252"), Content_Type="text/html; charset=iso-8859-1")
    r = fetcher.fetch(srv.url("/c1"))
    assert "“quoted” 20€" in (r.text or "") and r.charset == "cp1252"


def test_binary_as_html_is_decode_error(srv: TestServer, fetcher: Fetcher) -> None:
    srv.add("/noise", b"<" + bytes(range(256)) * 40, Content_Type="text/html")
    r = fetcher.fetch(srv.url("/noise"))
    assert not r.ok and r.error_type == "decode_error" and not r.retryable


def test_fetch_many_keeps_order(srv: TestServer, fetcher: Fetcher) -> None:
    for i in range(20):
        srv.add(f"/n{i}", html(f"number {i}").encode())
    urls = [srv.url(f"/n{i}") for i in range(20)] + ["ftp://example.com/x"]
    results = fetcher.fetch_many(urls)
    assert [r.url for r in results] == urls
    assert all(f"number {i}" in (r.text or "") for i, r in enumerate(results[:20]))
    assert results[-1].error_type == "blocked_scheme"
