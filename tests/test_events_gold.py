"""The seed's required events and the dev-set targets, read from ../shared at run time."""

import datetime as dt
from pathlib import Path

import pytest

from newsbeam.events import VisitEventExtractor
from newsbeam.events.scoring import load_gold, score_gold

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD = SHARED / "gold" / "dev"
SEED = SHARED / "seed" / "000_5d6750ddc2411a79.txt"
FIELDS = ("visitor", "visitor_title", "visitor_country", "destination_country", "destination_city", "host",
          "start_date", "end_date", "date_precision", "status")


@pytest.fixture(scope="module")
def ex() -> VisitEventExtractor:
    return VisitEventExtractor()


@pytest.mark.skipif(not (GOLD / "annotations.jsonl").exists(), reason="gold set ../shared/gold/dev not present")
def test_seed_required_events_exact(ex: VisitEventExtractor) -> None:
    seed = next(a for a in load_gold(GOLD) if a.file.endswith(SEED.name))
    rows = ex.extract(seed.text, dt.datetime(2022, 2, 7, tzinfo=dt.timezone.utc))
    for gold in (g for g in seed.events if not g.get("optional")):
        row = next((r for r in rows if r["visitor"] == gold["visitor"]
                    and r["destination_country"] == gold["destination_country"]), None)
        assert row is not None, gold["visitor"]
        got = {k: (row[k].isoformat() if isinstance(row[k], dt.date) else row[k]) for k in FIELDS}
        assert got == {k: gold.get(k) for k in FIELDS}


@pytest.mark.skipif(not (GOLD / "annotations.jsonl").exists(), reason="gold set ../shared/gold/dev not present")
def test_dev_set_meets_targets(ex: VisitEventExtractor) -> None:
    score = score_gold(ex.extract, load_gold(GOLD))
    assert score.precision >= 0.90, score.errors
    assert score.recall >= 0.85, score.errors
    assert score.accuracy("status") >= 0.90, score.errors
    assert score.accuracy("start_date") >= 0.90, score.errors
