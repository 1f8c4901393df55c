"""The targets of issue #13, judged from a run's results: each one met or not, or too short to tell."""

from __future__ import annotations

from typing import Any

from lab.bench.report import render_targets, targets


def results(worker_per_cpu: float | None, two_workers_per_cpu: float | None) -> dict[str, Any]:
    latency = {"p99": 120.0}
    return {
        "offline": {"full_share_of_floor_cpu": 0.5, "full": {"articles_per_cpu_second": 100.0}, "stories": True},
        "stream": {
            "enrich": {"records_per_worker_cpu_second": worker_per_cpu, "peak_rss_mib": [250.0]},
            "latency": {"produce_to_enriched_record_ms": latency, "peak_rss_mib": 290.0},
            "latency_pass_through": {"produce_to_enriched_record_ms": {"p99": 60.0}},
        },
        "scale": {
            "runs": [
                {"records_per_worker_cpu_second": worker_per_cpu},
                {"records_per_worker_cpu_second": two_workers_per_cpu},
            ]
        },
    }


def test_each_target_is_judged_against_its_bound() -> None:
    judged = {name: (value, met) for name, value, _, met in targets(results(85.0, 76.0))}
    assert judged["full / floor per CPU-s, new articles"] == (0.5, False)
    assert judged["worker / offline per CPU-s"] == (0.85, True)
    assert judged["p99 at half capacity / pass-through p99"] == (2.0, True)
    assert judged["p99 at half capacity, ms"] == (120.0, True)
    rss_mb, rss_met = judged["worker peak RSS, MB"]
    assert round(rss_mb, 1) == 304.1 and not rss_met, "290 MiB is 304 MB: over the 300 MB bound"
    assert judged["two workers / one per CPU-s"][1] is False


def test_a_run_too_short_for_a_cpu_rate_says_so() -> None:
    lines = render_targets(results(None, None))
    assert any("worker / offline per CPU-s" in line and "too short" in line for line in lines)
    assert any("two workers / one per CPU-s" in line and "too short" in line for line in lines)
