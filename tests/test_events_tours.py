"""Tours: one row per country, merged mentions, interface keys and determinism."""

import datetime as dt

from newsbeam.events import EXTRACTOR_VERSION, VisitEventExtractor

KEYS = {
    "visitor", "visitor_title", "visitor_country", "host", "host_title", "destination_country",
    "destination_city", "start_date", "end_date", "date_precision", "date_text", "status", "evidence",
    "mentions", "confidence",
}


def test_multi_country_tour_is_row_per_country() -> None:
    ex = VisitEventExtractor()
    text = "Brazilian Finance Minister Ana Souza will this week visit Britain, France and Italy for talks."
    rows = ex.extract(text, dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc))
    assert [r["destination_country"] for r in rows] == ["GBR", "FRA", "ITA"]
    assert all(set(r) == KEYS for r in rows)
    assert all(r["status"] == "planned" and r["visitor_country"] == "BRA" for r in rows)
    assert all(0.0 <= r["confidence"] <= 1.0 for r in rows)
    assert ex.extract(text, dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc)) == rows
    assert EXTRACTOR_VERSION.startswith("rules-")


def test_region_only_trip_is_no_row() -> None:
    rows = VisitEventExtractor().extract("US President Joe Biden will travel to Europe next week.", None)
    assert rows == []
