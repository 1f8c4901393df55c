"""Start-up: what a process costs before and while it enriches its first article.

Three whole-process measurements, each repeated and given as median and range:
- `khabar enrich` of one news-sized article to /dev/null: wall seconds and peak RSS (`ru_maxrss` from
  `wait4`, by `peak.py`; it counts the mapped model pages read, which the page cache shares between
  processes);
- `khabar --help`: the start of a command that loads nothing (interpreter and imports);
- `khabar worker` on the broker: seconds from launch until its `/ready` answers 200 (pipeline loaded,
  partitions assigned, published-keys changelog read), and its peak RSS then.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from lab.bench.harness import ENRICH_WORKER, WorkerProcess, run_settings
from workers.brokers import free_port
from workers.errors import KhabarError
from workers.settings import Settings

MIB = 1024 * 1024
PEAK_SCRIPT = Path(__file__).with_name("peak.py")
#: How often `/ready` is asked while the worker starts.
READY_POLL_SECONDS = 0.02


def khabar_command() -> list[str]:
    """The console script next to this interpreter, as a user runs it; `python -m workers` without one."""
    script = Path(sys.executable).with_name("khabar")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "workers"]


def timed_run(command: Sequence[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one run of `command`, its output discarded, measured by
    `peak.py` (see there why not by this process)."""
    completed = subprocess.run(
        [sys.executable, "-S", str(PEAK_SCRIPT), *command], capture_output=True, check=False, timeout=600
    )
    lines = completed.stdout.splitlines()
    measured = orjson.loads(lines[-1]) if completed.returncode == 0 and lines else {}
    if measured.get("exit") != 0:
        raise KhabarError(f"{' '.join(command)} failed: {completed.stderr.decode(errors='replace')[-2000:]}")
    return float(measured["seconds"]), int(measured["peak_rss_bytes"])


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure_command(command: Sequence[str], repetitions: int) -> dict[str, Any]:
    """One untimed run (so every file is in the page cache, as on a machine that ran Khabar before), then
    `repetitions` timed ones."""
    timed_run(command)
    runs = [timed_run(command) for _ in range(repetitions)]
    return {
        "command": " ".join(Path(command[0]).name if index == 0 else part for index, part in enumerate(command)),
        "seconds": summary([seconds for seconds, _ in runs]),
        "peak_rss_mib": summary([rss / MIB for _, rss in runs]),
    }


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False  # not serving yet, or 503 (HTTPError is a URLError)


def worker_to_ready(settings: Settings, scratch: Path, timeout: float) -> tuple[float, int]:
    """Seconds from launching a worker (own group and topics) until `/ready` says 200, and its peak RSS then."""
    run = replace(run_settings(settings, "startup", scratch), metrics_port=free_port())
    worker = WorkerProcess(ENRICH_WORKER, run, scratch / f"{run.app_id}.log")
    try:
        deadline = worker.started + timeout
        while not ready(run.metrics_port):
            worker.check_alive()
            if time.time() > deadline:
                raise KhabarError(f"the worker was not ready after {timeout:.0f}s; its log: {worker.log_path}")
            time.sleep(READY_POLL_SECONDS)
        seconds = time.time() - worker.started
        return seconds, worker.peak_rss_bytes()
    finally:
        worker.stop()


def run_startup(
    article: dict[str, Any],
    settings: Settings | None,
    scratch: Path,
    repetitions: int,
    timeout: float,
) -> dict[str, Any]:
    """Every start-up measurement; the worker's only when `settings` name a broker."""
    path = scratch / "one-article.jsonl"
    path.write_bytes(orjson.dumps(article) + b"\n")
    khabar = khabar_command()
    results: dict[str, Any] = {
        "article_tokens": len(article["body"].split()) + len(article.get("title", "").split()),
        "enrich_one_article": measure_command([*khabar, "enrich", str(path), "--out", os.devnull], repetitions),
        "help": measure_command([*khabar, "--help"], repetitions),
    }
    if settings is not None:
        runs = [worker_to_ready(settings, scratch, timeout) for _ in range(repetitions)]
        results["worker_to_ready"] = {
            "seconds": summary([seconds for seconds, _ in runs]),
            "peak_rss_mib": summary([rss / MIB for _, rss in runs]),
        }
    return results
