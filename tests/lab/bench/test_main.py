"""`python -m lab.bench` end to end on tiny sizes: the table it prints and the JSON it writes (never its speed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lab.bench import main
from tests.lab.bench.corpus import write_corpus, write_wikipedia

TINY_OFFLINE = ["--articles", "3", "--warmup", "1"]
LATENCY_KEYS = {"p50", "p95", "p99", "max", "mean"}
DRAIN_KEYS = {
    "load_average_before",
    "records",
    "workers",
    "records_per_second",
    "records_per_worker_cpu_second",
    "worker_cores_used",
    "seconds_from_start_to_last_output",
    "duplicates",
    "peak_rss_mib",
    "records_per_worker",
}


def run_bench(arguments: list[str], tmp_path: Path) -> tuple[dict[str, Any], str]:
    printed: list[str] = []
    json_path = tmp_path / "bench.json"
    corpus, wikipedia = write_corpus(tmp_path), write_wikipedia(tmp_path)
    sources = ["--corpus", str(corpus), "--wikipedia", str(wikipedia)]
    assert main([*arguments, *sources, "--json", str(json_path)], output=printed.append) == 0
    return json.loads(json_path.read_text(encoding="utf-8")), "\n".join(printed)


def test_help_explains_each_part(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert all(part in text for part in ("offline:", "stream:", "scale:", "--quick", "--json"))


@pytest.mark.thorough
def test_offline_part_alone(tmp_path: Path) -> None:
    results, table = run_bench(["--part", "offline", *TINY_OFFLINE], tmp_path)

    assert {"date", "machine", "versions", "tagger", "options", "corpus", "load_average"} <= results.keys()
    assert "stream" not in results and "scale" not in results
    assert results["machine"]["nproc"] >= 1
    assert len(results["load_average"]["after"]) == 3
    offline = results["offline"]
    assert offline["articles"] == 3 and offline["warmup_articles"] == 1
    assert offline["full_share_of_floor_cpu"] > 0
    assert "full / floor" in table and "results written to" in table
    assert "targets" in table and "full / floor per CPU-s, new articles" in table


@pytest.mark.integration
def test_stream_and_scale_parts(broker: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in broker.items():
        monkeypatch.setenv(name, value)
    arguments = ["--part", "stream", "--part", "scale", "--articles", "18", "--warmup", "2", "--latency-seconds", "1"]
    arguments += ["--latency-warmup-seconds", "0.5"]
    results, table = run_bench([*arguments, "--bootstrap-servers", broker["KAFKA_BOOTSTRAP_SERVERS"]], tmp_path)

    stream, scale = results["stream"], results["scale"]
    for run in (stream["enrich"], stream["enrich_without_stories"], stream["pass_through"], *scale["runs"]):
        assert run.keys() >= DRAIN_KEYS
        assert run["records"] == 20
    # Duplicates are reported, not asserted: at-least-once allows them after a rebalance under load.
    assert isinstance(stream["enrich"]["duplicates"], int) and isinstance(stream["pass_through"]["duplicates"], int)
    assert [run["workers"] for run in scale["runs"]] == [1, 2]
    assert scale["one_worker_run"] == "stream.enrich"
    assert sum(scale["runs"][1]["records_per_worker"]) >= 20
    for latency in (stream["latency"], stream["latency_pass_through"]):
        assert latency["rate_per_second"] == pytest.approx(stream["enrich"]["records_per_second"] / 2)
        assert latency["warmup_records"] == round(latency["rate_per_second"] * 0.5)
        assert (
            LATENCY_KEYS == latency["produce_to_consumer_ms"].keys() == latency["produce_to_enriched_record_ms"].keys()
        )
    assert "pass-through" in table and "2 workers" in table and "stories on / off" in table
    assert "two workers / one per CPU-s" in table
