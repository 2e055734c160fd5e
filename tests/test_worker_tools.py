"""Heavy tools are built once per worker process and lent to one DoFn at a time."""

from __future__ import annotations

import pickle

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


def test_separate_pipelines_do_not_share_tools() -> None:
    a, b = WorkerTools(), WorkerTools()
    tool = a.borrow("tool", object)
    a.give_back("tool", tool)
    assert b.borrow("tool", object) is not tool
