"""The seen-set of a streaming run: one claim per item key, created once.

A claim is a small file ``ROOT/<key[:2]>/<key>``. On a local filesystem it is
created with ``O_CREAT | O_EXCL``, so of two claimants exactly one wins. On
other Beam filesystems (``gs://``, ``s3://``) the check-then-create is not
atomic; the claimant is always the one element of its key in its window
(after a GroupByKey), so a race needs the same item in two windows processed
at the same moment (polls are ``--poll-interval`` apart): documented in
docs/streaming.md.

Claims live for one run; a restart rebuilds the seen-set from what was
written (the datasets), so a claim of an item whose window was never
committed does not lose the item.
"""

from __future__ import annotations

import hashlib
import os

from apache_beam.io.filesystems import FileSystems


def guid_key(publisher: str | None, guid: str) -> str:
    """The claim key of a (publisher, guid) pair: one story in two feeds of one site."""
    return "g" + hashlib.sha1(f"{publisher or ''}|{guid}".encode()).hexdigest()


def _is_local(path: str) -> bool:
    return "://" not in path


class ClaimStore:
    """Atomic first-claim-wins markers under ``root``."""

    def __init__(self, root: str) -> None:
        self.root = root

    def path(self, key: str) -> str:
        return FileSystems.join(self.root, key[:2], key)

    def claim(self, key: str, owner: str) -> bool:
        """True when this call created the claim; False when it existed."""
        path = self.path(key)
        if _is_local(path):
            return self._claim_local(path, owner)
        if FileSystems.exists(path):
            return False
        with FileSystems.create(path) as fh:
            fh.write(owner.encode("utf-8"))
        return True

    @staticmethod
    def _claim_local(path: str, owner: str) -> bool:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, owner.encode("utf-8"))
        finally:
            os.close(fd)
        return True

    def is_claimed(self, key: str) -> bool:
        return bool(FileSystems.exists(self.path(key)))
