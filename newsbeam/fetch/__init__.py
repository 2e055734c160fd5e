"""Fetching pages and feeds from untrusted links, safely and politely.

Public interface (the pipeline uses exactly this)::

    from newsbeam.fetch import Fetcher, FetchConfig, FetchResult, FeedStateStore
    cfg = FetchConfig.from_dict(config["fetch"])
    f = Fetcher(cfg)                          # in DoFn.setup()
    r = f.fetch(url, kind="page" | "feed", etag=None, last_modified=None)
    rs = f.fetch_many(urls, kind="page")      # concurrent, order kept
    f.close()

Design choices:

* **urllib3 connection pools, driven by hand** rather than ``requests``: we
  resolve every host ourselves, check the address (``address.AddressPolicy``)
  and open the pool on that *IP* with the original name in the Host header and
  TLS SNI/certificate check (``server_hostname``/``assert_hostname``). The
  address that was checked is the address connected to: no second DNS lookup,
  no rebinding gap. ``redirect=False, retries=False`` so that every redirect
  hop and every retry comes back here to be checked and counted. Pools are
  keyed by (scheme, ip, port, host) and reused (keep-alive), LRU-capped.
* **Bodies are streamed** with ``read1(decode_content=False)`` and decompressed
  by our own incremental zlib decoder with ``max_length``, so ``max_bytes``
  holds on the wire and after gzip/deflate, and a bomb never inflates in
  memory. The socket timeout is shrunk to what is left of the deadline before
  every read, so a trickling server cannot outlive ``deadline``.
* **Threads, not asyncio**: urllib3 is blocking and Beam DoFns are synchronous;
  a ``ThreadPoolExecutor`` of ``max_in_flight`` threads is simple and, for I/O
  bound work, reaches the ideal rate (see ``benchmarks/fetch.py``).
  ``fetch_many`` schedules per host (``many.schedule``) so a slow host's URLs
  queue behind that host's own ``per_host`` slots and never take the threads
  the other hosts need; ``HostGate`` enforces ``per_host`` and
  ``per_host_delay`` for every request, also for concurrent ``fetch`` callers.
* ``fetch`` never raises for network/HTTP problems; failures come back as
  ``ok=False`` with a stable ``error_type`` (see ``result.ERROR_TYPES``; HTTP
  statuses are ``http_<status>``) and ``attempts`` = requests actually sent
  (0 when the URL was refused before any request).
* ``FeedStateStore`` is the only part that imports Beam (its filesystems), so
  the state file can live on any Beam filesystem path.
"""

from newsbeam.fetch.config import FetchConfig
from newsbeam.fetch.fetcher import Fetcher
from newsbeam.fetch.result import ERROR_TYPES, FetchError, FetchResult
from newsbeam.fetch.state import FeedStateStore

__all__ = ["ERROR_TYPES", "FeedStateStore", "FetchConfig", "FetchError", "FetchResult", "Fetcher"]
