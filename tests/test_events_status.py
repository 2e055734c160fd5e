"""Status, negation and hypotheticals on hand-written sentences."""

import datetime as dt

import pytest

from newsbeam.events import VisitEventExtractor

PUB = dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def ex() -> VisitEventExtractor:
    return VisitEventExtractor()


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("German Chancellor Olaf Scholz will visit Japan next month.", "planned"),
        ("German Chancellor Olaf Scholz visited Japan last month.", "completed"),
        ("German Chancellor Olaf Scholz is visiting Japan this week.", "ongoing"),
        ("German Chancellor Olaf Scholz has cancelled his visit to Japan.", "cancelled"),
        ("Japan has invited German Chancellor Olaf Scholz to visit Tokyo.", "proposed"),
    ],
)
def test_status(ex: VisitEventExtractor, sentence: str, status: str) -> None:
    rows = ex.extract(sentence, PUB)
    assert [(r["visitor"], r["destination_country"], r["status"]) for r in rows] == [
        ("Olaf Scholz", "JPN", status)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "German Chancellor Olaf Scholz has not visited Japan since taking office.",
        "German Chancellor Olaf Scholz has never travelled to Japan.",
        "If German Chancellor Olaf Scholz visits Japan, trade will top the agenda.",
        "German Chancellor Olaf Scholz travels widely.",
        "German Chancellor Olaf Scholz visited a hospital.",
    ],
)
def test_not_events(ex: VisitEventExtractor, sentence: str) -> None:
    assert ex.extract(sentence, PUB) == []
