"""Test harness for integration tests: unique topics per test, worker processes, produce and read helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

import orjson
from kafka.consumer.fetcher import ConsumerRecord

from lab.bench.harness import ENRICH_WORKER, WorkerProcess, produce
from workers import clients
from workers.settings import Settings

__all__ = [
    "WorkerProcess",
    "isolated_environment",
    "khabar",
    "produce",
    "read_until",
    "values",
    "wait_until_joined",
    "worker_process",
]


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
        # No metrics server: tests' workers run side by side, and those that scrape choose a free port.
        "KHABAR_METRICS_PORT": "0",
    }


def khabar(environment: dict[str, str], *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`khabar <arguments>` as a user runs it, with `environment` added to this one; its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "workers", *arguments],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def worker_process(environment: dict[str, str], log_path: Path) -> WorkerProcess:
    """`khabar worker` as a child process configured by `environment`, its log in `log_path`."""
    return WorkerProcess(ENRICH_WORKER, Settings.from_env(environment), log_path)


def wait_until_joined(processes: Iterable[WorkerProcess], timeout: float = 60) -> None:
    """Wait until every worker has been assigned partitions in its group (they log it)."""
    processes = list(processes)
    deadline = time.monotonic() + timeout
    while not all(process.joined() for process in processes):
        assert time.monotonic() < deadline, f"{len(processes)} workers should join the group within {timeout:.0f}s"
        for process in processes:
            process.check_alive()
        time.sleep(0.2)


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
