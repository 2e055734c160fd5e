"""Near-duplicate clusters, learned boilerplate by story, and consolidated
visits: the pure functions, and the signature/visits files on a real disk."""

from __future__ import annotations

import datetime as dt
import random
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as pads
import pytest

from newsbeam.boilerplate import (
    StoryLines,
    learn_from_hashes,
    learn_repeated_lines,
    learnable_lines,
    line_hash,
    normalise_line,
)
from newsbeam.parquet import table_from_rows, write_table
from newsbeam.syndication import Member, Signer, assign_clusters, consolidate_visits
from newsbeam.syndication.clusters import LSH_ROWS, Thresholds, same_story
from newsbeam.syndication.minhash import Signature, _combine_one, similarity
from newsbeam.syndication.store import (
    load_earlier_members,
    save_signatures,
    signature_record,
    write_visits_snapshot,
)
from schemas import ARTICLES, VISIT_EVENTS, VISITS

UTC = dt.timezone.utc
WORDS = ("harbour", "minister", "council", "trade", "river", "budget", "talks", "summit", "delegation", "railway",
         "ministry", "energy", "grain", "forest", "island", "treaty", "vote", "election", "court", "bridge", "school",
         "farmers", "market", "report", "coast", "border", "army")


def story(seed: int, paragraphs: int = 8, words: int = 35) -> list[str]:
    """A made-up story: paragraphs of random words (distinct stories share only common words)."""
    rnd = random.Random(seed)
    return [" ".join(rnd.choice(WORDS) + str(rnd.randint(0, 60)) for _ in range(words)) for _ in range(paragraphs)]


def when(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2024, 5, day, hour, tzinfo=UTC)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer(128)


# --- signatures -------------------------------------------------------------


def test_signature_ignores_case_punctuation_and_spacing(signer: Signer) -> None:
    a = signer.sign("The Minister will visit Ottawa, on Monday.\nSecond line here today")
    b = signer.sign("the minister   WILL visit ottawa on monday\n  second line here today!")
    c = signer.sign("The Minister will visit Oslo, on Monday.\nSecond line here today")
    assert a == b
    assert a != c


def test_shingles_do_not_cross_lines(signer: Signer) -> None:
    body = story(1, paragraphs=4)
    plain = signer.shingles("\n".join(body))
    with_inserted = signer.shingles("\n".join([*body[:2], "Advertisement", *body[2:]]))
    assert set(with_inserted) - set(plain) == {("advertisement",)}
    assert len(signer.shingle_hashes("\n".join(body))) == len(set(plain))


def test_shingle_hashes_are_the_hash_of_each_shingle(signer: Signer) -> None:
    """The vectorised hashes equal each shingle hashed alone: crc32 of its
    words, folded as a polynomial (short lines, long lines, blank lines)."""
    text = "\n".join([*story(4, paragraphs=3), "Advertisement", "", "Two words", "  ", "Ünïcode straße and more words"])
    one_by_one = {_combine_one([zlib.crc32(word.encode()) for word in shingle]) for shingle in signer.shingles(text)}
    assert signer.shingle_hashes(text).tolist() == sorted(one_by_one)
    assert signer.shingle_hashes("").tolist() == [] and signer.shingle_hashes(" .. ").tolist() == []


def test_minhash_estimate_is_close_to_exact(signer: Signer) -> None:
    a, b = story(2), story(2)[:5] + story(3)[:3]
    sa, sb = signer.sign("\n".join(a)), signer.sign("\n".join(b))
    exact_j, exact_c = similarity(sa, sb)
    est_j, est_c = similarity(Signature(sa.hashvalues, sa.size), Signature(sb.hashvalues, sb.size))
    assert 0.3 < exact_j < 0.9
    assert abs(est_j - exact_j) < 0.15
    assert abs(est_c - exact_c) < 0.2


# --- the pair check ---------------------------------------------------------


