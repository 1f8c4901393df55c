"""`/metrics`, `/health` and `/ready` on a small threaded HTTP server of the worker's own.

The server runs in threads apart from the event loop, so it answers while the loop is busy or has
not started (the pipeline loads before it), and it judges the loop from outside: the loop beats a
heartbeat a few times a second, and `/health` fails once the beat is older than a few seconds.
`/ready` answers 200 once every condition of the worker holds, 503 with the reasons otherwise.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

log = logging.getLogger(__name__)

#: How often the event loop beats, and how old a beat may be before the loop counts as stalled.
BEAT_EVERY_SECONDS = 0.25
STALLED_AFTER_SECONDS = 5.0


class Heartbeat:
    """When the event loop last ran a beat."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None

    def beat(self) -> None:
        self._last = self._clock()

    def problem(self) -> str | None:
        """Why the worker is not alive, or None: also None before the loop has started, as the
        process is then loading what the loop needs."""
        if self._last is None:
            return None
        silent = self._clock() - self._last
        if silent > STALLED_AFTER_SECONDS:
            return f"the event loop has not run for {silent:.1f}s"
        return None


class Readiness:
    """The conditions under which the worker does its work, each with the reason it gives while it
    does not hold."""

    def __init__(self) -> None:
        self._conditions: list[tuple[str, Callable[[], bool]]] = []

    def require(self, reason: str, holds: Callable[[], bool]) -> None:
        self._conditions.append((reason, holds))

    def reasons(self) -> list[str]:
        """Why the worker is not ready, in the order the conditions were required; empty when ready."""
        return [reason for reason, holds in self._conditions if not holds()]


class HealthServer(ThreadingHTTPServer):
    """Serves one worker's registry, heartbeat and readiness."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], registry: CollectorRegistry, heartbeat: Heartbeat, readiness: Readiness
    ) -> None:
        if ":" in address[0]:  # an IPv6 address such as `::` or `::1`
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.registry = registry
        self.heartbeat = heartbeat
        self.readiness = readiness

    def start(self) -> None:
        threading.Thread(target=self.serve_forever, name="metrics-http", daemon=True).start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Handler(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
            self._answer(HTTPStatus.OK, encoder(self.server.registry), content_type)
        elif path == "/health":
            problem = self.server.heartbeat.problem()
            self._text(HTTPStatus.SERVICE_UNAVAILABLE if problem else HTTPStatus.OK, problem or "alive")
        elif path == "/ready":
            reasons = self.server.readiness.reasons()
            self._text(HTTPStatus.SERVICE_UNAVAILABLE if reasons else HTTPStatus.OK, "; ".join(reasons) or "ready")
        else:
            self._text(HTTPStatus.NOT_FOUND, "not found: /metrics, /health and /ready are served")

    def _text(self, status: HTTPStatus, text: str) -> None:
        self._answer(status, f"{text}\n".encode(), "text/plain; charset=utf-8")

    def _answer(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes and probes come every few seconds: not worth a log line each."""


def serve(
    host: str, port: int, registry: CollectorRegistry, heartbeat: Heartbeat, readiness: Readiness
) -> HealthServer | None:
    """The started server, or None when the port is 0 (off) or cannot be bound: then one warning, and
    the worker runs on without it."""
    if port == 0:
        return None
    try:
        server = HealthServer((host, port), registry, heartbeat, readiness)
    except OSError as error:
        log.warning("metrics and health checks not served: cannot listen on %s:%d (%s)", host, port, error.strerror)
        return None
    server.start()
    log.info("metrics on http://%s:%d/metrics, health checks at /health and /ready", host, port)
    return server
