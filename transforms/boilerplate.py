"""Stage 5: strip boilerplate: configured rules, then lines learned per publisher.

Here: the configured rules. Learning needs all of a publisher's articles at
once and runs with the other run-wide step in ``transforms.run_wide``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import apache_beam as beam
from apache_beam.metrics import Metrics

from newsbeam.boilerplate import BoilerplateRules, BoilerplateStripper
from transforms.envelope import ARTICLE, Record

LEARNED = "learned"  # a record: one learned boilerplate line of a publisher


def recount(article: dict[str, Any], text: str, removed: list[str]) -> None:
    """The article with boilerplate ``removed``: its text, the removed lines and its word count."""
    if removed:
        article["removed_boilerplate"] = list(article.get("removed_boilerplate") or []) + removed
    if text != article.get("text") or "word_count" not in article:
        article["word_count"] = len(text.split())
    article["text"] = text


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
            recount(article, text, removed)
            self.lines_removed.inc(len(removed))
        yield record


class StripConfiguredBoilerplate(beam.PTransform):
    """Step 1: lines matching the configured rules are removed."""

    def __init__(self, rules: dict[str, Any]) -> None:
        super().__init__()
        self._rules = rules

    def expand(self, records: beam.PCollection) -> beam.PCollection:
        return records | "StripConfiguredLines" >> beam.ParDo(_StripRulesFn(self._rules))
