"""The Fetcher: one URL at a time (``fetch``) or many at once (``fetch_many``).

Each request goes through the same steps: check the URL and pick a checked
address (``AddressPolicy``), consult robots.txt for that origin, wait for a
per-host slot (``HostGate``), send the GET to the checked IP over a pooled
urllib3 connection with the original Host header / SNI, then read the body
under the size, time and decompression limits (``read_body``). Redirects are
followed here, one hop at a time, so every hop is checked again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin

from urllib3 import BaseHTTPResponse, HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from newsbeam.fetch.address import AddressPolicy, Target
from newsbeam.fetch.body import read_body
from newsbeam.fetch.charset import TextDecoder
from newsbeam.fetch.config import FetchConfig
from newsbeam.fetch.hostgate import HostGate
from newsbeam.fetch.many import schedule
from newsbeam.fetch.result import FetchError, FetchResult
from newsbeam.fetch.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules

log = logging.getLogger(__name__)

KINDS = ("page", "feed")
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 429})
RETRY_NOW = frozenset({"timeout", "connection_error", "truncated"})
MAX_POOLS = 512
DRAIN_LIMIT = 64 * 1024


@dataclass
class _Call:
    """One fetch in progress."""

    url: str
    kind: str  # page | feed | robots
    etag: str | None
    last_modified: str | None
    deadline_at: float
    requests: int = 0

    def remaining(self) -> float:
        return self.deadline_at - time.monotonic()


def _retry_now(exc: FetchError) -> bool:
    if exc.status is not None:
        return exc.status in RETRY_STATUSES or exc.status >= 500
    return exc.error_type in RETRY_NOW


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP-date; None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _accepts(kind: str, mime: str) -> bool:
    if kind == "robots" or not mime:
        return True
    if kind == "page":
        return mime in PAGE_TYPES
    return mime.startswith("text/") or any(word in mime for word in ("xml", "rss", "atom"))


class Fetcher:
    """Fetches pages and feeds politely and safely; build one per worker (``DoFn.setup``).

    ``allowed_networks`` admits non-public networks the operator trusts (tests
    use it to let one loopback address through while the rest stay refused);
    ``allow_private_hosts`` in the config admits all of them. ``ca_certs`` is a
    CA bundle file to trust instead of certifi's (a private CA; tests).
    """

    def __init__(
        self,
        config: FetchConfig,
        *,
        allowed_networks: tuple[str, ...] = (),
        ca_certs: str | None = None,
        seed: int | None = None,
    ) -> None:
        self.config = config
        self._ca_certs = ca_certs or _ca_bundle()
        self.policy = AddressPolicy(
            allow_private=config.allow_private_hosts, allowed_networks=allowed_networks, resolve=config.resolve
        )
        self.decoder = TextDecoder()
        self.gate = HostGate(config.per_host, config.per_host_delay)
        self.robots = RobotsCache()
        self._robots_exempt = frozenset(config.robots_exempt)
        self._random = random.Random(seed)
        self._pools: OrderedDict[tuple[str, str, int, str], HTTPConnectionPool] = OrderedDict()
        self._pools_lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=config.max_in_flight, thread_name_prefix="fetch")
        self._closed = False

    # -- public API ---------------------------------------------------------

    def fetch(
        self, url: str, kind: str = "page", etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch one URL; never raises for network or HTTP problems (ok=False, error_type set)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        started = time.monotonic()
        call = _Call(url, kind, etag, last_modified, started + self.config.deadline)
        result = FetchResult(url=url)
        try:
            self._with_retries(call, result)
        except FetchError as exc:
            result.ok = False
            result.error_type, result.error_message, result.retryable = exc.error_type, exc.message, exc.retryable
            result.status = exc.status if exc.status is not None else result.status
        except Exception as exc:  # a bug must not kill a worker's bundle; it becomes an error row
            log.exception("unexpected error fetching %s", url)
            result.ok, result.error_type, result.error_message = False, "internal_error", repr(exc)
        result.attempts = call.requests and result.attempts
        result.fetched_at = datetime.now(timezone.utc)
        result.elapsed = time.monotonic() - started
        return result

    def fetch_many(self, urls: list[str], kind: str = "page") -> list[FetchResult]:
        """Fetch concurrently (bounded by max_in_flight and per_host); results in input order."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        return schedule(
            list(urls),
            lambda u: self.fetch(u, kind=kind),
            self._executor,
            self.config.max_in_flight,
            self.config.per_host,
        )

    def close(self) -> None:
        """Stop the worker threads and close every pooled connection."""
        if self._closed:
            return
        self._closed = True
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            pool.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- retries ------------------------------------------------------------

    def _with_retries(self, call: _Call, result: FetchResult) -> None:
        attempts = self.config.attempts
        for attempt in range(1, attempts + 1):
            result.attempts = attempt
            try:
                self._follow(call, result)
                return
            except FetchError as exc:
                if not _retry_now(exc) or attempt == attempts:
                    raise
                self._pause(exc, attempt, call)

    def _pause(self, exc: FetchError, attempt: int, call: _Call) -> None:
        """Sleep before the next attempt: Retry-After if given, else full-jitter backoff."""
        cap = min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))
        wait = exc.retry_after if exc.retry_after is not None else self._random.uniform(0, cap)
        left = call.remaining()
        if wait >= left:
            why = f"Retry-After {wait:.0f}s" if exc.retry_after is not None else f"backoff {wait:.1f}s"
            raise FetchError(exc.error_type, f"{exc.message}; {why} would pass the deadline, gave up",
                             retryable=True, status=exc.status)
        time.sleep(wait)

    # -- one attempt: the redirect chain -----------------------------------

    def _follow(self, call: _Call, result: FetchResult) -> None:
        url, seen = call.url, set()
        for _hop in range(self.config.max_redirects + 1):
            seen.add(url)
            target = self.policy.target(url)
            self._check_robots(target, call)
            location = self._request(target, call, result)
            if location is None:
                return
            url = urldefrag(urljoin(url, location)).url
            if url in seen:
                raise FetchError("too_many_redirects", f"redirect loop back to {url}")
        raise FetchError("too_many_redirects", f"more than max_redirects={self.config.max_redirects} redirects")

    def _check_robots(self, target: Target, call: _Call) -> None:
        if call.kind == "robots" or not self.config.robots or target.host in self._robots_exempt:
            return
        rules = self.robots.rules(target.origin, lambda: self._load_robots(target, call), call.remaining())
        rules.check(self.config.user_agent, target.url)

    def _load_robots(self, target: Target, page: _Call) -> RobotsRules:
        call = _Call(target.origin + "/robots.txt", "robots", None, None, page.deadline_at)
        result = FetchResult(url=call.url)
        try:
            self._with_retries(call, result)
        except FetchError as exc:
            gone = exc.status is not None and 400 <= exc.status < 500 and exc.status != 429
            unusable = exc.error_type in ("too_many_redirects", "too_large", "blocked_address", "blocked_scheme")
            if gone or unusable:
                return RobotsRules()
            return RobotsRules(unavailable=f"{exc.error_type}: {exc.message}")
        return RobotsRules.from_text(result.text or "")

    # -- one request ----------------------------------------------------------

    def _request(self, target: Target, call: _Call, result: FetchResult) -> str | None:
        """Send one GET; fill ``result`` and return None, or return a redirect Location."""
        with self.gate.slot(target.host, call.remaining()):
            left = call.remaining()
            if left <= 0:
                raise FetchError("deadline_exceeded", "deadline ran out before the request", retryable=True)
            timeout = Timeout(connect=min(self.config.connect_timeout, left), read=min(self.config.read_timeout, left))
            call.requests += 1
            resp = self._send(target, call, timeout)
            try:
                return self._handle(resp, target, call, result)
            finally:
                if not resp.closed:  # body left unread (too large, refused, ...): never reuse
                    resp.close()
                resp.release_conn()

    def _send(self, target: Target, call: _Call, timeout: Timeout) -> BaseHTTPResponse:
        headers = {
            "Host": target.host_header,
            "User-Agent": self.config.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": self._accept(call.kind),
        }
        if call.etag:
            headers["If-None-Match"] = call.etag
        if call.last_modified:
            headers["If-Modified-Since"] = call.last_modified
        try:
            return self._pool(target).urlopen(
                "GET", target.request_target, headers=headers, redirect=False, retries=False,
                preload_content=False, decode_content=False, timeout=timeout, assert_same_host=False,
            )
        except NewConnectionError as exc:
            raise FetchError("connection_error", f"cannot connect to {target.host} ({target.ip}): {exc}",
                             retryable=True) from None
        except (ConnectTimeoutError, ReadTimeoutError) as exc:
            raise FetchError("timeout", f"{target.host} ({target.ip}) timed out: {exc}", retryable=True) from None
        except SSLError as exc:
            raise FetchError("tls_error", f"TLS with {target.host} failed: {exc}", retryable=True) from None
        except (ProtocolError, HTTPError, OSError) as exc:
            raise FetchError("connection_error", f"{target.host} ({target.ip}) dropped the request: {exc}",
                             retryable=True) from None

    @staticmethod
    def _accept(kind: str) -> str:
        if kind == "feed":
            return "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
        if kind == "robots":
            return "text/plain, */*;q=0.1"
        return "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

    def _pool(self, target: Target) -> HTTPConnectionPool:
        key = (target.scheme, target.ip, target.connect_port, target.host)
        with self._pools_lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            pool = self._new_pool(target)
            self._pools[key] = pool
            evicted = self._pools.popitem(last=False)[1] if len(self._pools) > MAX_POOLS else None
        if evicted is not None:
            evicted.close()
        return pool

    def _new_pool(self, target: Target) -> HTTPConnectionPool:
        size = self.config.per_host
        if target.scheme == "http":
            return HTTPConnectionPool(target.ip, target.connect_port, maxsize=size, block=False, retries=False)
        return HTTPSConnectionPool(
            target.ip, target.connect_port, maxsize=size, block=False, retries=False,
            server_hostname=target.host, assert_hostname=target.host, cert_reqs="CERT_REQUIRED",
            ca_certs=self._ca_certs,
        )

    # -- one response -------------------------------------------------------

    def _handle(self, resp: BaseHTTPResponse, target: Target, call: _Call, result: FetchResult) -> str | None:
        status = resp.status
        result.status, result.final_url = status, target.url
        result.content_type = resp.headers.get("Content-Type")
        if status in REDIRECTS and resp.headers.get("Location"):
            _discard(resp)
            return str(resp.headers["Location"])
        if status == 304:
            _discard(resp)
            result.ok, result.not_modified = True, True
            result.etag = resp.headers.get("ETag") or call.etag
            result.last_modified = resp.headers.get("Last-Modified") or call.last_modified
            return None
        if not 200 <= status < 300:
            _discard(resp)
            raise FetchError(
                f"http_{status}", f"{target.url} answered {status} {resp.reason or ''}".rstrip(),
                retryable=status in RETRY_STATUSES or status >= 500, status=status,
                retry_after=_retry_after(resp.headers.get("Retry-After")),
            )
        self._read_ok(resp, call, result)
        return None

    def _read_ok(self, resp: BaseHTTPResponse, call: _Call, result: FetchResult) -> None:
        mime = (result.content_type or "").split(";", 1)[0].strip().lower()
        if not _accepts(call.kind, mime):
            raise FetchError("unsupported_content_type", f"{mime} is not fetched for a {call.kind}")
        limit = ROBOTS_MAX_BYTES if call.kind == "robots" else self.config.max_bytes
        body = read_body(resp, min(limit, self.config.max_bytes), self.config.read_timeout, call.remaining)
        if not mime and call.kind != "robots" and not body.lstrip()[:1] == b"<":
            raise FetchError("unsupported_content_type", f"no Content-Type and the body does not look like {call.kind}")
        result.text, result.charset = self.decoder.decode(body, result.content_type)
        result.body = body if call.kind == "feed" else None
        result.etag, result.last_modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        result.ok = True


def _discard(resp: BaseHTTPResponse) -> None:
    """Read a small body so the connection can be reused; close it when the body is big or unknown."""
    length = resp.headers.get("Content-Length")
    if length is not None and length.isdigit() and int(length) <= DRAIN_LIMIT:
        try:
            resp.drain_conn()
            return
        except (HTTPError, OSError):
            pass
    resp.close()


def _ca_bundle() -> str | None:
    try:
        import certifi  # shipped with requests; the system store is used when absent
    except ImportError:
        return None
    return str(certifi.where())