def test_same_story_tolerates_boilerplate_edits_and_truncation(signer: Signer) -> None:
    body = story(4)
    full = signer.sign("\n".join(["Listen to this article", *body, "Support our journalism today."]))
    edited = body.copy()
    edited[0] = edited[0].replace(edited[0].split()[3], "changed") + " added words"
    del edited[5]
    t = Thresholds()
    assert same_story(full, signer.sign("\n".join(["A new headline for it", *edited, "Share this"])), t)
    truncated = signer.sign("\n".join(["Headline of the copy", *body[:3], "Read the full story on our site."]))
    assert similarity(full, truncated)[0] < t.jaccard  # Jaccard alone would miss it
    assert same_story(full, truncated, t)


def test_unrelated_stories_sharing_boilerplate_are_not_the_same(signer: Signer) -> None:
    boiler = ["Listen to this article", "Sign up for our free morning newsletter, delivered daily.",
              "This newspaper is funded by its readers. Support independent journalism today."]
    a = signer.sign("\n".join([boiler[0], *story(5, paragraphs=4), *boiler[1:]]))
    b = signer.sign("\n".join([boiler[0], *story(6, paragraphs=4), *boiler[1:]]))
    assert not same_story(a, b, Thresholds())
    assert not same_story(Signature(a.hashvalues, a.size), Signature(b.hashvalues, b.size), Thresholds())


# --- clusters ---------------------------------------------------------------


def _member(signer: Signer, article_id: str, lines: list[str], published: dt.datetime | None,
            cluster_id: str | None = None) -> Member:
    return Member(article_id, signer.sign("\n".join(lines)), published, cluster_id)


def test_clusters_within_a_run(signer: Signer) -> None:
    wire = story(7)
    members = [
        _member(signer, "c-late", ["Copy C", *wire], when(6, 12)),
        _member(signer, "a-first", ["Copy A", *wire], when(6, 8)),
        _member(signer, "b-trunc", ["Copy B", *wire[:3], "More at our site"], when(6, 9)),
        _member(signer, "u-other", story(8), when(6, 7)),
        _member(signer, "n-undated", [*wire[:7], "Copy N"], None),
    ]
    out = assign_clusters(members)
    assert {out[k].cluster_id for k in ("a-first", "b-trunc", "c-late", "n-undated")} == {"a-first"}
    assert out["a-first"].duplicate_of is None
    assert {out[k].duplicate_of for k in ("b-trunc", "c-late", "n-undated")} == {"a-first"}
    assert out["u-other"].cluster_id == "u-other" and out["u-other"].duplicate_of is None
    assert assign_clusters(list(reversed(members))) == out  # the order of arrival does not matter


def test_members_without_shingles_are_checked_exactly_through_the_loader(signer: Signer) -> None:
    wire = story(11)
    members = [
        _member(signer, "a-first", ["Copy A", *wire], when(6, 8)),
        _member(signer, "b-trunc", ["Copy B", *wire[:3], "More at our site"], when(6, 9)),
        *(_member(signer, f"u-{n}", story(100 + n), when(6, 7)) for n in range(30)),
    ]
    whole = {m.article_id: m.signature for m in members}
    light = [Member(m.article_id, Signature(m.signature.hashvalues, m.signature.size), m.published_at)
             for m in members]
    loaded: list[str] = []

    def full(found: list[Member]) -> list[Signature]:
        loaded.extend(m.article_id for m in found)
        return [whole[m.article_id] for m in found]

    out = assign_clusters(light, full=full)
    assert out == assign_clusters(members)
    assert out["b-trunc"].duplicate_of == "a-first"  # the truncated copy needs the exact containment check
    assert sorted(loaded) == ["a-first", "b-trunc"]  # only the pair's members are read, once each


