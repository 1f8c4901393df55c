"""The start-up part: whole-process numbers of the commands, and their table (never their speed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lab.bench.report import render_startup
from lab.bench.startup import measure_command, run_startup, timed_run
from workers.errors import KhabarError

ARTICLE = {"id": "a-1", "title": "اجتماع في سرت", "body": "قال العميد خالد المحجوب إن الاجتماع عقد في سرت ."}


def test_a_run_gives_its_wall_time_and_its_own_peak_memory() -> None:
    """The child's peak is its own: 50 MB allocated shows, the benchmark's own memory does not."""
    seconds, small = timed_run([sys.executable, "-c", "pass"])
    _, large = timed_run([sys.executable, "-c", "data = bytearray(b'x' * 50_000_000)"])
    assert seconds > 0
    assert small < 40 * 1024 * 1024 < 50 * 1024 * 1024 < large


def test_a_failing_command_is_an_error() -> None:
    with pytest.raises(KhabarError, match="failed"):
        timed_run([sys.executable, "-c", "import sys; sys.exit(3)"])


def test_a_command_is_summarized_over_its_runs() -> None:
    measured = measure_command([sys.executable, "-c", "pass"], repetitions=3)
    assert measured["seconds"]["min"] <= measured["seconds"]["median"] <= measured["seconds"]["max"]
    assert measured["peak_rss_mib"]["median"] > 0


def test_without_a_broker_the_commands_are_measured_and_shown(tmp_path: Path) -> None:
    """Runs `khabar enrich` and `khabar --help` twice each (loads the shipped models)."""
    results = run_startup(ARTICLE, None, tmp_path, repetitions=1, timeout=60)
    assert results["article_tokens"] == 13
    assert "worker_to_ready" not in results
    table = "\n".join(render_startup({**results, "runs": 1, "load_average_before": [0.0, 0.0, 0.0]}))
    assert "enrich, 1 article of 13 tokens" in table and "--help" in table
