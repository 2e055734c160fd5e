"""The default backend: trafilatura, checked against readability where the two disagree.

Measured on the 181-page benchmark (docs/extraction.md): trafilatura (fast
mode, recall focus) has the best recall but sometimes keeps boilerplate around the article,
and sometimes stops at a part of it. A cheap first guess (the paragraphs of
the block richest in paragraph text, ``ParagraphCore``, 0.3 ms) flags the pages
where the two disagree; only on them (about one page in four) readability-lxml
runs, and its text replaces trafilatura's when
  - trafilatura's text holds readability's almost whole and is clearly longer
    (trafilatura kept extra blocks: readability's tighter text wins), or
  - readability's text holds trafilatura's and is at least twice as long
    (trafilatura stopped early).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsbeam.extract.backends import Body, ReadabilityBackend, TrafilaturaBackend
from newsbeam.extract.core import ParagraphCore
from newsbeam.extract.metric import ShingleMetric
from newsbeam.extract.page import Page


@dataclass(frozen=True)
class AutoRules:
    """Thresholds of the combination; token counts and shingle containment, as in the metric."""

    flag_longer: float = 1.2  # trafilatura longer than the first guess by this factor ...
    flag_contains: float = 0.8  # ... and holding this share of its shingles: check with readability
    flag_shorter: float = 1.2  # first guess longer than trafilatura by this factor: check with readability
    extra_longer: float = 1.2  # trafilatura longer than readability by this factor ...
    extra_contains: float = 0.95  # ... and holding this share of readability's shingles: take readability
    short_longer: float = 2.0  # readability longer than trafilatura by this factor ...
    short_contains: float = 0.8  # ... and holding this share of trafilatura's shingles: take readability


class AutoBackend:
    """trafilatura with a readability check on the pages where a cheap first guess disagrees with it."""

    name = "auto"

    def __init__(self, rules: AutoRules | None = None) -> None:
        self._rules = rules or AutoRules()
        self._core = ParagraphCore()
        self._trafilatura = TrafilaturaBackend()
        self._readability = ReadabilityBackend()
        self._metric = ShingleMetric()

    def extract(self, page: Page) -> Body:
        core = self._tokens(self._core.text(page.tree))  # the whole page: read before the lean tree is made
        main = self._trafilatura.extract(page)
        main_tokens = self._tokens(main.text)
        if main_tokens and not self._flagged(main_tokens, core):
            return self._tag(main, self._trafilatura.name)
        other = self._readability.extract(page)
        if not main_tokens or self._prefer_other(main_tokens, self._tokens(other.text)):
            return self._tag(other, self._readability.name)
        return self._tag(main, self._trafilatura.name)

    def _flagged(self, main: list[str], core: list[str]) -> bool:
        r = self._rules
        return self._longer(main, core, r.flag_longer, r.flag_contains) or len(core) > r.flag_shorter * len(main)

    def _prefer_other(self, main: list[str], other: list[str]) -> bool:
        r = self._rules
        if not other:
            return False
        return self._longer(main, other, r.extra_longer, r.extra_contains) or self._longer(
            other, main, r.short_longer, r.short_contains
        )

    def _longer(self, big: list[str], small: list[str], factor: float, contains: float) -> bool:
        """``big`` has more than ``factor`` times the tokens of ``small`` and holds ``contains`` of its shingles."""
        if len(big) <= factor * len(small):
            return False
        small_bag = self._metric.shingles_of(small)
        held = sum((small_bag & self._metric.shingles_of(big)).values())
        return held >= contains * max(1, sum(small_bag.values()))

    def _tokens(self, text: str) -> list[str]:
        return self._metric.tokens(text)

    @staticmethod
    def _tag(body: Body, backend: str) -> Body:
        body.backend = backend
        return body
