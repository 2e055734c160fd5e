"""FeedStateStore: conditional-GET validators per feed URL, kept in one JSON file.

The file is ``<state_dir>/feed_state.json`` on any Beam filesystem (local,
``gs://``, ``s3://``...). ``save`` writes a temporary file beside it and
renames it over the old one: readers see the old or the new file, never half
of one (on object stores rename is copy+delete, the best they offer). Several
writers to one state_dir: the last save wins.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from typing import Any

from apache_beam.io.filesystems import FileSystems

from newsbeam.fetch.result import FetchResult

log = logging.getLogger(__name__)

STATE_FILE = "feed_state.json"
FIELDS = ("etag", "last_modified", "content_sha1")


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class FeedStateStore:
    """{url: {etag, last_modified, content_sha1}}; load on construction, ``save`` to persist."""

    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        self.path = FileSystems.join(state_dir, STATE_FILE)
        self._lock = threading.Lock()
        self._state: dict[str, dict[str, str | None]] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, dict[str, str | None]]:
        if not FileSystems.exists(self.path):
            return {}
        with FileSystems.open(self.path) as fh:
            raw = fh.read()
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            log.warning("feed state %s is not valid JSON (%s); starting with no validators", self.path, exc)
            return {}
        if not isinstance(data, dict):
            log.warning("feed state %s does not hold a mapping; starting with no validators", self.path)
            return {}
        return {str(url): _clean(entry) for url, entry in data.items() if isinstance(entry, dict)}

    def get(self, url: str) -> dict[str, str | None]:
        """The stored validators for ``url`` (all None when unknown)."""
        with self._lock:
            return dict(self._state.get(url) or dict.fromkeys(FIELDS))

    def put(self, url: str, *, etag: str | None, last_modified: str | None, content_sha1: str | None) -> None:
        with self._lock:
            entry = {"etag": etag, "last_modified": last_modified, "content_sha1": content_sha1}
            if self._state.get(url) != entry:
                self._state[url] = entry
                self._dirty = True

    def update(self, url: str, result: FetchResult) -> bool:
        """Record a fetch of feed ``url``; True when its content is new (not 304, different sha1)."""
        if not result.ok:
            return False
        old = self.get(url)
        if result.not_modified:
            self.put(url, etag=result.etag or old["etag"], last_modified=result.last_modified or old["last_modified"],
                     content_sha1=old["content_sha1"])
            return False
        digest = sha1_hex(result.body if result.body is not None else (result.text or "").encode("utf-8"))
        self.put(url, etag=result.etag, last_modified=result.last_modified, content_sha1=digest)
        return digest != old["content_sha1"]

    def items(self) -> dict[str, dict[str, str | None]]:
        with self._lock:
            return {url: dict(entry) for url, entry in self._state.items()}

    def save(self) -> None:
        """Write the state atomically: a temporary file, then rename over the old one."""
        with self._lock:
            if not self._dirty and FileSystems.exists(self.path):
                return
            payload = json.dumps(self._state, indent=1, sort_keys=True).encode("utf-8")
            self._dirty = False
        _ensure_dir(self.state_dir)
        tmp = FileSystems.join(self.state_dir, f".{STATE_FILE}.{uuid.uuid4().hex}.tmp")
        with FileSystems.create(tmp) as fh:
            fh.write(payload)
        try:
            FileSystems.rename([tmp], [self.path])
        except Exception:
            FileSystems.delete([tmp])
            raise


def _clean(entry: dict[str, Any]) -> dict[str, str | None]:
    return {name: (str(entry[name]) if entry.get(name) is not None else None) for name in FIELDS}


def _ensure_dir(path: str) -> None:
    if "://" in path:  # object stores have no directories
        return
    if not FileSystems.exists(path):
        FileSystems.mkdirs(path)
