"""Streaming windowing, dedup and the windowed sink, proved by reading the
Parquet back: TestStream for the event-time logic, the FnApiRunner for the
poll clock, plain calls for the claim store and the window commit."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.testing.test_stream import TestStream as EventStream
from apache_beam.transforms.window import TimestampedValue

from newsbeam.urls import article_id
from pipeline.stream import StreamSettings, _window_polls
from schemas import SCHEMA_VERSION_KEY
from tests.conftest import RUNNER
from transforms.stream import PollSpec, StreamDedup, _PollFn
from transforms.stream_claims import ClaimStore, guid_key
from transforms.stream_sink import WINDOWS_DIR, WriteWindows, commit_window, read_json, recover_windows

WINDOW = 60.0


def _item(link: str, guid: str | None = None, published: str = "2024-01-01") -> dict[str, Any]:
    canonical = link.lower()
    return {"kind": "item", "item_id": article_id(canonical), "guid": guid, "link": link, "canonical_url": canonical,
            "feed_url": "http://pub.example.com/feed", "publisher": "pub.example.com", "title": link,
            "published_at": published}


def _as_article(record: dict[str, Any]) -> dict[str, Any]:
    """Stands in for fetch + extract: an item becomes its article."""
    if record["kind"] != "item":
        return record
    article = {"article_id": record["item_id"], "url": record["link"], "canonical_url": record["canonical_url"],
               "publisher": record["publisher"], "guid": record["guid"], "title": record["title"],
               "text": "text of " + record["link"]}
    return {"kind": "article", "article": article, "events": []}


def _run_stream(tmp_path: Path, stream: EventStream, known_ids: frozenset[str] = frozenset(),
                known_guids: frozenset[str] = frozenset()) -> tuple[Path, Path]:
    out, rdir = tmp_path / "out", tmp_path / "out" / "_state" / "stream" / "r1"
    with beam.Pipeline(options=PipelineOptions(["--streaming"])) as p:
        (
            p
            | stream
            | StreamDedup(WINDOW, known_ids, known_guids, str(rdir / "seen"), "r1")
            | beam.Map(_as_article)
            | WriteWindows(str(out), str(rdir), "r1", flush_rows=1000)
        )
    return out, rdir


def _articles(out: Path) -> list[dict[str, Any]]:
    table = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    return table.to_pylist()


def test_each_item_written_once_across_polls_windows_feeds_and_updates(tmp_path: Path) -> None:
    a, b, c = "http://pub.example.com/a", "http://pub.example.com/b", "http://pub.example.com/c"
    moved_b = "http://pub.example.com/b-renamed"  # same guid as b, new URL: the same story
    stream = (
        EventStream()
        .add_elements([TimestampedValue(_item(a, "ga"), 10), TimestampedValue(_item(b, "gb"), 10)])
        .add_elements([TimestampedValue(_item(a, "ga"), 40), TimestampedValue(_item(a, "ga"), 41)])  # same window
        .advance_watermark_to(70)
        .add_elements([TimestampedValue(_item(a, "ga", published="2024-01-02"), 70),  # updated: skipped
                       TimestampedValue(_item(moved_b, "gb"), 75), TimestampedValue(_item(c, "gc"), 80)])
        .advance_watermark_to(130)
        .add_elements([TimestampedValue(_item(c, "gc"), 130), TimestampedValue(_item(b, "gb"), 131)])
        .advance_watermark_to_infinity()
    )
    out, rdir = _run_stream(tmp_path, stream)
    ids = [row["article_id"] for row in _articles(out)]
    assert sorted(ids) == sorted(article_id(x) for x in (a, b, c))
    windows = [read_json(str(p)) for p in sorted((rdir / WINDOWS_DIR).glob("*.json"))]
    assert [w["rows"]["articles"] for w in windows] == [2, 1, 0]  # the third window had only repeats
    assert len(list((out / "articles").glob("*/*.parquet"))) == 2  # and no articles file
    duplicates = [r for w in windows for r in w["records"] if r["kind"] == "duplicate"]
    assert len(duplicates) == 9 - len(ids)  # every other sighting is accounted as a duplicate


def test_items_written_by_an_earlier_run_are_skipped(tmp_path: Path) -> None:
    a, b, c = "http://pub.example.com/a", "http://pub.example.com/b", "http://pub.example.com/c"
    stream = (
        EventStream()
        .add_elements([TimestampedValue(_item(a, "ga"), 5), TimestampedValue(_item(b, "gb-new-url"), 6),
                       TimestampedValue(_item(c, "gc"), 7)])
        .advance_watermark_to_infinity()
    )
    known_guid = guid_key("pub.example.com", "gb-new-url")
    out, _ = _run_stream(tmp_path, stream, known_ids=frozenset({article_id(a)}), known_guids=frozenset({known_guid}))
    assert [row["article_id"] for row in _articles(out)] == [article_id(c)]


def test_window_files_are_whole_and_carry_the_schema_version(tmp_path: Path) -> None:
    links = [f"http://pub.example.com/{n}" for n in range(5)]
    stream = (
        EventStream()
        .add_elements([TimestampedValue(_item(x), 10 + 70 * n) for n, x in enumerate(links)])
        .advance_watermark_to_infinity()
    )
    out, _ = _run_stream(tmp_path, stream)
    files = sorted((out / "articles").glob("ingest_date=*/*.parquet"))
    assert len(files) == len(links)  # one window each
    for path in files:
        meta = pq.ParquetFile(path).schema_arrow.metadata
        assert SCHEMA_VERSION_KEY in meta
    assert not list((out / "_state").rglob("*.tmp"))


def test_claims_are_exclusive_under_concurrency(tmp_path: Path) -> None:
    store = ClaimStore(str(tmp_path / "seen"))
    wins: list[bool] = []
    threads = [threading.Thread(target=lambda: wins.append(store.claim("ab" * 20, "t"))) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
    assert store.is_claimed("ab" * 20)
    assert not store.is_claimed("cd" * 20)


def test_window_commit_is_idempotent_and_rolled_forward(tmp_path: Path) -> None:
    rdir, out = tmp_path / "run", tmp_path / "out"
    staged = rdir / "staging" / "x.parquet"
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"one")
    dst = out / "articles" / "ingest_date=2024-01-01" / "x.parquet"
    commit_window(str(rdir), "w1", [[str(staged), str(dst)]], {"window": "w1", "rows": {}, "records": []})
    staged.write_bytes(b"two")  # the same window written again (a retried bundle)
    commit_window(str(rdir), "w1", [[str(staged), str(dst)]], {"window": "w1", "rows": {}, "records": []})
    assert dst.read_bytes() == b"two"
    assert [p.name for p in (out / "articles" / "ingest_date=2024-01-01").iterdir()] == ["x.parquet"]
    # A crash after the journal: the next start completes the moves.
    staged.write_bytes(b"three")
    journal = rdir / WINDOWS_DIR / "w2.journal.json"
    journal.write_text(json.dumps({"moves": [[str(staged), str(dst)]], "done": {"window": "w2", "files": [str(dst)]}}))
    assert recover_windows(str(rdir)) == 1
    assert dst.read_bytes() == b"three"
    assert read_json(str(rdir / WINDOWS_DIR / "w2.json"))["window"] == "w2"
    assert not journal.exists()


def _poll(spec: PollSpec, log: Path) -> list[tuple[int, float]]:
    """The polls a clock makes, read back from a file its outputs were appended to."""

    def record(index: int, ts: Any = beam.DoFn.TimestampParam) -> None:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{index} {float(ts)}\n")

    with beam.Pipeline(options=PipelineOptions([f"--runner={RUNNER}", "--streaming"])) as p:
        p | beam.Create([spec]) | beam.ParDo(_PollFn()) | beam.Map(record)
    lines = log.read_text().split("\n") if log.exists() else []
    return [(int(i), float(ts)) for i, ts in (line.split() for line in lines if line)]


def test_poll_clock_makes_its_polls_at_their_due_times(tmp_path: Path) -> None:
    start = time.time()
    spec = PollSpec(start, 0.3, 2, 5, str(tmp_path / "STOP"), 0.1)
    polls = sorted(_poll(spec, tmp_path / "polls.txt"))
    assert [i for i, _ in polls] == [2, 3, 4]
    assert [ts for _, ts in polls] == pytest.approx([start + 0.3 * i for i in (2, 3, 4)], abs=1e-3)
    assert time.time() >= start + 0.3 * 4


def test_poll_clock_stops_at_the_stop_marker(tmp_path: Path) -> None:
    stop = tmp_path / "STOP"
    stop.write_text("stop")
    began = time.time()
    assert _poll(PollSpec(began + 30, 10.0, 0, 1000, str(stop), 0.1), tmp_path / "polls.txt") == []
    assert time.time() - began < 20


def test_window_runs_cover_the_polls_due_in_one_window() -> None:
    settings = StreamSettings(PipelineOptions(["--poll-interval=20", "--window=60", "--max-polls=7"]),
                              {"stream": {"poll_interval": 300, "window": 300}})
    start = 6000.0  # a window boundary: polls 0,1,2 in the first window
    assert _window_polls(start, settings, 0) == 3
    assert _window_polls(start, settings, 3) == 6
    assert _window_polls(start, settings, 6) == 7  # max polls reached


@pytest.mark.parametrize("argv", [["--poll-interval=0"], ["--window=-5"], ["--max-polls=0"]])
def test_bad_stream_settings_are_config_errors(argv: list[str]) -> None:
    from newsbeam.config import ConfigError

    with pytest.raises(ConfigError):
        StreamSettings(PipelineOptions(argv), {"stream": {"poll_interval": 300, "window": 300}})
