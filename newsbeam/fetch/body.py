"""Reading a response body under limits: bytes on the wire, bytes after decompression, time.

Decompression is done here, incrementally, with ``max_length`` on every
``decompress`` call, so a gzip or deflate bomb stops at ``max_bytes`` of output
without ever being inflated in memory.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from urllib3 import BaseHTTPResponse
from urllib3.exceptions import ProtocolError, ReadTimeoutError, SSLError

from newsbeam.fetch.result import FetchError

CHUNK = 64 * 1024


class Inflater:
    """Incremental gzip/deflate decoder that never produces more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.limit = limit
        self.produced = 0
        self._zlib_header = encoding != "deflate"  # deflate: zlib-wrapped, or raw (sniffed)
        self._obj = self._new() if encoding != "deflate" else None

    def _new(self) -> zlib._Decompress:
        if self.encoding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS if self._zlib_header else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> list[bytes]:
        if self._obj is None:  # deflate: zlib header (0x78 ..) or raw stream
            self._zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._obj = self._new()
        out: list[bytes] = []
        try:
            while data:
                piece = self._obj.decompress(data, min(CHUNK, self.limit - self.produced + 1))
                self._count(piece, out)
                data = self._obj.unconsumed_tail
                if self._obj.eof and self._obj.unused_data:  # concatenated gzip members
                    data = self._obj.unused_data
                    self._obj = self._new()
        except zlib.error as exc:
            raise FetchError("decode_error", f"bad {self.encoding} stream: {exc}") from None
        return out

    def finish(self) -> list[bytes]:
        out: list[bytes] = []
        if self._obj is not None:
            try:
                self._count(self._obj.flush(), out)
            except zlib.error as exc:
                raise FetchError("decode_error", f"bad {self.encoding} stream: {exc}") from None
        return out

    def _count(self, piece: bytes, out: list[bytes]) -> None:
        self.produced += len(piece)
        if self.produced > self.limit:
            raise FetchError("too_large", f"body inflates past max_bytes={self.limit} ({self.encoding})")
        if piece:
            out.append(piece)


def read_body(
    resp: BaseHTTPResponse,
    max_bytes: int,
    read_timeout: float,
    remaining: Callable[[], float],
) -> bytes:
    """The decoded body; raises FetchError for too_large, truncated, timeout, deadline, decode_error."""
    encoding = (resp.headers.get("Content-Encoding") or "identity").strip().lower()
    inflater = _inflater(encoding, max_bytes)
    declared = _content_length(resp)
    if declared is not None and encoding == "identity" and declared > max_bytes:
        raise FetchError("too_large", f"Content-Length {declared} is over max_bytes={max_bytes}")
    parts: list[bytes] = []
    wire = 0
    while True:
        _set_read_timeout(resp, read_timeout, remaining())
        try:
            chunk = _read_chunk(resp, wire, declared)
        except FetchError as exc:
            if exc.error_type == "timeout" and remaining() <= 0.01:
                raise FetchError("deadline_exceeded", f"deadline ran out while reading the body ({wire} bytes)",
                                 retryable=True) from None
            raise
        if not chunk:
            break
        wire += len(chunk)
        if wire > max_bytes:
            raise FetchError("too_large", f"body is over max_bytes={max_bytes} on the wire")
        parts.extend(inflater.feed(chunk) if inflater else [chunk])
        if remaining() <= 0:
            raise FetchError("deadline_exceeded", f"body still arriving when the deadline ran out ({wire} bytes)",
                             retryable=True)
    if declared is not None and wire < declared:
        raise FetchError("truncated", f"got {wire} of {declared} bytes (Content-Length)", retryable=True)
    if inflater:
        parts.extend(inflater.finish())
    return b"".join(parts)


def _inflater(encoding: str, max_bytes: int) -> Inflater | None:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip", "deflate"):
        return Inflater(encoding, max_bytes)
    raise FetchError("decode_error", f"unsupported Content-Encoding {encoding!r} (asked for gzip, deflate)")


def _content_length(resp: BaseHTTPResponse) -> int | None:
    if "chunked" in (resp.headers.get("Transfer-Encoding") or "").lower():
        return None
    value = resp.headers.get("Content-Length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _set_read_timeout(resp: BaseHTTPResponse, read_timeout: float, left: float) -> None:
    """Shrink the socket timeout to what is left of the deadline, so a trickle cannot overrun it."""
    if left <= 0:
        raise FetchError("deadline_exceeded", "deadline ran out while reading the body", retryable=True)
    sock = getattr(getattr(resp, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(min(read_timeout, left))


def _read_chunk(resp: BaseHTTPResponse, wire: int, declared: int | None) -> bytes:
    started = time.monotonic()
    try:
        return resp.read1(CHUNK, decode_content=False)
    except ReadTimeoutError:
        raise FetchError("timeout", f"no data for {time.monotonic() - started:.1f}s after {wire} body bytes",
                         retryable=True) from None
    except SSLError as exc:
        raise FetchError("truncated", f"TLS stream broke after {wire} bytes: {exc}", retryable=True) from None
    except ProtocolError as exc:
        expected = f" of {declared}" if declared is not None else ""
        raise FetchError("truncated", f"connection broke after {wire}{expected} body bytes: {exc}",
                         retryable=True) from None
