"""`khabar dashboard`: the live page (`workers.dashboard`) until Ctrl-C or SIGTERM."""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading

from workers.errors import ConfigurationError
from workers.settings import ENVIRONMENT, Settings


def dashboard(settings: Settings, host: str | None = None, port: int | None = None) -> int:
    """Serve the page; a port that cannot be bound or no broker within KHABAR_CONNECT_TIMEOUT is one error line."""
    settings = dataclasses.replace(
        settings,
        dashboard_host=settings.dashboard_host if host is None else host,
        dashboard_port=settings.dashboard_port if port is None else port,
    )
    settings.validate()
    from workers.dashboard.feed import Feed
    from workers.dashboard.server import DashboardServer
    from workers.dashboard.state import Dashboard

    view = Dashboard()
    feed = Feed(settings, view)
    address = (settings.dashboard_host, settings.dashboard_port)
    try:
        server = DashboardServer(address, view.snapshot, feed.problem)
    except OSError as error:
        variables = f"{ENVIRONMENT['dashboard_host']}, {ENVIRONMENT['dashboard_port']}, --host, --port"
        raise ConfigurationError(
            f"cannot serve the dashboard on {settings.dashboard_host}:{settings.dashboard_port}: "
            f"{error.strerror or error} ({variables})"
        ) from None
    stopping = threading.Event()

    def stop(signum: int, frame: object) -> None:
        stopping.set()

    try:
        feed.connect()
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        feed.start()
        server.start()
        print(
            f"khabar dashboard on {server.url} (reading {settings.bootstrap_servers}); Ctrl-C stops it",
            file=sys.stderr,
            flush=True,
        )
        while not stopping.wait(0.5):
            pass
    finally:
        feed.stop()
        server.stop()
    feed.join(timeout=5)
    return 0
