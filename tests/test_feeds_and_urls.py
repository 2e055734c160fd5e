"""Pure feed parsing and URL identity, without a pipeline."""

from __future__ import annotations

import pytest

from newsbeam.feeds import FeedError, parse_feed
from newsbeam.urls import PublisherResolver, UrlError, article_id, canonical_url
from tests.feedgen import FORMATS

ITEMS = [("g1", "https://www.example.com/a/1?utm_source=rss", "One"), ("g2", "https://www.example.com/a/2", "Two")]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_feed_format_parses_to_items(fmt: str) -> None:
    parsed = parse_feed(FORMATS[fmt](ITEMS), "https://www.example.com/feed", PublisherResolver())
    assert parsed.version == fmt
    assert [i["canonical_url"] for i in parsed.items] == ["https://www.example.com/a/1", "https://www.example.com/a/2"]
    assert all(i["publisher"] == "example.com" for i in parsed.items)
    assert parsed.items[0]["item_id"] == article_id("https://www.example.com/a/1")
    if fmt != "rss091u":  # RSS 0.91 items carry no date
        assert parsed.items[0]["published_at"] is not None
        assert parsed.items[0]["published_at"].utcoffset().total_seconds() == 0


def test_atom_full_content_is_kept() -> None:
    parsed = parse_feed(FORMATS["atom10"](ITEMS), "f", PublisherResolver())
    assert "Full text of One" in (parsed.items[0]["content"] or "")


def test_garbage_is_a_feed_error() -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(b"\x00\x01 this is <not a feed", "f", PublisherResolver())
    assert err.value.error_type == "malformed_feed"


def test_local_file_links_are_rejected_not_followed() -> None:
    items = [("g", "file:///etc/passwd", "evil"), ("h", "https://www.example.com/ok", "ok")]
    parsed = parse_feed(FORMATS["rss20"](items), "https://www.example.com/feed", PublisherResolver())
    assert [i["link"] for i in parsed.items] == ["https://www.example.com/ok"]
    assert [r[1] for r in parsed.rejected] == ["bad_link"]


def test_relative_links_resolve_against_a_remote_feed_only() -> None:
    items = [("g", "/news/1", "rel")]
    remote = parse_feed(FORMATS["rss20"](items), "https://www.example.com/feed.xml", PublisherResolver())
    assert remote.items[0]["link"] == "https://www.example.com/news/1"
    local = parse_feed(FORMATS["rss20"](items), "/tmp/feed.xml", PublisherResolver())
    assert not local.items and local.rejected[0][1] == "bad_link"


def test_canonical_url_drops_tracking_and_fragment() -> None:
    assert canonical_url("HTTPS://Example.COM:443/x?b=1&utm_medium=e&a=2#top") == "https://example.com/x?a=2&b=1"
    assert canonical_url("http://example.com:8080") == "http://example.com:8080/"
    with pytest.raises(UrlError):
        canonical_url("ftp://example.com/x")


def test_publisher_is_the_registered_domain() -> None:
    resolve = PublisherResolver()
    assert resolve("https://www.business-standard.com/article/x.html") == "business-standard.com"
    assert resolve("http://news.bbc.co.uk/x") == "bbc.co.uk"
