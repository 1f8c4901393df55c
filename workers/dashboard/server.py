"""The dashboard's HTTP server: the page and its assets from the package, `/api/state`, `/health`.

The assets (`static/`: one HTML page, one stylesheet, one script, no framework) are read from the
package once at start, so an installed wheel serves them wherever it runs and nothing is fetched at run
time; the Content-Security-Policy lets the page load nothing from elsewhere. Only the listed assets are
served: a path is looked up by name, never joined to a folder.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from typing import Any

import orjson

log = logging.getLogger(__name__)

#: Served path → (file in static/, content type).
ASSETS = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/dashboard.css": ("dashboard.css", "text/css; charset=utf-8"),
    "/static/dashboard.js": ("dashboard.js", "text/javascript; charset=utf-8"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def load_assets() -> dict[str, tuple[bytes, str]]:
    """Each served path's bytes and content type, from the package."""
    folder = files("workers.dashboard") / "static"
    return {path: ((folder / name).read_bytes(), kind) for path, (name, kind) in ASSETS.items()}


class DashboardServer(ThreadingHTTPServer):
    """Serves `snapshot()` as JSON at /api/state and `problem()` (None: alive) at /health."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        snapshot: Callable[[], dict[str, Any]],
        problem: Callable[[], str | None],
        assets: dict[str, tuple[bytes, str]] | None = None,
    ) -> None:
        if ":" in address[0]:  # an IPv6 address such as `::1`
            self.address_family = socket.AF_INET6
        self.snapshot = snapshot
        self.problem = problem
        self.assets = load_assets() if assets is None else assets
        self._thread: threading.Thread | None = None
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="dashboard-http", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving (if started) and close the socket."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: DashboardServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/api/state":
            body = orjson.dumps(self.server.snapshot())
            self._answer(HTTPStatus.OK, body, "application/json")
        elif path == "/health":
            problem = self.server.problem()
            status = HTTPStatus.SERVICE_UNAVAILABLE if problem else HTTPStatus.OK
            self._answer(status, f"{problem or 'alive'}\n".encode(), "text/plain; charset=utf-8")
        elif path in self.server.assets:
            body, kind = self.server.assets[path]
            self._answer(HTTPStatus.OK, body, kind)
        else:
            text = "not found: the dashboard serves /, /api/state and /health\n"
            self._answer(HTTPStatus.NOT_FOUND, text.encode(), "text/plain; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _answer(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """The page polls every few seconds: not worth a log line each."""
