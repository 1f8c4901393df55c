"""`khabar trends`: the trending-entities job, thin Kafka glue around `workers.trends`.

What it does. A consumer group of its own (`<app id>-trends`) reads `articles.entities`; more
processes in the group share its partitions. Each owned partition's mentions are counted into
tumbling buckets of event time (`workers.trends.counts`), and when a bucket closes on every partition,
the process that owns input partition 0 publishes, on `articles.entity-trends`, for the bucket, the
hour and the day ending with it, each type's top entities (`workers.trends.ranking`).

State, and why the counts are exact. No Faust table (its recovery can commit past unprocessed records:
faust-streaming #596, #606), and no resuming from the group's committed offsets: a kafka-python consumer
with manual offsets, one loop (poll, count, store, checkpoint, publish) whose every step can be read
and proved, and the state in one compacted topic, `<app id>-trends-state`, with the input's partition
count (`workers.trends.state`).
Input partition `p` owns its entities (the input is keyed by entity) and writes only to partition `p`
of it, in order, each write acknowledged before the next:

1. every bucket that closed on `p`, with its final counts (`bucket/<p>/<index>`);
2. then `checkpoint/<p>`: the first offset counted into a bucket still open, the latest event time read
   (which decides which buckets are closed) and the position reached.

The counts of open buckets are in memory only. A process that gets `p` (at start, after a crash of
another, after a rebalance) reads the state topic to its end, restores `p`'s counts from its latest
checkpoint (empty: the buckets open there are rebuilt) and reads `p` from the checkpoint's offset.
Every record from that offset on was either counted into a bucket that is open at the checkpoint (all
of whose records lie at or after the offset, so it is rebuilt whole, each `mention_id` once in it) or belongs
to a bucket closed at the checkpoint (stored in step 1 before the checkpoint, or empty: the record is
late, as it was the first time; counted as replayed). Reading on from there makes the same decision for
each record as the first reading did, because the watermark is a function of the partition's own
records, so a bucket that closes again closes with the same counts and is written again under the same
key with the same value. A crash at any point leaves some checkpoint whose buckets are all stored: the
counts of every bucket are those of one uninterrupted reading. Nothing is lost (no checkpoint passes a
record of an open bucket) and nothing counted twice (a bucket is either stored whole or rebuilt whole).

A rebalance: the group's callbacks run inside the consumer's poll and only take note; the loop then
reads the new partitions' checkpoints and seeks them (paused until then, so nothing of them is counted
before). A revoked partition's counts are dropped unwritten: its next owner reads again what was read
since its last checkpoint. Two processes that both think they own `p` for a while (one dropped from
the group without knowing) write the same buckets under the same keys, and checkpoints each of which
is a consistent state. The group's committed offsets (each checkpoint's offset, committed after it)
only show the lag: resuming reads the checkpoint, a record the broker keeps whole (Tansu, for one,
drops commit metadata).

The window records are published by the owner of input partition 0 once every partition's checkpoint
closes a bucket, for every bucket since the `published` marker (state partition 0), written after
they are acknowledged. A crash in between publishes the same records again: same keys, same values.

Memory: the open buckets of the owned partitions (their mention ids for dedupe, article ids and
sources per entity), and the view of the state topic: the closed buckets of the last day and the
baseline before it (`retention`), as counts per entity. Older buckets are tombstoned by their
partition's owner.

Limits: a partition that gets no records holds every window open (its watermark stays); one far ahead
in event time makes the others' records late. A mention repeated after its bucket closed is late, not
counted twice.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import orjson
from kafka import ConsumerRebalanceListener, TopicPartition
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata
from prometheus_client import CollectorRegistry, Counter, Gauge, ProcessCollector

from workers import clients
from workers.contract.schemas import TREND_SCHEMA, schema_errors
from workers.errors import BrokerError
from workers.settings import Settings
from workers.stream.health import Heartbeat, Readiness, serve
from workers.trends.counts import Mention, Outcome, PartitionCounts
from workers.trends.ranking import TYPES, Scoring, buckets_to_publish, window_records
from workers.trends.state import (
    PUBLISHED_KEY,
    StateView,
    bucket_key,
    bucket_value,
    checkpoint_key,
    checkpoint_value,
)
from workers.trends.windows import Buckets, event_time_ms

if TYPE_CHECKING:
    from kafka import KafkaConsumer, KafkaProducer
    from kafka.consumer.fetcher import ConsumerRecord

log = logging.getLogger(__name__)

#: The start of the line logged on each assignment (the test harness waits for it, as for the worker).
PARTITIONS_ASSIGNED = "partitions assigned"
POLL_MS = 200
PROGRESS_EVERY_SECONDS = 10.0
RETRY_FIRST_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
#: How long a process waits to read the state topic to its end before it counts or publishes.
CATCH_UP_SECONDS = 60.0


class TrendsMetrics:
    """The trends job's own Prometheus metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.input_records = Counter(
            "khabar_trends_input_records",
            "Entity mentions read, by outcome: counted, duplicate (mention_id already counted), late (its bucket "
            "had closed), replayed (read again after a restart), invalid",
            ["outcome"],
            registry=self.registry,
        )
        self.buckets_closed = Counter(
            "khabar_trends_buckets_closed", "Buckets closed and stored, per input partition", registry=self.registry
        )
        self.windows_published = Counter(
            "khabar_trends_windows_published",
            "Window records published (one per window, type and start)",
            ["window"],
            registry=self.registry,
        )
        self.open_buckets = Gauge(
            "khabar_trends_open_buckets", "Buckets open in memory over the owned partitions", registry=self.registry
        )
        self.rebalances = Counter(
            "khabar_trends_rebalances",
            "Partition assignments received (the first join included)",
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)
        for outcome in (*(o.value for o in Outcome), "invalid"):
            self.input_records.labels(outcome)
        for window in ("bucket", "hour", "day"):
            self.windows_published.labels(window)
        #: The same counts as plain numbers, for the log lines.
        self.totals: Tally[str] = Tally()

    def counted(self, outcomes: Mapping[str, int]) -> None:
        for outcome, count in outcomes.items():
            self.input_records.labels(outcome).inc(count)
        self.totals.update(outcomes)

    def line(self) -> str:
        t = self.totals
        return (
            f"{sum(t[o] for o in ('counted', 'duplicate', 'late', 'replayed', 'invalid'))} mentions in: "
            f"{t['counted']} counted, {t['duplicate']} duplicates, {t['late']} late, {t['replayed']} replayed, "
            f"{t['invalid']} invalid; {t['buckets']} buckets closed, {t['windows']} window records published"
        )


