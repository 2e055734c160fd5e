"""Heavy tools built once per worker thread, not once per bundle.

The article extractor and the visit-event extractor take about a second to
build (language model, gazetteers). Most runners call ``DoFn.setup()`` once
per worker, but the DaskRunner calls it for every partition, so those
builds repeated on every partition. A ``WorkerTools`` handle, made once
when the pipeline is built and shipped inside the DoFns, finds the tools
through Beam's ``apache_beam.utils.shared.Shared`` (a per-process map that
keeps the most recently acquired object alive): one shared toolbox per
process, one set of tools per thread in it (the tools are not shared
across threads, so they need not be thread-safe).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from apache_beam.utils import shared

T = TypeVar("T")


class _Toolbox:
    """The tools of one worker process, per thread: ``{key: tool}``."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, key: str, build: Callable[[], T]) -> T:
        tools: dict[str, Any] = self._local.__dict__.setdefault("tools", {})
        if key not in tools:
            tools[key] = build()
        return tools[key]  # type: ignore[no-any-return]


class WorkerTools:
    """One handle for all of a pipeline's DoFns (one ``Shared`` token, so
    that Beam keeps the toolbox alive between bundles)."""

    def __init__(self) -> None:
        self._handle = shared.Shared()

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The tool under ``key`` (which must name its configuration),
        built by ``build()`` the first time this thread asks."""
        toolbox: _Toolbox = self._handle.acquire(_Toolbox)
        return toolbox.get(key, build)
