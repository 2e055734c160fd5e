"""Each transform on its own, in a TestPipeline (FnApiRunner)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import apache_beam as beam
import pyarrow.dataset as ds
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.config import defaults
from newsbeam.urls import article_id
from pipeline.build import boilerplate_rules
from schemas import ARTICLES, ERRORS, SCHEMA_VERSION, SCHEMA_VERSION_KEY, VISIT_EVENTS
from tests.conftest import RUNNER
from tests.feedgen import FORMATS
from transforms.boilerplate import StripConfiguredBoilerplate
from transforms.dedup import SkipDuplicates
from transforms.envelope import ARTICLE, ITEM, error_record
from transforms.read_feeds import ReadFeeds
from transforms.run_wide import RunWideStages
from transforms.write import WriteDatasets

CFG = defaults()


def _item(link: str, feed: str = "f1", guid: str | None = None, publisher: str = "example.com") -> dict[str, Any]:
    return {"kind": ITEM, "item_id": article_id(link), "link": link, "canonical_url": link, "guid": guid,
            "feed_url": feed, "publisher": publisher, "title": "t", "summary": None, "content": None,
            "published_at": None}


def _label(record: dict[str, Any]) -> tuple[str, str]:
    kind = record["kind"]
    if kind == "error":
        return kind, record["row"]["error_type"]
    if kind == "duplicate":
        return kind, f"{record['source']}:{record['reason']}"
    if kind == "feed":
        return kind, f"{Path(record['feed_url']).name}:{record['items']}"
    return kind, record.get("link") or record["article"]["article_id"]


@pytest.mark.parametrize("keys", [None, [5, 9, 2]])
def test_read_feeds_reads_every_format_and_dead_letters_bad_ones(tmp_path: Path, keys: list[int] | None) -> None:
    """Sources spread by a Reshuffle, or dealt to keys (as on the DaskRunner): the same records."""
    for name, fmt in FORMATS.items():
        (tmp_path / f"{name}.xml").write_bytes(fmt([(f"g-{name}", f"https://news.example.com/{name}", name)]))
    (tmp_path / "truncated.xml").write_bytes(b"<rss version='2.0'><channel><item><title>cut off")
    (tmp_path / "garbage.xml").write_bytes(b"\x00\x01 not a feed at all <<")
    sources = [str(tmp_path / "*.xml"), str(tmp_path / "missing-*.rss")]
    expected = [("item", f"https://news.example.com/{n}") for n in FORMATS]
    expected += [("feed", f"{n}.xml:1") for n in FORMATS]
    # The truncated feed: its item without a link is a dead letter, and the
    # feed itself is reported malformed; the garbage one yields nothing else.
    expected += [("feed", "truncated.xml:1"), ("error", "bad_link"), ("error", "malformed_feed")]
    expected += [("error", "malformed_feed"), ("feed", "garbage.xml:0"), ("error", "no_such_feed")]
    with TestPipeline(runner=RUNNER) as p:
        out = p | ReadFeeds(sources, CFG["fetch"], {}, keys=keys) | beam.Map(_label)
        assert_that(out, equal_to(expected))


def test_read_feeds_skips_an_unchanged_feed(tmp_path: Path) -> None:
    import hashlib

    body = FORMATS["rss20"]([("g", "https://news.example.com/1", "one")])
    path = tmp_path / "feed.xml"
    path.write_bytes(body)
    validators = {str(path): {"content_sha1": hashlib.sha1(body).hexdigest()}}
    with TestPipeline(runner=RUNNER) as p:
        out = p | ReadFeeds([str(path)], CFG["fetch"], validators) | beam.Map(lambda r: (r["kind"], r.get("status")))
        assert_that(out, equal_to([("feed", "not_modified")]))


def test_skip_duplicates_by_url_by_guid_and_by_earlier_runs() -> None:
    records = [
        _item("https://a.example.com/1", feed="f1"),
        _item("https://a.example.com/1", feed="f2"),  # same story in two feeds of one site
        _item("https://a.example.com/2", guid="G"),
        _item("https://a.example.com/2b", guid="G"),  # same guid, other URL
        _item("https://a.example.com/3"),  # written by an earlier run
        error_record("feed", "x", "malformed_feed", "bad"),
    ]
    known = frozenset({article_id("https://a.example.com/3")})
    with TestPipeline(runner=RUNNER) as p:
        out = p | beam.Create(records) | SkipDuplicates(known) | beam.Map(_label)
        assert_that(out, equal_to([
            ("item", "https://a.example.com/1"), ("duplicate", "https://a.example.com/1:same_url"),
            ("item", "https://a.example.com/2"), ("duplicate", "https://a.example.com/2b:same_guid"),
            ("duplicate", "https://a.example.com/3:already_processed"), ("error", "malformed_feed"),
        ]))


def _article(i: int, text: str, publisher: str = "pub.example.com") -> dict[str, Any]:
    return {"kind": ARTICLE, "article": {"article_id": f"a{i}", "publisher": publisher, "text": text,
                                         "removed_boilerplate": [], "word_count": len(text.split())}}


def test_strip_boilerplate_rules_and_learned_lines(tmp_path: Path) -> None:
    footer = "Get the Courier in your inbox every morning"
    records = [_article(i, f"Story number {i} tells its own news.\nMore From This Section\n{footer}") for i in range(4)]
    records.append(_article(9, f"Another site's story.\n{footer}", publisher="other.example.com"))
    learn = dict(CFG["boilerplate"]["learn"])

    def view(r: dict[str, Any]) -> tuple[str, str, tuple[str, ...]]:
        if r["kind"] == "learned":
            return ("learned", f"{r['publisher']}:{r['line']}", ())
        a = r["article"]
        return (a["article_id"], a["text"], tuple(a["removed_boilerplate"]))

    expected: list[Any] = [
        (f"a{i}", f"Story number {i} tells its own news.", ("More From This Section", footer)) for i in range(4)
    ]
    expected.append(("a9", f"Another site's story.\n{footer}", ()))
    expected.append(("learned", f"pub.example.com:{footer.lower()}", ()))
    with TestPipeline(runner=RUNNER) as p:
        out = (p | beam.Create(records) | StripConfiguredBoilerplate(boilerplate_rules(CFG))
               | RunWideStages(str(tmp_path), {"near_duplicates": False}, learn) | beam.Map(view))
        assert_that(out, equal_to(expected))


def test_write_datasets_stages_files_of_the_declared_schemas(tmp_path: Path) -> None:
    when = dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)
    article = {"article_id": "a1", "url": "https://x.example.com/1", "canonical_url": "https://x.example.com/1",
               "publisher": "x.example.com", "title": "T", "authors": ["A B"], "published_at": when,
               "fetched_at": when, "language": "en", "text": "words", "removed_boilerplate": [], "word_count": 1}
    event = {"event_id": "e1", "article_id": "a1", "visitor": "V", "destination_country": "RUS",
             "start_date": dt.date(2022, 2, 23), "status": "planned", "mentions": 2, "confidence": 0.9}
    records = [{"kind": ARTICLE, "article": article, "events": [event]},
               error_record("fetch", "https://x.example.com/2", "http_404", "Not Found", item_id="i2")]
    with TestPipeline(runner=RUNNER) as p:
        _ = p | beam.Create(records) | WriteDatasets(str(tmp_path), "run1", "2022-02-07")
    for name, schema, rows in (("articles", ARTICLES, 1), ("visit_events", VISIT_EVENTS, 1), ("errors", ERRORS, 1)):
        dataset = ds.dataset(tmp_path / name, format="parquet", partitioning="hive")
        table = dataset.to_table()
        assert table.num_rows == rows
        assert dataset.schema.remove_metadata().field("run_id") == schema.field("run_id")
        assert table.drop_columns(["ingest_date"]).schema.remove_metadata().equals(schema.remove_metadata())
        assert table.column("ingest_date").to_pylist() == ["2022-02-07"] * rows or str(
            table.column("ingest_date")[0]) == "2022-02-07"
        files = list((tmp_path / name).rglob("*.parquet"))
        import pyarrow.parquet as pq

        assert pq.read_metadata(files[0]).metadata[SCHEMA_VERSION_KEY] == SCHEMA_VERSION.encode()


PAGE_TEXT = (
    "Prime Minister Jane Example will visit Norway from March 3 to 5, the foreign ministry said on Monday. "
    "She is expected to hold talks in Oslo with the Norwegian prime minister about energy and trade links. "
    "Officials said the visit would also include a stop at a research station in the far north of the country."
)


def _page_html(title: str, text: str) -> str:
    paras = "".join(f"<p>{s.strip()}.</p>" for s in text.split(". ") if s.strip())
    return (f"<html lang='en'><head><title>{title}</title>"
            f"<meta property='article:published_time' content='2022-02-07T08:00:00Z'></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paras}</article></body></html>")


def test_fetch_pages_fetches_over_http_and_dead_letters_failures(tmp_path: Path) -> None:
    from newsbeam.samples import SampleServer
    from transforms.fetch import FetchPages

    site = tmp_path / "site" / "news.example.com"
    site.mkdir(parents=True)
    (site / "ok.html").write_text(_page_html("OK", PAGE_TEXT))
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    fetch_cfg = {**CFG["fetch"], "allow_private_hosts": True}
    records = [_item("http://news.example.com/ok.html"), _item("http://news.example.com/gone.html"),
               error_record("feed", "f", "malformed_feed", "x")]
    with SampleServer(tmp_path / "site") as server:
        fetch_cfg["resolve"] = server.resolve_map()

        def view(r: dict[str, Any]) -> tuple[str, str]:
            if r["kind"] == "page":
                return "page", f"{r['item']['link']}:{'Jane Example' in r['html']}"
            return _label(r)

        with TestPipeline(runner=RUNNER) as p:
            out = p | beam.Create(records) | FetchPages(fetch_cfg, shards=4) | beam.Map(view)
            assert_that(out, equal_to([("page", "http://news.example.com/ok.html:True"),
                                       ("error", "http_404"), ("error", "malformed_feed")]))


def test_items_are_dealt_to_fetch_shards_in_equal_numbers() -> None:
    from collections import Counter

    from transforms.deal import DealToKeysFn
    from transforms.fetch import _item_name

    deal = DealToKeysFn([8, 1, 2, 3, 4, 5, 6, 7], _item_name)  # any keys: shard 0 here is named 8
    sizes: Counter[Any] = Counter()
    for bundle in range(3):
        deal.start_bundle()
        records = [_item(f"http://news.example.com/{bundle}/{i}") for i in range(100)]
        records.append(error_record("feed", "f", "x", "y"))
        sizes.update(key for key, record in (kv for r in records for kv in deal.process(r)) if record["kind"] == ITEM)
    assert sum(sizes.values()) == 300 and set(sizes) == set(range(1, 9))
    assert max(sizes.values()) - min(sizes.values()) <= 3  # at most one more per bundle


def _fetched(link: str, html: str) -> dict[str, Any]:
    when = dt.datetime(2022, 2, 7, 9, tzinfo=dt.timezone.utc)
    return {"kind": "page", "item": _item(link), "html": html, "final_url": link, "fetched_at": when}


def test_extract_articles_gives_text_and_metadata_or_no_article_text() -> None:
    from transforms.extract import ExtractArticles

    records = [_fetched("http://news.example.com/a", _page_html("A visit", PAGE_TEXT)),
               _fetched("http://news.example.com/b", "<html><body><nav>Home</nav><p>Video</p></body></html>")]

    def view(r: dict[str, Any]) -> tuple[str, str]:
        if r["kind"] == "article":
            a = r["article"]
            return "article", f"{a['title']}|{a['published_at'].isoformat()}|{a['language']}|{'Oslo' in a['text']}"
        return _label(r)

    with TestPipeline(runner=RUNNER) as p:
        out = p | beam.Create(records) | ExtractArticles(CFG["extract"]) | beam.Map(view)
        assert_that(out, equal_to([("article", "A visit|2022-02-07T08:00:00+00:00|en|True"),
                                   ("error", "no_article_text")]))


def test_extract_visit_events_adds_event_rows_with_stable_ids() -> None:
    from transforms.events import ExtractVisitEvents

    article = {"article_id": "a1", "url": "http://news.example.com/a", "publisher": "example.com",
               "title": "A visit", "text": PAGE_TEXT.replace(". ", ".\n"),
               "published_at": dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)}

    def view(r: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [(e["article_id"], e["visitor"], e["destination_country"], e["status"], str(e["start_date"]),
                 len(e["event_id"])) for e in r["events"]]

    with TestPipeline(runner=RUNNER) as p:
        out = p | beam.Create([{"kind": ARTICLE, "article": article}]) | ExtractVisitEvents() | beam.FlatMap(view)
        assert_that(out, equal_to([("a1", "Jane Example", "NOR", "planned", "2022-03-03", 40)]))


@pytest.mark.parametrize("restore_keys", [None, [7, 3]])
def test_near_duplicates_cluster_copies_across_publishers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          restore_keys: list[int] | None) -> None:
    """Each spill file restored under its name, or (one article a file here)
    the files dealt to two keys: the same articles and decisions."""
    monkeypatch.setattr("transforms.run_wide.ARTICLES_PER_SPILL_FILE", 1)
    wire = "\n".join(f"Paragraph {i} of the wire story tells of talks on trade, energy and climate in Oslo today."
                     f" Sentence {i} adds detail number {i * 7} to the report." for i in range(12))
    other = "\n".join(f"An unrelated report, part {i}, covers a football match and its {i} goals." for i in range(12))
    records = [_article(1, wire, "a.example.com"), _article(2, wire + "\nFollow us for more.", "b.example.com"),
               _article(3, other, "a.example.com")]

    def view(r: dict[str, Any]) -> tuple[str, str]:
        a = r["article"]
        return a["article_id"], f"{a['cluster_id']}|{a['duplicate_of']}"

    with TestPipeline(runner=RUNNER) as p:
        out = (p | beam.Create(records)
               | RunWideStages(str(tmp_path), CFG["dedup"], {"enabled": False}, restore_keys=restore_keys)
               | beam.Filter(lambda r: r["kind"] == ARTICLE) | beam.Map(view))
        assert_that(out, equal_to([("a1", "a1|None"), ("a2", "a1|a1"), ("a3", "a3|None")]))


def test_sources_are_dealt_into_a_fixed_number_of_slots() -> None:
    """The first Create has the same size however many feeds (the DaskRunner's partitions come from it)."""
    from transforms.read_feeds import SOURCE_SLOTS, source_slots

    for sources in ([], ["one.xml"], [f"f{i}.xml" for i in range(150)]):
        slots = source_slots(sources)
        assert len(slots) == SOURCE_SLOTS
        assert sorted(s for slot in slots for s in slot) == sorted(sources)
