"""Boilerplate removal: whole lines that are not article text.

Rules come from ``configs/boilerplate.yaml`` (global and per publisher) and
from lines learned from repetition within one publisher's articles: the
rule is :func:`learn_repeated` (stated on texts by :func:`learn_repeated_lines`);
the pipeline applies it to hashed lines with :func:`learn_from_hashes`, so
that article texts need not travel to the run-wide step.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

_RULE_KEYS = {"exact", "patterns"}
MAX_LEARNED_WORDS = 40  # longer lines are article text, never learned


def normalise_line(line: str) -> str:
    """Case, spacing and trailing punctuation folded, for exact comparison."""
    return " ".join(line.lower().split()).strip(" .:;|-–—")


@dataclass
class BoilerplateRules:
    """Rules as loaded from YAML: ``{"global": {...}, "publishers": {domain: {...}}}``."""

    global_exact: list[str] = field(default_factory=list)
    global_patterns: list[str] = field(default_factory=list)
    publishers: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "boilerplate rules") -> BoilerplateRules:
        unknown = set(data) - {"global", "publishers"}
        if unknown:
            raise ValueError(f"unknown key '{sorted(unknown)[0]}' in {source}")
        glob = dict(data.get("global") or {})
        _check_rule_keys(glob, f"{source}: global")
        pubs: dict[str, dict[str, list[str]]] = {}
        for domain, rules in (data.get("publishers") or {}).items():
            _check_rule_keys(rules or {}, f"{source}: publishers.{domain}")
            pubs[str(domain).lower()] = {k: [str(x) for x in (rules or {}).get(k) or []] for k in _RULE_KEYS}
        return cls([str(x) for x in glob.get("exact") or []], [str(x) for x in glob.get("patterns") or []], pubs)

    @classmethod
    def from_file(cls, path: str | Path) -> BoilerplateRules:
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(yaml.safe_load(fh) or {}, source=str(path))

    def to_dict(self) -> dict[str, Any]:
        return {"global": {"exact": self.global_exact, "patterns": self.global_patterns}, "publishers": self.publishers}


def _check_rule_keys(rules: Mapping[str, Any], where: str) -> None:
    unknown = set(rules) - _RULE_KEYS
    if unknown:
        raise ValueError(f"unknown key '{sorted(unknown)[0]}' in {where}")


class BoilerplateStripper:
    """Removes boilerplate lines; patterns are compiled once, here."""

    def __init__(self, rules: BoilerplateRules) -> None:
        self._exact = {normalise_line(x) for x in rules.global_exact}
        self._patterns = [re.compile(p, re.IGNORECASE) for p in rules.global_patterns]
        self._pub_exact = {d: {normalise_line(x) for x in r.get("exact", [])} for d, r in rules.publishers.items()}
        self._pub_patterns = {
            d: [re.compile(p, re.IGNORECASE) for p in r.get("patterns", [])] for d, r in rules.publishers.items()
        }

    def is_boilerplate(self, line: str, publisher: str | None, learned: Iterable[str] = ()) -> bool:
        norm = normalise_line(line)
        if not norm:
            return False
        pub = (publisher or "").lower()
        if norm in self._exact or norm in self._pub_exact.get(pub, ()) or norm in learned:
            return True
        stripped = line.strip()
        patterns = self._patterns + self._pub_patterns.get(pub, [])
        return any(p.fullmatch(stripped) for p in patterns)

    def strip(self, text: str, publisher: str | None, learned: Iterable[str] = ()) -> tuple[str, list[str]]:
        """``(text without boilerplate lines, the lines removed)``; blank lines dropped."""
        learned_set = set(learned)
        kept: list[str] = []
        removed: list[str] = []
        for line in text.splitlines():
            if not line.strip():
                continue
            if self.is_boilerplate(line, publisher, learned_set):
                removed.append(line.strip())
            else:
                kept.append(line.strip())
        return "\n".join(kept), removed


def line_hash(normalised: str) -> int:
    """A 64-bit hash of a normalised line: what the run-wide learning step
    counts, so that article texts need not travel to it."""
    return int.from_bytes(hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).digest(), "little")


def learnable_lines(text: str, max_line_words: int = MAX_LEARNED_WORDS) -> set[str]:
    """The distinct normalised lines of ``text`` short enough to be learned."""
    lines = {normalise_line(x) for x in text.splitlines()}
    return {x for x in lines if x and len(x.split()) <= max_line_words}


K = TypeVar("K", bound=Hashable)


def learn_repeated(keys_by_story: Mapping[str, Collection[K]], min_articles: int, min_share: float) -> dict[K, int]:
    """The keys (lines, or their hashes) found in at least ``min_articles``
    stories and in at least ``min_share`` of them: ``{key: story count}``."""
    total = len(keys_by_story)
    if total < min_articles:
        return {}
    counts: Counter[K] = Counter()
    for keys in keys_by_story.values():
        counts.update(keys)
    return {key: n for key, n in counts.items() if n >= min_articles and n / total >= min_share}


def learn_repeated_lines(
    texts_by_story: Mapping[str, str], min_articles: int, min_share: float, max_line_words: int = MAX_LEARNED_WORDS
) -> dict[str, int]:
    """Lines that recur across different stories of ONE publisher.

    ``texts_by_story`` maps a story key (its near-duplicate cluster, so that
    copies of one story count once) to its text. A line is learned when it
    occurs in at least ``min_articles`` stories and in at least ``min_share``
    of them. Returns ``{normalised line: story count}``.
    """
    lines = {story: learnable_lines(text, max_line_words) for story, text in texts_by_story.items()}
    return learn_repeated(lines, min_articles, min_share)


@dataclass(frozen=True)
class StoryLines:
    """One article of a publisher, as the run-wide learning sees it: its
    story (near-duplicate cluster, or its own id) and its short lines' hashes."""

    article_id: str
    story: str
    hashes: frozenset[int]


@dataclass(frozen=True)
class Learned:
    """What was learned from one publisher's articles: ``{hash: story
    count}``, the number of stories, and which article reports each line
    (the first by id that has it)."""

    counts: dict[int, int]
    stories: int
    reporter: dict[int, str]


def learn_from_hashes(articles: Iterable[StoryLines], min_articles: int, min_share: float) -> Learned:
    """:func:`learn_repeated` over hashed lines, one line set per story (of
    each story, its smallest article_id's), so copies count once."""
    ordered = sorted(articles, key=lambda a: a.article_id)
    chosen: dict[str, frozenset[int]] = {}
    for a in ordered:
        chosen.setdefault(a.story, a.hashes)
    counts = learn_repeated(chosen, min_articles, min_share)
    reporter: dict[int, str] = {}
    for a in ordered:
        for h in a.hashes & counts.keys():
            reporter.setdefault(h, a.article_id)
    return Learned(counts, len(chosen), reporter)
