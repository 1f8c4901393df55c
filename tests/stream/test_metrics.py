"""The worker's metrics: Prometheus names, counts by kind, and lag series only for the partitions owned."""

from __future__ import annotations

from typing import get_args

from prometheus_client import generate_latest

from workers.contract.records import ErrorKind
from workers.routing import Output, OutputKind
from workers.stream.metrics import StreamMetrics, error_kind


def letter(kind: str) -> Output:
    headers = (("khabar.error.kind", kind.encode()), ("khabar.source.offset", b"7"))
    return Output("dead_letter", None, b"{}", headers=headers)


def test_each_worker_has_a_registry_of_its_own() -> None:
    first, second = StreamMetrics(), StreamMetrics()
    first.batch_done(3, [], replays_skipped=0)
    assert first.registry.get_sample_value("khabar_input_records_total") == 3
    assert second.registry.get_sample_value("khabar_input_records_total") == 0


def test_a_batch_counts_its_inputs_outputs_by_kind_dead_letters_by_error_kind_and_replays() -> None:
    metrics = StreamMetrics()
    outputs = [Output("enriched", b"a", b"{}"), Output("entity", b"x", b"{}"), Output("entity", b"y", b"{}")]
    metrics.batch_done(5, [*outputs, letter("not_json"), letter("not_json"), letter("schema")], replays_skipped=1)
    sample = metrics.registry.get_sample_value
    assert sample("khabar_input_records_total") == 5
    kinds = ("enriched", "entity", "dead_letter")
    assert [sample("khabar_output_records_total", {"kind": kind}) for kind in kinds] == [1, 2, 3]
    assert sample("khabar_dead_letters_total", {"error_kind": "not_json"}) == 2
    assert sample("khabar_dead_letters_total", {"error_kind": "schema"}) == 1
    assert sample("khabar_replays_skipped_total") == 1
    assert (sample("khabar_batch_records_count"), sample("khabar_batch_records_sum")) == (1, 5)
    assert metrics.totals == {"input": 5, "enriched": 1, "entity": 2, "dead_letter": 3, "replay_skipped": 1}


def test_every_output_kind_and_error_kind_is_exported_at_0_from_the_start() -> None:
    """So that a rate over them counts the first dead letter of a kind too."""
    sample = StreamMetrics().registry.get_sample_value
    assert [sample("khabar_output_records_total", {"kind": kind}) for kind in get_args(OutputKind)] == [0, 0, 0, 0]
    assert {sample("khabar_dead_letters_total", {"error_kind": kind}) for kind in get_args(ErrorKind)} == {0}


def test_duplicates_are_counted_from_the_story_entries_delivered() -> None:
    metrics = StreamMetrics()
    entries = [Output("story", b"a", b"{}"), Output("story", b"b", b"{}", duplicate=True)]
    metrics.batch_done(2, [Output("enriched", b"a", b"{}"), Output("enriched", b"b", b"{}"), *entries], 0)
    sample = metrics.registry.get_sample_value
    assert sample("khabar_duplicates_total") == 1
    assert sample("khabar_output_records_total", {"kind": "story"}) == 2
    assert metrics.totals["duplicate"] == 1


def test_the_error_kind_is_read_from_the_dead_letters_header() -> None:
    assert error_kind(letter("enrichment_timeout")) == "enrichment_timeout"
    assert error_kind(Output("dead_letter", None, b"{}")) == "unknown"


def test_names_follow_prometheus_conventions() -> None:
    metrics = StreamMetrics()
    metrics.set_lag("raw", {0: 3})
    metrics.pipeline_loaded({"name": "crf+titles", "version": "crf-abc"})
    families = {family.name: family.type for family in metrics.registry.collect() if family.name.startswith("khabar_")}
    assert families == {
        "khabar_input_records": "counter",
        "khabar_output_records": "counter",
        "khabar_dead_letters": "counter",
        "khabar_replays_skipped": "counter",
        "khabar_send_retries": "counter",
        "khabar_rebalances": "counter",
        "khabar_enrichment_seconds": "histogram",
        "khabar_end_to_end_seconds": "histogram",
        "khabar_batch_records": "histogram",
        "khabar_consumer_lag_records": "gauge",
        "khabar_duplicates": "counter",
        "khabar_story_index_entries": "gauge",
        "khabar_pipeline": "info",
    }
    text = generate_latest(metrics.registry).decode()
    assert "# TYPE khabar_input_records_total counter" in text
    assert "khabar_input_records_total 0.0" in text
    assert 'khabar_pipeline_info{model_version="crf-abc",pipeline_version="0.1.0",tagger="crf+titles"} 1.0' in text
    assert 'khabar_consumer_lag_records{partition="0",topic="raw"} 3.0' in text
    assert "process_resident_memory_bytes" in text


def test_a_revoked_partition_loses_its_lag_series_and_the_others_keep_theirs() -> None:
    metrics = StreamMetrics()
    metrics.set_lag("raw", {0: 4, 1: 0, 2: 7})
    metrics.partitions_revoked([("raw", 0), ("raw", 2), ("raw", 5), ("other", 1)])
    lag = metrics.registry.get_sample_value
    assert lag("khabar_consumer_lag_records", {"topic": "raw", "partition": "1"}) == 0
    assert lag("khabar_consumer_lag_records", {"topic": "raw", "partition": "0"}) is None
    assert lag("khabar_consumer_lag_records", {"topic": "raw", "partition": "2"}) is None
    assert metrics.total_lag() == 0


def test_each_measure_keeps_only_the_series_of_the_partitions_it_measured() -> None:
    """A measure taken while a rebalance was under way may have put back a revoked partition's series;
    the next measure, of the new assignment, removes it."""
    metrics = StreamMetrics()
    metrics.set_lag("raw", {0: 4, 1: 0, 2: 7, 3: 1})
    metrics.set_lag("other", {0: 2})
    metrics.set_lag("raw", {2: 6, 3: 0})
    lag = metrics.registry.get_sample_value
    assert [lag("khabar_consumer_lag_records", {"topic": "raw", "partition": str(p)}) for p in range(4)] == [
        None,
        None,
        6,
        0,
    ]
    assert lag("khabar_consumer_lag_records", {"topic": "other", "partition": "0"}) == 2
    assert metrics.total_lag() == 8


def test_the_total_lag_is_unknown_until_a_partition_end_is_known() -> None:
    metrics = StreamMetrics()
    assert metrics.total_lag() is None
    metrics.set_lag("raw", {0: 4, 3: 5})
    assert metrics.total_lag() == 9
