"""Broker-side helpers of the benchmark: own topics per run, worker processes, produce and drain.

Each run gets its own consumer group and topics on the broker, so runs never see each other's
records. Worker processes are measured from outside through /proc (peak RSS, CPU time).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kafka.consumer.fetcher import ConsumerRecord

from workers import clients
from workers.errors import KhabarError
from workers.settings import Settings, to_environment
from workers.stream.worker import PARTITIONS_ASSIGNED

log = logging.getLogger(__name__)

ENRICH_WORKER = ("workers", "worker")
PASS_THROUGH_WORKER = ("lab.bench.passthrough",)
#: Our own reading consumer should not add the 500 ms default fetch wait to what it measures.
READER_FETCH_WAIT_MS = 10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
#: CPU time comes in clock ticks (10 ms): shorter stretches would give a rate off by more than 2 %.
MIN_CPU_SECONDS = 0.5


def run_settings(settings: Settings, label: str, data_dir: Path) -> Settings:
    """`settings` with a consumer group and topics of its own, named after `label`."""
    suffix = f"{label}-{uuid.uuid4().hex[:6]}"
    return replace(
        settings,
        app_id=f"khabar-bench-{suffix}",
        topic_raw=f"bench-raw-{suffix}",
        topic_enriched=f"bench-enriched-{suffix}",
        topic_entities=f"bench-entities-{suffix}",
        topic_dead_letter=f"bench-dead-letter-{suffix}",
        data_dir=str(data_dir),
    )


def _with_lab(python_path: str | None) -> str:
    """PYTHONPATH with the checkout that holds the lab package first: the lab is not installed, only checked out."""
    checkout = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join([checkout, *([python_path] if python_path else [])])


class WorkerProcess:
    """A worker (`python -m <module> ...`) as a child process, its log in a file."""

    def __init__(self, module: Sequence[str], settings: Settings, log_path: Path) -> None:
        self.log_path = log_path
        self.started = time.time()
        with open(log_path, "ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", *module],
                env={**os.environ, **to_environment(settings), "PYTHONPATH": _with_lab(os.environ.get("PYTHONPATH"))},
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def _proc(self, name: str) -> str:
        return Path(f"/proc/{self.process.pid}/{name}").read_text()

    def peak_rss_bytes(self) -> int:
        """High-water mark of resident memory (VmHWM), read while the process is alive."""
        for line in self._proc("status").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise KhabarError("VmHWM missing from /proc status")

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process so far."""
        fields = self._proc("stat").rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise KhabarError(f"worker exited with code {self.process.returncode}; end of its log:\n{tail}")

    def kill(self) -> None:
        """SIGKILL: no clean-up and no commit, as in a crash or an OOM kill."""
        self.process.kill()
        self.process.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM: the worker's graceful stop begins."""
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM and wait; SIGKILL if it hangs."""
        self.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def joined(self) -> bool:
        """Whether the worker has joined its group: it logs each partition assignment it gets."""
        return PARTITIONS_ASSIGNED in self.log()


def stop_all(processes: Sequence[WorkerProcess]) -> None:
    """Stop workers together: each takes a second or two to leave the group and close."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.stop()


def produce(settings: Settings, records: Sequence[tuple[bytes | None, bytes]]) -> None:
    """Send (key, value) records to the raw topic and wait until the broker has them all."""
    producer = clients.producer(settings)
    try:
        futures = [producer.send(settings.topic_raw, key=key, value=value) for key, value in records]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()


@dataclass(frozen=True, slots=True)
class Drained:
    """Records read from an output topic, and worker CPU time sampled while they came."""

    records: list[ConsumerRecord]
    #: (records seen, summed worker CPU seconds) when a tenth of the records had arrived, and at the end.
    cpu_marks: tuple[tuple[int, float], tuple[int, float]]


def drain(settings: Settings, topic: str, count: int, workers: Sequence[WorkerProcess], timeout: float) -> Drained:
    """Read `topic` from the start until `count` distinct keys arrived; sample the workers' CPU on the way."""
    reader = clients.consumer(settings, topic, fetch_max_wait_ms=READER_FETCH_WAIT_MS)
    records: list[ConsumerRecord] = []
    keys: set[bytes | None] = set()
    deadline = time.monotonic() + timeout
    first_mark: tuple[int, float] | None = None
    try:
        while len(keys) < count:
            if time.monotonic() > deadline:
                raise KhabarError(f"only {len(keys)} of {count} records on {topic} after {timeout:.0f}s")
            for worker in workers:
                worker.check_alive()
            for batch in reader.poll(timeout_ms=200).values():
                records.extend(batch)
                keys.update(record.key for record in batch)
            if first_mark is None and len(keys) >= count / 10:
                first_mark = (len(keys), sum(worker.cpu_seconds() for worker in workers))
    finally:
        reader.close()
    end_mark = (len(keys), sum(worker.cpu_seconds() for worker in workers))
    return Drained(records, (first_mark or end_mark, end_mark))


def window_rate(timestamps_ms: Sequence[int], skip_fraction: float = 0.1) -> float:
    """Records per second between the record at `skip_fraction` and the last, by their timestamps.

    Skipping the first tenth leaves start-up (model load, group join, first fetch) out of the rate,
    and makes the first batch's outputs, which share one timestamp, a negligible bias. Timestamps
    are whole milliseconds, so a shorter span counts as one millisecond (the rate is then a floor).
    """
    ordered = sorted(timestamps_ms)
    start = int(len(ordered) * skip_fraction)
    span_seconds = max(ordered[-1] - ordered[start], 1) / 1000
    return (len(ordered) - 1 - start) / span_seconds


def cpu_rate(drained: Drained) -> float | None:
    """Records per CPU second of the workers over the same stretch (None if it was too short to sample)."""
    (seen_first, cpu_first), (seen_end, cpu_end) = drained.cpu_marks
    if cpu_end - cpu_first < MIN_CPU_SECONDS:
        return None
    return (seen_end - seen_first) / (cpu_end - cpu_first)


def records_processed(log_text: str) -> int | None:
    """Inputs a worker processed, from its last line ('worker stopped after N records in: ...')."""
    for line in reversed(log_text.splitlines()):
        if "worker stopped after " in line:
            return int(line.split("worker stopped after ")[1].split(" records in")[0])
    return None
