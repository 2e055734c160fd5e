"""Heavy tools are built once per worker thread, across bundles and DoFn copies."""

from __future__ import annotations

import pickle
import threading

from transforms.worker_tools import WorkerTools


class _Tool:
    built = 0

    def __init__(self) -> None:
        type(self).built += 1


def test_a_tool_is_built_once_per_thread_across_pickled_copies_of_the_handle() -> None:
    tools = WorkerTools()
    first = tools.get("tool:a", _Tool)
    copy = pickle.loads(pickle.dumps(tools))  # a DoFn deserialized for another bundle
    del first  # the first bundle's DoFn is torn down
    again = copy.get("tool:a", _Tool)
    assert copy.get("tool:a", _Tool) is again
    assert _Tool.built == 1
    assert copy.get("tool:b", _Tool) is not again  # another key, another tool
    assert _Tool.built == 2


def test_threads_get_tools_of_their_own() -> None:
    tools = WorkerTools()
    mine = tools.get("tool", object)
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(tools.get("tool", object)))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    assert tools.get("tool", object) is mine


def test_separate_pipelines_do_not_share_tools() -> None:
    assert WorkerTools().get("tool", object) is not WorkerTools().get("tool", object)
