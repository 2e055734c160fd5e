"""FeedStateStore: validators survive a restart, saved atomically through Beam's FileSystems."""

from __future__ import annotations

import json
from pathlib import Path

from newsbeam.fetch import FeedStateStore, FetchConfig, Fetcher
from newsbeam.fetch.state import STATE_FILE, sha1_hex
from tests.fetch_server import FEED, TestServer, quick_config


def test_round_trip_and_atomic_save(tmp_path: Path) -> None:
    state_dir = tmp_path / "state" / "feeds"  # created on first save
    store = FeedStateStore(str(state_dir))
    assert store.get("http://a.test/feed") == {"etag": None, "last_modified": None, "content_sha1": None}
    store.put("http://a.test/feed", etag='"x"', last_modified="Wed, 21 Oct 2015 07:28:00 GMT", content_sha1="ab")
    store.save()
    assert sorted(p.name for p in state_dir.iterdir()) == [STATE_FILE]  # no temporary file left behind
    on_disk = json.loads((state_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert on_disk["http://a.test/feed"]["etag"] == '"x"'
    again = FeedStateStore(str(state_dir))
    assert again.get("http://a.test/feed")["content_sha1"] == "ab"
    again.put("http://b.test/feed", etag=None, last_modified=None, content_sha1="cd")
    again.save()
    assert set(FeedStateStore(str(state_dir)).items()) == {"http://a.test/feed", "http://b.test/feed"}


def test_corrupt_state_file_starts_empty(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text("{not json", encoding="utf-8")
    store = FeedStateStore(str(tmp_path))
    assert store.items() == {}
    store.put("u", etag="e", last_modified=None, content_sha1=None)
    store.save()
    assert json.loads((tmp_path / STATE_FILE).read_text(encoding="utf-8"))["u"]["etag"] == "e"


def test_conditional_fetch_with_stored_validators(tmp_path: Path) -> None:
    with TestServer() as srv, Fetcher(FetchConfig.from_dict(quick_config())) as f:
        url = srv.url("/etag")
        store = FeedStateStore(str(tmp_path))
        first = f.fetch(url, kind="feed", **_validators(store, url))
        assert store.update(url, first) is True
        store.save()

        reloaded = FeedStateStore(str(tmp_path))
        second = f.fetch(url, kind="feed", **_validators(reloaded, url))
        assert second.not_modified and reloaded.update(url, second) is False
    assert reloaded.get(url) == {"etag": '"v1"', "last_modified": first.last_modified, "content_sha1": sha1_hex(FEED)}
    assert "If-None-Match" not in srv.requests[0].headers and srv.requests[1].headers["If-None-Match"] == '"v1"'


def _validators(store: FeedStateStore, url: str) -> dict[str, str | None]:
    entry = store.get(url)
    return {"etag": entry["etag"], "last_modified": entry["last_modified"]}
