"""`khabar broker` as a child process, for the tests of both engines."""

from __future__ import annotations

import subprocess
import sys
import time

from workers.brokers import port_is_open


def start_broker_command(port: int, *options: str, within: float = 10.0) -> subprocess.Popen[bytes]:
    """`khabar broker --port PORT [options]`, returned once the port accepts connections."""
    command = subprocess.Popen(
        [sys.executable, "-m", "workers", "broker", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + within
    while not port_is_open("127.0.0.1", port):
        assert time.monotonic() < deadline, f"the broker should open its port within {within:.0f}s"
        time.sleep(0.05)
    return command


def assert_port_closes(port: int, within: float) -> None:
    """Fail unless nothing listens on `port` any more within `within` seconds."""
    deadline = time.monotonic() + within
    while port_is_open("127.0.0.1", port):
        assert time.monotonic() < deadline, f"port {port} still open after {within:.0f}s"
        time.sleep(0.05)
