"""Stage 5: strip boilerplate: configured rules, then lines learned per publisher."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.boilerplate import BoilerplateRules, BoilerplateStripper, learn_repeated_lines
from transforms.dedup import passthrough_key
from transforms.envelope import ARTICLE, Record

LEARNED = "learned"  # a record: one learned boilerplate line of a publisher


def _recount(article: dict[str, Any], text: str, removed: list[str]) -> None:
    article["text"] = text
    article["removed_boilerplate"] = list(article.get("removed_boilerplate") or []) + removed
    article["word_count"] = len(text.split())


class _StripRulesFn(beam.DoFn):
    def __init__(self, rules: dict[str, Any]) -> None:
        self._rules = rules
        self.lines_removed = Metrics.counter("newsbeam", "boilerplate_lines_removed")

    def setup(self) -> None:
        self._stripper = BoilerplateStripper(BoilerplateRules.from_dict(self._rules))

    def process(self, record: Record) -> Iterator[Record]:
        if record["kind"] == ARTICLE:
            article = record["article"]
            text, removed = self._stripper.strip(article["text"], article.get("publisher"))
            _recount(article, text, removed)
            self.lines_removed.inc(len(removed))
        yield record


class _LearnAndStripFn(beam.DoFn):
    """All of one publisher's articles of the run: lines repeated across its
    different stories are learned and removed. Copies of one story (same
    ``cluster_id``) count once, so syndicated text is never learned."""

    def __init__(self, min_articles: int, min_share: float) -> None:
        self._min_articles = min_articles
        self._min_share = min_share
        self.learned = Metrics.counter("newsbeam", "boilerplate_lines_learned")

    def setup(self) -> None:
        self._stripper = BoilerplateStripper(BoilerplateRules())

    def process(self, keyed: tuple[str, Iterable[Record]]) -> Iterator[Record]:
        stories = self._stories(keyed[1])
        learned = learn_repeated_lines(stories, self._min_articles, self._min_share)
        for line, count in sorted(learned.items()):
            self.learned.inc()
            yield {"kind": LEARNED, "publisher": keyed[0], "line": line, "articles": count, "stories": len(stories)}
        for r in keyed[1]:  # a second pass: one article in memory at a time
            if r["kind"] == ARTICLE and learned:
                a = r["article"]
                text, removed = self._stripper.strip(a["text"], a.get("publisher"), learned)
                _recount(a, text, removed)
            yield r

    @staticmethod
    def _stories(records: Iterable[Record]) -> dict[str, str]:
        """One text per story: of each cluster, its smallest article_id's."""
        chosen: dict[str, tuple[str, str]] = {}
        for r in records:
            if r["kind"] != ARTICLE:
                continue
            a = r["article"]
            key = a.get("cluster_id") or a["article_id"]
            if key not in chosen or a["article_id"] < chosen[key][0]:
                chosen[key] = (a["article_id"], a["text"])
        return {key: text for key, (_, text) in chosen.items()}


def _by_publisher(record: Record) -> tuple[str, Record]:
    if record["kind"] == ARTICLE:
        return record["article"].get("publisher") or "", record
    return passthrough_key(record), record


class StripConfiguredBoilerplate(beam.PTransform):
    """Step 1: lines matching the configured rules are removed."""

    def __init__(self, rules: dict[str, Any]) -> None:
        super().__init__()
        self._rules = rules

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "StripConfiguredLines" >> beam.ParDo(_StripRulesFn(self._rules))


class LearnBoilerplate(beam.PTransform):
    """Step 2: lines repeated across one publisher's stories are learned and
    removed. Runs after ``NearDuplicates`` so that stories are counted by
    ``cluster_id`` (copies of one story count once)."""

    def __init__(self, learn_cfg: dict[str, Any]) -> None:
        super().__init__()
        self._learn = learn_cfg

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        if not self._learn.get("enabled", True):
            return records
        return (
            records
            | "KeyByPublisher" >> beam.Map(_by_publisher)
            | "GroupByPublisher" >> beam.GroupByKey()
            | "LearnRepeatedLines" >> beam.ParDo(
                _LearnAndStripFn(int(self._learn["min_articles"]), float(self._learn["min_share"]))
            )
        )


class StripBoilerplate(beam.PTransform):
    """Both steps back to back: removed lines go to ``removed_boilerplate``;
    learned lines become ``learned`` records."""

    def __init__(self, rules: dict[str, Any], learn_cfg: dict[str, Any]) -> None:
        super().__init__()
        self._rules = rules
        self._learn = learn_cfg

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return (
            records
            | "StripConfigured" >> StripConfiguredBoilerplate(self._rules)
            | "Learn" >> LearnBoilerplate(self._learn)
        )
