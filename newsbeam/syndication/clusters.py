"""Near-duplicate clusters: copies of one story across publishers and runs.

Two texts are the same story when their MinHash Jaccard estimate reaches
``threshold``, or when the smaller one is (almost) contained in the larger
(``min_containment``): a truncated copy, a teaser, a copy that cut the last
paragraphs. Candidates come from an LSH index built at a lower threshold
(``candidate_threshold``) so that contained copies are found too, then each
candidate pair is checked. Clusters are the connected components.

A cluster's id is the ``article_id`` of its first copy: the copy an earlier
run already wrote if there is one (written rows are never rewritten, so
their cluster id stands), else the earliest by ``published_at`` then
``article_id``. ``duplicate_of`` is that first copy, null for the first copy
itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHashLSH

from newsbeam.syndication.minhash import SCHEME, SEED, Signature, similarity

CANDIDATE_THRESHOLD = 0.2  # no pair below this Jaccard similarity is the same story
LSH_ROWS = 2  # rows per LSH band: P(candidate) = 1 - (1 - J^2)^(num_perm/2); 0.93 at J = 0.2
MIN_CONTAINMENT = 0.7  # share of the smaller text's shingles found in the larger one
MIN_CONTAINED_SHINGLES = 20  # a text this short is never judged by containment alone


@dataclass(frozen=True)
class Member:
    """One article to cluster; ``cluster_id`` is set for earlier runs' articles."""

    article_id: str
    signature: Signature
    published_at: dt.datetime | None = None
    cluster_id: str | None = None


@dataclass(frozen=True)
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


def _index(members: Iterable[Member], num_perm: int) -> MinHashLSH:
    """Bands of two rows: even a pair at the candidate threshold is nearly
    always found; the pair check then weeds out the extra candidates."""
    lsh = MinHashLSH(num_perm=num_perm, params=(num_perm // LSH_ROWS, LSH_ROWS))
    with lsh.insertion_session() as session:
        for m in members:
            session.insert(m.article_id, _lean(m.signature), check_duplication=False)
    return lsh


def _lean(sig: Signature) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig.values(), scheme=SCHEME)


def _link(new: list[Member], members: dict[str, Member], t: Thresholds) -> _UnionFind:
    """Unions earlier copies of one cluster, and every checked new pair."""
    uf = _UnionFind()
    first_of_cluster: dict[str, str] = {}
    for m in members.values():
        uf.find(m.article_id)
        if m.cluster_id:
            uf.union(m.article_id, first_of_cluster.setdefault(m.cluster_id, m.article_id))
    num_perm = len(next(iter(members.values())).signature.values())
    lsh = _index(members.values(), num_perm)
    for m in new:
        if not m.signature.size:
            continue
        for other in lsh.query(_lean(m.signature)):
            if other != m.article_id and same_story(m.signature, members[other].signature, t):
                uf.union(m.article_id, other)
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


def assign_clusters(new: list[Member], earlier: Iterable[Member] = (), t: Thresholds | None = None
                    ) -> dict[str, Assignment]:
    """``{article_id: Assignment}`` for every ``new`` member (earlier runs'
    members are only matched against, never reassigned)."""
    t = t or Thresholds()
    if not new:
        return {}
    members = {m.article_id: m for m in earlier}
    out = {m.article_id: _again(members[m.article_id]) for m in new if m.article_id in members}
    new = [m for m in new if m.article_id not in members]
    if not new:
        return out
    members.update((m.article_id, m) for m in new)
    uf = _link(new, members, t)
    components: dict[str, list[Member]] = {}
    for m in members.values():
        components.setdefault(uf.find(m.article_id), []).append(m)
    new_ids = {m.article_id for m in new}
    for component in components.values():
        if any(m.article_id in new_ids for m in component):
            out.update(_assign(component, new_ids))
    return out
