"""``python -m newsbeam.report OUT_DIR [--html FILE]`` (the same as ``newsbeam report``)."""

from __future__ import annotations

import argparse
import sys

from newsbeam.report import add_report_arguments, run_report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="newsbeam report", description="Write an HTML report of an output directory.")
    add_report_arguments(parser)
    return run_report(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
