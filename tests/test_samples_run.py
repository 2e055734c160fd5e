"""The demo: ``newsbeam run`` on the bundled samples, read back (issues #2, #6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.pipeline_helpers import REPO, VOLATILE_COLUMNS, comparable_rows, manifests, newsbeam, read_dataset
from tests.test_cli import FIELDS, seed_gold

pytestmark = pytest.mark.slow
EXPECTED = json.loads((REPO / "samples" / "expected.json").read_text())


@pytest.fixture(scope="module")
def direct_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("direct")
    done = newsbeam("run", "--config", "configs/local.yaml", "--out", str(out))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Visit events found in run" in done.stdout and "Imran Khan" in done.stdout
    return out


def test_the_manifest_balances_and_has_the_expected_counts(direct_out: Path) -> None:
    [manifest] = manifests(direct_out)
    assert manifest["balanced"] is True
    for key, value in EXPECTED["counts"].items():
        assert manifest["counts"][key] == value, key


def _seed_article(out: Path) -> dict[str, Any]:
    rows = [a for a in read_dataset(out, "articles").to_pylist() if a["url"] == EXPECTED["seed_article"]]
    assert len(rows) == 1
    return rows[0]


def test_the_seed_page_loses_its_boilerplate(direct_out: Path) -> None:
    seed = _seed_article(direct_out)
    assert seed["publisher"] == "business-standard.com"
    assert "More From This Section" not in seed["text"]
    assert "reworked by the Business Standard staff" not in seed["text"]
    removed = seed["removed_boilerplate"]
    assert "More From This Section" in removed
    assert any("reworked by the Business Standard staff" in line for line in removed)
    assert seed["published_at"].date().isoformat() == "2022-02-07"


def test_the_seed_page_yields_the_spec_events(direct_out: Path, shared_dir: Path) -> None:
    seed = _seed_article(direct_out)
    events = [e for e in read_dataset(direct_out, "visit_events").to_pylist() if e["article_id"] == seed["article_id"]]
    gold = seed_gold(shared_dir)
    required = [g for g in gold if not g.get("optional")]
    for want in required:
        got = [e for e in events if e["destination_country"] == want["destination_country"]
               and want["visitor"].split()[-1].lower() in (e["visitor"] or "").lower()]
        assert len(got) == 1, (want, events)
        row = {k: (got[0][k].isoformat() if hasattr(got[0][k], "isoformat") else got[0][k]) for k in FIELDS}
        assert row == {k: want[k] for k in FIELDS}
    assert len(required) <= len(events) <= len(gold)


def test_dask_output_equals_direct_output_row_for_row(direct_out: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    out = tmp_path / "dask"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        done = newsbeam("run", "--config", "configs/local.yaml", "--out", str(out), "--runner", "DaskRunner",
                        "--dask_address", cluster.scheduler_address)
        executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(executed) == 2 and all(n > 0 for n in executed.values()), executed  # the work ran on both workers
    for name, drop in VOLATILE_COLUMNS.items():
        direct, dask = read_dataset(direct_out, name), read_dataset(out, name)
        assert direct.num_rows > 0
        assert comparable_rows(dask, drop) == comparable_rows(direct, drop), name


def test_two_worker_processes_give_the_direct_output_row_for_row(direct_out: Path, tmp_path: Path) -> None:
    """The CLI starts the FnApiRunner's worker processes itself, early (pipeline/workers.py)."""
    out = tmp_path / "two"
    done = newsbeam("run", "--config", "configs/local.yaml", "--out", str(out), "--runner", "FnApiRunner",
                    "--direct_num_workers", "2", "--direct_running_mode", "multi_processing")
    assert done.returncode == 0, done.stderr[-3000:]
    for name, drop in VOLATILE_COLUMNS.items():
        direct = read_dataset(direct_out, name)
        assert direct.num_rows > 0
        assert comparable_rows(read_dataset(out, name), drop) == comparable_rows(direct, drop), name


def _archive_of(articles: list[dict[str, Any]], path: Path) -> None:
    """The demo's article pages, stored in a WARC as a crawler would have them."""
    from newsbeam.archive import StoredPage, write_warc

    pages = []
    for article in articles:
        parts = urlsplit(article["url"])
        file = REPO / "samples" / "site" / parts.netloc / parts.path.lstrip("/")
        pages.append(StoredPage(article["url"], (file / "index.html" if file.is_dir() else file).read_bytes()))
    pages.append(StoredPage(pages[0].url + "?gone", b"<html>gone</html>", status="410 Gone"))
    with path.open("wb") as fh:
        write_warc(fh, pages)


def test_the_same_pages_from_a_warc_archive_give_the_same_articles(direct_out: Path, tmp_path: Path) -> None:
    """``--warc``: no feed and no fetch (nothing is served and loopback is
    refused), yet every article equals the one fetched from the demo site."""
    direct = {a["article_id"]: a for a in read_dataset(direct_out, "articles").to_pylist()}
    archive = tmp_path / "pages.warc.gz"
    _archive_of(list(direct.values()), archive)
    out = tmp_path / "from-warc"
    for _ in range(2):  # the second run adds nothing
        done = newsbeam("run", "--config", "configs/defaults.yaml", "--warc", str(archive), "--out", str(out))
        assert done.returncode == 0, done.stderr[-3000:]
    first, second = manifests(out)
    assert first["balanced"] and first["counts"]["archives_read"] == 1 and first["counts"]["feeds_read"] == 0
    assert first["counts"]["items_seen"] == len(direct) + 1
    assert first["counts"]["articles_written"] == len(direct)
    assert first["counts"]["errors_by_stage"] == {"fetch": 1}  # the 410, and nothing fetched over the network
    assert second["balanced"] and second["counts"]["articles_written"] == 0
    assert second["counts"]["already_processed"] == len(direct) + 1
    same = ("url", "canonical_url", "publisher", "title", "authors", "language", "text", "removed_boilerplate",
            "word_count")
    for row in read_dataset(out, "articles").to_pylist():
        assert {k: row[k] for k in same} == {k: direct[row["article_id"]][k] for k in same}
        assert row["feed_url"] == str(archive)
    assert read_dataset(out, "visit_events").num_rows > 0
