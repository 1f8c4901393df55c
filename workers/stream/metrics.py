"""The worker's Prometheus metrics, in a registry of its own: tests build several side by side, and
nothing registered by a library in the process's default registry leaks into `/metrics`.

Names follow Prometheus' conventions: counters end in `_total`, durations are in seconds. The
consumer lag has one series per partition of the input topic this worker owns; a partition's series
goes when the partition is revoked, so a scrape never shows the lag of a partition another worker
now consumes.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from typing import get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info, ProcessCollector

import workers
from workers.contract.records import ErrorKind, TaggerInfo
from workers.contract.wire import DEAD_LETTER_HEADER_PREFIX
from workers.routing import Output, OutputKind

#: An article takes milliseconds; a long one, or a slow tagger, seconds.
ENRICHMENT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: From the producer's timestamp to delivery: a backlog or a stopped worker adds minutes.
END_TO_END_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
ERROR_KIND_HEADER = DEAD_LETTER_HEADER_PREFIX + "error.kind"


def error_kind(output: Output) -> str:
    """A dead letter's `error.kind`, read from its header rather than by parsing its value again."""
    return next((value.decode() for name, value in output.headers if name == ERROR_KIND_HEADER), "unknown")


class StreamMetrics:
    """Every metric of the worker, and the updates the agent and the rebalance handlers make."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.input_records = Counter(
            "khabar_input_records", "Records read from the input topic and processed", registry=registry
        )
        self.output_records = Counter(
            "khabar_output_records", "Records delivered to the output topics, by kind", ["kind"], registry=registry
        )
        self.dead_letters = Counter(
            "khabar_dead_letters", "Dead letters delivered, by error.kind", ["error_kind"], registry=registry
        )
        self.replays_skipped = Counter(
            "khabar_replays_skipped",
            "Input records skipped because their article was published within the dedupe horizon",
            registry=registry,
        )
        self.send_retries = Counter(
            "khabar_send_retries",
            "Sends (deliveries, changelog writes) retried after a broker error",
            registry=registry,
        )
        self.rebalances = Counter(
            "khabar_rebalances", "Partition assignments received (the first join included)", registry=registry
        )
        self.enrichment_seconds = Histogram(
            "khabar_enrichment_seconds",
            "Time to decode, enrich and encode one input record",
            buckets=ENRICHMENT_BUCKETS,
            registry=registry,
        )
        self.end_to_end_seconds = Histogram(
            "khabar_end_to_end_seconds",
            "From the input record's timestamp until all its outputs were delivered",
            buckets=END_TO_END_BUCKETS,
            registry=registry,
        )
        self.batch_records = Histogram(
            "khabar_batch_records", "Input records per batch", buckets=BATCH_BUCKETS, registry=registry
        )
        self.consumer_lag = Gauge(
            "khabar_consumer_lag_records",
            "Records of an owned input partition past the group's committed offset",
            ["topic", "partition"],
            registry=registry,
        )
        self.duplicates = Counter(
            "khabar_duplicates",
            "Articles published as a near-duplicate of an earlier one (duplicate_of set)",
            registry=registry,
        )
        self.story_index_entries = Gauge(
            "khabar_story_index_entries",
            "Entries in the worker's story index (this worker's and the others', within the horizon)",
            registry=registry,
        )
        self.pipeline = Info("khabar_pipeline", "The versions of what enriches the articles", registry=registry)
        ProcessCollector(registry=registry)
        # Every kind is exported from the start, at 0: a rate over a series that appears later misses its first count.
        for kind in get_args(OutputKind):
            self.output_records.labels(kind)
        for kind in get_args(ErrorKind):
            self.dead_letters.labels(kind)
        #: The same counts as plain numbers, for the worker's log lines.
        self.totals: Tally[str] = Tally()
        self._lag_series: set[tuple[str, int]] = set()

    def pipeline_loaded(self, tagger: TaggerInfo) -> None:
        """Name the tagger, its model's version and the pipeline's version once the pipeline is loaded."""
        self.pipeline.info(
            {"tagger": tagger["name"], "model_version": tagger["version"], "pipeline_version": workers.__version__}
        )

    def batch_done(self, records: int, outputs: Iterable[Output], replays_skipped: int) -> None:
        """Count a batch whose outputs have all been delivered."""
        self.batch_records.observe(records)
        self.input_records.inc(records)
        self.totals["input"] += records
        # Counted by kind first: a batch has some fifty outputs per article and three kinds, and each
        # labelled increment takes the metric's lock.
        kinds: Tally[str] = Tally()
        letters: Tally[str] = Tally()
        duplicates = 0
        for output in outputs:
            kinds[output.kind] += 1
            if output.kind == "dead_letter":
                letters[error_kind(output)] += 1
            duplicates += output.duplicate
        for kind, count in kinds.items():
            self.output_records.labels(kind).inc(count)
        for kind, count in letters.items():
            self.dead_letters.labels(kind).inc(count)
        self.totals.update(kinds)
        if duplicates:
            self.duplicates.inc(duplicates)
            self.totals["duplicate"] += duplicates
        if replays_skipped:
            self.replays_skipped.inc(replays_skipped)
            self.totals["replay_skipped"] += replays_skipped

    def set_lag(self, topic: str, lags: Mapping[int, int]) -> None:
        """The lag of each owned partition of `topic` whose end is known; the series of every other
        partition of `topic` is removed. During a rebalance the consumer may still list partitions that
        were just revoked, so each measure, not only the revocation, decides which series exist."""
        self.partitions_revoked(
            [(owner, partition) for owner, partition in self._lag_series if owner == topic and partition not in lags]
        )
        for partition, lag in lags.items():
            self.consumer_lag.labels(topic, str(partition)).set(lag)
            self._lag_series.add((topic, partition))

    def partitions_revoked(self, revoked: Iterable[tuple[str, int]]) -> None:
        """Remove the series of partitions this worker no longer owns: another worker reports them now."""
        for topic, partition in revoked:
            if (topic, partition) in self._lag_series:
                self._lag_series.discard((topic, partition))
                self.consumer_lag.remove(topic, str(partition))

    def total_lag(self) -> int | None:
        """The summed lag of the owned partitions; None while no partition's end is known."""
        if not self._lag_series:
            return None
        return sum(int(sample.value) for metric in self.consumer_lag.collect() for sample in metric.samples)