def test_clusters_against_earlier_runs_keep_the_written_cluster(signer: Signer) -> None:
    wire = story(9)
    earlier = [
        Member("old-1", signer.sign("\n".join(wire)), when(6, 10), "old-1"),
        # saved without shingle hashes: the MinHash estimate decides
        Member("old-2", Signature(signer.sign("\n".join(["X", *wire])).hashvalues,
                                  signer.sign("\n".join(["X", *wire])).size), when(6, 11), "old-1"),
        Member("old-3", signer.sign("\n".join(story(10))), when(5), "old-3"),
    ]
    new = [
        # published earlier than the written first copy: the written cluster still stands
        _member(signer, "new-1", ["Headline", *wire[:6]], when(6, 7)),
        _member(signer, "new-2", story(11), when(7)),
    ]
    out = assign_clusters(new, earlier)
    assert set(out) == {"new-1", "new-2"}
    assert (out["new-1"].cluster_id, out["new-1"].duplicate_of) == ("old-1", "old-1")
    assert (out["new-2"].cluster_id, out["new-2"].duplicate_of) == ("new-2", None)
    only_estimates = assign_clusters(new, [earlier[1]])
    assert only_estimates["new-1"].cluster_id == "old-1"


# --- learned boilerplate counts stories, not copies -------------------------


def _story(article_id: str, lines: list[str], cluster_id: str | None) -> StoryLines:
    """An article as the run-wide learning sees it: its story and its short lines' hashes."""
    hashes = frozenset(line_hash(x) for x in learnable_lines("\n".join(lines)))
    return StoryLines(article_id, cluster_id or article_id, hashes)


def test_learned_boilerplate_counts_copies_of_one_story_once() -> None:
    boiler = "Sign up for the Pub Test newsletter."
    wire = story(12, paragraphs=3)
    copies = [_story(f"copy-{i}", [wire[0], boiler, *wire[1:]], "copy-0") for i in range(3)]
    others = [_story(f"other-{i}", [*story(20 + i, paragraphs=3), boiler], f"other-{i}") for i in range(2)]
    found = learn_from_hashes(copies + others, min_articles=3, min_share=0.3)
    wanted = line_hash(normalise_line(boiler))
    assert found.counts == {wanted: 3} and found.stories == 3  # 3 stories, not 5 articles
    assert found.reporter == {wanted: "copy-0"}  # reported once, by the first article that has it
    # the same articles without clusters: the wire text would be learned (what the cluster key prevents)
    unclustered = learn_from_hashes([_story(f"copy-{i}", [wire[0], boiler, *wire[1:]], None) for i in range(3)]
                                    + [_story(f"other-{i}", [*story(20 + i, 3), boiler], None) for i in range(2)],
                                    min_articles=3, min_share=0.3)
    assert len(unclustered.counts) > 1


def test_learn_repeated_lines_thresholds() -> None:
    texts = {f"s{i}": "\n".join([f"unique line {i}", "Common footer"] if i < 3 else [f"unique {i}"]) for i in range(11)}
    assert learn_repeated_lines(texts, 3, 0.3) == {}  # in 3 of 11 stories: under the share
    assert learn_repeated_lines(texts, 3, 0.25) == {"common footer": 3}
    assert learn_repeated_lines({k: texts[k] for k in ("s0", "s1")}, 3, 0.3) == {}  # too few stories


# --- consolidated visits ----------------------------------------------------


def event(event_id: str, article_id: str, published: dt.datetime, **kw: object) -> dict:
    row = {"event_id": event_id, "article_id": article_id, "publisher": f"{article_id}.test",
           "published_at": published, "visitor": "Marta Lindqvist", "visitor_country": "SWE",
           "destination_country": "CAN", "status": "planned", "confidence": 0.8}
    row.update(kw)
    return row


def test_planned_then_completed_is_one_visit_whose_status_moves_on() -> None:
    day = {"start_date": dt.date(2024, 5, 14), "end_date": dt.date(2024, 5, 16), "date_precision": "day"}
    events = [
        event("e1", "a1", when(6), **day),
        event("e2", "a2", when(6, 11), **day),
        event("e3", "a3", when(1), start_date=dt.date(2024, 5, 1), date_precision="month"),
        event("e4", "a4", when(17), status="completed", visitor="Lindqvist"),  # undated, surname only
        event("e5", "a5", when(18), **day),  # a stale copy of the planned story, after the visit
    ]
    articles = {"a2": {"cluster_id": "a1"}, "a5": {"cluster_id": "a1"}}
    rows = consolidate_visits(events, articles)
    assert len(rows) == 1
    visit = rows[0]
    assert visit["status"] == "completed" and visit["status_seen_at"] == when(17)
    assert (visit["start_date"], visit["end_date"], visit["date_precision"]) == (
        dt.date(2024, 5, 14), dt.date(2024, 5, 16), "day")
    assert visit["visitor"] == "Marta Lindqvist"
    assert visit["event_ids"] == ["e1", "e2", "e3", "e4", "e5"]
    assert (visit["first_seen"], visit["last_seen"]) == (when(1), when(18))
    assert (visit["article_count"], visit["publisher_count"], visit["story_count"]) == (5, 5, 3)
    assert visit["confidence"] == pytest.approx(1 - 0.2**3)  # three stories; the copies count once


