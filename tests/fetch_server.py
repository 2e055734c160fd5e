"""A loopback HTTP server for the fetcher's tests; it records every request it receives.

Routes (query parameters in brackets):
  /robots.txt               ``server.robots_txt`` (404 when None; status ``server.robots_status``)
  <added path>              a static response added with ``server.add``
  /page                     a small UTF-8 HTML page
  /slow [delay]             the page after ``delay`` seconds (default 2)
  /endless                  HTML without Content-Length, streamed until the client leaves (30 s cap)
  /trickle [every]          one byte every ``every`` seconds (default 0.2, 30 s cap)
  /bomb [enc=gzip|deflate]  a ~20 KB body that inflates to 50 MB of spaces
  /big                      Content-Length 10 MB, nothing sent unless asked
  /loop/<n>                 redirect to /loop/<n+1>, forever
  /cycle/a, /cycle/b        redirect to each other
  /redirect [to, code]      redirect to ``to``
  /etag                     ETag "v1" + Last-Modified; 304 when the validators match
  /flaky [status, fail, retry_after]  ``status`` for the first ``fail`` requests of this exact URL, then the page
  /reset [fail]             reset the connection (RST) for the first ``fail`` requests, then the page
  /truncated [fail]         Content-Length 2000 but 100 bytes sent, for the first ``fail`` requests
  /status [code]            an empty answer with that status
  /feed                     a small RSS feed (application/rss+xml)
  /image                    image/png bytes
"""

from __future__ import annotations

import gzip
import socket
import ssl
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGE = b"<!doctype html><html><head><title>t</title></head><body><p>Hello, world.</p></body></html>"
FEED = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>'
    b"<item><title>One</title><link>http://example.com/1</link></item></channel></rss>"
)
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"
STREAM_CAP = 30.0


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Static:
    body: bytes
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once; the default 5 drops SYNs
    owner: TestServer

    def handle_error(self, request: Any, client_address: Any) -> None:  # client hung up: expected here
        pass


class _V6Server(_Server):
    address_family = socket.AF_INET6


