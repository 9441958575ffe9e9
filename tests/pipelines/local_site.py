"""A small web server on 127.0.0.1 for the fetch and listing tests: fixture pages plus routes."""

from __future__ import annotations

import hashlib
import ssl
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "data" / "site"

Route = Callable[["SiteHandler"], None]


@dataclass
class SiteState:
    origin: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class SiteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _SiteServer

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return

    @property
    def state(self) -> SiteState:
        return self.server.state

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        path = self.path.split("?", 1)[0]
        with self.state.lock:
            self.state.hits[path] += 1
            self.state.requests.append((self.command, self.path, dict(self.headers.items())))
        route = self.state.routes.get(path)
        if route is not None:
            route(self)
        else:
            self.send_static(path)

    def send_body(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_static(self, path: str) -> None:
        relative = path.lstrip("/") or "index.html"
        if relative.endswith("/"):
            relative += "index.html"
        file = (SITE / relative).resolve()
        if SITE not in file.parents or not file.is_file():
            self.send_body(404, b"not found", "text/plain")
            return
        body = file.read_bytes()
        content_type = "application/octet-stream"
        if file.suffix == ".html":
            body = body.replace(b"__ORIGIN__", self.state.origin.encode())
            content_type = "text/html; charset=utf-8"
        elif file.suffix == ".pdf":
            content_type = "application/pdf"
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_body(200, body, content_type, {"ETag": etag})


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    state: SiteState

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up early (size cap, timeout) is expected in these tests.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextmanager
def local_site(
    tls: ssl.SSLContext | None = None, host_name: str = "127.0.0.1"
) -> Iterator[SiteState]:
    """Serve tests/data/site (and any routes the test adds) on a free port of 127.0.0.1.

    With `tls` the site is served over HTTPS; `host_name` is the name used in its origin.
    """
    server = _SiteServer(("127.0.0.1", 0), SiteHandler)
    scheme = "http"
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    server.state = SiteState(origin=f"{scheme}://{host_name}:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
