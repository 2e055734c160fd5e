"""Record types that flow between the transforms (plain dicts on the wire)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict


class FeedItem(TypedDict):
    """One item of a feed, as read by ``ReadFeeds``."""

    item_id: str  # sha1 hex of canonical_url: the future article_id
    guid: str | None
    link: str
    canonical_url: str
    title: str | None
    summary: str | None
    content: str | None  # full content (HTML) when the feed carries it
    published_at: dt.datetime | None  # UTC
    feed_url: str
    publisher: str


class Article(TypedDict, total=False):
    """An extracted article; keys are the ``articles`` columns."""

    article_id: str
    url: str
    canonical_url: str
    feed_url: str | None
    publisher: str | None
    title: str | None
    authors: list[str]
    published_at: dt.datetime | None
    fetched_at: dt.datetime | None
    language: str | None
    text: str
    removed_boilerplate: list[str]
    word_count: int
    run_id: str
    guid: str | None
    extractor: str | None
    cluster_id: str | None
    duplicate_of: str | None


Row = dict[str, Any]
