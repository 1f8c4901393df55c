"""Scaling out: one enrich worker against two in one consumer group, draining the same backlog."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lab.bench.harness import ENRICH_WORKER
from lab.bench.stream import measure_drain
from workers.settings import Settings


def run_scale(
    settings: Settings,
    records: Sequence[tuple[bytes, bytes]],
    scratch: Path,
    timeout: float,
    one_worker: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Drain rate of one worker, then of two started together on a pre-filled topic.

    `one_worker` is a one-worker run on the same records already measured (the stream part's),
    reused rather than repeated.
    """
    single = one_worker or measure_drain(settings, "scale-1", ENRICH_WORKER, records, scratch, 1, timeout)
    double = measure_drain(settings, "scale-2", ENRICH_WORKER, records, scratch, 2, timeout)
    return {
        "runs": [single, double],
        "one_worker_run": "stream.enrich" if one_worker else "own",
        "speedup": double["records_per_second"] / single["records_per_second"],
    }
