"""Fixes for errors seen on unseen news (issue #3), each on sentences written for this test."""

import datetime as dt

import pytest

from newsbeam.events import VisitEventExtractor

PUB = dt.datetime(2022, 3, 9, tzinfo=dt.timezone.utc)  # a Wednesday


@pytest.fixture(scope="module")
def ex() -> VisitEventExtractor:
    return VisitEventExtractor()


def _rows(ex: VisitEventExtractor, text: str, pub: dt.datetime | None = PUB) -> list[tuple]:
    return [(r["visitor"], r["destination_country"], r["status"]) for r in ex.extract(text, pub)]


def test_passive_host_makes_the_subject_the_visitor(ex: VisitEventExtractor) -> None:
    text = (
        "Chilean President Gabriel Boric arrived in Peru on Tuesday. "
        "In Lima, Boric was received by President Pedro Castillo, with whom he discussed lithium."
    )
    rows = ex.extract(text, PUB)
    assert [(r["visitor"], r["destination_country"]) for r in rows] == [("Gabriel Boric", "PER")]
    assert rows[0]["host"] == "Pedro Castillo"


def test_hosted_by_with_pronoun_subject(ex: VisitEventExtractor) -> None:
    text = "Spanish Prime Minister Pedro Sanchez flew to Rabat, where he was welcomed by King Mohammed."
    assert [(v, c) for v, c, _s in _rows(ex, text)] == [("Pedro Sanchez", "MAR")]


def test_active_host_country_from_the_sentence_place(ex: VisitEventExtractor) -> None:
    text = "In Nairobi, President William Ruto welcomed Ghanaian President Nana Akufo-Addo on Monday."
    assert [(v, c) for v, c, _s in _rows(ex, text)] == [("Nana Akufo-Addo", "KEN")]


def test_return_home_is_not_a_visit(ex: VisitEventExtractor) -> None:
    text = (
        "Turkish President Tayyip Erdogan visited Qatar on Monday. He flew back to Ankara on Tuesday evening, "
        "and is expected to return to Istanbul at the weekend."
    )
    assert [c for _v, c, _s in _rows(ex, text)] == ["QAT"]


def test_domestic_trip_with_a_city_is_still_a_visit(ex: VisitEventExtractor) -> None:
    text = "British Prime Minister Boris Johnson will visit Cardiff on Friday."
    assert [c for _v, c, _s in _rows(ex, text)] == ["GBR"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Kenyan President Uhuru Kenyatta will fly to Accra next week, ignoring calls to postpone the trip.",
         "planned"),
        ("Kenyan President Uhuru Kenyatta will fly to Accra next week despite pressure to cancel.", "planned"),
        ("Kenyan President Uhuru Kenyatta was forced to cancel his visit to Ghana.", "cancelled"),
        ("Kenyan President Uhuru Kenyatta has postponed his visit to Ghana.", "cancelled"),
    ],
)
def test_cancel_cue_needs_a_decision(ex: VisitEventExtractor, text: str, status: str) -> None:
    assert _rows(ex, text) == [("Uhuru Kenyatta", "GHA", status)]


def test_cancel_cue_stays_in_its_clause(ex: VisitEventExtractor) -> None:
    text = "Last month Indian Prime Minister Narendra Modi visited Nepal but called off a stop in Bhutan."
    assert ("Narendra Modi", "NPL", "completed") in _rows(ex, text)


def test_apposition_names_the_office_holder(ex: VisitEventExtractor) -> None:
    text = "The defence minister, Ben Wallace, will travel to Oslo on Thursday for talks on the Arctic."
    rows = ex.extract(text, PUB)
    assert [(r["visitor"], r["destination_country"]) for r in rows] == [("Ben Wallace", "NOR")]


def test_described_subject_is_the_previous_named_subject(ex: VisitEventExtractor) -> None:
    text = (
        "Gustavo Petro will travel to Caracas next week. "
        "The Colombian president is scheduled to meet officials there on 15 March and will then fly to Quito."
    )
    rows = ex.extract(text, PUB)
    assert {(r["visitor"], r["destination_country"]) for r in rows} == {("Gustavo Petro", "VEN"),
                                                                       ("Gustavo Petro", "ECU")}
    assert all(r["visitor_country"] == "COL" for r in rows)


def test_described_object_is_not_the_subject(ex: VisitEventExtractor) -> None:
    text = "Gustavo Petro travelled to Lima on Monday. He held talks with the Peruvian president."
    rows = ex.extract(text, PUB)
    assert [(r["visitor"], r["destination_country"]) for r in rows] == [("Gustavo Petro", "PER")]
    assert rows[0]["visitor_title"] is None


def test_the_leader_resolves_to_a_head_of_state(ex: VisitEventExtractor) -> None:
    text = (
        "Chinese President Xi Jinping met Mongolian officials on Monday. "
        "Mongolia invited the Chinese leader to visit Ulaanbaatar."
    )
    assert [(v, c) for v, c, _s in _rows(ex, text)] == [("Xi Jinping", "MNG")]


def test_date_after_since_is_background(ex: VisitEventExtractor) -> None:
    text = "US Secretary of State Antony Blinken will visit Fiji, the first such trip since James Baker in 1990."
    rows = ex.extract(text, PUB)
    assert rows[0]["visitor"] == "Antony Blinken" and rows[0]["start_date"] is None


