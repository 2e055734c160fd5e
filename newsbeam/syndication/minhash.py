"""MinHash signatures of an article's cleaned text, over word shingles.

Each line is folded to lower-case word tokens (punctuation and spacing do
not matter), then cut into overlapping ``k``-word shingles. The
signature is ``num_perm`` 32-bit minimum hash values (datasketch's
``affine32`` scheme) plus the number of distinct shingles, which lets us
estimate containment as well as Jaccard similarity (a truncated copy is
contained in the full story while its Jaccard similarity is low).
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

SCHEME = "affine32"
SEED = 1
SHINGLE_WORDS = 4
# Bumped when signatures change meaning (saved signatures of another version are recomputed).
SIGNATURE_VERSION = 2
_PRIME = np.uint32(0x01000193)  # the 32-bit FNV prime: odd, so the polynomial spreads


@dataclass(frozen=True)
class Signature:
    """``hashvalues``: the MinHash values as little-endian uint32 bytes;
    ``size``: the number of distinct shingles of the text; ``shingles``:
    their sorted 32-bit hashes, for exact pair checks (when missing, the
    MinHash estimate is used)."""

    hashvalues: bytes
    size: int
    shingles: bytes = b""

    def values(self) -> np.ndarray:
        return np.frombuffer(self.hashvalues, dtype="<u4")

    def shingle_hashes(self) -> np.ndarray:
        return np.frombuffer(self.shingles, dtype="<u4")

    def to_b64(self) -> str:
        return base64.b64encode(self.hashvalues).decode("ascii")


class Signer:
    """Builds signatures; the tokenizer and the hash permutations are made
    once, here (a Beam ``DoFn.setup()`` makes one per worker)."""

    def __init__(self, num_perm: int = 128, shingle_words: int = SHINGLE_WORDS) -> None:
        self.num_perm = num_perm
        self.shingle_words = shingle_words
        self._words = re.compile(r"\w+", re.UNICODE)
        self._permutations = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
        self._token_hash = _TokenHashes()

    def tokens(self, text: str) -> list[str]:
        return self._words.findall(text.lower())

    def shingles(self, text: str) -> list[tuple[str, ...]]:
        """The ``k``-word shingles of each line (never across lines, so a
        boilerplate line inserted between paragraphs costs only its own
        shingles); a line shorter than ``k`` words is one shingle."""
        k = self.shingle_words
        out: list[tuple[str, ...]] = []
        for line in text.splitlines():
            words = self.tokens(line)
            if words:
                out.extend(tuple(words[i : i + k]) for i in range(max(1, len(words) - k + 1)))
        return out

    def shingle_hashes(self, text: str) -> np.ndarray:
        """Sorted distinct 32-bit hashes of :meth:`shingles`, vectorised: each
        token is hashed once (crc32), each shingle is a polynomial of its
        tokens' hashes (wrapping uint32 arithmetic)."""
        k = self.shingle_words
        hashes: list[int] = []
        lines: list[int] = []
        short: list[np.ndarray] = []
        for n, line in enumerate(text.splitlines()):
            words = self.tokens(line)
            if 0 < len(words) < k:
                short.append(_combine(np.array([self._token_hash[w] for w in words], dtype=np.uint32)[None, :]))
            elif words:
                hashes.extend(map(self._token_hash.__getitem__, words))
                lines.extend([n] * len(words))
        parts = short
        if hashes:
            windows = np.lib.stride_tricks.sliding_window_view(np.array(hashes, dtype=np.uint32), k)
            line_ids = np.array(lines)
            same_line = line_ids[: len(line_ids) - k + 1] == line_ids[k - 1 :]
            parts = [*short, _combine(windows[same_line])]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint32)

    def sign(self, text: str) -> Signature:
        hashes = self.shingle_hashes(text)
        mh = MinHash(num_perm=self.num_perm, permutations=self._permutations, scheme=SCHEME, hashfunc=_as_is)
        if len(hashes):
            mh.update_batch(hashes)
        values = np.asarray(mh.hashvalues, dtype="<u4").tobytes()
        return Signature(values, len(hashes), hashes.astype("<u4").tobytes())


class _TokenHashes(dict[str, int]):
    """crc32 of each token, computed once per distinct token (bounded)."""

    LIMIT = 1_000_000

    def __missing__(self, token: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[token] = zlib.crc32(token.encode())
        return value


def _combine(windows: np.ndarray) -> np.ndarray:
    """One uint32 per row: ``((t0 * P + t1) * P + t2) * P + t3`` mod 2^32,
    plus the row width (datasketch mixes the result before permuting)."""
    h = np.zeros(windows.shape[0], dtype=np.uint32)
    for j in range(windows.shape[1]):
        h = h * _PRIME + windows[:, j]
    return h + np.uint32(windows.shape[1])


def _as_is(value: int) -> int:
    """The shingles are hashed already (to keep their hashes for exact checks)."""
    return value


def similarity(a: Signature, b: Signature) -> tuple[float, float]:
    """``(Jaccard, containment)`` of the two shingle sets: exact when both
    carry their shingle hashes, else the MinHash estimate. Containment is
    the share of the smaller set found in the larger, ``|A & B| / min``."""
    if not a.size or not b.size:
        return 0.0, 0.0
    small, large = sorted((a.size, b.size))
    if a.shingles and b.shingles:
        inter = len(np.intersect1d(a.shingle_hashes(), b.shingle_hashes(), assume_unique=True))
        return inter / (a.size + b.size - inter), inter / small
    va, vb = a.values(), b.values()
    if len(va) != len(vb) or not len(va):
        return 0.0, 0.0
    j = float(np.count_nonzero(va == vb)) / len(va)
    return j, min(1.0, j * (small + large) / (1.0 + j) / small)
