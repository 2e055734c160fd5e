"""Date expressions: absolute ranges in every order and relative forms resolved against publication."""

import datetime as dt

import pytest

from newsbeam.events.dates import DateFinder

PUB = dt.date(2022, 2, 7)  # a Monday


@pytest.fixture(scope="module")
def finder() -> DateFinder:
    return DateFinder()


@pytest.mark.parametrize(
    ("text", "start", "end", "precision"),
    [
        ("from February 23 to 26", dt.date(2022, 2, 23), dt.date(2022, 2, 26), "day"),
        ("on 23-26 February", dt.date(2022, 2, 23), dt.date(2022, 2, 26), "day"),
        ("Feb 23-26", dt.date(2022, 2, 23), dt.date(2022, 2, 26), "day"),
        ("on 27-8 February", dt.date(2022, 2, 27), dt.date(2022, 2, 28), "day"),
        ("on 3 March 2021", dt.date(2021, 3, 3), None, "day"),
        ("in April last year", dt.date(2021, 4, 1), None, "month"),
        ("later this month", dt.date(2022, 2, 1), None, "month"),
        ("last month", dt.date(2022, 1, 1), None, "month"),
        ("next week", dt.date(2022, 2, 1), None, "month"),
        ("this year", dt.date(2022, 1, 1), None, "year"),
        ("yesterday", dt.date(2022, 2, 6), None, "day"),
        ("on Wednesday", dt.date(2022, 2, 2), None, "day"),
    ],
)
def test_resolves(finder: DateFinder, text: str, start: dt.date, end: dt.date | None, precision: str) -> None:
    found = finder.find(f"He will go {text}.", PUB)
    assert found, text
    assert (found[0].start, found[0].end, found[0].precision) == (start, end, precision)


def test_undated_article_keeps_only_stated_years(finder: DateFinder) -> None:
    assert finder.find("on Wednesday", None)[0].start is None
    assert finder.find("in March 2005", None)[0].start == dt.date(2005, 3, 1)
