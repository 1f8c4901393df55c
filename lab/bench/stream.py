"""Stream throughput and latency through a broker: the enrich worker beside a pass-through worker.

Throughput: N articles are produced first, then one worker starts and drains them; the rate is
taken from the output records' own timestamps (written by the worker's producer), between the
record at 10 % and the last, so start-up and our reading consumer stay out of it. Latency: a
producer paced at a fixed rate, a consumer reading the enriched topic as the records come; the
first seconds of pacing warm the worker up (its word caches) and are not counted, since a
worker runs for days and its first minute says little about its tail.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from kafka import KafkaProducer

from lab.bench.harness import (
    ENRICH_WORKER,
    PASS_THROUGH_WORKER,
    READER_FETCH_WAIT_MS,
    Drained,
    WorkerProcess,
    cpu_rate,
    drain,
    produce,
    records_processed,
    run_settings,
    stop_all,
    window_rate,
)
from lab.bench.profile import Sampler
from lab.bench.system import load_average
from workers import clients
from workers.errors import KhabarError
from workers.settings import Settings

log = logging.getLogger(__name__)

MIB = 1024 * 1024
PERCENTILES = (50, 95, 99)


@dataclass(frozen=True, slots=True)
class LatencyRun:
    """How long the paced producer runs, how much of its start is not counted, and its rate (None: half the
    drain rate)."""

    seconds: float
    warmup_seconds: float
    rate: float | None


@contextmanager
def sampled(worker: WorkerProcess, profile_dir: Path | None, label: str, into: dict[str, Any]) -> Iterator[None]:
    """With a profile directory, py-spy samples `worker` meanwhile; its summary lands in `into["profile"]`."""
    if profile_dir is None:
        yield
        return
    profile_dir.mkdir(parents=True, exist_ok=True)
    sampler = Sampler(worker.process.pid, profile_dir / f"{label}.txt")
    try:
        yield
    finally:
        into["profile"] = {"samples_file": str(sampler.path), **sampler.stop()}


def measure_drain(
    settings: Settings,
    label: str,
    module: Sequence[str],
    records: Sequence[tuple[bytes, bytes]],
    scratch: Path,
    workers: int,
    timeout: float,
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    """Fill a fresh raw topic with `records`, start `workers` processes of `module`, time the drain
    (with `profile_dir`, py-spy samples the first worker meanwhile)."""
    run = run_settings(settings, label, scratch)
    clients.ensure_topics(run)
    produce(run, records)
    load_before = load_average()
    log.info("%s: %d records produced; starting %d worker(s)", label, len(records), workers)
    processes = [WorkerProcess(module, run, scratch / f"{label}-{index}.log") for index in range(workers)]
    profile: dict[str, Any] = {}
    try:
        with sampled(processes[0], profile_dir, label, profile):
            drained = drain(run, run.topic_enriched, len(records), processes, timeout)
        peak_rss = [process.peak_rss_bytes() for process in processes]
    finally:
        stop_all(processes)
    summary = drain_summary(drained, processes, peak_rss, len(records))
    return {"load_average_before": load_before, **summary, **profile}


def drain_summary(
    drained: Drained, processes: Sequence[WorkerProcess], peak_rss: Sequence[int], count: int
) -> dict[str, Any]:
    timestamps = [record.timestamp for record in drained.records]
    started_ms = 1000 * min(process.started for process in processes)
    rate, per_cpu = window_rate(timestamps), cpu_rate(drained)
    return {
        "records": count,
        "workers": len(processes),
        "records_per_second": rate,
        "records_per_worker_cpu_second": per_cpu,
        # CPU the workers got: below the worker count, other processes had the rest of the machine.
        "worker_cores_used": rate / per_cpu if per_cpu else None,
        "seconds_from_start_to_last_output": (max(timestamps) - started_ms) / 1000,
        "duplicates": len(drained.records) - len({record.key for record in drained.records}),
        "peak_rss_mib": [rss / MIB for rss in peak_rss],
        "records_per_worker": [records_processed(process.log()) for process in processes],
    }


def percentile(values: Sequence[float], rank: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(rank / 100 * len(ordered)) - 1)]


def latency_summary(values_ms: Sequence[float]) -> dict[str, float]:
    return {
        **{f"p{rank}": percentile(values_ms, rank) for rank in PERCENTILES},
        "max": max(values_ms),
        "mean": sum(values_ms) / len(values_ms),
    }


class Reader(threading.Thread):
    """Reads a topic in the background and notes when each key arrived (wall clock) and its timestamp."""

    def __init__(self, settings: Settings, topic: str) -> None:
        super().__init__(daemon=True)
        self._consumer = clients.consumer(settings, topic, fetch_max_wait_ms=READER_FETCH_WAIT_MS)
        self._stop_event = threading.Event()
        self.arrivals: dict[bytes, tuple[float, int]] = {}

    def run(self) -> None:
        try:
            while not self._stop_event.is_set():
                for batch in self._consumer.poll(timeout_ms=50).values():
                    now = time.time()
                    for record in batch:
                        self.arrivals.setdefault(record.key, (now, record.timestamp))
        finally:
            self._consumer.close()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)


def measure_latency(
    settings: Settings,
    label: str,
    module: Sequence[str],
    records: Sequence[tuple[bytes, bytes]],
    rate: float,
    warmup_seconds: float,
    scratch: Path,
    timeout: float,
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    """Produce `records` at `rate` per second to a running worker of `module`; latency of each to its output.

    The first record is a probe: pacing starts only once it came back, so the worker's start-up
    and group join are not counted; nor are the records of the first `warmup_seconds` of pacing.
    Each record's produce time is its Kafka timestamp. With `profile_dir`, py-spy samples the
    worker during the counted stretch.
    """
    run = run_settings(settings, label, scratch)
    clients.ensure_topics(run)
    probe, paced = records[0], records[1:]
    warmup = round(rate * warmup_seconds)
    sent: dict[bytes, float] = {}
    profile: dict[str, Any] = {}
    with ExitStack() as cleanup:
        worker = WorkerProcess(module, run, scratch / f"{label}.log")
        cleanup.callback(worker.stop)
        reader = Reader(run, run.topic_enriched)
        reader.start()
        cleanup.callback(reader.stop)
        producer = KafkaProducer(acks="all", linger_ms=0, **clients.client_config(run))
        cleanup.callback(producer.close)
        producer.send(run.topic_raw, key=probe[0], value=probe[1]).get(timeout=30)
        wait_for_keys(reader, [probe[0]], worker, timeout)
        began = time.time()
        for index, (key, value) in enumerate(paced):
            if index == warmup and profile_dir is not None:
                cleanup.enter_context(sampled(worker, profile_dir, label, profile))
            delay = began + index / rate - time.time()
            if delay > 0:
                time.sleep(delay)
            sent[key] = time.time()
            producer.send(run.topic_raw, key=key, value=value, timestamp_ms=int(sent[key] * 1000))
        producer.flush()
        wait_for_keys(reader, list(sent), worker, timeout)
        peak_rss = worker.peak_rss_bytes()
    counted = list(sent.items())[warmup:]
    to_reader = [1000 * (reader.arrivals[key][0] - sent_at) for key, sent_at in counted]
    to_record = [reader.arrivals[key][1] - int(1000 * sent_at) for key, sent_at in counted]
    return {
        "rate_per_second": rate,
        "warmup_records": warmup,
        "records": len(counted),
        "seconds": len(counted) / rate,
        "produce_to_consumer_ms": latency_summary(to_reader),
        "produce_to_enriched_record_ms": latency_summary(to_record),
        "peak_rss_mib": peak_rss / MIB,
        **profile,
    }


def wait_for_keys(reader: Reader, keys: Sequence[bytes], worker: WorkerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not all(key in reader.arrivals for key in keys):
        worker.check_alive()
        if time.monotonic() > deadline:
            missing = sum(key not in reader.arrivals for key in keys)
            raise KhabarError(f"{missing} of {len(keys)} records not enriched within {timeout:.0f}s")
        time.sleep(0.05)


def run_stream(
    settings: Settings,
    records: Sequence[tuple[bytes, bytes]],
    latency: LatencyRun,
    make_records: Callable[[int], list[tuple[bytes, bytes]]],
    scratch: Path,
    timeout: float,
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    """Enrich (stories on, as configured, then off) vs pass-through throughput on the same records, then
    latency of enrich and pass-through at half the enrich rate.

    The pass-through latency is what the transport alone costs at that rate (Faust's fetch wait
    included), so the difference is what enrichment adds.
    """
    enrich = measure_drain(settings, "enrich", ENRICH_WORKER, records, scratch, 1, timeout, profile_dir)
    without_stories = measure_drain(
        replace(settings, stories="off"), "enrich-no-stories", ENRICH_WORKER, records, scratch, 1, timeout
    )
    pass_through = measure_drain(settings, "pass-through", PASS_THROUGH_WORKER, records, scratch, 1, timeout)
    rate = latency.rate or enrich["records_per_second"] / 2
    latency_records = make_records(1 + max(2, round(rate * (latency.warmup_seconds + latency.seconds))))

    def measure(label: str, module: Sequence[str], profile: Path | None = None) -> dict[str, Any]:
        return measure_latency(
            settings, label, module, latency_records, rate, latency.warmup_seconds, scratch, timeout, profile
        )

    return {
        "enrich": enrich,
        "enrich_without_stories": without_stories,
        "pass_through": pass_through,
        "enrich_share_of_pass_through": enrich["records_per_second"] / pass_through["records_per_second"],
        "latency": measure("latency-enrich", ENRICH_WORKER, profile_dir),
        "latency_pass_through": measure("latency-pass-through", PASS_THROUGH_WORKER),
    }