def test_different_visits_of_one_person_stay_apart() -> None:
    events = [
        event("j1", "a1", dt.datetime(2024, 1, 26, tzinfo=UTC), destination_country="JPN", status="completed",
              start_date=dt.date(2024, 1, 22), end_date=dt.date(2024, 1, 24), date_precision="day"),
        event("j2", "a2", dt.datetime(2024, 9, 20, tzinfo=UTC), destination_country="JPN",
              start_date=dt.date(2024, 10, 1), date_precision="month"),
        event("j3", "a3", dt.datetime(2024, 9, 25, tzinfo=UTC), destination_country="JPN"),  # undated, planned
        event("c1", "a4", dt.datetime(2024, 9, 21, tzinfo=UTC), destination_country="CHN",
              start_date=dt.date(2024, 10, 1), date_precision="month"),
        event("o1", "a5", dt.datetime(2024, 9, 21, tzinfo=UTC), visitor="Daniel Okafor", destination_country="JPN",
              start_date=dt.date(2024, 10, 1), date_precision="month"),
    ]
    rows = consolidate_visits(events)
    by_events = sorted(r["event_ids"] for r in rows)
    assert by_events == [["c1"], ["j1"], ["j2", "j3"], ["o1"]]
    assert len({r["visit_id"] for r in rows}) == 4


def test_same_surname_of_two_people_is_not_merged() -> None:
    base = {"destination_country": "RUS", "start_date": dt.date(2024, 2, 23), "date_precision": "day"}
    rows = consolidate_visits([
        event("k1", "a1", when(1), visitor="Imran Khan", **base),
        event("k2", "a2", when(1), visitor="Shehbaz Khan", **base),
        event("k3", "a3", when(2), visitor="Khan", **base),  # ambiguous: stays apart
    ])
    assert len(rows) == 3


# --- files: signatures for later runs, the visits snapshot ------------------


def _write_articles(out: Path, rows: list[dict]) -> None:
    write_table(table_from_rows(rows, ARTICLES, "articles"),
                str(out / "articles" / "ingest_date=2024-05-06" / "part-0.parquet"))


def test_signatures_saved_and_loaded_and_recomputed(tmp_path: Path, signer: Signer) -> None:
    wire, other = story(30), story(31)
    arts: list[dict[str, Any]] = [
        {"article_id": aid, "url": aid, "canonical_url": aid, "run_id": "r1", "text": "\n".join(lines),
         "published_at": when(6), "cluster_id": aid}
        for aid, lines in (("w1", wire), ("o1", other))
    ]
    _write_articles(tmp_path, arts)
    saved = signature_record(arts[0], signer.sign(arts[0]["text"]), 128)
    assert save_signatures(str(tmp_path), "r1", [saved, {"kind": "feed"}]) == 1
    members = {m.article_id: m for m in load_earlier_members(str(tmp_path), 128)}
    assert set(members) == {"w1", "o1"}  # o1 had no saved signature: signed again from its text
    assert members["w1"].signature == signer.sign(arts[0]["text"])
    assert members["o1"].signature == signer.sign(arts[1]["text"])
    assert members["w1"].cluster_id == "w1"
    other_length = load_earlier_members(str(tmp_path), 64)  # saved with 128 values: signed again
    assert {len(m.signature.values()) for m in other_length} == {64}
    assert load_earlier_members(str(tmp_path / "nothing"), 128) == []


