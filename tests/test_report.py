"""The HTML report: sections from real Parquet fixtures, empty output, escaping."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsbeam.report import add_report_arguments, build_report, run_report
from schemas import ARTICLES, ERRORS, VISIT_EVENTS, VISITS, with_metadata

HOSTILE_TITLE = '<script>alert("x")</script> Talks & more'
HOSTILE_VISITOR = "<img src=x onerror=alert(1)> $Evil$"
CHART_VISITOR = "Visitor 6 $\\frac{1}{$ --> <x>"  # drawn on the timeline: mathtext and comment breakers
STATUSES = ("planned", "ongoing", "completed", "cancelled", "proposed")
RUN_COUNTS = {
    "feeds_read": 3, "feed_errors": 1, "items_seen": 17, "duplicates_skipped": 4, "already_processed": 2,
    "articles_written": 6, "events_written": 7, "errors_written": 5, "item_errors": 5,
}  # fmt: skip
UTC = dt.timezone.utc


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def _write(out: Path, name: str, schema: pa.Schema, rows: list[dict[str, Any]], day: str = "2024-03-01") -> None:
    part = out / name / f"ingest_date={day}"
    part.mkdir(parents=True, exist_ok=True)
    full = [{f.name: row.get(f.name) for f in schema} for row in rows]
    pq.write_table(pa.Table.from_pylist(full, schema=with_metadata(schema, name)), part / "part-0.parquet")


def _article(n: int, publisher: str, title: str, removed: list[str]) -> dict[str, Any]:
    url = f"https://{publisher}/news/{n}"
    return {
        "article_id": _sha1(url), "url": url, "canonical_url": url, "feed_url": f"https://{publisher}/rss",
        "publisher": publisher, "title": title, "authors": ["A. Writer"],
        "published_at": dt.datetime(2024, 3, 1, 8, tzinfo=UTC), "fetched_at": dt.datetime(2024, 3, 1, 9, tzinfo=UTC),
        "language": "en", "text": "body text", "removed_boilerplate": removed, "word_count": 100 + n, "run_id": "run-b",
    }  # fmt: skip


def _event(n: int, article: dict[str, Any], status: str, start: dt.date | None, **extra: Any) -> dict[str, Any]:
    row = {
        "event_id": _sha1(f"event-{n}"), "article_id": article["article_id"], "url": article["url"],
        "publisher": article["publisher"], "published_at": article["published_at"], "visitor": f"Visitor {n}",
        "visitor_title": "Prime Minister", "visitor_country": "PAK", "destination_country": "RUS",
        "destination_city": "Moscow", "start_date": start, "date_precision": "day" if start else None,
        "status": status, "mentions": 1, "confidence": 0.9, "extractor_version": "test", "run_id": "run-b",
    }  # fmt: skip
    row.update(extra)
    return row


def _manifest(out: Path, run_id: str, started: str, counts: dict[str, Any], duration: float, **extra: Any) -> None:
    runs = out / "_runs"
    runs.mkdir(parents=True, exist_ok=True)
    doc = {"run_id": run_id, "started_at": started, "finished_at": started, "duration_s": duration, "mode": "batch",
           "counts": counts, "balanced": True, "settings": {}, **extra}  # fmt: skip
    (runs / f"{run_id}.json").write_text(json.dumps(doc), encoding="utf-8")


def make_fixture(out: Path, with_visits: bool = True) -> Path:
    """An output directory with every dataset, two runs and visits in all five statuses."""
    articles = [
        _article(1, "example-news.com", HOSTILE_TITLE, ["More From This Section", "Subscribe now"]),
        _article(2, "example-news.com", "Minister to visit Moscow", ["More From This Section"]),
        _article(3, "daily-wire.org", "Summit talks", []),
        _article(4, "other-paper.net", "Trip called off", ["Read more"]),
    ]
    _write(out, "articles", ARTICLES, articles)
    events = [
        _event(i, articles[i % 3], status, dt.date(2024, 2 + i, 10))
        for i, status in enumerate(STATUSES)
    ]  # fmt: skip
    events[1]["end_date"] = dt.date(2024, 3, 14)
    events[2].update(destination_country="CHN", destination_city="Beijing", date_precision="month")
    events.append(_event(5, articles[3], "planned", None, visitor=HOSTILE_VISITOR, visitor_country="IND"))
    events.append(
        _event(6, articles[2], "completed", dt.date(2023, 12, 1), url="javascript:alert(1)", visitor=CHART_VISITOR)
    )
    _write(out, "visit_events", VISIT_EVENTS, events)
    errors = [
        {"run_id": "run-b", "stage": "fetch", "source": f"https://slow.example/{i}", "error_type": "TimeoutError",
         "message": "timed out", "attempts": 3, "occurred_at": dt.datetime(2024, 3, 1, 9, i, tzinfo=UTC),
         "retryable": True}
        for i in range(4)
    ] + [{"run_id": "run-b", "stage": "feed", "source": "https://gone.example/rss", "error_type": "HTTPError",
          "message": "404 <b>not found</b>", "attempts": 1}]  # fmt: skip
    _write(out, "errors", ERRORS, errors)
    if with_visits:
        visits = [
            {
                "visit_id": "v1",
                "visitor": "Visitor 0",
                "visitor_country": "PAK",
                "destination_country": "RUS",
                "start_date": dt.date(2024, 2, 10),
                "status": "planned",
                "article_count": 3,
                "publisher_count": 2,
            }
        ]
        _write(out, "visits", VISITS, visits)  # fmt: skip
    _manifest(out, "run-a", "2024-02-29T08:00:00+00:00", {"items_seen": 5, "articles_written": 5}, 3.5)
    learned = [{"publisher": "example-news.com", "line": "Subscribe <now>", "articles": 2, "stories": 2}]
    counts = {**RUN_COUNTS, "errors_by_stage": {"fetch": 4, "feed": 1}}
    _manifest(
        out, "run-b", "2024-03-01T08:00:00+00:00", counts, 12.25, runner="DirectRunner", learned_boilerplate=learned
    )
    return out


class _Dom(HTMLParser):
    """Ids, hrefs, table cells by table id and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, str] = {}
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self._table: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append(tag)
        if a.get("id"):
            self.ids[a["id"] or ""] = tag
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "table":
            self._table.append(a.get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._table:
            self._table.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._table and data.strip():
            self.cells.setdefault(self._table[-1], []).append(data.strip())


def _parse(path: Path) -> tuple[str, _Dom]:
    page = path.read_text(encoding="utf-8")
    dom = _Dom()
    dom.feed(page)
    return page, dom


def _row(page: str, table_id: str, marker: str) -> list[str]:
    """The raw cell HTML of the first row of table ``table_id`` that mentions ``marker``."""
    table = page[page.index(f'<table id="{table_id}"') :]
    table = table[: table.index("</table>")]
    row = next(r for r in table.split("</tr>") if marker in r)
    return re.findall(r"<td[^>]*>(.*?)</td>", row)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, _Dom]:
    out = make_fixture(tmp_path_factory.mktemp("report") / "out")
    written = build_report(str(out))
    assert written == str(out / "report.html")
    return _parse(Path(written))


