"""Near-duplicate detection: what it adds to a batch run, and what it finds.

Builds the synthetic corpus of ``benchmarks/corpus.py`` (distinct stories
over several hosts, each reporting one visit), plants syndicated copies of every 10th story on another host (a new
headline, the last paragraphs cut, a different closing line), then
runs the whole batch pipeline (FnApiRunner, pages served on loopback) with
``dedup.near_duplicates`` on and off, alternating, and prints the wall times,
the overhead, and how many planted copies were clustered with their
original (and how many distinct stories were wrongly merged).

Usage: .venv/bin/python benchmarks/syndication.py [--articles 2000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyarrow.dataset as pads

from benchmarks.corpus import Corpus, build_corpus
from newsbeam.config import load_config
from newsbeam.syndication import Member, Signer, assign_clusters
from newsbeam.syndication.store import load_earlier_members
from pipeline.run import run_batch

REPO = Path(__file__).resolve().parents[1]
_PARA = re.compile(r"<p>.*?</p>")
_ARTICLE = re.compile(r"<article>.*?</article>", re.DOTALL)


def body_paragraphs(html: str) -> list[str]:
    """The ``<p>`` elements of the article body (the footer has one too)."""
    found = _ARTICLE.search(html)
    return _PARA.findall(found.group(0)) if found else []


def plant_copies(corpus: Corpus, every: int = 10) -> dict[str, str]:
    """Copies of every ``every``-th story on the next host; ``{copy url: original url}``."""
    copies: dict[str, str] = {}
    items: list[str] = []
    for page in sorted(corpus.root.glob("*/news/story-*.html"), key=lambda p: int(p.stem.split("-")[1])):
        i = int(page.stem.split("-")[1])
        if i % every:
            continue
        host = corpus.hosts[(corpus.hosts.index(page.parent.parent.name) + 1) % len(corpus.hosts)]
        html = page.read_text(encoding="utf-8")
        paras = body_paragraphs(html)
        body = "".join(paras[:-3]) + "<p>Distributed by a wire service. Republished with permission.</p>"
        copy = html.replace("".join(paras), body).replace("<title>Story", "<title>Wire: story")
        target = corpus.root / host / "wire" / f"copy-{i}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(copy, encoding="utf-8")
        url = f"http://{host}/wire/copy-{i}.html"
        copies[url] = f"http://{page.parent.parent.name}/news/{page.name}"
        items.append(f"<item><title>Wire copy {i}</title><link>{url}</link><guid>{url}</guid></item>")
    feed = corpus.root.parent / "feeds" / "wire-copies.xml"
    feed.write_text("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>wire</title>"
                    f"<link>http://wire/</link><description>copies</description>{''.join(items)}</channel></rss>")
    corpus.feeds.append(feed)
    return copies


def run_once(corpus: Corpus, out: Path, near_dups: bool) -> tuple[float, dict[str, Any]]:
    cfg = load_config(REPO / "configs" / "local.yaml")
    cfg["samples"]["serve"] = str(corpus.root)
    cfg["fetch"].update({"allow_private_hosts": True})
    cfg["dedup"]["near_duplicates"] = near_dups
    argv = [f"--feed={f}" for f in corpus.feeds] + [f"--out={out}", "--runner=FnApiRunner"]
    t0 = time.perf_counter()
    manifest = run_batch(argv, cfg)
    return time.perf_counter() - t0, manifest


def quality(out: Path, copies: dict[str, str]) -> tuple[int, int, int]:
    """(copies clustered with their original, copies, clusters holding two or more originals)."""
    table = pads.dataset(str(out / "articles"), format="parquet", partitioning="hive").to_table(
        columns=["url", "cluster_id"])
    cluster = dict(zip(table.column("url").to_pylist(), table.column("cluster_id").to_pylist()))
    found = sum(1 for c, o in copies.items() if c in cluster and cluster[c] == cluster.get(o))
    originals: dict[str, int] = {}
    for url, cid in cluster.items():
        if url not in copies:
            originals[cid] = originals.get(cid, 0) + 1
    return found, len(copies), sum(1 for n in originals.values() if n > 1)


def stage_work(out: Path) -> tuple[float, float, int]:
    """The stage's own work, timed in-process without the pipeline around
    it: (seconds signing, seconds clustering, articles), on the run's texts."""
    table = pads.dataset(str(out / "articles"), format="parquet", partitioning="hive").to_table(
        columns=["article_id", "text", "published_at"])
    rows = table.to_pylist()
    signer = Signer(128)
    t0 = time.perf_counter()
    members = [Member(r["article_id"], signer.sign(r["text"] or ""), r["published_at"]) for r in rows]
    t1 = time.perf_counter()
    assign_clusters(members)
    return t1 - t0, time.perf_counter() - t1, len(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--articles", type=int, default=2000, help="articles in the batch, copies included")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each configuration (alternating)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        originals = round(args.articles / 1.1)
        corpus = build_corpus(root / "corpus", n_pages=originals, hosts=8, per_feed=250)
        copies = plant_copies(corpus)
        run_once(Corpus(corpus.root, corpus.feeds[:1], corpus.hosts, 0), root / "warm-up", True)
        times: dict[bool, list[float]] = {True: [], False: []}
        manifests: dict[bool, dict[str, Any]] = {}
        for rep in range(args.repeat):
            for on in (False, True) if rep % 2 == 0 else (True, False):
                out = root / f"out-{on}-{rep}"
                seconds, manifests[on] = run_once(corpus, out, on)
                times[on].append(seconds)
                if on and rep == 0:
                    found, total, merged = quality(out, copies)
                    t0 = time.perf_counter()
                    earlier = load_earlier_members(str(out), 128)
                    load_s = time.perf_counter() - t0
                    sign_s, cluster_s, n_signed = stage_work(out)
        written = manifests[True]["counts"]["articles_written"]
        off, on_ = statistics.median(times[False]), statistics.median(times[True])
        print(f"articles per run: {written} ({originals} stories + {len(copies)} planted copies), "
              f"{args.repeat} runs each, FnApiRunner, 2 cores")
        print(f"without near-duplicate detection: {off:.1f} s (runs: {', '.join(f'{t:.1f}' for t in times[False])})")
        print(f"with near-duplicate detection:    {on_:.1f} s (runs: {', '.join(f'{t:.1f}' for t in times[True])})")
        ratios = [b / a for a, b in zip(times[False], times[True])]
        print(f"overhead: {100 * (on_ - off) / off:+.1f}% of the medians; median of the paired runs' ratios "
              f"{100 * (statistics.median(ratios) - 1):+.1f}% (target <= 20%)")
        print(f"the stage's own work, timed alone: signing {n_signed} texts {sign_s:.2f} s, clustering "
              f"{cluster_s:.2f} s, together {100 * (sign_s + cluster_s) / off:.1f}% of the run without it")
        print(f"planted copies clustered with their original: {found}/{total}; "
              f"clusters merging distinct stories: {merged}; near_duplicates in manifest: "
              f"{manifests[True]['counts']['near_duplicates']}")
        print(f"next run's driver-side load of {len(earlier)} earlier signatures: {load_s:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
