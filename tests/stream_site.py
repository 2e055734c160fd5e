"""A loopback news site for the streaming tests: two feeds of one site whose
items grow with every poll (old items repeated), and an article page per item.

Every feed body differs from the last (a poll counter), so a feed is never
skipped as unchanged: duplicates must be caught by the seen-set itself.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from xml.sax.saxutils import escape

_WORDS = ("harbour", "council", "railway", "budget", "winter", "market", "school", "river", "bridge", "festival",
          "library", "museum", "airport", "garden", "factory", "stadium")


def story_text(n: int) -> str:
    """About 60 words of distinct prose for story ``n``."""
    topic = _WORDS[n % len(_WORDS)]
    return " ".join(
        f"Sentence {k} of story number {n} reports that the {topic} plan moved forward on day {k + n} "
        f"after residents discussed it at length."
        for k in range(5)
    )


class StreamSite:
    """``feed-a.xml`` lists items 0..(2p+1) at its poll p, ``feed-b.xml`` the
    even ones (same guids: one story in two feeds of the site). After
    :meth:`freeze` both keep listing what they listed last."""

    def __init__(self, per_poll: int = 2) -> None:
        self.per_poll = per_poll
        self._frozen: int | None = None
        self._max_count = 0
        self.requests: Counter[str] = Counter()
        self.served: set[str] = set()  # links listed in any feed served so far
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StreamSite:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def feeds(self) -> list[str]:
        return [f"{self.base}/feed-a.xml", f"{self.base}/feed-b.xml"]

    def link(self, n: int) -> str:
        return f"{self.base}/story/{n}.html"

    def freeze(self) -> None:
        with self._lock:
            self._frozen = self._max_count

    def _count(self, polls: int) -> int:
        return self.per_poll * (polls + 1)

    def _feed(self, name: str) -> bytes:
        with self._lock:
            self.requests[name] += 1
            polls = self.requests[name] - 1
            count = self._frozen if self._frozen is not None else self._count(polls)
            self._max_count = max(self._max_count, count)
            numbers = [n for n in range(count) if name == "feed-a.xml" or n % 2 == 0]
            self.served.update(self.link(n) for n in numbers)
        items = "".join(
            f"<item><guid isPermaLink='false'>story-{n}</guid><link>{escape(self.link(n))}</link>"
            f"<title>Story {n}</title><description>About story {n}</description></item>"
            for n in numbers
        )
        return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{name}</title>"
                f"<link>{self.base}/</link><description>poll {self.requests[name]}</description>{items}"
                f"</channel></rss>").encode()

    def _page(self, n: int) -> bytes:
        return (f"<!doctype html><html><head><title>Story {n}</title></head><body><article>"
                f"<h1>Story {n}</h1><p>{story_text(n)}</p></article></body></html>").encode()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path in ("/feed-a.xml", "/feed-b.xml"):
            self._send(handler, 200, self._feed(path[1:]), "application/rss+xml")
        elif path.startswith("/story/") and path.endswith(".html"):
            with self._lock:
                self.requests[path] += 1
            self._send(handler, 200, self._page(int(path[len("/story/"):-len(".html")])), "text/html; charset=utf-8")
        else:
            self._send(handler, 404, b"not found", "text/plain")

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
