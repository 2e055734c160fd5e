"""Small file operations through Beam's FileSystems (local, gs://, s3://, ...),
shared by the batch commit and the streaming sink."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from apache_beam.io.filesystems import FileSystems


def json_default(value: Any) -> Any:
    """Dates and times as ISO 8601 in JSON."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def ensure_parent(path: str) -> None:
    """Makes the parent directory (object stores have none to make)."""
    parent = path.rstrip("/").rsplit("/", 1)[0]
    if "://" not in parent and not FileSystems.exists(parent):
        try:
            FileSystems.mkdirs(parent)
        except OSError:
            pass  # made meanwhile


def write_json(path: str, data: Any) -> None:
    """Write-then-rename: the file is whole or absent."""
    ensure_parent(path)
    tmp = path + ".tmp"
    with FileSystems.create(tmp) as fh:
        fh.write(json.dumps(data, indent=2, sort_keys=True, default=json_default).encode("utf-8"))
    if FileSystems.exists(path):
        FileSystems.delete([path])
    FileSystems.rename([tmp], [path])


def read_json(path: str) -> Any:
    with FileSystems.open(path) as fh:
        return json.loads(fh.read().decode("utf-8"))


def match(pattern: str) -> list[str]:
    """Paths of the files matching ``pattern`` (none when it matches nothing)."""
    try:
        return sorted(m.path for m in FileSystems.match([pattern])[0].metadata_list)
    except Exception:
        return []


def apply_moves(moves: Iterable[Sequence[str]]) -> None:
    """Renames each (src, dst); a src already moved is skipped, and a dst
    already there (the same file from a retried bundle) is replaced."""
    for src, dst in moves:
        if FileSystems.exists(src):
            ensure_parent(dst)
            if FileSystems.exists(dst):
                FileSystems.delete([dst])
            FileSystems.rename([src], [dst])


def delete_dir(path: str) -> None:
    if FileSystems.exists(path):
        FileSystems.delete([path])
