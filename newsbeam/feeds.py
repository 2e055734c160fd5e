"""Feed parsing: bytes of an RSS 0.9x/1.0/2.0 or Atom 0.3/1.0 document to items."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from newsbeam.urls import UrlError, article_id, canonical_url
from schemas.records import FeedItem

MAX_ITEMS_PER_FEED = 5000


class FeedError(ValueError):
    """A feed that could not be parsed; ``error_type`` names the kind."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


@dataclass
class ParsedFeed:
    """Items of one feed plus the entries that could not become items."""

    feed_url: str
    version: str
    items: list[FeedItem] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # (source, error_type, message)
    # Set when the document is not well-formed XML but items were recovered.
    malformed: str | None = None


def _utc(struct: Any) -> dt.datetime | None:
    if not struct:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(struct), tz=dt.timezone.utc)
    except (OverflowError, ValueError, TypeError):
        return None


def _content(entry: Any) -> str | None:
    for block in entry.get("content") or []:
        value = block.get("value")
        if value:
            return str(value)
    return None


def _link(entry: Any, feed_url: str) -> str:
    link = entry.get("link") or ""
    if not link:
        guid = entry.get("id") or ""
        if entry.get("guidislink") or guid.startswith(("http://", "https://")):
            link = guid
    link = link.strip()
    if not urlsplit(link).scheme and urlsplit(feed_url).scheme in ("http", "https"):
        # A relative link in a remote feed resolves against the feed's URL,
        # never against a local path.
        link = urljoin(feed_url, link)
    return link


def _item(entry: Any, feed_url: str, publisher_of: Callable[[str], str]) -> FeedItem:
    link = _link(entry, feed_url)
    canonical = canonical_url(link)  # raises UrlError for non-http(s) links
    published = _utc(entry.get("published_parsed")) or _utc(entry.get("updated_parsed"))
    return FeedItem(
        item_id=article_id(canonical),
        guid=(entry.get("id") or None),
        link=link,
        canonical_url=canonical,
        title=entry.get("title") or None,
        summary=entry.get("summary") or None,
        content=_content(entry),
        published_at=published,
        feed_url=feed_url,
        publisher=publisher_of(canonical),
    )


def _is_xml_error(exc: object) -> bool:
    """A real malformation, not feedparser's notes on encodings or types."""
    from xml.sax import SAXParseException

    return isinstance(exc, SAXParseException)


def parse_feed(body: bytes, feed_url: str, publisher_of: Callable[[str], str]) -> ParsedFeed:
    """Parse a feed document. Raises FeedError when it is not a feed at all;
    entries without a usable link are returned in ``rejected``."""
    import feedparser

    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    entries = parsed.get("entries") or []
    if not parsed.get("version") and not entries:
        exc = parsed.get("bozo_exception")
        detail = f": {exc}" if exc else ""
        raise FeedError("malformed_feed", f"not a parseable RSS or Atom feed{detail}")
    out = ParsedFeed(feed_url=feed_url, version=str(parsed.get("version") or "unknown"))
    if _is_xml_error(parsed.get("bozo_exception")):
        out.malformed = f"feed is not well-formed ({parsed['bozo_exception']}); {len(entries)} entries recovered"
    for index, entry in enumerate(entries[:MAX_ITEMS_PER_FEED]):
        try:
            out.items.append(_item(entry, feed_url, publisher_of))
        except UrlError as exc:
            out.rejected.append((f"{feed_url}#item{index}", "bad_link", str(exc)))
    for index in range(MAX_ITEMS_PER_FEED, len(entries)):
        out.rejected.append((f"{feed_url}#item{index}", "too_many_items", f"feed has over {MAX_ITEMS_PER_FEED} items"))
    return out
