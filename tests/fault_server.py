"""A loopback server that answers about ``fault_rate`` of first requests with a fault.

Deterministic: whether ``/item/<n>`` faults, and how, depends only on the seed
and the path. ``first_outcome[path]`` records what the first request for each
path got; later requests for a path fault again only with ``retry_fault_rate``
(0 by default), so a fetcher that retries transient faults recovers them all.

Faults (``FAULTS``):
  http_500       500 Internal Server Error
  http_503       503 with ``Retry-After: 1``
  reset          the connection is reset (RST) before any answer
  timeout        no answer for ``timeout_sleep`` seconds (longer than the client's read timeout)
  truncated      Content-Length larger than the bytes sent, then close
  wrong_charset  the page is windows-1252 but labelled UTF-8 (every time: not transient)

Routes: ``/item/<n>`` an article page; ``/feed.xml?n=N`` an RSS feed of items 0..N-1
(links use ``link_base``, default this server's URL); ``/robots.txt`` allows all.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FAULTS = ("http_500", "http_503", "reset", "timeout", "truncated", "wrong_charset")
TRANSIENT = frozenset({"http_500", "http_503", "reset", "timeout", "truncated"})
CHARSET_MARKER = "Café déjà vu"

_WORDS = (
    "minister", "visited", "capital", "talks", "trade", "delegation", "president", "summit", "agreement",
    "officials", "said", "on", "the", "of", "and", "in", "a", "week", "meeting", "economic", "cooperation",
)


def article(n: int) -> str:
    """A deterministic article page for item ``n`` (about 80 words)."""
    rng = random.Random(n)
    words = " ".join(rng.choice(_WORDS) for _ in range(80))
    return (
        f"<!doctype html><html><head><title>Item {n}</title></head><body><article>"
        f"<h1>Item {n}</h1><p>{CHARSET_MARKER}: {words}.</p><p>Story number {n}.</p>"
        f"</article></body></html>"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many clients connect at once; the default 5 drops SYNs
    owner: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class FaultServer:
    """``with FaultServer(seed=7) as srv: srv.url('/item/1')``."""

    def __init__(
        self,
        *,
        seed: int = 0,
        fault_rate: float = 0.2,
        retry_fault_rate: float = 0.0,
        timeout_sleep: float = 2.0,
        link_base: str | None = None,
    ) -> None:
        self.seed = seed
        self.fault_rate = fault_rate
        self.retry_fault_rate = retry_fault_rate
        self.timeout_sleep = timeout_sleep
        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.owner = self
        self.port = int(self.httpd.server_address[1])
        self.link_base = link_base or f"http://127.0.0.1:{self.port}"
        self.first_outcome: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def planned_fault(self, path: str, attempt: int) -> str | None:
        """The fault for the ``attempt``-th request of ``path`` (1-based), or None."""
        if attempt == 1:
            rng = random.Random(f"{self.seed}:{path}")
            return rng.choice(FAULTS) if rng.random() < self.fault_rate else None
        if self.first_outcome.get(path) == "wrong_charset":
            return "wrong_charset"
        rng = random.Random(f"{self.seed}:{path}:{attempt}")
        return rng.choice(sorted(TRANSIENT)) if rng.random() < self.retry_fault_rate else None

    def note(self, path: str) -> int:
        with self.lock:
            self.counts[path] += 1
            return self.counts[path]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        owner = self.server.owner
        parts = urlsplit(self.path)
        try:
            if parts.path == "/robots.txt":
                self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
            elif parts.path == "/feed.xml":
                n = int(parse_qs(parts.query).get("n", ["500"])[0])
                self._send(200, self._feed(owner, n), "application/rss+xml")
            elif parts.path.startswith("/item/"):
                self._item(owner, parts.path)
            else:
                self._send(404, b"not found", "text/plain")
        except OSError:
            self.close_connection = True

    def _item(self, owner: FaultServer, path: str) -> None:
        attempt = owner.note(path)
        fault = owner.planned_fault(path, attempt)
        if attempt == 1:
            with owner.lock:
                owner.first_outcome[path] = fault or "ok"
        page = article(int(path.rsplit("/", 1)[1]))
        if fault is None:
            self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
        elif fault == "wrong_charset":
            self._send(200, page.encode("cp1252"), "text/html; charset=utf-8")
        elif fault == "http_500":
            self._send(500, b"internal error", "text/plain")
        elif fault == "http_503":
            self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
        elif fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif fault == "timeout":
            time.sleep(owner.timeout_sleep)
            self.close_connection = True
        else:  # truncated
            body = page.encode("utf-8")
            self._send(200, body[: len(body) // 3], "text/html; charset=utf-8", {"Content-Length": str(len(body))})
            self.close_connection = True

    def _feed(self, owner: FaultServer, n: int) -> bytes:
        items = "".join(
            f"<item><title>Item {i}</title><link>{escape(owner.link_base)}/item/{i}</link>"
            f"<guid>{escape(owner.link_base)}/item/{i}</guid></item>"
            for i in range(n)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>faults</title>{items}' \
               f"</channel></rss>".encode()

    def _send(self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        extra = headers or {}
        self.send_header("Content-Length", extra.pop("Content-Length", str(len(body))))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
