"""The default extractor against newspaper3k on a sample of the extraction benchmark (read from ../shared)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from newsbeam.extract import ArticleExtractor, ExtractionError
from newsbeam.extract.metric import ShingleMetric

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "article-extraction-benchmark"
SAMPLE_SIZE = 20


def sample_pages() -> list[tuple[str, str, str]]:
    """(url, html, truth) of every ninth page by key: a fixed, spread-out sample."""
    truth_file = DATA / "ground-truth.json"
    if not truth_file.is_file():
        pytest.skip(f"benchmark data absent: {truth_file} (shared/ sits beside the repository)")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[:: max(1, len(truth) // SAMPLE_SIZE)][:SAMPLE_SIZE]
    pages = []
    for key in keys:
        with gzip.open(DATA / "html" / f"{key}.html.gz", "rt", encoding="utf-8") as f:
            pages.append((truth[key]["url"], f.read(), truth[key]["articleBody"]))
    return pages


def f1_on(backend: str, pages: list[tuple[str, str, str]]) -> float:
    extractor, metric = ArticleExtractor(backend=backend), ShingleMetric()
    counts = []
    for url, html, truth in pages:
        try:
            text = extractor.extract(html, url).text
        except ExtractionError:
            text = ""
        counts.append(metric.page(truth, text))
    return metric.score(counts).f1


def test_default_is_not_below_newspaper3k_on_a_benchmark_sample() -> None:
    pages = sample_pages()
    assert len(pages) == SAMPLE_SIZE
    default, newspaper = f1_on("auto", pages), f1_on("newspaper3k", pages)
    assert default >= newspaper, f"default F1 {default:.3f} < newspaper3k {newspaper:.3f} on {len(pages)} pages"
    assert default > 0.9
