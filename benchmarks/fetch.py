"""Fetcher throughput against a loopback server that adds 100 ms of latency to every page.

    .venv/bin/python benchmarks/fetch.py [--pages 1000] [--sequential-pages 100] [--latency 0.1]

Prints pages/s for sequential ``fetch`` calls and for ``fetch_many`` with
max_in_flight=32, and the ratio to the ideal max_in_flight / latency (320
pages/s at 100 ms). Target: >= 80% of ideal. The server runs in its own
process so it does not share the fetcher's GIL. Settings: allow_private_hosts
(the server is on loopback), per_host=32 (one host), robots off.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsbeam.fetch import FetchConfig, Fetcher

PAGE = b"<!doctype html><html><head><title>bench</title></head><body>" + b"<p>news text</p>" * 300 + b"</body></html>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    latency = 0.1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.latency)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve(latency: float, ports: Any) -> None:
    _Handler.latency = latency
    httpd = _Server(("127.0.0.1", 0), _Handler)
    ports.put(httpd.server_address[1])
    httpd.serve_forever()


def run(pages: int, sequential_pages: int, latency: float, max_in_flight: int) -> float:
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(latency, ports), daemon=True)
    server.start()
    port = ports.get(timeout=10)
    config = FetchConfig.from_dict(
        {"allow_private_hosts": True, "robots": False, "per_host": max_in_flight, "max_in_flight": max_in_flight}
    )
    ideal = max_in_flight / latency
    print(f"loopback server: {latency * 1000:.0f} ms latency per page, {len(PAGE)} bytes per page")
    print(f"settings: max_in_flight={max_in_flight}, per_host={max_in_flight}, robots off, allow_private_hosts on")
    try:
        with Fetcher(config) as fetcher:
            urls = [f"http://127.0.0.1:{port}/page/{i}" for i in range(pages)]
            started = time.monotonic()
            seq = [fetcher.fetch(u) for u in urls[:sequential_pages]]
            seq_rate = sequential_pages / (time.monotonic() - started)
            print(f"sequential fetch: {sequential_pages} pages, {seq_rate:.1f} pages/s "
                  f"(ideal 1/latency = {1 / latency:.1f}), ok={sum(r.ok for r in seq)}")
            started = time.monotonic()
            results = fetcher.fetch_many(urls)
            elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.join()
    rate = pages / elapsed
    print(f"fetch_many: {pages} pages in {elapsed:.2f} s, {rate:.1f} pages/s, ok={sum(r.ok for r in results)}")
    print(f"ideal max_in_flight/latency = {ideal:.0f} pages/s; achieved {rate / ideal:.1%} of ideal "
          f"(target >= 80%); speed-up over sequential x{rate / seq_rate:.1f}")
    return rate / ideal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--sequential-pages", type=int, default=100,
                        help="sequential pages timed (1000 would take 100 s at the same rate)")
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--max-in-flight", type=int, default=32)
    args = parser.parse_args()
    run(args.pages, args.sequential_pages, args.latency, args.max_in_flight)


if __name__ == "__main__":
    main()
