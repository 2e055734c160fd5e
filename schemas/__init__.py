"""The declared pyarrow schemas of newsbeam's datasets.

One schema per dataset; ``../shared/spec/contract.md`` is the outside
contract these implement. Columns may be added (the contract grows), never
renamed or removed. Every file written carries ``SCHEMA_VERSION`` in its
Parquet key-value metadata under ``newsbeam.schema_version``.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1.1"
SCHEMA_VERSION_KEY = b"newsbeam.schema_version"
DATASET_KEY = b"newsbeam.dataset"

_TS = pa.timestamp("us", tz="UTC")

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string(), nullable=False),
        pa.field("feed_url", pa.string()),
        pa.field("publisher", pa.string()),
        pa.field("title", pa.string()),
        pa.field("authors", pa.list_(pa.string())),
        pa.field("published_at", _TS),
        pa.field("fetched_at", _TS),
        pa.field("language", pa.string()),
        pa.field("text", pa.string()),
        pa.field("removed_boilerplate", pa.list_(pa.string())),
        pa.field("word_count", pa.int32()),
        pa.field("run_id", pa.string(), nullable=False),
        # Added in 1.1 (issue #7): near-duplicate clusters across publishers.
        pa.field("cluster_id", pa.string()),
        pa.field("duplicate_of", pa.string()),
        pa.field("guid", pa.string()),
        pa.field("extractor", pa.string()),
    ]
)

VISIT_EVENTS = pa.schema(
    [
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string()),
        pa.field("publisher", pa.string()),
        pa.field("published_at", _TS),
        pa.field("visitor", pa.string()),
        pa.field("visitor_title", pa.string()),
        pa.field("visitor_country", pa.string()),
        pa.field("host", pa.string()),
        pa.field("host_title", pa.string()),
        pa.field("destination_country", pa.string(), nullable=False),
        pa.field("destination_city", pa.string()),
        pa.field("start_date", pa.date32()),
        pa.field("end_date", pa.date32()),
        pa.field("date_precision", pa.string()),
        pa.field("date_text", pa.string()),
        pa.field("status", pa.string()),
        pa.field("evidence", pa.string()),
        pa.field("mentions", pa.int32()),
        pa.field("confidence", pa.float64()),
        pa.field("extractor_version", pa.string()),
        pa.field("run_id", pa.string(), nullable=False),
    ]
)

ERRORS = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("source", pa.string()),
        pa.field("error_type", pa.string()),
        pa.field("message", pa.string()),
        pa.field("attempts", pa.int32()),
        pa.field("occurred_at", _TS),
        # Added: which item failed (sha1 of its canonical URL; null for a
        # feed-level error) and whether a later run should try it again.
        pa.field("item_id", pa.string()),
        pa.field("feed_url", pa.string()),
        pa.field("retryable", pa.bool_()),
    ]
)

# Consolidated real-world visits across articles (issue #7). Rewritten as a
# whole snapshot by each run.
VISITS = pa.schema(
    [
        pa.field("visit_id", pa.string(), nullable=False),
        pa.field("visitor", pa.string()),
        pa.field("visitor_title", pa.string()),
        pa.field("visitor_country", pa.string()),
        pa.field("host", pa.string()),
        pa.field("host_title", pa.string()),
        pa.field("destination_country", pa.string(), nullable=False),
        pa.field("destination_city", pa.string()),
        pa.field("start_date", pa.date32()),
        pa.field("end_date", pa.date32()),
        pa.field("date_precision", pa.string()),
        pa.field("status", pa.string()),
        pa.field("status_seen_at", _TS),
        pa.field("first_seen", _TS),
        pa.field("last_seen", _TS),
        pa.field("article_count", pa.int32()),
        pa.field("publisher_count", pa.int32()),
        pa.field("event_ids", pa.list_(pa.string())),
        pa.field("confidence", pa.float64()),
        # Added: independent stories among the reports (near-duplicate
        # clusters; syndicated copies of one story count once).
        pa.field("story_count", pa.int32()),
    ]
)

DATASETS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "visit_events": VISIT_EVENTS,
    "errors": ERRORS,
}

# The stages an error row may name (contract: errors.stage).
ERROR_STAGES = ("feed", "fetch", "extract", "events")


def with_metadata(schema: pa.Schema, dataset: str) -> pa.Schema:
    """The schema with the version and dataset name in its metadata."""
    return schema.with_metadata({SCHEMA_VERSION_KEY: SCHEMA_VERSION.encode(), DATASET_KEY: dataset.encode()})
