"""The ``newsbeam`` command line: usage errors, ``extract``, the seed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline_helpers import newsbeam

FIELDS = ("visitor", "visitor_title", "visitor_country", "host", "destination_country", "destination_city",
          "start_date", "end_date", "date_precision", "status")


def seed_gold(shared: Path) -> list[dict[str, Any]]:
    for line in (shared / "gold" / "dev" / "annotations.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row.get("kind") == "seed":
            return list(row["events"])
    pytest.skip("the gold set has no seed row")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["run", "--no-such-flag"], "--no-such-flag"),
        (["run", "--max-polls", "x"], "--max-polls"),
        (["frobnicate"], "frobnicate"),
        (["extract"], "FILE_OR_URL"),
        (["stream", "--warc", "pages.warc.gz", "--max-polls", "1"], "--warc"),
    ],
)
def test_a_bad_command_line_exits_2_with_one_line(args: list[str], named: str) -> None:
    done = newsbeam(*args, timeout=120)
    assert done.returncode == 2
    lines = [x for x in done.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and named in lines[0], done.stderr


def test_a_wrong_config_key_exits_2_naming_it(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("fetch:\n  max_inflight: 3\n")
    done = newsbeam("run", "--config", str(cfg), timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "newsbeam: unknown config key 'fetch.max_inflight'"


def test_extract_the_seed_gives_the_required_events(shared_dir: Path) -> None:
    seed = shared_dir / "seed" / "000_5d6750ddc2411a79.txt"
    done = newsbeam("extract", str(seed), "--url", "https://www.business-standard.com/article/seed.html",
                    "--published", "2022-02-07", timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout)
    article = out["article"]
    assert article["removed_boilerplate"][0] == "More From This Section"
    assert "Business Standard staff" in article["removed_boilerplate"][1]
    assert "More From This Section" not in article["text"] and "syndicated feed" not in article["text"]
    gold = seed_gold(shared_dir)
    required = [g for g in gold if not g.get("optional")]
    optional = [g for g in gold if g.get("optional")]
    got = out["events"]
    for want in required:
        matches = [e for e in got if e["destination_country"] == want["destination_country"]
                   and want["visitor"].split()[-1].lower() in e["visitor"].lower()]
        assert len(matches) == 1, (want["visitor"], want["destination_country"], got)
        assert {k: matches[0][k] for k in FIELDS} == {k: want[k] for k in FIELDS}
    allowed = len(required) + len(optional)
    assert len(required) <= len(got) <= allowed
