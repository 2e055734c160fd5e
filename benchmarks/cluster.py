"""Throughput on each runner (issue #6): 2,000 stored article pages.

    python benchmarks/cluster.py [--pages 2000] [--rounds 3] [--http]

Prints articles/s on the FnApiRunner (the local DirectRunner's engine) with
1 and 2 worker processes, and on the DaskRunner with a LocalCluster of 1 and
2 workers, with the 2-vs-1 ratios; and, for scale, the plain loop over the
same functions in 1 and in 2 processes at once (what 2 cores give this work
on this machine with no pipeline). The modes run interleaved, ``--rounds``
times (each mode's best run counts), so that a burst of other work on a
shared machine does not decide a ratio. Extraction is CPU-bound, so 2 workers on
2 cores should approach 2x. Each run is a separate process
(``benchmarks/pipeline.py``'s runner) reading the stored pages from WARC
files; ``--http`` reads the feeds and fetches the pages from a loopback
server instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import against  # noqa: E402
from benchmarks.corpus import archive_corpus, build_corpus  # noqa: E402
from benchmarks.pipeline import measure  # noqa: E402

MODES = ("fnapi1", "fnapi2", "dask1", "dask2")
LOOPS = ("loop", "loop2")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of every mode, interleaved; each mode's best run counts (a shared machine's "
                             "other jobs slow single runs)")
    parser.add_argument("--http", dest="input", action="store_const", const="+http", default="",
                        help="read the feeds and fetch the pages over loopback instead of reading the WARC files")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    archive_corpus(build_corpus(root, n_pages=args.pages, hosts=4))
    modes = [mode + args.input for mode in MODES] + list(LOOPS)
    source = "feeds, pages fetched over loopback" if args.input else "stored pages read from WARC files"
    print(f"machine: {os.cpu_count()} cores; {args.pages} pages ({source}); "
          f"{args.rounds} interleaved rounds, best run per mode")
    rates: dict[str, list[float]] = {mode: [] for mode in modes}
    for round_no in range(1, args.rounds + 1):
        for mode in modes:
            r = measure(mode, root)
            rates[mode].append(r["rate"])
            print(f"round {round_no} {mode:>7}: {r['articles']} articles in {r['seconds']:.1f} s "
                  f"= {r['rate']:.1f} articles/s", flush=True)
    best = {mode.split("+")[0]: max(found) for mode, found in rates.items()}
    print("best: " + ", ".join(f"{mode} {rate:.1f}" for mode, rate in best.items()) + " articles/s")
    print("FnApiRunner 2 workers / 1: " + against(best["fnapi2"] / best["fnapi1"], 1.7))
    print("DaskRunner  2 workers / 1: " + against(best["dask2"] / best["dask1"], 1.7))
    print(f"plain loop, 2 processes / 1: {best['loop2'] / best['loop']:.2f}x (the machine's own ceiling)")


if __name__ == "__main__":
    main()
