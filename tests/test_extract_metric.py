"""The benchmark metric on hand-computed examples."""

from __future__ import annotations

import pytest

from newsbeam.extract.metric import PageCounts, ShingleMetric


@pytest.fixture
def metric() -> ShingleMetric:
    return ShingleMetric()


def test_tokens_are_word_runs_with_case_kept(metric: ShingleMetric) -> None:
    assert metric.tokens("Hello, World! naïve café_2 -- 3.5") == ["Hello", "World", "naïve", "café_2", "3", "5"]


def test_shingles_are_a_bag_of_4_grams(metric: ShingleMetric) -> None:
    bag = metric.shingles("x y z w x y z w")
    assert bag[("x", "y", "z", "w")] == 2
    assert sum(bag.values()) == 5


def test_short_text_is_one_shingle_of_all_its_tokens(metric: ShingleMetric) -> None:
    assert dict(metric.shingles("Hello world")) == {("Hello", "world"): 1}
    assert dict(metric.shingles("")) == {}


def test_page_counts_over_bag_overlap(metric: ShingleMetric) -> None:
    # truth: (a b c d), (b c d e); prediction: (a b c d)
    assert metric.page("a b c d e", "a b c d") == PageCounts(tp=1, fp=0, fn=1)
    # the repeated shingle counts twice in the truth, once in the prediction
    assert metric.page("x y z w x y z w", "x y z w") == PageCounts(tp=1, fp=0, fn=4)


def test_case_matters(metric: ShingleMetric) -> None:
    counts = metric.page("Hello world", "hello world")
    assert (counts.precision, counts.recall) == (0.0, 0.0)


def test_empty_pages_score_one_and_empty_prediction_scores_zero() -> None:
    assert PageCounts(0, 0, 0).precision == PageCounts(0, 0, 0).recall == 1.0
    assert PageCounts(0, 0, 3).recall == 0.0


def test_scores_average_precision_over_pages_with_output_and_recall_over_all(metric: ShingleMetric) -> None:
    pages = [
        metric.page("a b c d e", "a b c d"),  # P 1, R 1/2
        metric.page("p q r s", ""),  # no output: left out of precision, R 0
        metric.page("one two three four five", "one two three four five six"),  # P 2/3, R 1
    ]
    scores = metric.score(pages)
    assert scores.precision == pytest.approx(5 / 6)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(5 / 8)
    assert scores.pages == 3
