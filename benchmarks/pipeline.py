"""Pipeline speed and memory against a plain loop over the same functions (issue #8).

    python benchmarks/pipeline.py [--sizes 1000 10000] [--modes loop,fnapi1,fnapi2,fnapi1+http] [--rounds 3]

For each N it generates N stored article pages (``benchmarks/corpus.py``:
HTML files, the same pages in WARC files, and RSS feeds of them) and
measures, each in its own process so that peak memory is its own:

- ``loop``: a plain Python loop reading the pages from disk and calling the
  same extract + boilerplate + events functions, writing Parquet per 1,000
  (timed, like the pipeline, from building its tools to the last file);
- ``loop2``: the same loop in 2 processes at once, each on half of the
  pages: what two cores give this work on this machine, with no pipeline
  at all (the ceiling for the pipeline's 2 workers / 1 worker);
- ``fnapi1``: ``newsbeam run --warc`` on the FnApiRunner with 1 worker: the
  whole pipeline (duplicate checks, extraction, configured and learned
  boilerplate, near-duplicate clustering, events, the commit) on the
  stored pages, read from their WARC files (uncompressed, as the loop's
  HTML files are; ``--warc-gzip`` stores them as .warc.gz);
- ``fnapi2``: the same with 2 worker processes (multi_processing), forks
  of the benchmark's process as ``newsbeam run``'s are of the command's;
- ``daskN``: the same on the DaskRunner, a LocalCluster of N workers;
- a ``+http`` suffix (``fnapi1+http``): the run reads the RSS feeds and
  fetches every page over HTTP from a loopback server (a process of its
  own), as it does live.

It prints articles/s, the ratios (pipeline / loop, 2 workers / 1 worker)
and peak RSS (the largest of the process and its children).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks import against  # noqa: E402


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def run_loop(root: Path, out: Path, share: int = 0, shares: int = 1) -> dict[str, Any]:
    """The same functions as the pipeline's stages, in one plain loop (over
    every ``shares``-th page from ``share``). Timed like the pipeline: from
    loading the config and building the tools to the last file written."""
    start = time.perf_counter()
    from newsbeam.boilerplate import BoilerplateRules, BoilerplateStripper
    from newsbeam.config import load_config, resolve_path
    from newsbeam.events import EXTRACTOR_VERSION, VisitEventExtractor
    from newsbeam.extract import ArticleExtractor
    from newsbeam.parquet import table_from_rows, write_table
    from schemas import ARTICLES, VISIT_EVENTS
    from transforms.events import event_rows

    cfg = load_config(REPO / "configs" / "defaults.yaml")
    extractor = ArticleExtractor(backend=cfg["extract"]["backend"])
    stripper = BoilerplateStripper(BoilerplateRules.from_file(resolve_path(cfg, cfg["boilerplate"]["rules"])))
    events = VisitEventExtractor()
    pages = sorted((root / "site").rglob("story-*.html"))[share::shares]
    articles: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    part = 0
    for path in pages:
        url = "http://" + str(path.relative_to(root / "site"))
        page = extractor.extract(path.read_text(encoding="utf-8"), url)
        text, removed = stripper.strip(page.text, "news.example")
        article = {"article_id": url, "url": url, "canonical_url": url, "text": text, "title": page.title,
                   "published_at": page.published_at, "removed_boilerplate": removed, "run_id": "loop"}
        articles.append(article)
        found = event_rows(article, events.extract(text, page.published_at, page.title), EXTRACTOR_VERSION)
        rows += [{**row, "run_id": "loop"} for row in found]
        if len(articles) >= 1000:
            part += 1
            write_table(table_from_rows(articles, ARTICLES, "articles"), str(out / f"articles-{part}.parquet"))
            write_table(table_from_rows(rows, VISIT_EVENTS, "visit_events"), str(out / f"events-{part}.parquet"))
            articles, rows = [], []
    if articles:
        write_table(table_from_rows(articles, ARTICLES, "articles"), str(out / "articles-last.parquet"))
        write_table(table_from_rows(rows, VISIT_EVENTS, "visit_events"), str(out / "events-last.parquet"))
    seconds = time.perf_counter() - start
    return {"articles": len(pages), "seconds": seconds}


@contextmanager
def page_server(site: Path) -> Iterator[dict[str, str]]:
    """The stored pages, served on loopback by a process of their own (as
    the web is: a server inside the pipeline's process would take the
    worker's CPU and GIL). Yields the ``fetch.resolve`` map to it."""
    proc = subprocess.Popen([sys.executable, "-m", "newsbeam.samples", str(site)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        yield {host.name: f"127.0.0.1:{port}" for host in site.iterdir() if host.is_dir()}
    finally:
        proc.kill()
        proc.wait()


def _runner_args(mode: str) -> list[str]:
    workers = int(mode.split("+")[0][-1])
    if mode.startswith("dask"):
        return ["--runner=DaskRunner"]  # newsbeam's default partitioning
    argv = ["--runner=FnApiRunner", f"--direct_num_workers={workers}"]
    return argv + (["--direct_running_mode=multi_processing"] if workers > 1 else [])


def run_pipeline(root: Path, out: Path, mode: str) -> dict[str, Any]:
    """``newsbeam run`` on the corpus: ``fnapiN`` (FnApiRunner, N worker
    processes) or ``daskN`` (DaskRunner on a LocalCluster of N workers), on
    the WARC files, or with ``+http`` on the feeds, pages fetched over HTTP."""
    from contextlib import ExitStack

    from newsbeam.config import load_config
    from pipeline.run import run_batch
    from pipeline.runners import with_defaults

    cfg = load_config(REPO / "configs" / "defaults.yaml")
    http = mode.endswith("+http")
    inputs = [f"--feed={f}" for f in sorted((root / "feeds").glob("*.xml"))] if http else \
        [f"--warc={root / 'warc' / '*.warc*'}"]
    argv = [*inputs, f"--out={out}", *_runner_args(mode)]
    with ExitStack() as stack:
        if http:
            cfg["fetch"]["allow_private_hosts"] = True
            cfg["fetch"]["resolve"] = stack.enter_context(page_server(root / "site"))
        if mode.startswith("dask"):
            from dask.distributed import LocalCluster

            cluster = stack.enter_context(LocalCluster(n_workers=int(mode.split("+")[0][-1]), threads_per_worker=1,
                                                       dashboard_address=None, silence_logs=40))
            argv.append(f"--dask_address={cluster.scheduler_address}")
        start = time.perf_counter()
        manifest = run_batch(with_defaults(argv, "FnApiRunner"), cfg, fork_workers=True)  # as newsbeam run
        seconds = time.perf_counter() - start
    return {"articles": manifest["counts"]["articles_written"], "seconds": seconds,
            "balanced": manifest["balanced"]}


def child(mode: str, root: Path) -> None:
    out = Path(tempfile.mkdtemp(prefix=f"bench-{mode.replace('/', 'of')}-"))
    if mode.startswith("loop"):  # loop, or loop:SHARE/SHARES (one process of loopN)
        share, _, shares = mode.partition(":")[2].partition("/")
        result = run_loop(root, out, int(share or 0), int(shares or 1))
    else:
        result = run_pipeline(root, out, mode)
    result["peak_rss_mb"] = _peak_rss_mb()
    print("RESULT " + json.dumps(result))


def measure(mode: str, root: Path) -> dict[str, Any]:
    """One run of ``mode`` in a process of its own (``loopN``: N processes
    at once, each on its share of the pages; the run lasts as long as the
    slowest, and its peak is the largest)."""
    shares = int(mode[4:]) if mode.startswith("loop") and mode[4:].isdigit() else 0
    modes = [f"loop:{i}/{shares}" for i in range(shares)] if shares else [mode]
    procs = [subprocess.Popen([sys.executable, __file__, "--child", m, str(root)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=REPO) for m in modes]
    results = [_result(m, *proc.communicate()) for m, proc in zip(modes, procs)]
    result = {"articles": sum(r["articles"] for r in results), "seconds": max(r["seconds"] for r in results),
              "peak_rss_mb": max(r["peak_rss_mb"] for r in results),
              "balanced": all(r.get("balanced", True) for r in results)}
    result["rate"] = result["articles"] / result["seconds"]
    return result


def _result(mode: str, stdout: str, stderr: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[7:])
            return result
    raise RuntimeError(f"{mode} failed:\n{stderr[-3000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--modes", default="loop,loop2,fnapi1,fnapi2,fnapi1+http",
                        help="loop, loopN (the loop in N processes), fnapiN, daskN; a +http suffix reads the "
                             "feeds and fetches over loopback")
    parser.add_argument("--rounds", type=int, default=3,
                        help="runs of every mode, interleaved; each mode's best rate counts (a shared machine's "
                             "other jobs slow single runs)")
    parser.add_argument("--warc-gzip", action="store_true",
                        help="store the pages as .warc.gz (as crawls usually are; ~0.5 ms a page more to read)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return
    from benchmarks.corpus import archive_corpus, build_corpus

    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; {args.rounds} interleaved "
          "rounds, each mode's best rate counts")
    print("memory ratios: the largest peak at the large N over the smallest at the small N")
    print("stored pages: the pipeline reads them from WARC files (+http: feeds, pages fetched over loopback)")
    print(f"{'N':>6} {'round':>5} {'mode':>11} {'articles':>8} {'seconds':>8} {'art/s':>7} {'peak MB':>8}")
    results: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for n in args.sizes:
        root = Path(tempfile.mkdtemp(prefix=f"corpus-{n}-"))
        archive_corpus(build_corpus(root, n_pages=n, hosts=4), gzip=args.warc_gzip)
        results[n] = {mode: [] for mode in args.modes.split(",")}
        for round_no in range(1, args.rounds + 1):
            for mode in results[n]:
                r = measure(mode, root)
                results[n][mode].append(r)
                print(f"{n:>6} {round_no:>5} {mode:>11} {r['articles']:>8} {r['seconds']:>8.1f} {r['rate']:>7.1f} "
                      f"{r['peak_rss_mb']:>8.0f}", flush=True)
        _ratios(n, {mode: max(r["rate"] for r in runs) for mode, runs in results[n].items()})
    if len(results) >= 2:
        small, large = min(results), max(results)
        for mode in results[small]:
            if mode in results[large]:
                low = min(r["peak_rss_mb"] for r in results[small][mode])
                high = max(r["peak_rss_mb"] for r in results[large][mode])
                print(f"peak memory {mode}: N={large} {high:.0f} MB / N={small} {low:.0f} MB = "
                      + against(high / low, 1.3, at_most=True))


def _ratios(n: int, best: dict[str, float]) -> None:
    print(f"{n:>6} best: " + ", ".join(f"{mode} {rate:.1f}" for mode, rate in best.items()) + " articles/s")
    if "loop" in best and "fnapi1" in best:
        print(f"{n:>6} pipeline 1 worker / loop: " + against(best["fnapi1"] / best["loop"], 0.8))
    if "loop" in best and "fnapi1+http" in best:
        print(f"{n:>6} pipeline 1 worker, pages fetched over HTTP / loop: {best['fnapi1+http'] / best['loop']:.2f}x")
    if "fnapi1" in best and "fnapi2" in best:
        print(f"{n:>6} 2 workers / 1 worker: " + against(best["fnapi2"] / best["fnapi1"], 1.7))
    if "loop" in best and "loop2" in best:
        print(f"{n:>6} the plain loop in 2 processes / in 1: {best['loop2'] / best['loop']:.2f}x (what 2 cores "
              "give this work here, with no pipeline)")


if __name__ == "__main__":
    main()
