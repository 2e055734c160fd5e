"""Stored pages from WARC archives: the reader (``newsbeam.archive``) and the pipeline's archive items."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import apache_beam as beam
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from newsbeam.archive import ArchiveError, StoredPage, index_warc, read_response, write_warc
from newsbeam.config import load_config
from newsbeam.fetch.charset import TextDecoder
from tests.pipeline_helpers import REPO
from transforms.read_archives import archived_pages
from transforms.read_feeds import ReadFeeds

CFG = load_config(REPO / "configs" / "defaults.yaml")
PAGE = "<html><head><title>T</title></head><body><p>Письмо из Москвы</p></body></html>"
PAGES = [
    StoredPage("https://news.example.com/a", PAGE.encode("cp1251"), content_type="text/html; charset=windows-1251"),
    StoredPage("https://news.example.com/gone", b"<html>gone</html>", status="404 Not Found"),
    StoredPage("https://news.example.com/logo.png", b"\x89PNG...", content_type="image/png"),
    StoredPage("https://news.example.com/big", b"<html>" + b"x" * 5000 + b"</html>"),
]


def _warc(pages: list[StoredPage], gz: bool) -> io.BytesIO:
    buf = io.BytesIO()
    write_warc(buf, pages, gzip=gz)
    buf.seek(0)
    return buf


def _outcome(stream: io.BytesIO, offset: int) -> str:
    try:
        return read_response(stream, offset, 1000, TextDecoder())
    except ArchiveError as exc:
        return exc.error_type


@pytest.mark.parametrize("gz", [False, True])
def test_index_lists_responses_and_each_is_read_by_its_offset(gz: bool) -> None:
    stream = _warc(PAGES, gz)
    found = list(index_warc(stream))
    assert [r.uri for r in found] == [p.url for p in PAGES]  # the warcinfo record is not a page
    assert all(r.captured_at is not None and r.captured_at.tzinfo is not None for r in found)
    # Read in reverse: each record is found by its offset alone.
    outcomes = [_outcome(stream, r.offset) for r in reversed(found)]
    assert outcomes == ["too_large", "unsupported_content_type", "http_404", PAGE]


def test_request_and_metadata_records_are_not_items() -> None:
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warc_record("https://news.example.com/a", "request",
                                                  payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
    writer.write_record(writer.create_warc_record("https://news.example.com/a", "metadata",
                                                  payload=io.BytesIO(b"via: x"), warc_content_type="text/plain"))
    write_warc(buf, PAGES[:1])
    buf.seek(0)
    assert [r.uri for r in index_warc(buf)] == [PAGES[0].url]


def test_a_file_that_stops_being_warc_gives_its_good_records_then_an_error() -> None:
    buf = _warc(PAGES[:2], gz=True)
    buf.seek(0, io.SEEK_END)
    buf.write(b"this is not a WARC record\r\n" * 20)
    buf.seek(0)
    seen: list[str] = []
    with pytest.raises(ArchiveError) as raised:
        for record in index_warc(buf):
            seen.append(record.uri)
    assert seen == [PAGES[0].url, PAGES[1].url] and raised.value.error_type == "malformed_archive"


def test_a_compressed_body_is_bounded_after_decompression() -> None:
    bomb = gzip.compress(b"<html>" + b" " * 20_000_000)  # ~20 kB on disk, 20 MB inflated
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                               protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://news.example.com/bomb", "response",
                                                  payload=io.BytesIO(bomb), http_headers=headers))
    buf.seek(0)
    [record] = list(index_warc(buf))
    with pytest.raises(ArchiveError) as raised:
        read_response(buf, record.offset, 1_000_000, TextDecoder())
    assert raised.value.error_type == "too_large"


def _label(record: dict) -> tuple[str, str]:
    kind = record["kind"]
    if kind == "item":
        return kind, f"{record['link']}@{Path(record['archive']['path']).name}"
    if kind == "feed":
        return kind, f"{Path(record['feed_url']).name}:{record['items']}:{record.get('archive')}"
    return kind, record["row"]["error_type"]


@pytest.mark.parametrize("keys", [None, [3, 1]])
def test_read_feeds_turns_archives_into_items_and_dead_letters(tmp_path: Path, keys: list[int] | None) -> None:
    with (tmp_path / "one.warc.gz").open("wb") as fh:
        write_warc(fh, [PAGES[0], StoredPage("dns:news.example.com", b"")])
    with (tmp_path / "two.warc").open("wb") as fh:
        write_warc(fh, PAGES[1:2], gzip=False)
    (tmp_path / "broken.warc").write_bytes(b"not a warc at all")
    sources = [str(tmp_path / "*.warc*"), str(tmp_path / "missing-*.warc")]
    expected = [("item", f"{PAGES[0].url}@one.warc.gz"), ("error", "invalid_url"), ("feed", "one.warc.gz:2:True"),
                ("item", f"{PAGES[1].url}@two.warc"), ("feed", "two.warc:1:True"),
                ("error", "malformed_archive"), ("feed", "broken.warc:0:True"), ("error", "no_such_feed")]
    with TestPipeline(runner="DirectRunner") as p:
        out = p | ReadFeeds([], CFG["fetch"], {}, archives=tuple(sources), keys=keys) | beam.Map(_label)
        assert_that(out, equal_to(expected))


def test_archived_pages_become_page_records_or_fetch_dead_letters(tmp_path: Path) -> None:
    path = tmp_path / "pages.warc.gz"
    with path.open("wb") as fh:
        write_warc(fh, PAGES)
    with path.open("rb") as fh:
        found = list(index_warc(fh))
    items = [{"item_id": str(i), "link": r.uri, "feed_url": str(path),
              "archive": {"path": str(path), "offset": r.offset, "captured_at": r.captured_at}}
             for i, r in enumerate(found)]
    (tmp_path / "gone.warc").write_bytes(b"")
    items.append({"item_id": "x", "link": "https://news.example.com/x", "feed_url": "gone",
                  "archive": {"path": str(tmp_path / "nowhere.warc"), "offset": 0, "captured_at": None}})
    out = list(archived_pages(reversed(items), 1000, TextDecoder()))
    pages = [r for r in out if r["kind"] == "page"]
    errors = sorted((r["row"]["item_id"], r["row"]["error_type"], r["row"]["stage"])
                    for r in out if r["kind"] == "error")
    assert [(p["item"]["item_id"], p["html"], p["fetched_at"]) for p in pages] == [("0", PAGE, found[0].captured_at)]
    assert errors == [("1", "http_404", "fetch"), ("2", "unsupported_content_type", "fetch"),
                      ("3", "too_large", "fetch"), ("x", "unreadable_archive", "fetch")]
