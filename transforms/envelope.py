"""The envelope records that flow down newsbeam's single chain of transforms.

The batch graph is one linear chain that ends in one sink step (so that it
runs on every runner, the DaskRunner included, which computes only the last
branch of a graph and mishandles multi-output ParDos). Each stage handles
the kinds it knows and passes every other record through unchanged; a
failure becomes an ``error`` record, the dead letter, which flows on to the
sink and is written to ``errors/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

FEED = "feed"  # one per feed read: its summary (items, status, validators)
ITEM = "item"  # a feed item to process
DUPLICATE = "duplicate"  # an item skipped as a duplicate
PAGE = "page"  # a fetched page
ARTICLE = "article"  # an extracted article, later with its events
ERROR = "error"  # a dead letter: one errors/ row
STUB = "stub"  # an article parked on disk while run-wide steps decide (transforms.run_wide)

Record = dict[str, Any]


def error_record(
    stage: str,
    source: str,
    error_type: str,
    message: str,
    *,
    item_id: str | None = None,
    feed_url: str | None = None,
    attempts: int = 1,
    retryable: bool = False,
) -> Record:
    """A dead letter. ``item_id`` is set when the failure ends an item."""
    return {
        "kind": ERROR,
        "row": {
            "stage": stage,
            "source": source,
            "error_type": error_type,
            "message": message[:2000],
            "attempts": attempts,
            "occurred_at": dt.datetime.now(dt.timezone.utc),
            "item_id": item_id,
            "feed_url": feed_url,
            "retryable": retryable,
        },
    }


def item_error(stage: str, item: Record, error_type: str, message: str, **kw: Any) -> Record:
    """A dead letter that ends the given item."""
    return error_record(
        stage, item.get("link") or item.get("url") or "", error_type, message,
        item_id=item.get("item_id") or item.get("article_id"), feed_url=item.get("feed_url"), **kw,
    )
