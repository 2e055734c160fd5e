"""MinHash signatures of an article's cleaned text, over word shingles.

Text is folded to lower-case word tokens (punctuation, spacing and line
breaks do not matter), then cut into overlapping ``k``-word shingles. The
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

SCHEME = "affine32"
SEED = 1
SHINGLE_WORDS = 4


@dataclass(frozen=True)
class Signature:
    """``hashvalues``: the MinHash values as little-endian uint32 bytes;
    ``size``: the number of distinct shingles of the text."""

    hashvalues: bytes
    size: int

    def values(self) -> np.ndarray:
        return np.frombuffer(self.hashvalues, dtype="<u4")

    def to_b64(self) -> str:
        return base64.b64encode(self.hashvalues).decode("ascii")

    @classmethod
    def from_b64(cls, text: str, size: int) -> Signature:
        return cls(base64.b64decode(text), int(size))


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
        """Distinct ``k``-word shingles; a text shorter than ``k`` words is one shingle."""
        words = self.tokens(text)
        k = self.shingle_words
        if len(words) <= k:
            return {" ".join(words).encode()} if words else set()
        return {" ".join(words[i : i + k]).encode() for i in range(len(words) - k + 1)}

    def sign(self, text: str) -> Signature:
        shingles = self.shingles(text)
        mh = MinHash(num_perm=self.num_perm, permutations=self._permutations, scheme=SCHEME)
        if shingles:
            mh.update_batch(list(shingles))
        return Signature(np.asarray(mh.hashvalues, dtype="<u4").tobytes(), len(shingles))


def jaccard(a: Signature, b: Signature) -> float:
    """The MinHash estimate of the Jaccard similarity of the two shingle sets."""
    va, vb = a.values(), b.values()
    if len(va) != len(vb) or not len(va) or not a.size or not b.size:
        return 0.0
    return float(np.count_nonzero(va == vb)) / len(va)


def containment(a: Signature, b: Signature, j: float | None = None) -> float:
    """Estimated share of the smaller set that lies in the larger one:
    ``|A & B| / min(|A|, |B|)`` from the Jaccard estimate and the sizes."""
    j = jaccard(a, b) if j is None else j
    small, large = sorted((a.size, b.size))
    if not small:
        return 0.0
    inter = j * (small + large) / (1.0 + j)
    return min(1.0, inter / small)
