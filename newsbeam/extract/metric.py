"""The article-extraction-benchmark metric (bag-of-4-gram shingles).

Reproduces the published metric: text is split into ``\\w+`` tokens (case
kept); each text becomes a bag (multiset) of token 4-grams, a text shorter
than four tokens one shingle of all its tokens; per page precision and
recall come from the bag overlap; precision is averaged over pages whose
prediction produced any shingle, recall over pages whose truth has any
(every benchmark page); F1 = 2PR/(P+R) of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

NGRAM_N = 4


@dataclass(frozen=True)
class PageCounts:
    """Bag-overlap counts of one page: true positives, false positives, false negatives."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        """Page precision; 1 when both texts are empty, 0 when nothing matched."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        """Page recall; 1 when both texts are empty, 0 when nothing matched."""
        if self.fp == self.fn == 0:
            return 1.0
        if self.tp == self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


@dataclass(frozen=True)
class Scores:
    """Averaged scores over a set of pages."""

    precision: float
    recall: float
    f1: float
    pages: int


class ShingleMetric:
    """Computes the benchmark's per-page counts and averaged scores."""

    def __init__(self, ngram_n: int = NGRAM_N) -> None:
        self._token_re = re.compile(r"\w+")
        self._n = ngram_n

    def tokens(self, text: str | None) -> list[str]:
        """``\\w+`` tokens of the text, case kept."""
        return self._token_re.findall(text or "")

    def shingles(self, text: str | None) -> Counter[tuple[str, ...]]:
        """Bag of token n-grams; a shorter non-empty text is one shingle of all its tokens."""
        return self.shingles_of(self.tokens(text))

    def shingles_of(self, toks: list[str]) -> Counter[tuple[str, ...]]:
        """Bag of n-grams of a token list already split."""
        if not toks:
            return Counter()
        if len(toks) < self._n:
            return Counter([tuple(toks)])
        return Counter(zip(*(toks[i:] for i in range(self._n))))  # the n-grams, built in C

    def page(self, true: str | None, pred: str | None) -> PageCounts:
        """Bag-overlap counts of one predicted text against its truth."""
        t, p = self.shingles(true), self.shingles(pred)
        tp = sum((t & p).values())
        return PageCounts(tp=tp, fp=sum(p.values()) - tp, fn=sum(t.values()) - tp)

    def score(self, pages: Iterable[PageCounts]) -> Scores:
        """Precision over pages that produced text, recall over pages with truth, F1 of the averages."""
        counts = list(pages)
        precs = [c.precision for c in counts if c.tp + c.fp > 0]
        recs = [c.recall for c in counts if c.tp + c.fn > 0]
        p = sum(precs) / len(precs) if precs else 0.0
        r = sum(recs) / len(recs) if recs else 0.0
        f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
        return Scores(precision=p, recall=r, f1=f1, pages=len(counts))
