"""The samples gold set (samples/gold: the project's own 16 sample articles, annotated by hand) meets the
same quality targets as the dev set."""

from pathlib import Path

import pytest

from newsbeam.events import VisitEventExtractor
from newsbeam.events.scoring import load_gold, score_gold

GOLD = Path(__file__).resolve().parents[1] / "samples" / "gold"


@pytest.fixture(scope="module")
def score():  # type: ignore[no-untyped-def]
    if not (GOLD / "annotations.jsonl").exists():
        pytest.skip("samples/gold/annotations.jsonl not present")
    articles = load_gold(GOLD)
    assert len(articles) == 16 and sum(len(a.events) for a in articles) > 40
    return score_gold(VisitEventExtractor().extract, articles)


def test_samples_precision_and_recall(score) -> None:  # type: ignore[no-untyped-def]
    assert score.precision >= 0.90, score.errors
    assert score.recall >= 0.85, score.errors


def test_samples_status_accuracy(score) -> None:  # type: ignore[no-untyped-def]
    assert score.accuracy("status") >= 0.90, score.errors


def test_samples_start_date_accuracy(score) -> None:  # type: ignore[no-untyped-def]
    assert score.accuracy("start_date") >= 0.90, score.errors
