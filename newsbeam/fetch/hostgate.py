"""Per-host politeness: at most ``per_host`` requests at once, starts ``delay`` seconds apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from newsbeam.fetch.result import FetchError


class _Host:
    def __init__(self, slots: int) -> None:
        self.slots = threading.BoundedSemaphore(slots)
        self.next_start = 0.0


class HostGate:
    """Shared by every thread of a Fetcher; one entry per host name."""

    def __init__(self, per_host: int, delay: float) -> None:
        self.per_host = per_host
        self.delay = delay
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, host: str) -> _Host:
        with self._lock:
            entry = self._hosts.get(host)
            if entry is None:
                entry = self._hosts[host] = _Host(self.per_host)
            return entry

    @contextmanager
    def slot(self, host: str, budget: float) -> Iterator[None]:
        """Hold one of ``host``'s slots; waits at most ``budget`` seconds, else deadline_exceeded."""
        entry = self._host(host)
        started = time.monotonic()
        if not entry.slots.acquire(timeout=max(budget, 0.0)):
            raise FetchError("deadline_exceeded", f"no free connection slot for {host} within the deadline",
                             retryable=True)
        try:
            self._wait_turn(entry, host, budget - (time.monotonic() - started))
            yield
        finally:
            entry.slots.release()

    def _wait_turn(self, entry: _Host, host: str, budget: float) -> None:
        if self.delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, entry.next_start)
            if start - now > budget:
                raise FetchError("deadline_exceeded", f"per_host_delay for {host} would pass the deadline",
                                 retryable=True)
            entry.next_start = start + self.delay
        time.sleep(start - now)
