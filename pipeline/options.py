"""newsbeam's pipeline options; every Beam option passes through untouched."""

from __future__ import annotations

import argparse

from apache_beam.options.pipeline_options import PipelineOptions


class NewsbeamOptions(PipelineOptions):
    """The options newsbeam adds to Beam's own."""

    @classmethod
    def _add_argparse_args(cls, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--config", dest="config", default=None,
                            help="YAML config file (default: configs/local.yaml); overrides configs/defaults.yaml")
        parser.add_argument("--feed", dest="feed", action="append", default=None,
                            help="a feed source: http(s) URL, local path or glob, or Beam filesystem path; repeatable. "
                                 "Replaces the config's feeds.")
        parser.add_argument("--warc", dest="warc", action="append", default=None,
                            help="a WARC archive of stored pages (.warc or .warc.gz; path, glob or Beam filesystem "
                                 "path), processed like fetched pages without requests; repeatable. Batch only. "
                                 "Like --feed, replaces the config's sources.")
        parser.add_argument("--feeds-file", "--feeds_file", dest="feeds_file", default=None,
                            help="a file with one feed source per line (# comments allowed)")
        parser.add_argument("--out", dest="out", default=None,
                            help="output directory, any Beam filesystem path (default: the config's output)")
        parser.add_argument("--run-id", "--run_id", dest="run_id", default=None,
                            help="the run's id (default: UTC time and a random suffix)")
        parser.add_argument("--allow-private-hosts", "--allow_private_hosts", dest="allow_private_hosts",
                            action="store_true", default=False,
                            help="allow fetching from loopback, private and link-local addresses (tests, intranets)")
        parser.add_argument("--extract-backend", "--extract_backend", dest="extract_backend", default=None,
                            help="text extractor: auto, trafilatura or newspaper3k (default: the config's)")
        parser.add_argument("--poll-interval", "--poll_interval", dest="poll_interval", type=float, default=None,
                            help="stream: seconds between polls of every feed (default: the config's)")
        parser.add_argument("--max-polls", "--max_polls", dest="max_polls", type=int, default=None,
                            help="stream: stop after this many polls (default: run until stopped)")
        parser.add_argument("--window", dest="window", type=float, default=None,
                            help="stream: seconds per output window (default: the config's)")
        parser.add_argument("--dask-address", "--dask_address", dest="dask_address", default=None,
                            help="DaskRunner: the scheduler of an existing dask cluster, tcp://HOST:PORT "
                                 "(given to Beam as --dask_client_address; default: a LocalCluster, "
                                 "one worker per core)")
        parser.add_argument("--late-workers", "--late_workers", dest="late_workers", action="store_true",
                            default=False,
                            help="FnApiRunner with --direct_running_mode=multi_processing: let the runner start its "
                                 "worker processes itself, once the graph is built (default: they start with the "
                                 "run and import Beam and the stages while the driver plans)")
