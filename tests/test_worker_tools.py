"""Heavy tools are built once per worker process and lent to one DoFn at a time."""

from __future__ import annotations

import gc
import pickle
import weakref

from transforms.worker_tools import WorkerTools


class _Tool:
    built = 0

    def __init__(self) -> None:
        type(self).built += 1


def test_a_tool_given_back_is_lent_again_to_a_later_copy_of_the_handle() -> None:
    tools = WorkerTools()
    first = tools.borrow("tool:a", _Tool)
    tools.give_back("tool:a", first)  # the first partition's DoFn is torn down
    copy = pickle.loads(pickle.dumps(tools))  # the DoFn deserialized for the next partition
    assert copy.borrow("tool:a", _Tool) is first
    assert _Tool.built == 1


def test_a_borrowed_tool_is_never_lent_twice_at_once() -> None:
    tools = WorkerTools()
    one, two = tools.borrow("tool", object), tools.borrow("tool", object)
    assert one is not two  # two DoFn instances alive at once (e.g. two threads) get a tool each
    tools.give_back("tool", one)
    assert tools.borrow("tool", object) is one
    assert tools.borrow("other", object) is not two  # another key, another tool


def test_a_prebuilt_tool_is_lent_to_the_first_borrower_of_its_key() -> None:
    tools = WorkerTools()
    built = _Tool.built
    tools.prebuild([("tool:pre", _Tool)])  # a waiting worker process, before its runner asks for it
    assert _Tool.built == built + 1
    copy = pickle.loads(pickle.dumps(tools))  # the DoFn, deserialized from the graph
    first = copy.borrow("tool:pre", _Tool)
    assert isinstance(first, _Tool) and _Tool.built == built + 1  # not built again
    assert copy.borrow("tool:pre", _Tool) is not first and _Tool.built == built + 2


def test_separate_pipelines_do_not_share_tools() -> None:
    a, b = WorkerTools(), WorkerTools()
    tool = a.borrow("tool", object)
    a.give_back("tool", tool)
    assert b.borrow("tool", object) is not tool


def test_a_new_tool_is_moved_out_of_the_collectors_reach_and_its_leftover_cycles_are_collected() -> None:
    class Junk:
        pass

    leftovers: list[weakref.ref[Junk]] = []

    class Heavy:
        def __init__(self) -> None:
            self.parts = [[i] for i in range(100)]  # containers the collector would walk
            junk = Junk()
            junk.cycle = junk  # type: ignore[attr-defined]  # garbage left by building, in a cycle
            leftovers.append(weakref.ref(junk))

    try:
        tool = WorkerTools().borrow("heavy", Heavy)
        tracked = {id(o) for o in gc.get_objects()}
        assert gc.get_freeze_count() > 0
        assert id(tool.parts) not in tracked and id(tool.parts[0]) not in tracked  # frozen: not walked
        assert leftovers[0]() is None  # collected before the freeze, not kept forever
    finally:
        gc.unfreeze()
