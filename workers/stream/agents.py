"""The enrich agent: raw records in; enriched records, entity mentions and dead letters out.

At-least-once: a batch's input offsets are acknowledged only after every output of the batch has
been delivered (Faust's `take_events` acks when the loop body finishes, so the body waits for the
delivery reports). Enrichment is CPU work, so it runs in a worker thread, a batch at a time: the
event loop stays free to heartbeat and send, and the consumer keeps its place in the group.
Articles published within the dedupe horizon (a replay after a crash or a rebalance) are
skipped: see `workers.stream.published`. With stories on, the thread decides each article's
`duplicate_of` and `story_id` in the batch's order, and the article's index entry is one more output
of the batch, to the stories topic: see `workers.stream.stories`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, cast

import faust
import orjson
from aiokafka.errors import KafkaError
from faust.exceptions import ProducerSendError
from faust.types import EventT, Message

from workers.clients import output_record_limit
from workers.contract.records import TopicSource
from workers.contract.wire import Headers
from workers.errors import KhabarError
from workers.pipeline import Pipeline
from workers.routing import Output, OutputKind, route
from workers.settings import Settings
from workers.stories.decider import StoryDecider
from workers.stream.health import Readiness
from workers.stream.memory import MemoryReturner
from workers.stream.metrics import StreamMetrics
from workers.stream.progress import Progress
from workers.stream.published import ChangelogFollower, PublishedKeys
from workers.stream.stories import follow_stories, story_decider
from workers.stream.topic_watch import CHECK_EVERY_SECONDS, TopicsReplaced, TopicWatch

log = logging.getLogger(__name__)

RETRY_FIRST_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
PROGRESS_EVERY_SECONDS = 10.0


class Send(Protocol):
    """Sends one record (topic, key, value, partition or None, headers) and returns its delivery to await."""

    def __call__(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, headers: Headers = ()
    ) -> Awaitable[Awaitable[Any]]: ...


@dataclass(frozen=True)
class Topics:
    """The input topic as Faust consumes it, and the name of the topic of each kind of output."""

    raw: faust.TopicT
    outputs: Mapping[OutputKind, str]


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    """Raw input is read as bytes so that decoding (and dead-lettering) is Khabar's, not Faust's."""
    raw = app.topic(
        settings.topic_raw,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )
    outputs: dict[OutputKind, str] = {
        "enriched": settings.topic_enriched,
        "entity": settings.topic_entities,
        "dead_letter": settings.topic_dead_letter,
        "story": settings.stories_topic,
    }
    return Topics(raw, outputs)


def producer_send(app: faust.App) -> Send:
    """Send through the app's producer, skipping Faust's per-message topic machinery (a third of
    the worker's CPU at 50 outputs per article); the records are bytes already."""

    async def send(
        topic: str, key: bytes | None, value: bytes | None, partition: int | None, headers: Headers = ()
    ) -> Awaitable[Any]:
        return await app.producer.send(topic, key, value, partition, None, list(headers) or None)

    return send


def message_source(message: Message) -> TopicSource:
    """Where a record came from, as the dead-letter schema records it."""
    key = message.key
    return {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "key": key.decode("utf-8", "replace") if isinstance(key, bytes) else None,
    }


class EnrichAgent:
    """Callable Faust agent body; holds the pipeline built once at start-up, and counts into `metrics`."""

    def __init__(
        self,
        pipeline: Pipeline,
        topics: Topics,
        send: Send,
        settings: Settings,
        metrics: StreamMetrics,
        published: PublishedKeys | None = None,
        stories: StoryDecider | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._stories = stories
        self._topics = topics
        self._send = send
        self._settings = settings
        self._metrics = metrics
        self._published = published
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich")
        self._return_memory = MemoryReturner()
        #: Why the worker must stop (its topics were replaced); retries end when it is set.
        self.stopped_by: KhabarError | None = None

    async def __call__(self, stream: faust.StreamT) -> None:
        settings = self._settings
        async for events in cast(faust.Stream, stream).take_events(settings.batch_size, within=settings.batch_seconds):
            work = asyncio.ensure_future(self._process(events))
            try:
                await asyncio.shield(work)
            except asyncio.CancelledError:
                log.info("stopping: finishing the %d records in flight before their offsets are acked", len(events))
                await work
                raise

    async def _process(self, events: Sequence[EventT]) -> None:
        """Enrich the batch in the worker thread, sending each record's outputs as soon as they exist
        (latency), then wait for every delivery before the batch is acknowledged (at-least-once). If
        sending fails, all the batch's outputs are sent again, with backoff, until the broker takes
        them. The batch is counted once all is delivered."""
        outputs: list[Output] = []
        published: list[tuple[str, int]] = []
        deliveries: list[Awaitable[Any]] = []
        #: The input timestamps of the records whose outputs this batch sends (replays send none).
        timestamps: list[float] = []
        failure: Exception | None = None
        async for event, routed in self._enriched(events):
            record_outputs = self._unless_published(routed, event.message.partition, published)
            if record_outputs:
                timestamps.append(event.message.timestamp)
            outputs.extend(record_outputs)
            if failure is None:
                try:
                    deliveries.extend(await self._send_all(record_outputs))
                except SEND_ERRORS as error:
                    failure = error
        if failure is None:
            try:
                await asyncio.gather(*deliveries)
            except SEND_ERRORS as error:
                failure = error
        if failure is not None:
            log.warning("sending failed (%s: %s); sending the batch again", type(failure).__name__, failure)
            self._count_retry()
            await with_retries("delivery", lambda: self._publish(outputs), self._reason_to_stop, self._count_retry)
        delivered_at = time.time()
        for timestamp in timestamps:
            if timestamp > 0:  # a record without a timestamp (-1) has no end-to-end time
                self._metrics.end_to_end_seconds.observe(max(delivered_at - timestamp, 0.0))
        self._metrics.batch_done(len(events), outputs, replays_skipped=len(events) - len(timestamps))
        if self._published is not None and published:
            remember = self._published.remember
            await with_retries("changelog write", lambda: remember(published), self._reason_to_stop, self._count_retry)

    async def _enriched(self, events: Sequence[EventT]) -> AsyncIterator[tuple[EventT, list[Output]]]:
        """Each event with its outputs, in order, as the worker thread makes them.

        The thread enriches the whole batch without waiting for the event loop between records:
        the loop sends one record's outputs while the thread enriches the next, instead of the
        two taking turns (each turn cost a wait for the GIL and the loop's wake-up).
        """
        loop = asyncio.get_running_loop()
        ready: asyncio.Queue[list[Output] | Exception] = asyncio.Queue()
        work = [(event.value or b"", message_source(event.message), event.message.timestamp) for event in events]

        def enrich_all() -> None:
            for payload, source, timestamp in work:
                try:
                    routed: list[Output] | Exception = self._route(payload, source, timestamp)
                except Exception as error:  # handed to the loop, which raises it
                    loop.call_soon_threadsafe(ready.put_nowait, error)
                    return
                loop.call_soon_threadsafe(ready.put_nowait, routed)
            self._return_memory()  # the batch's garbage, freed, back to the system now and then

        enriching = loop.run_in_executor(self._executor, enrich_all)
        try:
            for event in events:
                routed = await ready.get()
                if isinstance(routed, Exception):
                    raise routed
                yield event, routed
        finally:
            await asyncio.wait([enriching])

    def _reason_to_stop(self) -> KhabarError | None:
        return self.stopped_by

    def _count_retry(self) -> None:
        self._metrics.send_retries.inc()

    def _route(self, payload: bytes, source: TopicSource, timestamp: float) -> list[Output]:
        settings = self._settings
        with self._metrics.enrichment_seconds.time():
            limit = output_record_limit(settings)
            return route(self._pipeline, payload, source, settings.max_record_bytes, limit, self._stories, timestamp)

    def _unless_published(self, routed: list[Output], partition: int, published: list[tuple[str, int]]) -> list[Output]:
        """A record's outputs, or none if its article was published within the horizon or earlier in
        the batch; `published` collects the `(dedupe_key, partition)` of each article let through."""
        key = routed[0].dedupe_key
        if key is None or self._published is None:
            return routed
        if self._published.is_recent(key) or any(key == done for done, _ in published):
            return []
        published.append((key, partition))
        return routed

    async def _send_all(self, outputs: list[Output]) -> list[Awaitable[Any]]:
        names = self._topics.outputs
        return [
            await self._send(names[output.kind], output.key, output.value, None, output.headers) for output in outputs
        ]

    async def _publish(self, outputs: list[Output]) -> None:
        """Send every output and wait for its delivery."""
        await asyncio.gather(*await self._send_all(outputs))


SEND_ERRORS = (KafkaError, ProducerSendError)


async def with_retries(
    what: str,
    attempt: Callable[[], Awaitable[None]],
    reason_to_stop: Callable[[], KhabarError | None],
    count_retry: Callable[[], None],
) -> None:
    """Run `attempt` until the broker takes it; broker trouble is retried with backoff, never dead-lettered.

    Retrying ends only when `reason_to_stop()` gives an error, which is raised: the batch is then
    neither acknowledged nor committed. `count_retry` is called before each new attempt.
    """
    delay = RETRY_FIRST_DELAY
    while True:
        try:
            return await attempt()
        except SEND_ERRORS as error:
            stop = reason_to_stop()
            if stop is not None:
                raise stop from error
            log.warning("%s failed (%s: %s); retrying in %.1fs", what, type(error).__name__, error, delay)
            await asyncio.sleep(delay)
            count_retry()
            delay = min(delay * 2, RETRY_MAX_DELAY)


def published_keys(send: Send, settings: Settings) -> PublishedKeys:
    """The table of recently published dedupe keys, written to its changelog topic with `send`."""

    async def write(partition: int, key: str, entry: Any) -> None:
        value = None if entry is None else orjson.dumps(entry)  # None: a tombstone
        delivery = await send(settings.changelog_topic, key.encode(), value, partition)
        await delivery

    return PublishedKeys({}, write, settings.dedupe_horizon)


def register(
    app: faust.App, settings: Settings, pipeline: Pipeline, metrics: StreamMetrics, readiness: Readiness
) -> EnrichAgent:
    """Declare the topics and the enrich agent on `app`, with a periodic progress log line; the worker
    is ready only once the changelog of published keys has been read to its end."""
    topics = declare_topics(app, settings)
    send = producer_send(app)
    published = published_keys(send, settings) if settings.dedupe_horizon > 0 else None
    stories = story_decider(settings) if settings.stories_on else None
    agent = EnrichAgent(pipeline, topics, send, settings, metrics, published, stories)
    app.agent(topics.raw, name="enrich")(agent)

    if published is not None:
        follower = ChangelogFollower(settings, published)
        waited = follower.catch_up(readiness, settings.rebalance_timeout * 10, "replays until then may repeat")
        log.info(
            "%d published keys remembered (%d changelog records read in %.1fs)",
            len(published),
            follower.records_read,
            waited,
        )

        @app.timer(interval=max(1.0, settings.dedupe_horizon / 10))
        async def forget_expired_keys() -> None:
            owned = {tp.partition for tp in app.assignor.assigned_actives() if tp.topic == settings.topic_raw}
            forgotten = await published.forget_expired(owned)
            if forgotten:
                log.info(
                    "forgot %d published keys older than %.0fs; %d remembered",
                    forgotten,
                    settings.dedupe_horizon,
                    len(published),
                )

    if stories is not None:
        follow_stories(settings, stories, readiness, metrics)

    followed = [*([settings.changelog_topic] if published else []), *([settings.stories_topic] if stories else [])]
    watch = TopicWatch(settings, [*settings.topics, *followed])

    @app.timer(interval=CHECK_EVERY_SECONDS)
    async def check_topics() -> None:
        if agent.stopped_by is not None:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(None, watch.check)
        except TopicsReplaced as error:
            log.error("%s", error)
            agent.stopped_by = error
            os.kill(os.getpid(), signal.SIGTERM)  # the worker's graceful stop, as a supervisor would ask

    progress = Progress(metrics)

    @app.timer(interval=PROGRESS_EVERY_SECONDS)
    async def report_progress() -> None:
        line = progress.line()
        if line is not None:
            log.info("progress: %s", line)

    return agent
