"""What the CLI's integration tests share: records sent as the tests lay them out, and `khabar` as a
running process that a test interrupts with Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from workers import clients
from workers.settings import Settings


@dataclass(frozen=True)
class Record:
    value: bytes
    key: bytes | None = None
    partition: int | None = None
    headers: tuple[tuple[str, bytes], ...] = ()


def send(settings: Settings, topic: str, records: Iterable[Record]) -> None:
    """Send `records` and wait for the broker's acknowledgement. The producer lingers, so the records of
    a partition travel in one batch (on Tansu, ListOffsets(latest) then answers short of the end)."""
    producer = clients.producer(settings, linger_ms=200)
    try:
        futures = [
            producer.send(topic, key=r.key, value=r.value, partition=r.partition, headers=list(r.headers))
            for r in records
        ]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()


def started(environment: dict[str, str], *arguments: str, stdin: int | None = None) -> subprocess.Popen[str]:
    """`khabar <arguments>` running, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "workers", *arguments],
        env={**os.environ, **environment},
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupted(process: subprocess.Popen[str], timeout: float = 60) -> tuple[str, str]:
    """Ctrl-C (SIGINT) to `process`; its standard output and error once it exited of itself, its standard
    input still open (a read of it must not hold Ctrl-C up)."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
        return process.communicate()
    finally:
        process.kill()
