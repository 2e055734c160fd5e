"""``newsbeam report``: one self-contained HTML page about an output directory.

Runs, visits on a timeline, who visits whom, publishers, errors and (when
present) consolidated visits; charts are inline SVG, there is no script and
nothing is loaded from the network.
"""

from __future__ import annotations

import argparse
import os
import sys

from newsbeam.report.load import load_all
from newsbeam.report.page import render

__all__ = ["add_report_arguments", "build_report", "run_report"]


def build_report(out_dir: str, html_path: str | None = None) -> str:
    """Write the report for ``out_dir`` to ``html_path`` (default ``out_dir/report.html``); return the path."""
    path = html_path or os.path.join(out_dir, "report.html")
    page = render(load_all(out_dir))
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(page)
    os.replace(tmp, path)
    return path


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``OUT_DIR`` and ``--html FILE`` to ``parser``."""
    parser.add_argument("out_dir", metavar="OUT_DIR", help="output directory of a newsbeam run")
    parser.add_argument("--html", metavar="FILE", default=None, help="page to write (default OUT_DIR/report.html)")


def run_report(args: argparse.Namespace) -> int:
    """Build the report from parsed arguments: 0 when written, 2 for a missing OUT_DIR, 1 when writing failed."""
    if not os.path.isdir(args.out_dir):
        print(f"newsbeam report: {args.out_dir}: no such directory", file=sys.stderr)
        return 2
    try:
        path = build_report(args.out_dir, args.html)
    except OSError as exc:
        print(f"newsbeam report: cannot write the report: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0
