"""Heap settings of worker processes (glibc only; elsewhere nothing happens).

:func:`limit_malloc_arenas` caps malloc's arenas: the fetcher's threads
allocate page bodies that the worker thread frees, and with an arena per
thread (glibc's default: 8 per core) freed memory stays scattered, so a
worker's RSS grew with the pages it had seen (measured: 574 -> 489 MB peak
for a 2-worker run of 10,000 pages).

:class:`HeapTrimmer` hands freed memory back to the operating system. A
worker that parses thousands of large pages frees most of what it
allocates, but glibc keeps freed pages in its arenas, so the worker's RSS
keeps the high-water mark of every page it has seen. ``malloc_trim(0)``
returns the free pages; a DoFn calls it every few hundred elements (it
walks the heap: a few milliseconds). Elsewhere (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import os
from typing import Any

MALLOC_ARENAS = "2"  # glibc malloc arenas per process
_M_ARENA_MAX = -8  # mallopt's parameter number for the arena limit (glibc malloc.h)


def _libc() -> Any:
    """glibc, or None where there is none."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def limit_malloc_arenas() -> None:
    """Caps malloc's arenas here (``mallopt``) and in the worker processes
    this process starts (they inherit ``MALLOC_ARENA_MAX``); a value the
    operator set wins."""
    os.environ.setdefault("MALLOC_ARENA_MAX", MALLOC_ARENAS)
    libc = _libc()
    try:
        libc.mallopt(_M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
    except (AttributeError, ValueError):
        pass  # no glibc, or an operator's value that is not a number


class HeapTrimmer:
    """``tick()`` once per element; every ``every`` ticks the heap is trimmed."""

    def __init__(self, every: int = 250) -> None:
        self._every = every
        self._count = 0
        self._trim: Any = getattr(_libc(), "malloc_trim", None)

    def tick(self) -> None:
        self._count += 1
        if self._count >= self._every:
            self._count = 0
            self.trim()

    def trim(self) -> None:
        if self._trim is not None:
            self._trim(0)
