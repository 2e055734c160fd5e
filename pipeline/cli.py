"""The ``newsbeam`` command: parses, then runs. Nothing else lives here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from newsbeam.config import ConfigError

USAGE = """usage: newsbeam {run,stream,extract,report} ...

  run      batch: read each feed once, fetch and extract new items, write the datasets
  stream   poll the feeds every --poll-interval seconds until stopped
  extract  one article, no pipeline: print its cleaned text and visit events as JSON
  report   write an HTML report of an output directory

Run 'newsbeam COMMAND --help' for a command's options."""


class UsageError(Exception):
    """A bad command line: exit status 2 with one line."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line in one line, via UsageError."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _beam_parser() -> argparse.ArgumentParser:
    """Every registered PipelineOptions' flags, to catch unknown ones."""
    from apache_beam.options.pipeline_options import PipelineOptions

    from pipeline.options import NewsbeamOptions
    from pipeline.runners import register_optional_options

    register_optional_options()
    parser = _Parser(prog="newsbeam run", allow_abbrev=False, add_help=True)
    seen: set[type] = set()
    stack: list[type] = [PipelineOptions]
    while stack:
        cls = stack.pop()
        subclasses: list[type] = cls.__subclasses__()
        for sub in subclasses:
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    for cls in sorted(seen, key=lambda c: (c is not NewsbeamOptions, c.__name__)):
        try:
            cls._add_argparse_args(parser)  # type: ignore[attr-defined]
        except argparse.ArgumentError:
            continue  # a flag two option classes both declare
    return parser


def check_pipeline_args(argv: list[str]) -> None:
    """Unknown flags are an error (Beam itself only warns and drops them)."""
    parser = _beam_parser()
    _, unknown = parser.parse_known_args(argv)
    flags = [a for a in unknown if a.startswith("-")]
    if flags:
        raise UsageError(f"unknown option {flags[0].split('=')[0]}")
    if unknown:
        raise UsageError(f"unexpected argument {unknown[0]!r}")


def pipeline_argv(argv: list[str]) -> list[str]:
    """The config's ``beam:`` options, then the command line's (which win);
    unknown flags in either are an error."""
    from newsbeam.config import load_config
    from pipeline.runners import config_flags

    parser = _Parser(add_help=False)
    parser.add_argument("--config")
    known, _ = parser.parse_known_args(argv)
    merged = config_flags(load_config(known.config).get("beam") or {}) + list(argv)
    check_pipeline_args(merged)
    return merged


def _cmd_run(argv: list[str]) -> int:
    from pipeline.run import PipelineFailed, run_batch
    from pipeline.runners import DEFAULT_BATCH_RUNNER, with_defaults
    from pipeline.summary import print_summary

    if "-h" in argv or "--help" in argv:
        _beam_parser().print_help()
        return 0
    argv = pipeline_argv(argv)
    try:
        # This process has made no gRPC object: its worker processes (if
        # any) can be forks of it, with Beam and our stages imported.
        manifest = run_batch(with_defaults(argv, DEFAULT_BATCH_RUNNER), fork_workers=True)
    except PipelineFailed as exc:
        print(f"newsbeam: {exc}", file=sys.stderr)
        return 1
    print_summary(manifest)
    return 0


def _cmd_extract(argv: list[str]) -> int:
    from pipeline.extract_one import extract_one

    parser = _Parser(prog="newsbeam extract", description="one article, no pipeline")
    parser.add_argument("source", metavar="FILE_OR_URL", help="an HTML or text file, or an http(s) URL")
    parser.add_argument("--url", help="the article's URL, when SOURCE is a file (sets the publisher)")
    parser.add_argument("--published", help="publication time, ISO 8601 (default: from the page)")
    parser.add_argument("--config", help="YAML config file (default: configs/local.yaml)")
    parser.add_argument("--allow-private-hosts", action="store_true", help="allow loopback/private URLs")
    args = _parse(parser, argv)
    print(json.dumps(extract_one(args), indent=2, ensure_ascii=False, default=str))
    return 0


def _cmd_report(argv: list[str]) -> int:
    from newsbeam.report import add_report_arguments, run_report

    parser = _Parser(prog="newsbeam report", description="an HTML report of an output directory")
    add_report_arguments(parser)
    return int(run_report(_parse(parser, argv)))


def _cmd_stream(argv: list[str]) -> int:
    from pipeline.stream import run_stream_cli

    return int(run_stream_cli(argv))


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        raise UsageError(f"unknown option {unknown[0].split('=')[0]}")
    return args


def _quiet_logging() -> None:
    """Warnings of ours; Beam's and Dask's chatter (and Beam's import-time
    note that apitools is missing) only from ERROR up."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda record: "apitools" not in record.getMessage())
    for noisy in ("apache_beam", "distributed"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


COMMANDS = {"run": _cmd_run, "stream": _cmd_stream, "extract": _cmd_extract, "report": _cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    _quiet_logging()
    if not args or args[0] in ("-h", "--help"):
        print(USAGE)
        return 0 if args else 2
    command = COMMANDS.get(args[0])
    try:
        if command is None:
            raise UsageError(f"unknown command {args[0]!r} (run, stream, extract, report)")
        return command(args[1:])
    except (UsageError, ConfigError) as exc:
        print(f"newsbeam: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # argparse's own usage errors
        return int(exc.code or 0) if isinstance(exc.code, int) else 2


if __name__ == "__main__":
    sys.exit(main())
