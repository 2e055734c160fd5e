"""Near-duplicate clusters: copies of one story across publishers and runs.

Two texts are the same story when their Jaccard similarity (of shingle
sets) reaches ``threshold``, or when the smaller one is (almost) contained in
the larger (``containment``): a truncated copy, a copy that cut the last
paragraphs. Candidate pairs come from LSH over the MinHash signatures
(bands of two rows, so that even pairs at the ``candidate`` floor are nearly
always found; done with numpy over the signature matrix, see
``docs/syndication.md``), then a vectorised MinHash pre-check, then the
exact check on shingle hashes. Clusters are the connected components.

A cluster's id is the ``article_id`` of its first copy: the copy an earlier
run already wrote if there is one (written rows are never rewritten, so
their cluster id stands), else the earliest by ``published_at`` then
``article_id``. ``duplicate_of`` is that first copy, null for the first copy
itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from newsbeam.syndication.minhash import Signature, similarity

CANDIDATE_THRESHOLD = 0.2  # no pair below this Jaccard similarity is the same story
LSH_ROWS = 2  # rows per LSH band: P(candidate) = 1 - (1 - J^2)^(num_perm/2); 0.93 at J = 0.2
MIN_CONTAINMENT = 0.7  # share of the smaller text's shingles found in the larger one
MIN_CONTAINED_SHINGLES = 20  # a text this short is never judged by containment alone
ESTIMATE_MARGIN = 0.1  # pre-check: pairs whose MinHash estimate is this far under the floor are dropped


@dataclass(frozen=True, slots=True)
class Member:
    """One article to cluster; ``cluster_id`` is set for earlier runs' articles."""

    article_id: str
    signature: Signature
    published_at: dt.datetime | None = None
    cluster_id: str | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    cluster_id: str
    duplicate_of: str | None


@dataclass(frozen=True)
class Thresholds:
    jaccard: float = 0.5
    candidate: float = CANDIDATE_THRESHOLD
    containment: float = MIN_CONTAINMENT
    min_contained: int = MIN_CONTAINED_SHINGLES


def same_story(a: Signature, b: Signature, t: Thresholds) -> bool:
    """The pair check: similar enough, or one (truncated) copy inside the other."""
    j, c = similarity(a, b)
    if j >= t.jaccard:
        return True
    if j < t.candidate or min(a.size, b.size) < t.min_contained:
        return False
    return c >= t.containment


def order_key(m: Member) -> tuple[bool, float, str]:
    """Earliest first: by publication time (unknown last), then article id."""
    ts = m.published_at.timestamp() if m.published_at is not None else 0.0
    return (m.published_at is None, ts, m.article_id)


class _UnionFind:
    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        parent = self._parent.setdefault(x, x)
        while parent != x:
            grand = self._parent.setdefault(parent, parent)
            self._parent[x] = grand
            x, parent = parent, grand
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[max(ra, rb)] = min(ra, rb)


