"""Heavy tools built once per worker process, not once per bundle.

The article extractor and the visit-event extractor take about a second to
build (language model, gazetteers). Most runners call ``DoFn.setup()`` once
per worker, but the DaskRunner calls setup and teardown around every
partition, so those builds repeated on every partition. A ``WorkerTools``
handle, made once when the pipeline is built and shipped inside the DoFns,
lends tools from a per-process pool found through Beam's
``apache_beam.utils.shared.Shared`` (a per-process map that keeps the most
recently acquired object alive). A DoFn borrows a tool in ``setup()`` and
gives it back in ``teardown()``; a tool is lent to one DoFn instance at a
time (and Beam runs a DoFn instance on one thread at a time), so tools need
not be thread-safe, and the pool holds no more tools of a kind than there
were DoFn instances alive at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from apache_beam.utils import shared

T = TypeVar("T")


def _settle() -> None:
    """A new tool lives as long as its worker process: collect what building
    it left behind, then move everything alive now (the tool, the modules)
    out of the cyclic collector's reach. Later full collections, and the
    interpreter's exit when the runner stops the worker, no longer walk
    them. Measured once with a script, not a benchmark: a process holding
    the tools took 0.24-0.28 s to exit, 0.10-0.13 s after this (which itself
    takes ~0.05 s, once per tool)."""
    gc.collect()
    gc.freeze()


class _Pool:
    """Idle tools of one worker process: ``{key: [tool, ...]}``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[str, list[Any]] = {}

    def borrow(self, key: str, build: Callable[[], T]) -> T:
        with self._lock:
            idle = self._idle.get(key)
            if idle:
                return idle.pop()  # type: ignore[no-any-return]
        tool = build()
        _settle()
        return tool

    def give_back(self, key: str, tool: Any) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append(tool)


class WorkerTools:
    """One handle for all of a pipeline's DoFns (one ``Shared`` token, so
    that Beam keeps the pool alive between bundles)."""

    def __init__(self) -> None:
        self._handle = shared.Shared()

    def _pool(self) -> _Pool:
        pool: _Pool = self._handle.acquire(_Pool)
        return pool

    def borrow(self, key: str, build: Callable[[], T]) -> T:
        """An idle tool under ``key`` (which must name its configuration),
        or a new one from ``build()``. Call in ``DoFn.setup()``."""
        return self._pool().borrow(key, build)

    def give_back(self, key: str, tool: Any) -> None:
        """Call in ``DoFn.teardown()``: the next setup in this process reuses it."""
        self._pool().give_back(key, tool)

    def prebuild(self, tools: list[tuple[str, Callable[[], Any]]]) -> None:
        """Builds each ``(key, build)`` tool now and leaves it idle in this
        process, for the first DoFn that borrows it (a worker process that
        waits for its runner has nothing better to do)."""
        for key, build in tools:
            self.give_back(key, self.borrow(key, build))
