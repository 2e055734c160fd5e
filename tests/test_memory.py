"""Heap settings the runs make for themselves and their workers."""

from __future__ import annotations

import os

import pytest

from newsbeam.memory import MALLOC_ARENAS, limit_malloc_arenas


def test_malloc_arenas_are_capped_for_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == MALLOC_ARENAS


def test_an_operators_arena_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "6")
    limit_malloc_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "6"
