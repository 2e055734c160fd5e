"""Stage 5b: near-duplicate articles (one story, many copies) get one cluster.

Signatures are computed per article in parallel (a ParDo); then one
GroupByKey brings all of the run's articles together (a constant key;
other records keep a key of their own and pass straight through), where an
LSH index over them and over earlier runs' signatures (read on the driver by
``pipeline.plan``) assigns ``cluster_id`` and ``duplicate_of``. Each article
also yields a ``signature`` record, which the commit saves for later runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.syndication.clusters import Member, Thresholds, assign_clusters
from newsbeam.syndication.minhash import Signer
from newsbeam.syndication.store import signature_record
from transforms.dedup import passthrough_key
from transforms.envelope import ARTICLE, Record

_SIG = "_minhash"  # the record key that carries a signature from the ParDo to the grouping
_ALL_ARTICLES = "articles"


class _SignFn(beam.DoFn):
    def __init__(self, num_perm: int) -> None:
        self._num_perm = num_perm

    def setup(self) -> None:
        self._signer = Signer(self._num_perm)

    def process(self, record: Record) -> Iterator[tuple[str, Record]]:
        if record["kind"] != ARTICLE:
            yield passthrough_key(record), record
            return
        sig = self._signer.sign(record["article"].get("text") or "")
        yield _ALL_ARTICLES, {**record, _SIG: sig}


class _ClusterFn(beam.DoFn):
    """All of the run's articles at once: clusters, against earlier runs too."""

    def __init__(self, thresholds: Thresholds, num_perm: int, earlier: Sequence[Member]) -> None:
        self._thresholds = thresholds
        self._num_perm = num_perm
        self._earlier = list(earlier)
        self.copies = Metrics.counter("newsbeam", "near_duplicates")

    def process(self, keyed: tuple[str, Iterable[Record]]) -> Iterator[Record]:
        # Two passes over the group (Beam's grouped values can be iterated
        # again): compact members first, then each article on its own, so
        # the whole run's articles are never decoded in memory at once.
        members = [_member(r) for r in keyed[1] if r["kind"] == ARTICLE]
        assigned = assign_clusters(members, self._earlier, self._thresholds)
        for record in keyed[1]:
            if record["kind"] != ARTICLE:
                yield record
                continue
            article = record["article"]
            found = assigned.get(article["article_id"])
            article["cluster_id"] = found.cluster_id if found else article["article_id"]
            article["duplicate_of"] = found.duplicate_of if found else None
            self.copies.inc(article["duplicate_of"] is not None)
            yield {k: v for k, v in record.items() if k != _SIG}
            yield signature_record(article, record[_SIG], self._num_perm)


def _member(record: Record) -> Member:
    article = record["article"]
    return Member(article["article_id"], record[_SIG], article.get("published_at"))


def thresholds(dedup_cfg: dict[str, Any]) -> Thresholds:
    return Thresholds(jaccard=float(dedup_cfg.get("threshold", 0.5)))


class NearDuplicates(beam.PTransform):
    """``article`` records gain ``cluster_id`` and ``duplicate_of``; one
    ``signature`` record per article follows them to the sink."""

    def __init__(self, dedup_cfg: dict[str, Any], earlier: Sequence[Member] = ()) -> None:
        super().__init__()
        self._thresholds = thresholds(dedup_cfg)
        self._num_perm = int(dedup_cfg.get("num_perm", 128))
        self._earlier = list(earlier)

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "SignArticles" >> beam.ParDo(_SignFn(self._num_perm))
            | "GroupAllArticles" >> beam.GroupByKey()
            | "AssignClusters" >> beam.ParDo(_ClusterFn(self._thresholds, self._num_perm, self._earlier))
        )
