"""Spill files of the run-wide stages: articles parked whole, stubs light,
signatures readable alone by offset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from transforms.envelope import ARTICLE
from transforms.run_wide import Stub, _ParkFn, read_parked, read_signatures


def _article(n: int) -> dict[str, Any]:
    text = "\n".join(f"Paragraph {p} of story {n}: the minister met the council about the harbour budget."
                     for p in range(6))
    return {"kind": ARTICLE, "article": {"article_id": f"id-{n}", "publisher": "example.com", "text": text,
                                         "published_at": None}}


def _stubs(park: _ParkFn, records: list[dict[str, Any]]) -> list[Stub]:
    out = [stub for r in records for stub in park.process(r)]
    assert all(isinstance(s, Stub) for s in out)  # every article parked, a stub in its place
    return [s for s in out if isinstance(s, Stub)]


def test_parked_articles_come_back_whole_and_signatures_by_offset(tmp_path: Path) -> None:
    park = _ParkFn(str(tmp_path), num_perm=64, learn=True)
    park.setup()
    park.start_bundle()
    records = [_article(n) for n in range(5)]
    stubs = _stubs(park, records)
    park.finish_bundle()
    assert all(len(s.signature().values()) == 64 for s in stubs)  # stubs stay light: no shingle hashes
    [name] = {s.parked for s in stubs}
    path = str(tmp_path / name)
    parked = list(read_parked(path))
    assert [r for r, _ in parked] == records
    assert [s.entry for s in stubs] == list(range(5))
    full = read_signatures(path, [s.offset for s in reversed(stubs)])
    for stub, (_, sig) in zip(stubs, parked):
        assert full[stub.offset] == sig
        assert sig.shingles and sig.hashvalues == stub.hashvalues and sig.size == stub.size


def test_a_stubs_publication_time_is_the_same_instant_to_the_microsecond(tmp_path: Path) -> None:
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    naive = dt.datetime(1969, 7, 20, 20, 17, 40)
    times = [dt.datetime(2024, 3, 1, 10, 0, 0, 123457, tzinfo=india), naive,
             dt.datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=dt.timezone.utc), None]
    park = _ParkFn(str(tmp_path), num_perm=16, learn=False)
    park.setup()
    park.start_bundle()
    records = [_article(n) for n in range(len(times))]
    for record, when in zip(records, times):
        record["article"]["published_at"] = when
    stubs = _stubs(park, records)
    park.finish_bundle()
    back = [s.published() for s in stubs]
    assert back[0] == times[0] and back[2] == times[2] and back[3] is None  # aware: the same instant
    assert back[1] == naive.replace(tzinfo=dt.timezone.utc)  # naive: taken as UTC
    assert all(s.lines == b"" for s in stubs)  # learning off: no line hashes carried
