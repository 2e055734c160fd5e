"""robots.txt: fetched once per origin (scheme, host, port), shared by all threads.

Outcomes follow RFC 9309: 2xx is parsed; 4xx (and a robots.txt we cannot
follow: too many redirects, redirect to a refused address, over the size
limit) means no rules; 5xx, 429 or no answer means "unavailable", during
which the host's pages are not fetched. An unavailable answer is cached for
``UNAVAILABLE_TTL`` seconds only, so one bad moment does not shut a host out
for a whole long-running worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from urllib.robotparser import RobotFileParser

from newsbeam.fetch.result import FetchError

ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least 500 KiB
UNAVAILABLE_TTL = 60.0


class RobotsRules:
    """The verdict for one origin."""

    def __init__(self, parser: RobotFileParser | None = None, unavailable: str | None = None) -> None:
        self.parser = parser
        self.unavailable = unavailable
        self.expires = time.monotonic() + UNAVAILABLE_TTL if unavailable else float("inf")

    @classmethod
    def from_text(cls, text: str) -> RobotsRules:
        parser = RobotFileParser()
        parser.parse(text.splitlines())
        return cls(parser)

    def check(self, user_agent: str, url: str) -> None:
        """Raise FetchError unless ``user_agent`` may fetch ``url``."""
        if self.unavailable is not None:
            raise FetchError("robots_unavailable", f"robots.txt could not be read ({self.unavailable}); "
                             "not fetching until it can", retryable=True)
        if self.parser is not None and not self.parser.can_fetch(user_agent, url):
            raise FetchError("robots_disallowed", f"robots.txt disallows {url} for this user agent")


class _Entry:
    def __init__(self) -> None:
        self.ready = threading.Event()
        self.rules: RobotsRules | None = None


class RobotsCache:
    """origin -> RobotsRules; the first thread to ask loads, the others wait for it."""

    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def rules(self, origin: str, load: Callable[[], RobotsRules], budget: float) -> RobotsRules:
        with self._lock:
            entry = self._entries.get(origin)
            stale = entry is not None and entry.ready.is_set() and (
                entry.rules is None or entry.rules.expires < time.monotonic()
            )
            owner = entry is None or stale
            if owner:
                entry = self._entries[origin] = _Entry()
        assert entry is not None
        if owner:
            try:
                entry.rules = load()
            finally:
                entry.ready.set()
        elif not entry.ready.wait(timeout=max(budget, 0.0)):
            raise FetchError("deadline_exceeded", f"waited for {origin}/robots.txt until the deadline",
                             retryable=True)
        if entry.rules is None:  # the loading thread failed unexpectedly
            raise FetchError("robots_unavailable", f"{origin}/robots.txt could not be read", retryable=True)
        return entry.rules
