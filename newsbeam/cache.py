"""Derived data kept in the user's cache directory, made once per machine.

Every Beam worker process builds its own extractors, so what they load at
start-up is paid once per worker and per run. Data that is derived from a
package's files and costs more to derive than to read (py3langid's unpacked
model, the gazetteer's filtered cities) is written here on first use and read
afterwards. A cache file's name carries what it was derived from (the source
file's size and mtime), so an upgraded package gets a new file. Files are
written to a temporary name and renamed: processes racing to make one each
see a whole file. Where the directory cannot be written, callers derive the
data as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/newsbeam``, else ``~/.cache/newsbeam``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsbeam"


def source_tag(source: Path) -> str:
    """``SIZE-MTIME`` of the file a cache entry is derived from."""
    stat = source.stat()
    return f"{stat.st_size}-{int(stat.st_mtime)}"


def write_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """``write(partial)`` to a temporary file beside ``target``, then renamed onto it."""
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{os.getpid()}.tmp"
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def cached_json(name: str, derive: Callable[[], Any], directory: Path | None = None) -> Any:
    """The JSON value cached under ``name``, derived (and stored) on first use.

    Falls back to ``derive()`` when the cache cannot be read or written."""
    path = (directory or cache_dir()) / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = derive()
    try:
        write_atomically(path, lambda partial: partial.write_text(json.dumps(value), encoding="utf-8"))
    except OSError:
        pass
    return value
