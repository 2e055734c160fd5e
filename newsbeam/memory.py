"""Handing freed heap memory back to the operating system (glibc only).

A worker that parses thousands of large pages frees most of what it
allocates, but glibc keeps freed pages in its arenas, so the worker's RSS
keeps the high-water mark of every page it has seen. ``malloc_trim(0)``
returns the free pages; a DoFn calls it every few hundred elements (it
walks the heap: a few milliseconds). Elsewhere (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
from typing import Any


class HeapTrimmer:
    """``tick()`` once per element; every ``every`` ticks the heap is trimmed."""

    def __init__(self, every: int = 250) -> None:
        self._every = every
        self._count = 0
        self._trim: Any = None
        try:
            self._trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            self._trim = None

    def tick(self) -> None:
        self._count += 1
        if self._count >= self._every:
            self._count = 0
            self.trim()

    def trim(self) -> None:
        if self._trim is not None:
            self._trim(0)