def test_date_in_a_relative_clause_is_background(ex: VisitEventExtractor) -> None:
    text = "Japanese Prime Minister Fumio Kishida, who took office in October, made a brief trip to Glasgow."
    rows = ex.extract(text, PUB)
    assert [(r["destination_country"], r["status"], r["start_date"]) for r in rows] == [("GBR", "completed", None)]


def test_bare_month_of_a_completed_visit_is_the_last_one(ex: VisitEventExtractor) -> None:
    text = "Ghanaian President Nana Akufo-Addo attended the climate summit in Glasgow in November."
    rows = ex.extract(text, PUB)
    assert [(r["start_date"], r["date_precision"]) for r in rows] == [(dt.date(2021, 11, 1), "month")]


def test_date_of_an_earlier_clause_is_not_taken(ex: VisitEventExtractor) -> None:
    text = "Colombian President Gustavo Petro will meet officials in Caracas on 15 March and will then fly to Quito."
    rows = {r["destination_country"]: r["start_date"] for r in ex.extract(text, PUB)}
    assert "ECU" in rows and rows["ECU"] is None


@pytest.mark.parametrize(
    ("text", "visitor"),
    [
        ("Cambodian Prime Minister Hun Sen will visit Laos.", "Hun Sen"),
        ("US Secretary of State Antony Blinken will visit Laos.", "Antony Blinken"),
    ],
)
def test_names_after_title_words(ex: VisitEventExtractor, text: str, visitor: str) -> None:
    assert [v for v, _c, _s in _rows(ex, text)] == [visitor]


def test_prefers_host_of_the_destination_country(ex: VisitEventExtractor) -> None:
    text = (
        "Brazilian President Jair Bolsonaro will meet Vladimir Putin in Moscow and then fly to Budapest for talks "
        "with Hungarian Prime Minister Viktor Orban."
    )
    hosts = {r["destination_country"]: r["host"] for r in ex.extract(text, PUB)}
    assert hosts.get("HUN") == "Viktor Orban"


def test_adverb_between_travel_verb_and_to(ex: VisitEventExtractor) -> None:
    text = "Spanish Prime Minister Pedro Sanchez and Italian Premier Mario Draghi travelled separately to Kyiv."
    assert {c for _v, c, _s in _rows(ex, text)} == {"UKR"}


def test_trip_as_office_to(ex: VisitEventExtractor) -> None:
    text = "Italian Prime Minister Mario Draghi made his first foreign trips as premier to Madrid and Lisbon."
    assert {c for _v, c, _s in _rows(ex, text)} == {"ESP", "PRT"}


def test_talks_with_partner_in_place(ex: VisitEventExtractor) -> None:
    text = "Italian Prime Minister Mario Draghi held talks with Pedro Sanchez in Madrid on Monday."
    rows = ex.extract(text, PUB)
    assert [(r["destination_country"], r["start_date"]) for r in rows] == [("ESP", dt.date(2022, 3, 7))]


def test_dateline_date_is_not_the_visit_date(ex: VisitEventExtractor) -> None:
    text = "LIMA, Mar 8 (Newswire) - Peru has invited Chilean President Gabriel Boric to visit Lima, officials said."
    rows = ex.extract(text, PUB)
    assert [(r["destination_country"], r["start_date"]) for r in rows] == [("PER", None)]


def test_at_the_weekend_is_a_date(ex: VisitEventExtractor) -> None:
    text = "Chilean President Gabriel Boric will fly to Lima at the weekend."
    rows = ex.extract(text, PUB)
    assert [(r["start_date"], r["date_precision"]) for r in rows] == [(dt.date(2022, 3, 1), "month")]


def test_trigger_in_relative_clause_does_not_take_the_main_clause_date(ex: VisitEventExtractor) -> None:
    text = "Chilean President Gabriel Boric, who is on his first visit to Argentina, will fly to Lima on Friday."
    rows = {r["destination_country"]: r["start_date"] for r in ex.extract(text, PUB)}
    assert rows.get("ARG", "missing") is None and rows.get("PER") == dt.date(2022, 3, 11)


def test_bare_arrival_dates_the_current_visit(ex: VisitEventExtractor) -> None:
    text = (
        "Indian Foreign Minister S. Jaishankar is in Tokyo on a two-day visit. "
        "Jaishankar arrived on Tuesday and met business leaders."
    )
    rows = ex.extract(text, PUB)
    assert [(r["destination_country"], r["start_date"], r["status"]) for r in rows] == [
        ("JPN", dt.date(2022, 3, 8), "ongoing")
    ]


def test_capital_spelling_variant(ex: VisitEventExtractor) -> None:
    text = "Thai Prime Minister Prayuth Chan-ocha travelled to Naypyitaw last month."
    assert [c for _v, c, _s in _rows(ex, text)] == ["MMR"]


def test_willing_to_visit_is_proposed(ex: VisitEventExtractor) -> None:
    text = "The Kremlin said Russian President Vladimir Putin is willing to visit Turkey once the pandemic allows."
    assert _rows(ex, text) == [("Vladimir Putin", "TUR", "proposed")]
