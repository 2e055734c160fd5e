"""FetchResult (what a fetch returns) and FetchError (how a failure travels inside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

# Stable error_type strings (besides ``http_<status>``), each a column value in errors/.
ERROR_TYPES = (
    "invalid_url",  # not a parseable absolute http(s) URL: no host, bad port, credentials
    "blocked_scheme",  # not http/https (file:, ftp:, relative URLs, ...)
    "blocked_address",  # resolves only to loopback/private/link-local/... addresses
    "dns_error",  # host name does not resolve
    "robots_disallowed",  # robots.txt forbids this path for our user agent
    "robots_unavailable",  # robots.txt answered 5xx / could not be fetched: RFC 9309 says stay out
    "timeout",  # connect or read timeout
    "connection_error",  # refused, reset before the response head, ...
    "tls_error",  # certificate or handshake failure
    "truncated",  # body shorter than Content-Length, or the connection broke mid-body
    "too_large",  # body over max_bytes, on the wire or after decompression
    "too_many_redirects",  # more than max_redirects hops, or a redirect loop
    "unsupported_content_type",  # not HTML (pages) / not XML or text (feeds)
    "decode_error",  # bad Content-Encoding stream or undecodable text
    "deadline_exceeded",  # the whole fetch took longer than ``deadline``
)


class FetchError(Exception):
    """A failed fetch: ``error_type`` is one of ERROR_TYPES or ``http_<status>``."""

    def __init__(
        self,
        error_type: str,
        message: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type
        self.message = message
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class FetchResult:
    """One URL's outcome. ``fetch`` never raises for network/HTTP problems; it returns ok=False."""

    url: str
    final_url: str | None = None
    ok: bool = False
    status: int | None = None
    content_type: str | None = None
    text: str | None = None
    body: bytes | None = None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    attempts: int = 0
    error_type: str | None = None
    error_message: str | None = None
    retryable: bool = False
    fetched_at: datetime = field(default_factory=_now)
    elapsed: float = 0.0
    charset: str | None = None  # the codec ``text`` was decoded with
