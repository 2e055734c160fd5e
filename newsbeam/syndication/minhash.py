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
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from datasketch.hashfunc import sha1_hash32

SCHEME = "affine32"
SEED = 1
SHINGLE_WORDS = 4


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

    def tokens(self, text: str) -> list[str]:
        return self._words.findall(text.lower())

    def shingles(self, text: str) -> set[bytes]:
        """Distinct ``k``-word shingles of each line (never across lines, so
        a boilerplate line inserted between paragraphs costs only its own
        shingles); a line shorter than ``k`` words is one shingle."""
        k = self.shingle_words
        out: set[bytes] = set()
        for line in text.splitlines():
            words = self.tokens(line)
            if len(words) <= k:
                if words:
                    out.add(" ".join(words).encode())
                continue
            out.update(" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1))
        return out

    def sign(self, text: str) -> Signature:
        hashes = np.unique(np.array([sha1_hash32(s) for s in self.shingles(text)], dtype=np.uint32))
        mh = MinHash(num_perm=self.num_perm, permutations=self._permutations, scheme=SCHEME, hashfunc=_as_is)
        if len(hashes):
            mh.update_batch(hashes.tolist())
        values = np.asarray(mh.hashvalues, dtype="<u4").tobytes()
        return Signature(values, len(hashes), hashes.astype("<u4").tobytes())


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
