"""The pipeline against a server that faults 20% of first requests (issue #4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsbeam.config import load_config
from pipeline.run import run_batch
from tests.fault_server import TRANSIENT, FaultServer
from tests.pipeline_helpers import REPO, read_dataset

pytestmark = pytest.mark.slow
N_ITEMS = 500


def test_every_item_is_accounted_for_and_transient_faults_recover(tmp_path: Path) -> None:
    cfg = load_config(REPO / "configs" / "defaults.yaml")
    cfg["fetch"].update(allow_private_hosts=True, read_timeout=0.5, connect_timeout=1.0, deadline=10.0,
                        backoff_base=0.05, backoff_max=1.0, attempts=3, per_host=32)
    with FaultServer(seed=11, fault_rate=0.2, timeout_sleep=2.0) as srv:
        argv = [f"--feed={srv.url(f'/feed.xml?n={N_ITEMS}')}", f"--out={tmp_path}", "--runner=FnApiRunner"]
        manifest = run_batch(argv, cfg)
        first = dict(srv.first_outcome)
    counts = manifest["counts"]
    assert counts["items_seen"] == N_ITEMS
    assert manifest["balanced"] is True
    assert counts["articles_written"] + counts["item_errors"] == N_ITEMS
    urls = read_dataset(tmp_path, "articles").column("url").to_pylist()
    written = {u.split(str(srv.port), 1)[1] for u in urls}
    transient = [path for path, outcome in first.items() if outcome in TRANSIENT]
    assert len(transient) >= 0.1 * N_ITEMS, "the server did not inject faults"
    recovered = sum(path in written for path in transient)
    assert recovered / len(transient) >= 0.95, (recovered, len(transient))
