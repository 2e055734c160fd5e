"""Scheduling for ``Fetcher.fetch_many``: many URLs, few threads, fair across hosts.

A URL is started only when fewer than ``max_in_flight`` fetches run in total
and fewer than ``per_host`` run for its host, taking hosts in turn. So the
URLs of a slow host wait in their own queue instead of holding threads that
the other hosts' URLs could use.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TypeVar
from urllib.parse import urlsplit

R = TypeVar("R")


def host_key(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class _Board:
    """Shared state of one fetch_many call, guarded by ``cond``."""

    def __init__(self, urls: list[str]) -> None:
        self.cond = threading.Condition()
        self.queues: dict[str, deque[int]] = {}
        for index, url in enumerate(urls):
            self.queues.setdefault(host_key(url), deque()).append(index)
        self.order: deque[str] = deque(self.queues)
        self.active: dict[str, int] = dict.fromkeys(self.queues, 0)
        self.running = 0
        self.done = 0
        self.failure: BaseException | None = None

    def next_ready(self, per_host: int) -> tuple[str, int] | None:
        """Round-robin over hosts with queued URLs and a free slot."""
        for _ in range(len(self.order)):
            host = self.order[0]
            self.order.rotate(-1)
            if self.active[host] < per_host:
                queue = self.queues[host]
                index = queue.popleft()
                if not queue:
                    self.order.remove(host)
                return host, index
        return None


def schedule(
    urls: list[str],
    work: Callable[[str], R],
    executor: Executor,
    max_in_flight: int,
    per_host: int,
) -> list[R]:
    """``[work(u) for u in urls]``, run concurrently under the two bounds; order kept."""
    results: list[R | None] = [None] * len(urls)
    board = _Board(urls)

    def run(host: str, index: int) -> None:
        outcome: R | None = None
        failure: BaseException | None = None
        try:
            outcome = work(urls[index])
        except BaseException as exc:  # handed to the calling thread, raised there
            failure = exc
        with board.cond:
            results[index] = outcome
            board.failure = board.failure or failure
            board.active[host] -= 1
            board.running -= 1
            board.done += 1
            board.cond.notify()

    with board.cond:
        while board.done < len(urls) and board.failure is None:
            while board.running < max_in_flight:
                ready = board.next_ready(per_host)
                if ready is None:
                    break
                board.active[ready[0]] += 1
                board.running += 1
                executor.submit(run, *ready)
            board.cond.wait()
        if board.failure is not None:
            raise board.failure
    done: list[R] = []
    for index, result in enumerate(results):
        if result is None:
            raise RuntimeError(f"fetch_many got no result for {urls[index]}")
        done.append(result)
    return done
