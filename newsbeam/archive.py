"""Stored pages in WARC files (ISO 28500), read instead of fetched.

Web archives keep pages as WARC ``response`` records: Common Crawl's news
crawl, ``wget --warc-file``, Browsertrix and most crawlers write them, as
``.warc`` or ``.warc.gz`` (one gzip member per record). ``newsbeam run
--warc PATH`` processes such pages like fetched ones, with no request to
the publisher.

Reading takes two passes so that no step holds many pages: :func:`index_warc`
lists the response records (target URL, capture time, offset) without
keeping their bodies; later :func:`read_response` seeks to one offset and
reads that record alone, body bounded by ``max_bytes``. Other record types
(``warcinfo``, ``request``, ``metadata``, ``revisit``) hold no page and are
not items.

An archive is untrusted input like a feed: its URLs are only labels (never
fetched), bodies are read up to ``max_bytes`` after decompression, and a
malformed file ends in an error, not a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from newsbeam.fetch.charset import TextDecoder
from newsbeam.fetch.fetcher import PAGE_TYPES
from newsbeam.fetch.result import FetchError


@dataclass(frozen=True)
class ArchivedResponse:
    """One ``response`` record of an archive: where it is and what it captured."""

    uri: str
    offset: int
    captured_at: dt.datetime | None


class ArchiveError(ValueError):
    """An archive, or one of its records, that cannot be read; ``error_type`` names the kind."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _warc_date(value: str | None) -> dt.datetime | None:
    """``WARC-Date`` (W3C-DTF, UTC) as an aware datetime; None when unreadable."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def index_warc(stream: IO[bytes]) -> Iterator[ArchivedResponse]:
    """The response records of a WARC stream, in file order. Raises
    ArchiveError(``malformed_archive``) where the file stops being WARC
    (the records before that point have been yielded)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records = ArchiveIterator(stream, no_record_parse=True)
    try:
        for record in records:
            if record.format != "warc":  # warcio would read text as a legacy ARC record
                raise ArchiveError("malformed_archive", f"not a WARC record at offset {records.get_record_offset()}")
            if record.rec_type == "response":
                yield ArchivedResponse(
                    uri=(record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>"),
                    offset=records.get_record_offset(),
                    captured_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                )
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
        raise ArchiveError("malformed_archive", f"{type(exc).__name__}: {exc}") from exc


def read_response(stream: IO[bytes], offset: int, max_bytes: int, decoder: TextDecoder) -> str:
    """The page (decoded text) stored in the response record at ``offset``: status 2xx, an
    HTML type, at most ``max_bytes`` after decoding chunks and compression.
    Raises ArchiveError with the fetcher's error types (``http_404``,
    ``unsupported_content_type``, ``too_large``, ``decode_error``) or
    ``malformed_archive``."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)), None)
        if record is None or record.format != "warc" or record.rec_type != "response" or record.http_headers is None:
            raise ArchiveError("malformed_archive", f"no HTTP response record at offset {offset}")
        status = int(record.http_headers.get_statuscode() or 0)
        content_type = record.http_headers.get_header("Content-Type")
        _check(status, content_type)
        body = record.content_stream().read(max_bytes + 1)
    except ArchiveError:
        raise
    except (ArchiveLoadFailed, ValueError, EOFError, OSError) as exc:
        raise ArchiveError("malformed_archive", f"record at offset {offset}: {type(exc).__name__}: {exc}") from exc
    if len(body) > max_bytes:
        raise ArchiveError("too_large", f"archived body is larger than {max_bytes} bytes")
    try:
        text, _codec = decoder.decode(body, content_type)
    except FetchError as exc:
        raise ArchiveError(exc.error_type, exc.message) from exc
    return text


def _check(status: int, content_type: str | None) -> None:
    if not 200 <= status < 300:
        raise ArchiveError(f"http_{status}", f"the archived response has status {status}")
    mime = (content_type or "").split(";", 1)[0].strip().lower()
    if mime and mime not in PAGE_TYPES:
        raise ArchiveError("unsupported_content_type", f"{mime} is not a page")


@dataclass(frozen=True)
class StoredPage:
    """A page to store: its URL, body, and HTTP status and type."""

    url: str
    body: bytes
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"


def write_warc(stream: IO[bytes], pages: Iterable[StoredPage], gzip: bool = True) -> int:
    """Writes ``pages`` as WARC response records (after a ``warcinfo``);
    returns how many. For tests, benchmarks and archiving pages of one's own."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(stream, gzip=gzip)
    writer.write_record(writer.create_warcinfo_record("newsbeam.warc", {"software": "newsbeam"}))
    count = 0
    for page in pages:
        headers = StatusAndHeaders(page.status, [("Content-Type", page.content_type)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.body),
                                                      http_headers=headers))
        count += 1
    return count
