"""The batch pipeline end to end on a generated site served on loopback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from benchmarks.corpus import Corpus, build_corpus
from schemas import ARTICLES, ERRORS, SCHEMA_VERSION, SCHEMA_VERSION_KEY, VISIT_EVENTS
from tests.feedgen import rss20
from tests.pipeline_helpers import REPO, manifests, read_dataset, run_in_process

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus")
    corpus = build_corpus(root, n_pages=24, hosts=3)
    host = corpus.hosts[0]
    (corpus.root / host / "files").mkdir()
    (corpus.root / host / "files" / "report.pdf").write_bytes(b"%PDF-1.4 not a page")
    (corpus.root / host / "video.html").write_text("<html><body><nav>Home</nav><p>Watch</p></body></html>")
    broken = root / "feeds" / "broken.xml"
    broken.write_bytes(b"\x00\x01 this is not a feed")
    bad_items = root / "feeds" / "bad-items.xml"
    bad_items.write_bytes(rss20([
        ("b1", f"http://{host}/missing.html", "404"),
        ("b2", f"http://{host}/files/report.pdf", "pdf"),
        ("b3", f"http://{host}/video.html", "no text"),
        ("b4", "file:///etc/passwd", "local file"),
        ("b5", f"http://{host}/news/story-0.html?utm_source=rss", "duplicate of story 0"),
    ]))
    corpus.feeds += [broken, bad_items]
    return corpus


def _schema_of(out: Path, name: str) -> object:
    return ds.dataset(out / name, format="parquet", partitioning="hive").schema


def test_broken_inputs_are_error_rows_and_the_run_balances(corpus: Corpus, tmp_path: Path) -> None:
    manifest = run_in_process(corpus.root, corpus.feeds, tmp_path)
    counts = manifest["counts"]
    assert counts["items_seen"] == corpus.n_pages + 5
    assert counts["articles_written"] == corpus.n_pages
    assert counts["duplicates_skipped"] == 1
    assert counts["item_errors"] == 4
    assert manifest["balanced"] is True
    errors = read_dataset(tmp_path, "errors").to_pylist()
    kinds = sorted((e["stage"], e["error_type"]) for e in errors)
    assert kinds == sorted([("feed", "malformed_feed"), ("fetch", "http_404"),
                            ("fetch", "unsupported_content_type"), ("extract", "no_article_text"),
                            ("feed", "bad_link")])
    assert all(e["message"] and e["run_id"] == manifest["run_id"] for e in errors)


def test_datasets_match_the_declared_schemas_and_read_in_duckdb(corpus: Corpus, tmp_path: Path) -> None:
    run_in_process(corpus.root, corpus.feeds, tmp_path)
    for name, schema in (("articles", ARTICLES), ("visit_events", VISIT_EVENTS), ("errors", ERRORS)):
        written = _schema_of(tmp_path, name)
        columns = written.remove_metadata()  # type: ignore[attr-defined]
        assert columns.field("ingest_date").name == "ingest_date"
        assert columns.remove(columns.get_field_index("ingest_date")) == schema.remove_metadata()
        for f in (tmp_path / name).rglob("*.parquet"):
            assert pq.read_metadata(f).metadata[SCHEMA_VERSION_KEY] == SCHEMA_VERSION.encode()
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    n = con.execute(
        f"select count(*), count(distinct article_id), min(published_at) from "
        f"read_parquet('{tmp_path}/articles/*/*.parquet', hive_partitioning=true)"
    ).fetchone()
    assert n[0] == n[1] == corpus.n_pages
    events = con.execute(
        f"select count(*) from read_parquet('{tmp_path}/visit_events/*/*.parquet', hive_partitioning=true) "
        f"where start_date is not null and destination_country is not null"
    ).fetchone()
    assert events[0] > 0


def test_a_second_identical_run_adds_no_rows(corpus: Corpus, tmp_path: Path) -> None:
    run_in_process(corpus.root, corpus.feeds, tmp_path)
    before = {n: read_dataset(tmp_path, n).num_rows for n in ("articles", "visit_events", "errors")}
    second = run_in_process(corpus.root, corpus.feeds, tmp_path)
    after = {n: read_dataset(tmp_path, n).num_rows for n in ("articles", "visit_events", "errors")}
    assert after == before
    assert second["counts"]["articles_written"] == 0 and second["balanced"]


def test_overlapping_feeds_add_each_article_once(corpus: Corpus, tmp_path: Path) -> None:
    first, second = corpus.feeds[:2], corpus.feeds[1:3]
    run_in_process(corpus.root, first, tmp_path)
    run_in_process(corpus.root, second, tmp_path)
    ids = read_dataset(tmp_path, "articles").column("article_id").to_pylist()
    assert len(ids) == len(set(ids))
    assert len(ids) == corpus.n_pages  # three hosts, one feed each: every page exactly once


def test_a_killed_run_leaves_nothing_visible_and_can_be_run_again(tmp_path: Path) -> None:
    corpus = build_corpus(tmp_path / "c", n_pages=60, hosts=1)
    cfg = tmp_path / "slow.yaml"
    # One request at a time with a delay: the run takes ~10 s, so it is
    # killed mid-way, while its workers are fetching and staging.
    cfg.write_text(
        f"feeds: [{corpus.feeds[0]}]\nsamples:\n  serve: {corpus.root}\n"
        "fetch:\n  allow_private_hosts: true\n  per_host: 1\n  per_host_delay: 0.15\n"
        "pipeline:\n  flush_rows: 5\n  fetch_shards: 4\n"
    )
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "run", "--config", str(cfg), "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    def staged() -> list[Path]:  # articles parked in spill files, or Parquet files staged
        return [p for p in (out / "_staging").rglob("*") if p.suffix in (".pkl", ".parquet")]

    deadline = time.time() + 60
    while time.time() < deadline and not staged():
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert staged(), "the run was not killed mid-way"
    assert read_dataset(out, "articles").num_rows == 0  # staged files are not part of the dataset
    assert not list((out / "_runs").glob("*.json")) if (out / "_runs").exists() else True
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    articles = read_dataset(out, "articles")
    assert articles.num_rows == corpus.n_pages
    assert len(set(articles.column("article_id").to_pylist())) == corpus.n_pages
    assert not staged()
    assert [m["balanced"] for m in manifests(out)] == [True]