def test_every_section_is_present(report: tuple[str, _Dom]) -> None:
    _, dom = report
    for element_id in ("run-history", "timeline", "matrix", "publishers", "errors", "visits", "undated"):
        assert element_id in dom.ids, element_id
    assert dom.ids["runs"] == "table"
    assert dom.tags.count("svg") >= 5  # runs, timeline, matrix, publishers, errors


def test_run_table_has_the_manifest_numbers(report: tuple[str, _Dom]) -> None:
    _, dom = report
    cells = dom.cells["runs"]
    assert "run-b" in cells and "run-a" in cells
    for value in RUN_COUNTS.values():
        assert str(value) in cells
    assert "12.25" in cells
    assert "batch / DirectRunner" in cells


def test_timeline_links_each_visit_to_its_article(report: tuple[str, _Dom]) -> None:
    page, dom = report
    rows = re.findall(r'<tr class="visit" data-status="(\w*)">', page)
    assert set(STATUSES) <= set(rows)
    assert "https://example-news.com/news/1" in dom.hrefs
    assert "https://other-paper.net/news/4" in dom.hrefs  # the undated one
    assert "Minister to visit Moscow" in dom.cells["timeline-rows"]
    assert len(dom.cells["undated"]) > 0


def test_only_http_links(report: tuple[str, _Dom]) -> None:
    page, dom = report
    assert dom.hrefs
    assert all(h.startswith(("http://", "https://", "#")) for h in dom.hrefs)
    assert "javascript:" not in page  # neither a link in the table nor in the SVG
    row = _row(page, "timeline-rows", "Visitor 6")
    assert row[-1] == "Summit talks"  # the title as plain text, no <a>
    assert _row(page, "timeline-rows", "Visitor 0")[-1].startswith("<a href=")


