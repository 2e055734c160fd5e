"""Elements dealt to a fixed set of keys in turn, for a GroupByKey that
spreads work evenly: equal numbers under each key, and (given keys from
``pipeline.runners.spread_keys``) keys that the runner spreads evenly over
its workers."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import apache_beam as beam

from transforms.dedup import passthrough_key


class DealToKeysFn(beam.DoFn):
    """Each element -> ``(key, element)``, the keys taken in turn, each
    bundle from the key its first element's name points at (so that bundles
    do not all start on the same key). An element that ``name_of`` gives no
    name (a record to pass on) goes under a key of its own."""

    def __init__(self, keys: list[Any], name_of: Callable[[Any], str | None]) -> None:
        self._keys = keys
        self._name_of = name_of

    def start_bundle(self) -> None:
        self._next: int | None = None

    def process(self, element: Any) -> Iterator[tuple[Any, Any]]:
        name = self._name_of(element)
        if name is None:
            yield passthrough_key(element), element
            return
        if self._next is None:
            self._next = zlib.crc32(name.encode()) % len(self._keys)
        yield self._keys[self._next], element
        self._next = (self._next + 1) % len(self._keys)


def _ungroup(keyed: tuple[Any, Iterable[Any]]) -> Iterable[Any]:
    return keyed[1]


class SpreadOverKeys(beam.PTransform):
    """The elements, regrouped under ``keys`` dealt in turn (a Reshuffle
    whose groups the runner spreads evenly: Beam's DaskRunner turns
    ``beam.Reshuffle`` into nothing, so one partition's elements stay on one
    worker)."""

    def __init__(self, keys: list[Any], name_of: Callable[[Any], str | None]) -> None:
        super().__init__()
        self._keys = keys
        self._name_of = name_of

    def expand(self, pcoll: beam.PCollection) -> beam.PCollection:
        return (
            pcoll
            | "DealToKeys" >> beam.ParDo(DealToKeysFn(self._keys, self._name_of))
            | "GroupByKey" >> beam.GroupByKey()
            | "Ungroup" >> beam.FlatMap(_ungroup)
        )