class TestServer:
    """``with TestServer() as srv: srv.url('/page')``; ``srv.requests`` lists what arrived."""

    __test__ = False  # not a pytest class

    def __init__(self, host: str = "127.0.0.1", tls: tuple[str, str] | None = None) -> None:
        cls = _V6Server if ":" in host else _Server
        self.httpd = cls((host, 0), _Handler)
        self.scheme = "https" if tls else "http"
        if tls:  # (certfile, keyfile)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.owner = self
        self.host = host
        self.port = int(self.httpd.server_address[1])
        self.requests: list[Recorded] = []
        self.static: dict[str, Static] = {}
        self.routes: dict[str, Callable[[_Handler], None]] = {}
        self.robots_txt: str | None = None
        self.robots_status = 200
        self.counts: Counter[str] = Counter()
        self.active: Counter[str] = Counter()
        self.max_active: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str, host: str | None = None) -> str:
        name = host or (f"[{self.host}]" if ":" in self.host else self.host)
        return f"{self.scheme}://{name}:{self.port}{path}"

    def add(self, path: str, body: bytes, status: int = 200, **headers: str) -> None:
        self.static[path] = Static(body, status, {k.replace("_", "-"): v for k, v in headers.items()})

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def record(self, handler: _Handler) -> int:
        """Record the request; returns how many times this exact path (with query) was asked."""
        with self.lock:
            self.requests.append(Recorded(handler.command, handler.path, dict(handler.headers.items())))
            self.counts[handler.path] += 1
            return self.counts[handler.path]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server
    _counted: str | None = None  # the Host of a request that counts as active

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def owner(self) -> TestServer:
        return self.server.owner

    def do_GET(self) -> None:
        nth = self.owner.record(self)
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        host = self.headers.get("Host", "")
        with self.owner.lock:
            for key in (host, "*"):  # "*": all hosts together
                self.owner.active[key] += 1
                self.owner.max_active[key] = max(self.owner.max_active[key], self.owner.active[key])
        self._counted = host
        try:
            self._dispatch(parts.path, query, nth)
        except OSError:
            self.close_connection = True
        finally:
            self._leave()

    def _leave(self) -> None:
        """The request stops counting as active. ``reply`` calls this before
        the last write: once the client has the last byte it may start its
        next request, possibly before this thread runs again, and that is
        not two requests at once."""
        host, self._counted = self._counted, None
        if host is not None:
            with self.owner.lock:
                self.owner.active[host] -= 1
                self.owner.active["*"] -= 1

    def _dispatch(self, path: str, query: dict[str, str], nth: int) -> None:
        owner = self.owner
        if path in owner.routes:
            owner.routes[path](self)
        elif path in owner.static:
            item = owner.static[path]
            self.reply(item.status, item.body, **item.headers)
        elif path == "/robots.txt":
            self._robots()
        elif path.startswith("/loop/"):
            self.redirect(f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path.startswith("/cycle/"):
            self.redirect("/cycle/b" if path.endswith("/a") else "/cycle/a")
        else:
            handler = getattr(self, "route_" + path.strip("/").replace("-", "_"), None)
            if handler is None:
                self.reply(404, b"not found", Content_Type="text/plain")
            else:
                handler(query, nth)

    # -- helpers ------------------------------------------------------------

    def reply(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content-Type", "text/html; charset=utf-8")
        headers.setdefault("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if not body:
            self._leave()
        self.end_headers()
        if body:
            self._leave()
            self.wfile.write(body)

    def redirect(self, location: str, code: int = 302) -> None:
        self.reply(code, b"", Location=location)

    def reset(self) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def _robots(self) -> None:
        text = self.owner.robots_txt
        if text is None:
            self.reply(404, b"no robots", Content_Type="text/plain")
        else:
            self.reply(self.owner.robots_status, text.encode(), Content_Type="text/plain")

    # -- routes ---------------------------------------------------------------

    def route_page(self, query: dict[str, str], nth: int) -> None:
        self.reply(200, PAGE)

    def route_feed(self, query: dict[str, str], nth: int) -> None:
        self.reply(200, FEED, Content_Type="application/rss+xml")

    def route_image(self, query: dict[str, str], nth: int) -> None:
        self.reply(200, b"\x89PNG\r\n\x1a\n" + bytes(200), Content_Type="image/png")

    def route_slow(self, query: dict[str, str], nth: int) -> None:
        time.sleep(float(query.get("delay", "2")))
        self.reply(200, PAGE)

    def route_status(self, query: dict[str, str], nth: int) -> None:
        self.reply(int(query.get("code", "404")), b"")

    def route_redirect(self, query: dict[str, str], nth: int) -> None:
        self.redirect(query["to"], int(query.get("code", "302")))

    def route_etag(self, query: dict[str, str], nth: int) -> None:
        if self.headers.get("If-None-Match") == '"v1"' or self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        self.reply(200, FEED, Content_Type="application/rss+xml", ETag='"v1"', Last_Modified=LAST_MODIFIED)

    def route_flaky(self, query: dict[str, str], nth: int) -> None:
        if nth <= int(query.get("fail", "1")):
            extra = {"Retry-After": query["retry_after"]} if "retry_after" in query else {}
            self.reply(int(query.get("status", "503")), b"try later", Content_Type="text/plain", **extra)
        else:
            self.reply(200, PAGE)

    def route_reset(self, query: dict[str, str], nth: int) -> None:
        if nth <= int(query.get("fail", "1")):
            self.reset()
        else:
            self.reply(200, PAGE)

    def route_truncated(self, query: dict[str, str], nth: int) -> None:
        if nth <= int(query.get("fail", "1")):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2000")
            self.end_headers()
            self.wfile.write(PAGE[:100])
            self.close_connection = True
        else:
            self.reply(200, PAGE)

    def route_big(self, query: dict[str, str], nth: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(10_000_000))
        self.end_headers()
        self.close_connection = True

    def route_endless(self, query: dict[str, str], nth: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        stop = time.monotonic() + STREAM_CAP
        while time.monotonic() < stop:
            self.wfile.write(chunk)

    def route_trickle(self, query: dict[str, str], nth: int) -> None:
        every = float(query.get("every", "0.2"))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.close_connection = True
        stop = time.monotonic() + STREAM_CAP
        while time.monotonic() < stop:
            self.wfile.write(b"x")
            time.sleep(every)

    def route_bomb(self, query: dict[str, str], nth: int) -> None:
        encoding = query.get("enc", "gzip")
        self.reply(200, bomb(encoding), Content_Encoding=encoding)


_BOMBS: dict[str, bytes] = {}


def bomb(encoding: str) -> bytes:
    """50 MB of spaces, compressed (built on first use and kept for the test session)."""
    if encoding not in _BOMBS:
        raw = b" " * 50_000_000
        _BOMBS[encoding] = gzip.compress(raw, 9) if encoding == "gzip" else zlib.compress(raw, 9)
    return _BOMBS[encoding]


def quick_config(**overrides: Any) -> dict[str, Any]:
    """A ``fetch:`` mapping with short timeouts for tests (loopback allowed, robots off)."""
    config: dict[str, Any] = {
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "deadline": 5.0,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "robots": False,
        "allow_private_hosts": True,
    }
    config.update(overrides)
    return config