def decode_mention(value: bytes | None, timestamp_ms: int | None) -> Mention | None:
    """The fields the trends count, from an entity-mention.v1.1 record; None when they are not there."""
    try:
        record = orjson.loads(value or b"")
        entity, canonical = record["entity"], record["canonical"]
        mention_id, article_id, kind = record["mention_id"], record["article_id"], entity["type"]
        normalized, text = canonical["normalized"], canonical["text"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None
    source = record.get("source")
    event_ms = event_time_ms(record.get("published_at"), timestamp_ms)
    if (
        kind not in TYPES
        or event_ms is None
        or not all(isinstance(v, str) for v in (mention_id, article_id, normalized, text))
        or not isinstance(source, str | None)
    ):
        return None
    return Mention(mention_id, article_id, kind, normalized, text, source, event_ms)


def trends_topics(settings: Settings) -> dict[str, dict[str, str]]:
    """The topics the job writes, with their configs: the state topic is compacted."""
    limit = {"max.message.bytes": str(clients.output_record_limit(settings) + 64 * 1024)}
    return {
        settings.topic_trends: limit,
        settings.trends_state_topic: {**limit, "cleanup.policy": "compact"},
    }


def ensure_trends_topics(settings: Settings) -> int:
    """Create Khabar's topics and the job's where missing; the input topic's partition count."""
    clients.ensure_topics(settings)
    admin = clients.connect(settings)
    try:
        described = admin.describe_topics([settings.topic_entities])
        partitions = len(described[0]["partitions"]) or settings.partitions
        # The state topic has a partition for each input partition.
        clients.create_topics(replace(settings, partitions=partitions), admin, trends_topics(settings))
    finally:
        admin.close()
    return partitions


def known_partitions(consumer: KafkaConsumer, settings: Settings, topic: str, wanted: int) -> set[int]:
    """`topic`'s partitions once the client's metadata shows `wanted` of them: a topic just created takes
    a moment to appear on Kafka, and a group member that joins before it is assigned nothing."""
    deadline = time.monotonic() + settings.connect_timeout
    while True:
        found = consumer.partitions_for_topic(topic) or set()
        if len(found) >= wanted:
            return set(found)
        if time.monotonic() > deadline:
            raise BrokerError(
                f"topic {topic} shows {len(found)} partitions within {settings.connect_timeout:g}s, not {wanted}: "
                f"the trends state topic needs one for each partition of {settings.topic_entities}"
            )
        time.sleep(0.2)


class StateFollower:
    """Reads the whole state topic into a `StateView` and keeps reading it (polled by the job's loop)."""

    def __init__(self, settings: Settings, view: StateView, partitions: int) -> None:
        self._view = view
        self._consumer: KafkaConsumer = clients.consumer(
            settings, client_id=f"{settings.app_id}-trends-state", fetch_max_wait_ms=settings.fetch_wait_ms
        )
        topic = settings.trends_state_topic
        self._partitions = [
            TopicPartition(topic, p) for p in sorted(known_partitions(self._consumer, settings, topic, partitions))
        ]
        self._consumer.assign(self._partitions)
        self._consumer.seek_to_beginning(*self._partitions)
        self.records_read = 0

    def poll(self, timeout_ms: int = 0) -> None:
        for records in self._consumer.poll(timeout_ms=timeout_ms).values():
            for record in records:
                self._view.apply(record.key.decode(), None if record.value is None else orjson.loads(record.value))
            self.records_read += len(records)

    def catch_up(self, timeout: float = CATCH_UP_SECONDS) -> None:
        """Read until every record written before the call is in the view."""
        consumer = self._consumer
        targets = consumer.end_offsets(self._partitions)
        deadline = time.monotonic() + timeout
        while True:
            # Short polls: this runs in the group's rebalance callback too, inside the consumer's poll.
            self.poll(timeout_ms=10)
            # ListOffsets answers short of the end on Tansu (the last batch's base + 1); the high
            # watermark of a fetch response is the end on both brokers.
            if all(
                (high := consumer.highwater(tp)) is not None and consumer.position(tp) >= max(high, targets.get(tp, 0))
                for tp in self._partitions
            ):
                return
            if time.monotonic() > deadline:
                raise BrokerError(f"the trends state topic could not be read to its end within {timeout:.0f}s")

    def close(self) -> None:
        self._consumer.close()


class _Rebalance(ConsumerRebalanceListener):
    def __init__(self, job: TrendsJob) -> None:
        self._job = job

    def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        self._job.revoked({tp.partition for tp in revoked})

    def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        self._job.assigned(list(assigned))


class TrendsJob:
    """One process of the trends job: count the owned partitions, store, checkpoint, publish."""

    def __init__(self, settings: Settings, metrics: TrendsMetrics, input_partitions: int) -> None:
        self._settings = settings
        self._metrics = metrics
        self._input_partitions = input_partitions
        self._buckets = Buckets(settings.trends_bucket_seconds, settings.trends_lateness)
        self._windows = self._buckets.windows()
        self._longest = max(window.buckets for window in self._windows)
        self._scoring = Scoring(settings.trends_top, settings.trends_baseline_buckets)
        #: Buckets kept: the longest window and the baseline before it.
        self.retention = self._longest + settings.trends_baseline_buckets
        self.view = StateView(self._buckets, self.retention)
        self._counts: dict[int, PartitionCounts] = {}
        #: The next offset of each owned partition, once a record of it was read since the last checkpoint.
        self._dirty: dict[int, int] = {}
        #: Partitions assigned and paused until their checkpoints are read; the whole assignment of the
        #: last rebalance, until the loop has seen it.
        self._restoring: list[TopicPartition] = []
        self._assigned_now: list[int] | None = None
        self._stored_at = time.monotonic()
        self.stopping = threading.Event()
        self.assignment_held = False
        self.caught_up = False
        self._producer: KafkaProducer = clients.producer(
            settings, client_id=f"{settings.app_id}-trends", linger_ms=5, retries=5
        )
        self._follower = StateFollower(settings, self.view, input_partitions)
        self._consumer: KafkaConsumer = clients.consumer(
            settings,
            client_id=f"{settings.app_id}-trends",
            group_id=settings.trends_group,
            enable_auto_commit=False,
            max_poll_records=settings.buffer_records,
            fetch_max_wait_ms=settings.fetch_wait_ms,
            session_timeout_ms=int(settings.session_timeout * 1000),
            heartbeat_interval_ms=int(settings.heartbeat_interval * 1000),
            max_poll_interval_ms=int(max(60.0, CATCH_UP_SECONDS + 10) * 1000),
        )

    # -- the group -----------------------------------------------------------------------------------

    # Both run inside the consumer's poll: they only take note, and the loop does the work after the poll.

    def revoked(self, partitions: set[int]) -> None:
        """Forget the partitions: their new owner (this process again, maybe) resumes from their latest
        checkpoint, which any read since only repeats."""
        self.assignment_held = False
        for partition in partitions:
            self._counts.pop(partition, None)
            self._dirty.pop(partition, None)
        self._restoring = [tp for tp in self._restoring if tp.partition not in partitions]
        if partitions:
            log.info("rebalancing: partitions revoked (%s)", ", ".join(map(str, sorted(partitions))))

    def assigned(self, partitions: list[TopicPartition]) -> None:
        """Pause the new partitions until `_restore` has read their checkpoints."""
        self._metrics.rebalances.inc()
        new = [tp for tp in partitions if tp.partition not in self._counts]
        self._consumer.pause(*new)
        self._restoring.extend(new)
        self._assigned_now = sorted(tp.partition for tp in partitions)

    def _restore(self) -> set[int]:
        """Restore each new partition from its latest checkpoint and read it again from the checkpoint's
        offset; the partitions restored."""
        restoring, self._restoring = sorted(self._restoring, key=lambda tp: tp.partition), []
        self._follower.catch_up()
        self.caught_up = True
        shown = []
        for tp in restoring:
            checkpoint = self.view.checkpoint(tp.partition)
            self._counts[tp.partition] = PartitionCounts(self._buckets, checkpoint)
            if checkpoint is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, checkpoint.offset)
            shown.append(f"{tp.partition} from {checkpoint.offset if checkpoint else 'the beginning'}")
        self._consumer.resume(*restoring)
        restored = {tp.partition for tp in restoring}
        shown += [f"{p} (kept)" for p in self._assigned_now or () if p in self._counts and p not in restored]
        self.assignment_held = True
        log.info("%s: %s %s", PARTITIONS_ASSIGNED, self._settings.topic_entities, ", ".join(shown) or "none")
        return {tp.partition for tp in restoring}

    # -- the loop ------------------------------------------------------------------------------------

    def run(self, beat: Callable[[], None] = lambda: None) -> None:
        """Poll, count, store and checkpoint, publish, until `stopping` is set; `beat` once a loop."""
        settings = self._settings
        self._follower.catch_up()  # before joining: the first assignment finds the view current
        known_partitions(self._consumer, settings, settings.topic_entities, self._input_partitions)
        self._consumer.subscribe([settings.topic_entities], listener=_Rebalance(self))
        # The group's first assignment must see the input's partitions: kafka-python 3.0.12 otherwise
        # assigns from an empty metadata snapshot, rejoins at once, and on Kafka a poll that times out
        # during that rejoin can leave the member out of the group for good (seen in 1 of 4 runs of the
        # two-jobs test). A metadata fetch after subscribing fills the snapshot before the first join.
        self._consumer.topics()
        progress_at, last_line = time.monotonic(), ""
        try:
            while not self.stopping.is_set():
                beat()
                polled = self._consumer.poll(timeout_ms=POLL_MS)
                if self._assigned_now is not None:
                    restored = self._restore()
                    self._assigned_now = None
                    # read again from their checkpoints: what this poll gave of them is not taken
                    polled = {tp: records for tp, records in polled.items() if tp.partition not in restored}
                self._take(polled)
                self._store()
                self._follower.poll()
                self._publish()
                if time.monotonic() - progress_at >= PROGRESS_EVERY_SECONDS:
                    progress_at, line = time.monotonic(), self._metrics.line()
                    if line != last_line:
                        log.info("progress: %s; %d buckets open", line, self._open_buckets())
                        last_line = line
            self._store(force=True)
        finally:
            self._follower.close()
            self._consumer.close(autocommit=False)  # leaves the group: its partitions go to the others now
            self._producer.close(timeout=5)
            log.info("trends stopped after %s", self._metrics.line())

    def _open_buckets(self) -> int:
        return sum(counts.open_buckets for counts in self._counts.values())

    def _take(self, polled: Mapping[TopicPartition, list[ConsumerRecord]]) -> None:
        outcomes: Tally[str] = Tally()
        for tp, records in polled.items():
            counts = self._counts.get(tp.partition)
            if counts is None:  # revoked meanwhile
                continue
            for record in records:
                mention = decode_mention(record.value, record.timestamp)
                if mention is None:
                    outcomes["invalid"] += 1
                else:
                    outcomes[counts.add(record.offset, mention).value] += 1
            if records:
                self._dirty[tp.partition] = records[-1].offset + 1
        if outcomes["late"]:
            log.info(
                "%d mentions later than the allowed lateness (KHABAR_TRENDS_LATENESS=%gs): not counted",
                outcomes["late"],
                self._settings.trends_lateness,
            )
        self._metrics.counted(outcomes)

    def _store(self, force: bool = False) -> None:
        """Store the buckets that closed, then checkpoint: at once when a bucket closed, else every commit interval."""
        closed = {partition: self._counts[partition].close_due() for partition in self._dirty}
        elapsed = time.monotonic() - self._stored_at >= self._settings.commit_interval
        if not self._dirty or not (force or elapsed or any(closed.values())):
            return
        topic = self._settings.trends_state_topic
        writes: list[tuple[int | None, str, Any]] = []
        for partition, buckets in closed.items():
            writes.extend((partition, bucket_key(partition, b.index), bucket_value(partition, b)) for b in buckets)
            through = self._counts[partition].closed_through
            if through is not None:
                expired = [i for i in self.view.partition_buckets(partition) if i <= through - self.retention]
                writes.extend((partition, bucket_key(partition, index), None) for index in expired)
        self._write(topic, writes)
        checkpoints = {p: self._counts[p].checkpoint(offset) for p, offset in self._dirty.items()}
        self._write(
            topic,
            [(p, checkpoint_key(p), checkpoint_value(p, checkpoint)) for p, checkpoint in checkpoints.items()],
        )
        closed_count = sum(len(buckets) for buckets in closed.values())
        self._metrics.buckets_closed.inc(closed_count)
        self._metrics.totals["buckets"] += closed_count
        self._metrics.open_buckets.set(self._open_buckets())
        self._dirty.clear()
        self._stored_at = time.monotonic()
        # Only for people and lag tools: resuming reads the checkpoint.
        offsets = {
            TopicPartition(self._settings.topic_entities, p): OffsetAndMetadata(c.offset, "", -1)
            for p, c in checkpoints.items()
        }
        try:
            self._consumer.commit(offsets)
        except KafkaError as error:
            log.debug("offset commit skipped (%s); the checkpoints hold", error)

    def _write(self, topic: str, writes: Sequence[tuple[int | None, str, Any]]) -> None:
        """Send each (partition, key, value or None) and wait until the broker has them all; again on failure."""
        if not writes:
            return
        delay = RETRY_FIRST_DELAY
        while True:
            try:
                futures = [
                    self._producer.send(
                        topic,
                        key=key.encode(),
                        value=None if value is None else orjson.dumps(value),
                        partition=partition,
                    )
                    for partition, key, value in writes
                ]
                self._producer.flush()
                for future in futures:
                    future.get(timeout=clients.DELIVERY_SECONDS)
                return
            except KafkaError as error:  # a send refused at once (no metadata) or a delivery failed
                if self.stopping.is_set():
                    raise BrokerError(
                        f"writing to {topic} failed while stopping ({error}); "
                        "its partitions resume from their last checkpoints"
                    ) from None
                log.warning("writing to %s failed (%s); sending again in %.1fs", topic, error, delay)
                time.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY)

    def _publish(self) -> None:
        """As the owner of input partition 0: the window records of every bucket complete since the last."""
        if 0 not in self._counts or not self.caught_up:
            return
        view = self.view
        through = view.complete_through(self._input_partitions)
        if through is None or (view.published_through is not None and through <= view.published_through):
            return
        held = list(view.by_bucket)
        start = view.published_through + 1 if view.published_through is not None else min(held, default=through + 1)
        records: list[tuple[int | None, str, Any]] = []
        published: Tally[str] = Tally()
        for end in buckets_to_publish(held, start, through, self._longest):
            for window in self._windows:
                for key, record in window_records(view.counts, self._buckets, window, end, self._scoring):
                    errors = schema_errors(TREND_SCHEMA, record)
                    if errors:  # a bug: said loudly, and the other records still go out
                        log.error("window record %s does not conform to %s: %s", key, TREND_SCHEMA, errors)
                        continue
                    records.append((None, key, record))
                    published[window.name] += 1
        self._write(self._settings.topic_trends, records)
        self._write(self._settings.trends_state_topic, [(0, PUBLISHED_KEY, {"through": through})])
        view.published_through = through
        view.prune(through)
        for name, count in published.items():
            self._metrics.windows_published.labels(name).inc(count)
        self._metrics.totals["windows"] += sum(published.values())
        if records:
            log.info("published %d window records through bucket %d", len(records), through)


def run(settings: Settings) -> int:
    """Run the trends job until SIGTERM or Ctrl-C; its exit code."""
    metrics, heartbeat, readiness = TrendsMetrics(), Heartbeat(), Readiness()
    input_partitions = ensure_trends_topics(settings)
    job = TrendsJob(settings, metrics, input_partitions)
    readiness.require("the trends state topic is still being read", lambda: job.caught_up)
    readiness.require("no partitions assigned yet: the consumer group is not joined", lambda: job.assignment_held)
    server = serve(settings.metrics_host, settings.trends_metrics_port, metrics.registry, heartbeat, readiness)

    def stop(signum: int, frame: object) -> None:
        job.stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    log.info(
        "trends starting: group %s on %s, input %s (%d partitions), output %s; buckets of %ds, lateness %gs",
        settings.trends_group,
        settings.bootstrap_servers,
        settings.topic_entities,
        input_partitions,
        settings.topic_trends,
        settings.trends_bucket_seconds,
        settings.trends_lateness,
    )
    try:
        job.run(heartbeat.beat)
    finally:
        if server is not None:
            server.stop()
    return 0
