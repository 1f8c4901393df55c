"""A broker as a child process: port checks, dying with the parent, start-up and shutdown.

Both engines (`tansu`, `kafka`) are programs we start and stop; what differs is their command line,
how they prepare their storage and when they count as ready.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from workers.errors import BrokerError

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9092


def port_is_open(host: str, port: int, timeout: float = 0.2) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the OS considers free right now (for tests and throwaway brokers)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM the broker when its parent dies, even by SIGKILL."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class BrokerProcess:
    """One broker program run as a child; subclasses give its command and its readiness check.

    Use as a context manager, or call start() and stop(); stop() and start() again restart it on the
    same ports (and, for a durable engine, the same data).
    """

    #: Shown in messages: "the <engine> broker did not ...".
    engine = "embedded"
    #: Seconds between SIGTERM and SIGKILL in stop().
    stop_timeout = 2.0

    def __init__(
        self, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, quiet: bool = True, log_path: Path | None = None
    ) -> None:
        """`quiet` sends the program's output to `log_path` (appended across restarts) or nowhere."""
        self.host = host
        self.port = port
        self._quiet = quiet
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Before each start: whatever the program needs on disk."""

    def is_ready(self) -> bool:
        """True once clients can use the broker; by default, once its port accepts connections."""
        return port_is_open(self.host, self.port, timeout=0.05)

    def start(self, timeout: float = 10.0) -> Self:
        """Start the broker and return once it is ready."""
        if port_is_open(self.host, self.port):
            raise BrokerError(
                f"port {self.port} on {self.host} is already in use: is a broker already running? "
                "Use it (KAFKA_BOOTSTRAP_SERVERS) or pick another port (--port)."
            )
        self.prepare()
        self._process = self._spawn()
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            if self._process.poll() is not None:
                raise BrokerError(f"{self.describe()} exited at start-up with code {self._process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"{self.describe()} was not ready on port {self.port} within {timeout:.0f}s")
            time.sleep(0.05)
        log.debug("%s listening on %s", self.describe(), self.bootstrap_servers)
        return self

    def _spawn(self) -> subprocess.Popen[bytes]:
        """The program, its output on the terminal, in the log file or nowhere."""
        with contextlib.ExitStack() as files:  # the child keeps its own copy of a log file's descriptor
            output: IO[bytes] | int | None = None
            if self._quiet and self._log_path is None:
                output = subprocess.DEVNULL
            elif self._quiet and self._log_path is not None:
                self._log_path.parent.mkdir(parents=True, exist_ok=True)
                output = files.enter_context(self._log_path.open("ab"))
            return subprocess.Popen(self.command(), stdout=output, stderr=output, preexec_fn=die_with_parent)

    def describe(self) -> str:
        return f"the {self.engine} broker"

    def wait(self) -> int:
        """Block until the broker exits; return its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def stop(self) -> None:
        """Stop the broker: SIGTERM, then SIGKILL if it does not exit within `stop_timeout`."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(self.stop_timeout)
        except subprocess.TimeoutExpired:
            log.debug("%s did not stop within %.0fs of SIGTERM; killed", self.describe(), self.stop_timeout)
            self._process.kill()
            self._process.wait()

    def close(self) -> None:
        """Stop the broker and remove what it keeps only for this run."""
        self.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
