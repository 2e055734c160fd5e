"""Article body extraction benchmark: precision, recall, F1 and speed of every backend.

Runs each backend of ``newsbeam.extract`` over the 181 pages of the
article-extraction-benchmark (read from ../shared beside the repository) and
scores the text with the benchmark's published metric
(``newsbeam.extract.metric``). Single process, pinned to one core; five pages
are extracted first, untimed, so lazy imports and caches do not count. The
runners take turns page by page, so a change in machine load during the run
affects them all alike.
Pages/s is given by wall clock and by the process's CPU time (the second is
steadier when other work shares the machine).

    .venv/bin/python benchmarks/extraction.py [--data DIR] [--backends auto trafilatura ...] [--limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from newsbeam.extract import BACKENDS, ArticleExtractor, ExtractionError
from newsbeam.extract.backends import ReadabilityBackend
from newsbeam.extract.metric import Scores, ShingleMetric
from newsbeam.extract.page import Page

DEFAULT_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article-extraction-benchmark"
TARGET_F1 = 0.96
TARGET_PAGES_PER_S = 40.0
WARMUP_PAGES = 5


@dataclass(frozen=True)
class BenchPage:
    key: str
    url: str
    html: str
    truth: str


@dataclass(frozen=True)
class Run:
    name: str
    scores: Scores
    wall_pps: float
    cpu_pps: float
    producers: Counter[str]


def load_pages(data: Path, limit: int | None = None) -> list[BenchPage]:
    """Benchmark pages in key order, each with its hand-made article body."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        with gzip.open(data / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            pages.append(BenchPage(key, truth[key]["url"], f.read(), truth[key].get("articleBody", "")))
    return pages


def extractor_runner(backend: str) -> Callable[[BenchPage], tuple[str, str]]:
    """(text, producing backend) of one page through ArticleExtractor; no text on ExtractionError."""
    extractor = ArticleExtractor(backend=backend)

    def run(page: BenchPage) -> tuple[str, str]:
        try:
            article = extractor.extract(page.html, page.url)
        except ExtractionError:
            return "", "none"
        return article.text, article.backend

    return run


def reference_runners() -> dict[str, Callable[[BenchPage], tuple[str, str]]]:
    """Libraries called directly, for comparison only: not backends of ArticleExtractor."""
    readability = ReadabilityBackend()

    def plain_trafilatura(page: BenchPage) -> tuple[str, str]:
        return trafilatura.extract(page.html, include_comments=False) or "", "trafilatura"

    def readability_lxml(page: BenchPage) -> tuple[str, str]:
        return readability.extract(Page(page.html, page.url)).text, "readability-lxml"

    return {
        "ref: trafilatura.extract(html, include_comments=False)": plain_trafilatura,
        "ref: readability-lxml (block text)": readability_lxml,
    }


def measure_all(runners: dict[str, Callable[[BenchPage], tuple[str, str]]], pages: list[BenchPage]) -> list[Run]:
    """Runs every runner on each page in turn (interleaved), so drifts in machine load hit all of them alike."""
    metric = ShingleMetric()
    for run in runners.values():
        for page in pages[:WARMUP_PAGES]:
            run(page)
    wall = dict.fromkeys(runners, 0.0)
    cpu = dict.fromkeys(runners, 0.0)
    outputs: dict[str, list[tuple[str, str]]] = {name: [] for name in runners}
    for page in pages:
        for name, run in runners.items():
            wall0, cpu0 = time.perf_counter(), time.process_time()
            outputs[name].append(run(page))
            wall[name] += time.perf_counter() - wall0
            cpu[name] += time.process_time() - cpu0
    results = []
    for name, outs in outputs.items():
        scores = metric.score(metric.page(p.truth, text) for p, (text, _) in zip(pages, outs, strict=True))
        producers = Counter(producer for _, producer in outs)
        results.append(Run(name, scores, len(pages) / wall[name], len(pages) / max(cpu[name], 1e-9), producers))
    return results


def pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def load_average() -> float:
    """The 1-minute load average (other work on the machine slows every figure here), -1 where unknown."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else -1.0


def print_run(run: Run) -> None:
    s = run.scores
    print(
        f"{run.name:<56} P={s.precision:.4f} R={s.recall:.4f} F1={s.f1:.4f} "
        f"{run.wall_pps:6.1f} pages/s wall {run.cpu_pps:6.1f} pages/s cpu   text from: "
        + ", ".join(f"{k} {v}" for k, v in sorted(run.producers.items()))
    )


def verdict(run: Run) -> None:
    f1_ok = run.scores.f1 >= TARGET_F1
    speed_ok = run.cpu_pps >= TARGET_PAGES_PER_S
    print(
        f"default (auto): F1 {run.scores.f1:.4f} (target >= {TARGET_F1}: {'met' if f1_ok else 'NOT MET'}), "
        f"{run.cpu_pps:.1f} pages/s cpu, {run.wall_pps:.1f} wall "
        f"(target >= {TARGET_PAGES_PER_S:.0f}: {'met' if speed_ok else 'NOT MET'})"
    )


def print_relative(default: Run, runs: list[Run]) -> None:
    """Speed of the default relative to the other runs of this process: steadier than pages/s on a busy machine."""
    for other in runs:
        if other is not default:
            print(f"  default runs at {default.cpu_pps / other.cpu_pps:.2f}x the CPU-time rate of {other.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--backends", nargs="+", default=[b for b in BACKENDS if b != "auto"] + ["auto"])
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by key)")
    parser.add_argument("--no-reference", action="store_true", help="skip the direct library calls")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"benchmark data not found in {args.data}", file=sys.stderr)
        return 2
    pin_to_one_core()
    pages = load_pages(args.data, args.limit)
    print(f"{len(pages)} pages from {args.data}; one process, one core")
    runners = {} if args.no_reference else reference_runners()
    runners.update({f"backend={b}" + (" (default)" if b == "auto" else ""): extractor_runner(b) for b in args.backends})
    load_before = load_average()
    runs = measure_all(runners, pages)
    print(f"load average (1 min): {load_before:.2f} before, {load_average():.2f} after; {os.cpu_count()} cpus")
    for run in runs:
        print_run(run)
    for run in runs:
        if run.name.startswith("backend=auto"):
            verdict(run)
            print_relative(run, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
