"""Spill files of the run-wide stages: articles parked whole, stubs light,
signatures readable alone by offset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transforms.envelope import ARTICLE, STUB
from transforms.run_wide import _ParkFn, read_parked, read_signatures


def _article(n: int) -> dict[str, Any]:
    text = "\n".join(f"Paragraph {p} of story {n}: the minister met the council about the harbour budget."
                     for p in range(6))
    return {"kind": ARTICLE, "article": {"article_id": f"id-{n}", "publisher": "example.com", "text": text,
                                         "published_at": None}}


def test_parked_articles_come_back_whole_and_signatures_by_offset(tmp_path: Path) -> None:
    park = _ParkFn(str(tmp_path), num_perm=64, learn=True)
    park.setup()
    park.start_bundle()
    records = [_article(n) for n in range(5)]
    stubs = [out for r in records for out in park.process(r)]
    park.finish_bundle()
    assert [s["kind"] for s in stubs] == [STUB] * 5
    assert all(not s["sig"].shingles and len(s["sig"].values()) == 64 for s in stubs)  # stubs stay light
    [name] = {s["parked"] for s in stubs}
    path = str(tmp_path / name)
    parked = list(read_parked(path))
    assert [r for r, _ in parked] == records
    assert [s["index"] for s in stubs] == list(range(5))
    full = read_signatures(path, [s["offset"] for s in reversed(stubs)])
    for stub, (_, sig) in zip(stubs, parked):
        assert full[stub["offset"]] == sig
        assert sig.shingles and sig.hashvalues == stub["sig"].hashvalues and sig.size == stub["sig"].size
