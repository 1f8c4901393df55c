"""Test harness for integration tests: unique topics per test, worker processes, produce and read helpers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson
from kafka.consumer.fetcher import ConsumerRecord

from workers import clients
from workers.settings import Settings


def isolated_environment(broker_env: dict[str, str], data_dir: Path, partitions: int = 4) -> dict[str, str]:
    """Environment of one test: its own group and topics on the shared broker."""
    suffix = uuid.uuid4().hex[:8]
    return {
        **broker_env,
        "KHABAR_APP_ID": f"khabar-test-{suffix}",
        "KHABAR_TOPIC_RAW": f"raw-{suffix}",
        "KHABAR_TOPIC_ENRICHED": f"enriched-{suffix}",
        "KHABAR_TOPIC_ENTITIES": f"entities-{suffix}",
        "KHABAR_TOPIC_DEAD_LETTER": f"dead-letter-{suffix}",
        "KHABAR_PARTITIONS": str(partitions),
        "KHABAR_DATA_DIR": str(data_dir),
    }


class WorkerProcess:
    """`python -m workers worker` as a child process with its log in a file."""

    def __init__(self, environment: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "workers", "worker"],
                env={**os.environ, **environment},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        """SIGKILL: no clean-up, no commit, as in a crash or an OOM kill."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM and wait: the worker's graceful shutdown."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def produce(settings: Settings, lines: Iterable[tuple[bytes | None, bytes]]) -> int:
    producer = clients.producer(settings)
    futures = [producer.send(settings.topic_raw, key=key, value=value) for key, value in lines]
    producer.flush()
    for future in futures:
        future.get(timeout=30)
    producer.close()
    return len(futures)


def read_until(
    settings: Settings,
    topic: str,
    done: Callable[[list[ConsumerRecord]], bool],
    timeout: float,
    on_poll: Callable[[], None] | None = None,
) -> list[ConsumerRecord]:
    """Read `topic` from the beginning until `done(records)` holds, or fail after `timeout` seconds."""
    consumer = clients.consumer(settings, topic)
    records: list[ConsumerRecord] = []
    deadline = time.monotonic() + timeout
    try:
        while not done(records):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out on {topic} after {timeout}s with {len(records)} records")
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
            if on_poll:
                on_poll()
    finally:
        consumer.close()
    return records


def values(records: Iterable[ConsumerRecord]) -> list[dict[str, object]]:
    return [orjson.loads(record.value) for record in records]
