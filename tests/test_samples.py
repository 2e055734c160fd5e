"""Static checks of the bundled sample set (samples/): the feeds parse as what
they claim to be, every link lands on a sample page (or is the deliberate 404),
the pages look like news pages, and samples/expected.json agrees with the files.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import feedparser
import lxml.html
import pytest

from newsbeam.feeds import FeedError, parse_feed
from newsbeam.samples import SampleServer
from newsbeam.urls import PublisherResolver
from schemas.records import FeedItem

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SITE = SAMPLES / "site"
SEED = REPO.parent / "shared" / "seed" / "000_5d6750ddc2411a79.txt"
EXPECTED: dict[str, Any] = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
FEEDS: dict[str, dict[str, Any]] = EXPECTED["feeds"]


def feed_path(source: str) -> Path:
    """The file behind a feed source (a local path, or a URL served from samples/site)."""
    served = FEEDS[source].get("served_from")
    return REPO / (served or source)


def page_file(url: str) -> Path:
    """The file samples.py serves for ``url`` (a directory stands for its index.html)."""
    parts = urlsplit(url)
    target = SITE / (parts.hostname or "") / parts.path.lstrip("/")
    return target / "index.html" if target.is_dir() else target


def all_entries() -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for source in FEEDS:
        parsed = feedparser.parse(feed_path(source).read_bytes())
        out.extend((source, entry) for entry in parsed.entries)
    return out


def article_pages() -> list[Path]:
    return sorted(p for p in SITE.rglob("*.html") if 'content="article"' in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("source", sorted(FEEDS))
def test_feed_parses_with_expected_version(source: str) -> None:
    parsed = feedparser.parse(feed_path(source).read_bytes())
    want = FEEDS[source]
    if want["version"] is None:
        assert not parsed.get("version") and not parsed.entries, "the broken feed must not parse as a feed at all"
    else:
        assert parsed.version == want["version"]
        assert len(parsed.entries) == want["items"]
        assert not parsed.bozo, parsed.get("bozo_exception")


def test_every_feed_file_is_listed_in_expected() -> None:
    on_disk = {str(p.relative_to(REPO)) for p in (SAMPLES / "feeds").glob("*.xml")}
    listed = {s for s in FEEDS if not s.startswith("http")}
    assert on_disk == listed
    assert {"rss20", "atom10", "rss10", None} <= {f["version"] for f in FEEDS.values()}


def test_items_have_guid_link_title_summary_and_date() -> None:
    for source, entry in all_entries():
        where = f"{source}: {entry.get('link')}"
        assert entry.get("id") and entry.get("title") and entry.get("summary"), where
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        assert stamp is not None, where
        assert (2022, 1, 25) <= tuple(stamp[:3]) <= (2022, 2, 28), where


def test_every_link_is_a_sample_page_except_the_404() -> None:
    hosts = {p.name for p in SITE.iterdir() if p.is_dir()}
    missing = {e["link"] for e in EXPECTED["item_errors"] if e["error_type"] == "http_404"}
    assert missing, "the set must keep one deliberate 404"
    for _source, entry in all_entries():
        link = entry["link"]
        assert urlsplit(link).scheme in ("http", "https") and urlsplit(link).hostname in hosts, link
        assert page_file(link).is_file() == (link not in missing), link


def test_expected_counts_agree_with_the_feed_parser() -> None:
    publisher = PublisherResolver()
    items: list[FeedItem] = []
    feed_errors: Counter[str] = Counter()
    for source in FEEDS:
        try:
            items += parse_feed(feed_path(source).read_bytes(), source, publisher).items
        except FeedError as exc:
            feed_errors[exc.error_type] += 1
    counts = EXPECTED["counts"]
    assert len(items) == counts["items_seen"]
    assert sum(feed_errors.values()) == counts["feed_errors"]
    assert feed_errors["malformed_feed"] == EXPECTED["errors_by_type"]["malformed_feed"]
    kept_url: dict[str, FeedItem] = {}
    kept_guid: dict[tuple[str, str], FeedItem] = {}
    for item in sorted(items, key=lambda i: (i["feed_url"], i["link"])):  # the pipeline keeps the first
        kept_url.setdefault(item["item_id"], item)
    for item in sorted(kept_url.values(), key=lambda i: (i["feed_url"], i["link"])):
        kept_guid.setdefault((item["publisher"], item["guid"] or item["item_id"]), item)
    same_url, same_guid = len(items) - len(kept_url), len(kept_url) - len(kept_guid)
    assert {"same_url": same_url, "same_guid": same_guid} == EXPECTED["duplicates_by_reason"]
    assert counts["duplicates_skipped"] == same_url + same_guid
    unique = {i["canonical_url"] for i in kept_guid.values()}
    errors = {e["link"] for e in EXPECTED["item_errors"]}
    assert errors <= unique
    assert sorted(unique - errors) == EXPECTED["articles"]
    assert counts["items_seen"] == counts["articles_written"] + counts["duplicates_skipped"] + counts["item_errors"]


def test_seed_page_keeps_both_boilerplate_lines_in_the_body() -> None:
    tree = lxml.html.fromstring(page_file(EXPECTED["seed_article"]).read_bytes())
    body = [p.text_content().strip() for p in tree.cssselect(".p-content p")]
    for line in EXPECTED["seed_boilerplate"]:
        assert line in body
    assert body[-1] == EXPECTED["seed_boilerplate"][-1]
    if SEED.is_file():  # the seed text itself lives beside the repo
        seed = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
        assert body == seed


def test_article_pages_carry_news_metadata() -> None:
    pages = article_pages()
    assert len(pages) >= 12
    assert {page_file(u) for u in EXPECTED["articles"]} <= set(pages)
    for page in pages:
        tree = lxml.html.fromstring(page.read_bytes())
        assert tree.get("lang") == "en", page
        for selector in ('meta[property="og:title"]', 'meta[property="article:published_time"]', 'meta[name="author"]'):
            assert tree.cssselect(selector) and tree.cssselect(selector)[0].get("content"), (page, selector)
        assert tree.cssselect("nav") and tree.cssselect("footer"), page


def test_every_host_has_an_allow_all_robots_txt() -> None:
    for host in (p for p in SITE.iterdir() if p.is_dir()):
        lines = (host / "robots.txt").read_text(encoding="utf-8").split("\n")
        assert "User-agent: *" in lines and "Allow: /" in lines and not any(
            ln.startswith("Disallow: /") for ln in lines
        ), host


def test_extractor_finds_text_on_articles_and_none_on_the_video_page() -> None:
    from newsbeam.extract import ArticleExtractor, ExtractionError

    extractor, min_words = ArticleExtractor(), 25
    for url in EXPECTED["articles"]:
        article = extractor.extract(page_file(url).read_text(encoding="utf-8"), url)
        assert len(article.text.split()) >= 200, url
    for error in (e for e in EXPECTED["item_errors"] if e["error_type"] == "no_article_text"):
        try:
            text = extractor.extract(page_file(error["link"]).read_text(encoding="utf-8"), error["link"]).text
        except ExtractionError:
            text = ""
        assert len(text.split()) < min_words, error["link"]


def _get(port: int, host: str, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_sample_server_serves_the_http_feed_pages_and_the_404() -> None:
    feed = urlsplit("http://feeds.newsbeam-samples.test/world.rss")
    video = urlsplit(next(e["link"] for e in EXPECTED["item_errors"] if e["error_type"] == "no_article_text"))
    missing = urlsplit(next(e["link"] for e in EXPECTED["item_errors"] if e["error_type"] == "http_404"))
    seed = urlsplit(EXPECTED["seed_article"])
    with SampleServer(SITE) as server:
        assert _get(server.port, feed.netloc, feed.path) == (200, "application/xml")
        assert _get(server.port, seed.netloc, seed.path)[1].startswith("text/html")
        assert _get(server.port, video.netloc, video.path)[1].startswith("text/html")
        assert _get(server.port, missing.netloc, missing.path)[0] == 404
