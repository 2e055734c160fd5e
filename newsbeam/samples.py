"""A loopback web server for the bundled sample sites (the demo and tests).

``samples/site/<host>/<path>`` is served for requests whose Host header is
``<host>``; the fetcher is pointed at it with ``fetch.resolve`` (like curl's
``--resolve``), so the demo goes through the same HTTP fetch path as live
feeds while publishers keep their real host names.
"""

from __future__ import annotations

import mimetypes
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


def _handler(root: Path) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "newsbeam-samples/1"
        protocol_version = "HTTP/1.1"  # keep-alive: the fetcher reuses its connections, as with real servers

        def log_message(self, *args: object) -> None:  # quiet
            return

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            rel = unquote(urlsplit(self.path).path).lstrip("/")
            target = (root / host / rel).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_relative_to(root.resolve()) or not target.is_file():
                self.send_error(404, "Not Found")
                return
            body = target.read_bytes()
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix in (".rss", ".atom", ".rdf"):
                ctype = "application/xml"
            if ctype.startswith("text/") and "charset" not in ctype:
                ctype += "; charset=utf-8"
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # many fetch threads connect at once; the default 5 drops connections


class SampleServer:
    """``with SampleServer(root) as s: s.resolve_map()`` serves ``root`` on loopback."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._server = _Server(("127.0.0.1", 0), _handler(self.root))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def hosts(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir())

    def resolve_map(self) -> dict[str, str]:
        """``{host: "127.0.0.1:port"}`` for every sample host."""
        return {host: f"127.0.0.1:{self.port}" for host in self.hosts()}

    def __enter__(self) -> SampleServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main(argv: list[str] | None = None) -> None:
    """``python -m newsbeam.samples ROOT``: serve ROOT until killed; prints the port."""
    import sys
    import time

    args = sys.argv[1:] if argv is None else argv
    with SampleServer(args[0]) as server:
        print(server.port, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
