"""The thread that reads the topics into the dashboard's view: kafka-python, no consumer group.

It reads `articles.enriched` and `articles.entity-trends` from a bounded stretch before their end
(`BACKLOG`, per partition) and then as they grow, and samples the end offsets of the input, enriched
and dead-letter topics every `interval` seconds (`clients.end_offsets`: right on Tansu too). Nothing is
committed and no group is joined, so any number of dashboards may run beside the workers. Topics that
do not exist yet are looked for again every `TOPICS_EVERY` seconds, never created. A broker that goes
away is shown on the page (`Dashboard.set_problem`) while kafka-python reconnects.
"""

from __future__ import annotations

import logging
import threading
import time

from kafka import KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from workers import clients
from workers.dashboard.state import Dashboard
from workers.errors import KhabarError
from workers.settings import Settings

log = logging.getLogger(__name__)

#: Records read back from each partition's end at start: enough for the view's stories and windows
#: (a window start has one record per type and window name: 12 a bucket, 288 for 24 buckets).
BACKLOG = {"enriched": 200, "trends": 300}
#: The roles whose end offsets are sampled for the rates.
SAMPLED = ("raw", "enriched", "dead_letter")
#: What reading offsets raises when the broker is gone or lost the topics: kafka-python's errors, Khabar's
#: BrokerError (`clients.end_offsets`' time limit), and the KeyError kafka-python 3.0's ListOffsets raises
#: for a partition it has no metadata of (seen on a Tansu restarted under a running dashboard).
UNREADABLE = (KafkaError, KhabarError, KeyError)
TOPICS_EVERY = 10.0


def roles(settings: Settings) -> dict[str, str]:
    """The topic of each role: read (`enriched`, `trends`) or sampled (`raw`, `enriched`, `dead_letter`)."""
    return {
        "raw": settings.topic_raw,
        "enriched": settings.topic_enriched,
        "dead_letter": settings.topic_dead_letter,
        "trends": settings.topic_trends,
    }


class Feed(threading.Thread):
    """Reads until `stop()`; every failure it can live through is shown in the view and retried."""

    def __init__(self, settings: Settings, view: Dashboard, interval: float = 2.0) -> None:
        super().__init__(name="dashboard-feed", daemon=True)
        self._settings = settings
        self._view = view
        self._interval = interval
        self._stopping = threading.Event()
        self._topics = roles(settings)
        self._role_of = {topic: role for role, topic in self._topics.items() if role in BACKLOG}
        #: Partitions of each topic found so far (topics are looked for until all are found).
        self._partitions: dict[str, list[TopicPartition]] = {}
        self.failed: BaseException | None = None
        self._admin: KafkaAdminClient | None = None
        self._reader: KafkaConsumer | None = None
        view.set_topics(self._topics)

    def connect(self) -> None:
        """The first contact, in the caller's thread: BrokerError when no broker answers within
        KHABAR_CONNECT_TIMEOUT (or a SASL login is refused), before anything is served."""
        self._admin = clients.connect(self._settings)
        with clients.reaching_broker(self._settings):
            self._reader = clients.consumer(self._settings, allow_auto_create_topics=False)

    def problem(self) -> str | None:
        """Why the feed no longer reads (None while it does): for /health."""
        if self.failed is not None:
            return f"the feed stopped: {self.failed}"
        if self.ident is not None and not self.is_alive() and not self._stopping.is_set():
            return "the feed stopped"
        return None

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            self._read()
        except Exception as error:  # the page says so and /health fails; the traceback goes to the log
            log.exception("the dashboard's feed stopped")
            self.failed = error
            self._view.set_problem(f"the feed stopped: {error}")

    def _read(self) -> None:
        if self._admin is None or self._reader is None:
            self.connect()
        admin, reader = self._admin, self._reader
        assert admin is not None and reader is not None
        try:
            next_topics = next_sample = 0.0
            while not self._stopping.is_set():
                now = time.monotonic()
                if now >= next_topics and len(self._partitions) < len(self._topics):
                    self._find_topics(admin, reader)
                    next_topics = now + TOPICS_EVERY
                if now >= next_sample:
                    self._sample()
                    next_sample = now + self._interval
                if reader.assignment():
                    try:
                        batches = reader.poll(timeout_ms=250)
                    except KafkaError as error:
                        self._view.set_problem(f"reading failed: {describe(error)}")
                        self._stopping.wait(1.0)
                        continue
                    for batch in batches.values():
                        for record in batch:
                            self._view.add_record(self._role_of[record.topic], record.value, record.timestamp)
                else:
                    self._stopping.wait(0.25)
        finally:
            reader.close()
            admin.close()

    def _find_topics(self, admin: KafkaAdminClient, reader: KafkaConsumer) -> None:
        """Partitions of the topics not found yet; those to read are read from `BACKLOG` before their end."""
        try:
            existing = set(admin.list_topics())
            wanted = [t for t in self._topics.values() if t in existing and t not in self._partitions]
            found = {
                topic["name"]: [TopicPartition(topic["name"], p["partition_index"]) for p in topic["partitions"]]
                for topic in (admin.describe_topics(wanted) if wanted else [])
                if topic["partitions"]
            }
        except KafkaError as error:
            self._view.set_problem(f"the topics could not be listed: {error}")
            return
        assigned = reader.assignment()
        new = [tp for topic, partitions in found.items() if topic in self._role_of for tp in partitions]
        new = [tp for tp in new if tp not in assigned]
        try:
            ends = clients.end_offsets(self._settings, new) if new else {}
            starts = reader.beginning_offsets(new) if new else {}
        except UNREADABLE as error:
            self._view.set_problem(f"the ends of {', '.join(sorted(found))} could not be read: {describe(error)}")
            return
        self._partitions.update(found)
        if not new:
            return
        reader.assign([*assigned, *new])
        for partition in new:
            back = BACKLOG[self._role_of[partition.topic]]
            reader.seek(partition, max(starts[partition], ends[partition] - back))
        log.info("reading %s", ", ".join(sorted({tp.topic for tp in new})))

    def _sample(self) -> None:
        """The end offsets summed per role. When they cannot be read (the broker gone, or restarted
        without the topics: Tansu's memory storage), the topics are looked for again."""
        sampled = [tp for role in SAMPLED for tp in self._partitions.get(self._topics[role], [])]
        if not sampled:
            self._view.add_offsets(dict.fromkeys(SAMPLED))
            return
        try:
            ends = clients.end_offsets(self._settings, sampled)
        except UNREADABLE as error:
            self._view.set_problem(f"the end offsets could not be read: {describe(error)}")
            self._partitions.clear()
            return
        totals: dict[str, int | None] = {}
        for role in SAMPLED:
            partitions = self._partitions.get(self._topics[role])
            totals[role] = sum(ends[tp] for tp in partitions) if partitions else None
        self._view.add_offsets(totals)
        self._view.set_problem(None)


def describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