def test_hostile_text_is_escaped(report: tuple[str, _Dom]) -> None:
    page, dom = report
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert "&lt;script&gt;" in page
    assert HOSTILE_TITLE in "".join(dom.text)
    assert "404 <b>not found</b>" in "".join(dom.text)
    assert "onerror" not in {t for t in dom.tags}
    assert "--> <x>" not in page and "<x>" not in page  # neither in the table nor in the SVG's comments
    assert CHART_VISITOR in "".join(dom.text)


def test_matrix_counts(report: tuple[str, _Dom]) -> None:
    page, dom = report
    assert "matrix-table" in dom.ids
    cells = dom.cells["matrix-table"]
    assert {"PAK", "IND", "RUS", "CHN"} <= set(cells)
    pak_row = re.search(r'<tr><th scope="row" title="Pakistan">PAK</th>(.*?)</tr>', page)
    assert pak_row is not None
    # Six PAK events: four to RUS, one to CHN, the hostile visitor is IND.
    assert re.findall(r">(\d+)<", pak_row.group(1))[-1] == "6"


def test_publishers_and_boilerplate(report: tuple[str, _Dom]) -> None:
    page, dom = report
    cells = dom.cells["publishers-table"]
    assert cells[cells.index("example-news.com") + 1] == "2"  # articles
    assert "More From This Section" in cells
    assert "Subscribe <now>" in dom.cells["learned-boilerplate"]  # from the manifest, escaped
    assert "Subscribe &lt;now&gt;" in page


def test_errors_grouped_with_first_sources(report: tuple[str, _Dom]) -> None:
    _, dom = report
    cells = dom.cells["errors-table"]
    assert cells.index("feed") < cells.index("fetch")  # stages in pipeline order
    assert cells[cells.index("TimeoutError") + 1] == "4"
    sources = [h for h in dom.hrefs if h.startswith("https://slow.example/")]
    assert sources == [f"https://slow.example/{i}" for i in range(3)]


def test_visits_section_absent_without_dataset(tmp_path: Path) -> None:
    out = make_fixture(tmp_path / "out", with_visits=False)
    _, dom = _parse(Path(build_report(str(out), str(tmp_path / "r.html"))))
    assert "visits" not in dom.ids
    assert "timeline" in dom.ids


def test_visits_section_shows_counts(report: tuple[str, _Dom]) -> None:
    page, dom = report
    assert "visits-table" in dom.ids
    assert _row(page, "visits-table", "Visitor 0")[7:9] == ["3", "2"]


def test_missing_output_gives_messages_not_tracebacks(tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    page, dom = _parse(Path(build_report(str(out))))
    for element_id in ("run-history", "timeline", "matrix", "publishers", "errors"):
        assert element_id in dom.ids
    assert "Traceback" not in page
    assert "No visit_events dataset" in page
    assert "No run manifests" in page
    assert "runs" not in dom.ids


def test_empty_dataset_directories(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("articles", "visit_events", "errors", "visits"):
        (out / name / "ingest_date=2024-03-01").mkdir(parents=True)
        (out / name / "_SUCCESS").write_text("")
    (out / "_runs").mkdir()
    (out / "_runs" / "broken.json").write_text("{not json")
    page, dom = _parse(Path(build_report(str(out))))
    assert "The visit_events dataset is empty" in page
    assert "could not be read: broken.json" in page
    assert "visits" in dom.ids  # the directory exists, so the section says it is empty


def test_cli_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = make_fixture(tmp_path / "out")
    parser = argparse.ArgumentParser()
    add_report_arguments(parser)
    target = tmp_path / "sub" / "page.html"
    assert run_report(parser.parse_args([str(out), "--html", str(target)])) == 0
    assert target.stat().st_size > 10_000
    assert str(target) in capsys.readouterr().out
    assert run_report(parser.parse_args([str(tmp_path / "nope")])) == 2
    assert "no such directory" in capsys.readouterr().err


def test_page_is_self_contained(report: tuple[str, _Dom]) -> None:
    page, _ = report
    refs = re.findall(r'\bhref="([^"]*)"', page)
    assert refs
    # In-page anchors, links out, and the heatmap's inline PNG; nothing to fetch.
    assert all(r.startswith(("#", "http://", "https://", "data:image/png;base64,")) for r in refs)
    assert re.search(r"<[^>]*\ssrc=", page) is None
    assert re.search(r"url\((?!#)", page) is None
    for needle in ("<link", "<script", "<iframe", "@import"):
        assert needle not in page.lower(), needle
    assert "Content-Security-Policy" in page