def test_visits_snapshot_is_replaced_whole(tmp_path: Path) -> None:
    def write_events(rows: list[dict], name: str) -> None:
        full = [{**r, "run_id": "r"} for r in rows]
        write_table(table_from_rows(full, VISIT_EVENTS, "visit_events"),
                    str(tmp_path / "visit_events" / "ingest_date=2024-05-06" / f"{name}.parquet"))

    write_events([event("e1", "a1", when(6), start_date=dt.date(2024, 5, 14), date_precision="day")], "p1")
    assert write_visits_snapshot(str(tmp_path)) == 1
    write_events([event("e2", "a2", when(17), status="completed"),
                  event("e3", "a3", when(17), destination_country="JPN")], "p2")
    assert write_visits_snapshot(str(tmp_path)) == 2
    table = pads.dataset(str(tmp_path / "visits"), format="parquet").to_table()
    assert table.schema.remove_metadata() == VISITS
    assert sorted(map(len, table.column("event_ids").to_pylist())) == [1, 2]
    assert sorted(p.name for p in (tmp_path / "visits").iterdir()) == ["visits.parquet"]


def test_a_flood_of_copies_is_one_cluster_with_linear_candidate_pairs(signer: Signer) -> None:
    """A feed flooding thousands of near-identical pages must not make the
    candidate pairs quadratic (they once asked for 24 GiB at 10,000 articles)."""
    from newsbeam.syndication.clusters import candidate_pairs

    base = story(5)
    members = [
        Member(f"copy-{i:04d}", signer.sign("\n".join([*base, f"Updated edition number {i}."])), when(7, 9))
        for i in range(2000)
    ]
    matrix = np.stack([m.signature.values() for m in members])
    pairs = candidate_pairs(matrix, np.ones(len(members), dtype=bool))
    bands = matrix.shape[1] // LSH_ROWS
    assert len(pairs) <= bands * len(members)
    result = assign_clusters(members, [], Thresholds())
    assert {a.cluster_id for a in result.values()} == {"copy-0000"}


def test_signatures_are_saved_in_row_groups_and_read_back_whole(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from newsbeam.syndication.store import SIGNATURES_DIR, STATE, _saved_signatures

    signer = Signer(num_perm=16)
    sigs = {f"a{i}": signer.sign(f"story number {i} about a visit to country {i % 7}\nline two {i}") for i in range(25)}
    records = [signature_record({"article_id": k, "published_at": None}, sig, 16) for k, sig in sigs.items()]
    records.insert(3, {"kind": "feed", "feed_url": "x"})  # other records are passed over
    assert save_signatures(str(tmp_path), "run1", records, batch_rows=10) == 25
    saved = pq.ParquetFile(tmp_path / STATE / SIGNATURES_DIR / "run1.parquet")
    assert saved.metadata.num_row_groups == 3 and saved.metadata.num_rows == 25
    assert _saved_signatures(str(tmp_path), 16) == sigs
    assert save_signatures(str(tmp_path), "run2", records[3:4]) == 0
    assert not (tmp_path / STATE / SIGNATURES_DIR / "run2.parquet").exists()


def test_signatures_equal_datasketch_affine32_minhash() -> None:
    """Our MinHash is datasketch's ``affine32`` scheme (same permutations, same
    values), written out so that workers do not import datasketch and scipy."""
    datasketch = pytest.importorskip("datasketch")
    from newsbeam.syndication.minhash import SEED, affine32_permutations, min_hashes

    rng = np.random.default_rng(11)
    for num_perm in (16, 128):
        a, b = affine32_permutations(num_perm, SEED)
        theirs = datasketch.MinHash(num_perm=num_perm, seed=SEED, scheme="affine32").permutations
        assert np.array_equal(theirs[0], a) and np.array_equal(theirs[1], b)
        for size in (0, 1, 7, 500):
            hashes = rng.integers(0, 2**32, size, dtype=np.uint64).astype(np.uint32)
            mh = datasketch.MinHash(num_perm=num_perm, permutations=theirs, scheme="affine32", hashfunc=lambda x: x)
            if size:
                mh.update_batch(hashes)
            assert np.array_equal(np.asarray(mh.hashvalues, dtype=np.uint32), min_hashes(hashes, a, b))
