"""People: surnames and descriptions resolve to the article's full names; titles kept."""

import datetime as dt

import pytest

from newsbeam.events import VisitEventExtractor

PUB = dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def ex() -> VisitEventExtractor:
    return VisitEventExtractor()


def test_surname_and_description_resolve(ex: VisitEventExtractor) -> None:
    text = (
        "Ruritanian Prime Minister Anna Kovacs held talks on trade, officials said.\n"
        "Ms Kovacs will visit Canada next month, her office said.\n"
        "The premier is expected to meet business leaders in Ottawa."
    )
    rows = ex.extract(text, PUB)
    assert [(r["visitor"], r["destination_country"]) for r in rows] == [("Anna Kovacs", "CAN")]
    assert rows[0]["visitor_title"] == "Prime Minister"
    assert rows[0]["mentions"] >= 2


def test_former_premier_title_and_country(ex: VisitEventExtractor) -> None:
    rows = ex.extract("Former Pakistani premier Nawaz Sharif travelled to Moscow in 1999.", PUB)
    assert len(rows) == 1
    assert rows[0]["visitor"] == "Nawaz Sharif"
    assert rows[0]["visitor_title"] == "former Prime Minister"
    assert (rows[0]["visitor_country"], rows[0]["destination_country"]) == ("PAK", "RUS")
    assert rows[0]["destination_city"] == "Moscow"