def _band_keys(matrix: np.ndarray, rows: int) -> Iterator[np.ndarray]:
    """For each band in turn, one uint64 per article: the band's ``rows``
    values combined. One band at a time: all bands at once as uint64 took
    ~30 MB of temporaries at 10,000 articles."""
    n, num_perm = matrix.shape
    for start in range(0, (num_perm // rows) * rows, rows):
        key: np.ndarray = np.zeros(n, dtype=np.uint64)
        for r in range(rows):
            key = (key << np.uint64(32)) ^ (key >> np.uint64(32)) ^ matrix[:, start + r].astype(np.uint64)
        yield key


# A bucket of more members than this (many copies of one text, or a feed
# flooding near-identical pages) is linked as a chain, not all pairs: the
# union-find joins the chain, and the work stays linear in its size.
MAX_ALL_PAIRS = 16
# Candidate pairs pre-checked at a time (bounded memory however many): each
# takes two rows of the signature matrix, 1 KB at 128 permutations, so 4,096
# pairs are ~8 MB of temporaries (50,000 took ~40 MB: the decision step's peak at 10,000 articles).
CHECK_CHUNK = 4096


def _bucket_pairs(group: np.ndarray) -> np.ndarray:
    """Pairs to check among articles sharing one band: all of them in a
    small bucket, consecutive members in a large one."""
    if len(group) <= MAX_ALL_PAIRS:
        i, j = np.triu_indices(len(group), 1)
        return np.stack([group[i], group[j]], axis=1)
    return np.stack([group[:-1], group[1:]], axis=1)


def candidate_pairs(matrix: np.ndarray, is_new: np.ndarray, rows: int = LSH_ROWS) -> np.ndarray:
    """LSH: index pairs ``(i, j)``, ``i < j``, at least one of them new, that
    agree on all ``rows`` values of at least one band of their signatures."""
    found: list[np.ndarray] = []
    for band in _band_keys(matrix, rows):
        order = np.argsort(band, kind="stable")
        ordered = band[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        sizes = np.diff(np.r_[starts, len(order)])
        twos = starts[sizes == 2]
        found.append(np.stack([order[twos], order[twos + 1]], axis=1))
        for start, size in zip(starts[sizes > 2], sizes[sizes > 2]):
            found.append(_bucket_pairs(order[start : start + size]))
    pairs = np.sort(np.concatenate(found), axis=1).astype(np.int64) if found else np.zeros((0, 2), dtype=np.int64)
    pairs = pairs[is_new[pairs[:, 0]] | is_new[pairs[:, 1]]]
    n = np.int64(len(matrix))
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([codes // n, codes % n], axis=1)


def _likely(matrix: np.ndarray, pairs: np.ndarray, floor: float) -> np.ndarray:
    """The candidate pairs whose MinHash estimate is not clearly below ``floor``
    (a vectorised pre-check; about three standard deviations of margin)."""
    if not len(pairs):
        return pairs
    kept = []
    for start in range(0, len(pairs), CHECK_CHUNK):
        chunk = pairs[start : start + CHECK_CHUNK]
        estimate = (matrix[chunk[:, 0]] == matrix[chunk[:, 1]]).mean(axis=1)
        kept.append(chunk[estimate >= floor - ESTIMATE_MARGIN])
    return np.concatenate(kept)


def _link(new: list[Member], members: dict[str, Member], t: Thresholds,
          full: Callable[[list[Member]], list[Signature]] | None = None) -> _UnionFind:
    """Unions earlier copies of one cluster, and every checked new pair.
    ``full`` gives members' signatures with their shingle hashes where the
    members carry only the MinHash values (called once, with the members of
    the pairs that pass the MinHash pre-check)."""
    uf = _UnionFind()
    first_of_cluster: dict[str, str] = {}
    for m in members.values():
        uf.find(m.article_id)
        if m.cluster_id:
            uf.union(m.article_id, first_of_cluster.setdefault(m.cluster_id, m.article_id))
    new_ids = {m.article_id for m in new}
    items = [m for m in members.values() if m.signature.size]
    if len(items) < 2:
        return uf
    matrix = np.stack([m.signature.values() for m in items])
    is_new = np.array([m.article_id in new_ids for m in items])
    pairs = _likely(matrix, candidate_pairs(matrix, is_new), t.candidate)
    needed = np.unique(pairs).tolist()
    found = [items[i] for i in needed]
    signature = dict(zip(needed, full(found) if full is not None else [m.signature for m in found]))
    for i, j in pairs.tolist():
        if same_story(signature[i], signature[j], t):
            uf.union(items[i].article_id, items[j].article_id)
    return uf


def _assign(component: list[Member], new_ids: set[str]) -> dict[str, Assignment]:
    earlier = [m for m in component if m.article_id not in new_ids]
    if earlier:
        first = min(earlier, key=order_key)
        root = first.cluster_id or first.article_id
    else:
        root = min(component, key=order_key).article_id
    return {
        m.article_id: Assignment(root, None if m.article_id == root else root)
        for m in component
        if m.article_id in new_ids
    }


def _again(m: Member) -> Assignment:
    """An article an earlier run already clustered keeps its cluster."""
    root = m.cluster_id or m.article_id
    return Assignment(root, None if root == m.article_id else root)


def assign_clusters(new: list[Member], earlier: Iterable[Member] = (), t: Thresholds | None = None,
                    full: Callable[[list[Member]], list[Signature]] | None = None) -> dict[str, Assignment]:
    """``{article_id: Assignment}`` for every ``new`` member (earlier runs'
    members are only matched against, never reassigned). Members may carry
    only their MinHash values when ``full`` gives their whole signature."""
    t = t or Thresholds()
    if not new:
        return {}
    members = {m.article_id: m for m in earlier}
    out = {m.article_id: _again(members[m.article_id]) for m in new if m.article_id in members}
    new = [m for m in new if m.article_id not in members]
    if not new:
        return out
    members.update((m.article_id, m) for m in new)
    uf = _link(new, members, t, full)
    components: dict[str, list[Member]] = {}
    for m in members.values():
        components.setdefault(uf.find(m.article_id), []).append(m)
    new_ids = {m.article_id for m in new}
    for component in components.values():
        if any(m.article_id in new_ids for m in component):
            out.update(_assign(component, new_ids))
    return out
