"""Run planning: where the sources come from, what earlier runs wrote."""

from __future__ import annotations

from pathlib import Path

from apache_beam.options.pipeline_options import PipelineOptions

from newsbeam.config import defaults
from pipeline.plan import plan_run


def test_feed_flags_replace_the_config_and_a_feeds_file_adds(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# my feeds\nhttps://news.example.com/rss\n\nhttps://other.example.org/atom.xml\n")
    cfg = {**defaults(), "feeds": ["https://config.example.com/feed"], "output": str(tmp_path / "out")}
    plan = plan_run(PipelineOptions(["--feed", "https://flag.example.com/rss", "--feeds-file", str(listing)]), cfg)
    assert plan.sources == ["https://flag.example.com/rss", "https://news.example.com/rss",
                            "https://other.example.org/atom.xml"]
    assert plan.out_dir == str(tmp_path / "out")
    assert plan.known_ids == frozenset() and plan.validators == {}


def test_config_feeds_are_used_without_flags_and_out_overrides(tmp_path: Path) -> None:
    cfg = {**defaults(), "feeds": ["https://config.example.com/feed", "https://config.example.com/feed"]}
    plan = plan_run(PipelineOptions(["--out", str(tmp_path)]), cfg)
    assert plan.sources == ["https://config.example.com/feed"]  # repeated sources are read once
    assert plan.out_dir == str(tmp_path)
    assert plan.run_id and plan.ingest_date == plan.started_at.date().isoformat()


def test_warc_flags_replace_the_config_sources_and_config_warcs_are_read_without_flags(tmp_path: Path) -> None:
    cfg = {**defaults(), "feeds": ["https://config.example.com/feed"], "warcs": ["gs://bucket/config-*.warc.gz"],
           "output": str(tmp_path / "out")}
    only_warc = plan_run(PipelineOptions(["--warc", "gs://bucket/a.warc.gz", "--warc", "gs://bucket/b-*.warc"]), cfg)
    assert only_warc.archives == ("gs://bucket/a.warc.gz", "gs://bucket/b-*.warc") and only_warc.sources == []
    only_feed = plan_run(PipelineOptions(["--feed", "https://flag.example.com/rss"]), cfg)
    assert only_feed.archives == () and only_feed.sources == ["https://flag.example.com/rss"]
    both = plan_run(PipelineOptions(["--feed", "https://flag.example.com/rss", "--warc", "gs://bucket/a.warc"]), cfg)
    assert both.sources == ["https://flag.example.com/rss"] and both.archives == ("gs://bucket/a.warc",)
    from_config = plan_run(PipelineOptions([]), cfg)
    assert from_config.sources == ["https://config.example.com/feed"]
    assert from_config.archives == ("gs://bucket/config-*.warc.gz",)
