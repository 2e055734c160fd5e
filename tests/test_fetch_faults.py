"""Fault injection at fetch level: 500 URLs, ~20% of first requests fault; retries recover them."""

from __future__ import annotations

import time
from collections import Counter

from newsbeam.fetch import FetchConfig, Fetcher
from tests.fault_server import CHARSET_MARKER, TRANSIENT, FaultServer
from tests.fetch_server import quick_config

N_URLS = 500


def test_fetch_many_recovers_transient_faults() -> None:
    config = quick_config(
        read_timeout=0.5, connect_timeout=1.0, deadline=10.0, attempts=3,
        backoff_base=0.05, backoff_max=0.2, max_in_flight=32, per_host=32,
    )
    server = FaultServer(seed=20240601, fault_rate=0.2, timeout_sleep=1.0)
    with server as srv, Fetcher(FetchConfig.from_dict(config)) as f:
        urls = [srv.url(f"/item/{i}") for i in range(N_URLS)]
        started = time.monotonic()
        results = f.fetch_many(urls)
        elapsed = time.monotonic() - started
        outcomes = dict(srv.first_outcome)

    assert [r.url for r in results] == urls  # a result for every URL, in order
    by_path = {r.url.split(str(srv.port), 1)[1]: r for r in results}
    assert set(outcomes) == set(by_path)  # every URL reached the server
    kinds = Counter(outcomes.values())
    faulted = N_URLS - kinds["ok"]
    assert 0.12 * N_URLS <= faulted <= 0.28 * N_URLS, kinds
    assert all(kinds[k] > 0 for k in TRANSIENT), kinds

    transient = [p for p, kind in outcomes.items() if kind in TRANSIENT]
    recovered = [p for p in transient if by_path[p].ok]
    assert len(recovered) >= 0.95 * len(transient), (len(recovered), len(transient))
    assert all(by_path[p].attempts >= 2 for p in recovered)  # recovered by retrying

    clean = [p for p, kind in outcomes.items() if kind == "ok"]
    assert all(by_path[p].ok and by_path[p].attempts == 1 for p in clean)
    mislabelled = [p for p, kind in outcomes.items() if kind == "wrong_charset"]
    assert mislabelled and all(CHARSET_MARKER in (by_path[p].text or "") for p in mislabelled)
    assert elapsed < 30, elapsed
