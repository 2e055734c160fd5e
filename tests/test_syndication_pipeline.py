"""The whole batch pipeline on the syndication sample (tests/data/syndication):
one wire story in five publishers' page styles (different boilerplate, one
truncated, one with an edited headline), two unrelated stories sharing a
publisher's boilerplate, two different visits by the same person, and a
follow-up reporting the visit as completed. Pages are served over loopback
HTTP by the sample server; the output is read back with pyarrow.dataset."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html
import pyarrow.dataset as pads
import pytest

from newsbeam.config import load_config
from pipeline.run import run_batch

SAMPLE = Path(__file__).resolve().parent / "data" / "syndication"
FEEDS = SAMPLE / "feeds"
SITE = SAMPLE / "site"
LEDGER = "northern-ledger.test"
# The sample's five copies of the wire story (the test's input, not an answer).
WIRE_COPIES = {
    f"http://www.{LEDGER}/world/2024/05/06/lindqvist-to-visit-canada.html",
    "http://www.harbour-times.test/news/world/sweden-canada-visit-0506.html",
    "http://www.valley-post.test/2024/05/06/swedish-minister-canada/",  # truncated
    "http://www.metro-daily.test/story/lindqvist-ottawa-arctic/",  # edited headline
    "http://www.coastal-herald.test/world/swedish-foreign-minister-visit-canada/",
}
UNRELATED = {
    f"http://www.{LEDGER}/city/2024/05/07/tram-extension-approved.html",
    f"http://www.{LEDGER}/culture/2024/05/11/maritime-museum-reopens.html",
}


def run(out: Path, feeds: list[Path]) -> dict[str, Any]:
    cfg = load_config(None, {"samples": {"serve": str(SITE)}, "output": str(out)})
    argv = ["--runner=FnApiRunner", "--out", str(out), "--allow-private-hosts"]
    for feed in feeds:
        argv += ["--feed", str(feed)]
    return run_batch(argv, cfg)


def read(out: Path, dataset: str) -> list[dict[str, Any]]:
    return pads.dataset(str(out / dataset), format="parquet", partitioning="hive").to_table().to_pylist()


def paragraphs(host_dir: Path) -> dict[Path, list[str]]:
    """The body paragraphs of each page of a host (not the byline, not the footer)."""
    xpath = "//p[not(@class) and not(ancestor::footer)]"
    return {page: [" ".join(p.text_content().split()) for p in lxml.html.parse(str(page)).getroot().xpath(xpath)]
            for page in host_dir.rglob("*.html")}


@pytest.fixture(scope="module")
def one_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("syndication")
    return run(out, sorted(FEEDS.glob("*.xml"))), out


@pytest.fixture(scope="module")
def articles(one_run: tuple[dict[str, Any], Path]) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in read(one_run[1], "articles")}


def test_the_five_copies_share_one_cluster(articles: dict[str, dict[str, Any]]) -> None:
    assert set(articles) >= WIRE_COPIES
    clusters = {articles[u]["cluster_id"] for u in WIRE_COPIES}
    assert len(clusters) == 1
    first = min(WIRE_COPIES, key=lambda u: (articles[u]["published_at"], articles[u]["article_id"]))
    assert clusters == {articles[first]["article_id"]}
    assert articles[first]["duplicate_of"] is None
    assert all(articles[u]["duplicate_of"] == articles[first]["article_id"] for u in WIRE_COPIES - {first})


def test_unrelated_stories_are_not_clustered(articles: dict[str, dict[str, Any]]) -> None:
    wire = articles[next(iter(WIRE_COPIES))]["cluster_id"]
    others = [a for u, a in articles.items() if u not in WIRE_COPIES]
    assert {a["url"] for a in others} >= UNRELATED
    assert all(a["cluster_id"] == a["article_id"] and a["duplicate_of"] is None for a in others)
    assert wire not in {a["cluster_id"] for a in others}


def test_learned_boilerplate_takes_the_publishers_lines_and_no_wire_text(
    one_run: tuple[dict[str, Any], Path], articles: dict[str, dict[str, Any]]
) -> None:
    manifest = one_run[0]
    ledger = paragraphs(SITE / f"www.{LEDGER}")
    repeated = set.intersection(*(set(ps) for ps in ledger.values()))  # in every one of its stories
    hosts = Counter(p for host in SITE.iterdir() for p in {p for ps in paragraphs(host).values() for p in ps})
    shared = {p for p, n in hosts.items() if n >= 2}  # sentences of the syndicated story
    assert len(repeated) == 3 and len(shared) >= 5 and not repeated & shared
    learned = manifest["learned_boilerplate"]
    assert {r["publisher"] for r in learned} == {LEDGER}
    assert len(learned) == len(repeated)
    for url, article in articles.items():
        removed = set(article["removed_boilerplate"])
        assert not removed & shared, url
        if article["publisher"] == LEDGER:
            assert removed == repeated
            assert not any(line in article["text"] for line in repeated)
    wire_ledger = articles[f"http://www.{LEDGER}/world/2024/05/06/lindqvist-to-visit-canada.html"]
    ledger_wire_paragraphs = next(ps for page, ps in ledger.items() if "lindqvist" in page.name)
    assert all(p in wire_ledger["text"] for p in ledger_wire_paragraphs if p not in repeated)


def test_visits_one_row_for_the_syndicated_visit(one_run: tuple[dict[str, Any], Path],
                                                 articles: dict[str, dict[str, Any]]) -> None:
    manifest, out = one_run
    visits = read(out, "visits")
    assert manifest["counts"]["visits_written"] == len(visits)
    canada = [v for v in visits if v["destination_country"] == "CAN" and "Lindqvist" in (v["visitor"] or "")]
    assert len(canada) == 1
    visit = canada[0]
    assert visit["publisher_count"] == 5
    events = {e["event_id"]: e for e in read(out, "visit_events")}
    wire_ids = {articles[u]["article_id"] for u in WIRE_COPIES}
    assert wire_ids <= {events[e]["article_id"] for e in visit["event_ids"]}
    # the follow-up (published after the visit) moves the status on
    followup = articles["http://www.metro-daily.test/story/lindqvist-ends-ottawa-visit/"]
    assert visit["status"] == "completed"
    assert visit["status_seen_at"] == followup["published_at"]
    assert visit["article_count"] == 6 and visit["story_count"] == 2


def test_visits_two_different_visits_stay_apart(one_run: tuple[dict[str, Any], Path]) -> None:
    visits = read(one_run[1], "visits")
    japan = [v for v in visits if v["destination_country"] == "JPN" and "Lindqvist" in (v["visitor"] or "")]
    assert len(japan) == 2
    assert {v["status"] for v in japan} == {"completed", "planned"}
    assert all(v["article_count"] == 1 for v in japan)


def test_clusters_against_an_earlier_run(tmp_path: Path) -> None:
    first = run(tmp_path, [FEEDS / "northern-ledger.xml", FEEDS / "harbour-times.xml", FEEDS / "metro-daily.xml"])
    second = run(tmp_path, [FEEDS / "valley-post.xml", FEEDS / "coastal-herald.xml"])
    assert second["counts"]["articles_written"] == 3
    arts = {a["url"]: a for a in read(tmp_path, "articles")}
    assert len({arts[u]["cluster_id"] for u in WIRE_COPIES}) == 1
    assert first["counts"]["near_duplicates"] == 2 and second["counts"]["near_duplicates"] == 2
    canada = [v for v in read(tmp_path, "visits") if v["destination_country"] == "CAN" and v["publisher_count"] == 5]
    assert len(canada) == 1
