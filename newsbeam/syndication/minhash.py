"""MinHash signatures of an article's cleaned text, over word shingles.

Each line is folded to lower-case word tokens (punctuation and spacing do
not matter), then cut into overlapping ``k``-word shingles. The
signature is ``num_perm`` 32-bit minimum hash values (datasketch's
``affine32`` scheme, written out: :func:`min_hashes`) plus the number of distinct shingles, which lets us
estimate containment as well as Jaccard similarity (a truncated copy is
contained in the full story while its Jaccard similarity is low).
"""

from __future__ import annotations

import base64
import re
import zlib
from dataclasses import dataclass

import numpy as np

SEED = 1
SHINGLE_WORDS = 4
# Bumped when signatures change meaning (saved signatures of another version are recomputed).
SIGNATURE_VERSION = 2
_PRIME = np.uint32(0x01000193)  # the 32-bit FNV prime: odd, so the polynomial spreads


@dataclass(frozen=True, slots=True)
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
        self._a, self._b = affine32_permutations(num_perm, SEED)
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
        tokens' hashes (wrapping uint32 arithmetic, :func:`_combine_one`)."""
        k = self.shingle_words
        token_hash = self._token_hash.__getitem__
        hashes: list[int] = []
        counts: list[int] = []  # words of each line of at least k words
        short: list[int] = []  # one shingle per shorter line
        for line in text.lower().splitlines():
            words = self._words.findall(line)
            if len(words) >= k:
                hashes.extend(map(token_hash, words))
                counts.append(len(words))
            elif words:
                short.append(_combine_one([token_hash(w) for w in words]))
        found = np.array(short, dtype=np.uint32)
        if hashes:
            tokens = np.array(hashes, dtype=np.uint32)
            starts = len(tokens) - k + 1
            windows = tokens[:starts].copy()  # the polynomial over k-word windows, one slice per word
            for j in range(1, k):
                windows = windows * _PRIME + tokens[j : j + starts]
            line_of = np.repeat(np.arange(len(counts)), counts)
            same_line = line_of[:starts] == line_of[k - 1 :]
            found = np.concatenate([found, windows[same_line] + np.uint32(k)])
        return np.unique(found)

    def sign(self, text: str) -> Signature:
        hashes = self.shingle_hashes(text)
        values = min_hashes(hashes, self._a, self._b).astype("<u4").tobytes()
        return Signature(values, len(hashes), hashes.astype("<u4").tobytes())


class _TokenHashes(dict[str, int]):
    """crc32 of each token, computed once per distinct token (bounded)."""

    LIMIT = 1_000_000

    def __missing__(self, token: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        value = self[token] = zlib.crc32(token.encode())
        return value


def _combine_one(tokens: list[int]) -> int:
    """The hash of one shingle: ``((t0 * P + t1) * P + t2) * P + t3`` mod
    2^32, plus its width (the MinHash pre-mixes it before permuting).
    :meth:`Signer.shingle_hashes` computes the same over whole arrays."""
    h = 0
    for token in tokens:
        h = (h * int(_PRIME) + token) & 0xFFFFFFFF
    return (h + len(tokens)) & 0xFFFFFFFF


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``(a, b)`` of ``num_perm`` permutations ``h -> a * h + b mod 2^32``
    (``a`` odd, so each is a bijection), drawn as datasketch draws its
    ``affine32`` scheme's: signatures equal ``datasketch.MinHash``'s (a test
    checks), without importing datasketch (and scipy) into every worker."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (a bijection that spreads structured input), wrapping arithmetic."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def min_hashes(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The MinHash values of a set of 32-bit hashes: for each permutation the
    least permuted (pre-mixed) hash; all ones for an empty set."""
    if not len(hashes):
        return np.full(len(a), 0xFFFFFFFF, dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32).reshape(-1, 1))
    return np.asarray((mixed * a + b).min(axis=0), dtype=np.uint32)


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
