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


def test_arrow_allocates_with_malloc_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow as pa

    from newsbeam.memory import use_system_arrow_pool

    before = pa.default_memory_pool()
    try:
        monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
        pa.set_memory_pool(pa.mimalloc_memory_pool())
        use_system_arrow_pool()
        assert pa.default_memory_pool().backend_name == "mimalloc"  # the operator's choice stands
        monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL")
        use_system_arrow_pool()
        assert os.environ["ARROW_DEFAULT_MEMORY_POOL"] == "system"  # and worker processes inherit it
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)
