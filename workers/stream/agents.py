"""The enrich agent: raw records in; enriched records, entity mentions and dead letters out.

At-least-once: a batch's input offsets are acknowledged only after every output of the batch has
been delivered (Faust's `take_events` acks when the loop body finishes, so the body waits for the
delivery reports). Enrichment is CPU work, so it runs in a worker thread: the event loop stays free
to heartbeat and the consumer keeps its place in the group. Articles published within the dedupe
horizon (a replay after a crash or a rebalance) are skipped: see `workers.stream.published`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import faust
import orjson
from aiokafka.errors import KafkaError
from faust.types import EventT, Message

from workers.clients import output_record_limit
from workers.pipeline import Pipeline
from workers.routing import Output, OutputKind, route
from workers.settings import Settings
from workers.stream.published import ChangelogFollower, PublishedKeys

log = logging.getLogger(__name__)

RETRY_FIRST_DELAY = 0.2
RETRY_MAX_DELAY = 5.0
PROGRESS_EVERY_SECONDS = 10.0


@dataclass(frozen=True)
class Topics:
    raw: faust.TopicT
    enriched: faust.TopicT
    entities: faust.TopicT
    dead_letter: faust.TopicT

    def for_kind(self, kind: OutputKind) -> faust.TopicT:
        return {"enriched": self.enriched, "entity": self.entities, "dead_letter": self.dead_letter}[kind]


def declare_topics(app: faust.App, settings: Settings) -> Topics:
    """Raw input is read as bytes so that decoding (and dead-lettering) is Khabar's, not Faust's."""

    def declare(name: str) -> faust.TopicT:
        return app.topic(
            name,
            key_type=bytes,
            value_type=bytes,
            key_serializer="raw",
            value_serializer="raw",
            partitions=settings.partitions,
        )

    return Topics(
        raw=declare(settings.topic_raw),
        enriched=declare(settings.topic_enriched),
        entities=declare(settings.topic_entities),
        dead_letter=declare(settings.topic_dead_letter),
    )


def message_source(message: Message) -> dict[str, Any]:
    """Where a record came from, as the dead-letter schema records it."""
    key = message.key
    return {
        "topic": message.topic,
        "partition": message.partition,
        "offset": message.offset,
        "key": key.decode("utf-8", "replace") if isinstance(key, bytes) else None,
    }


class EnrichAgent:
    """Callable Faust agent body; holds the pipeline built once at start-up."""

    def __init__(
        self, pipeline: Pipeline, topics: Topics, settings: Settings, published: PublishedKeys | None = None
    ) -> None:
        self._pipeline = pipeline
        self._topics = topics
        self._settings = settings
        self._published = published
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="enrich")
        self.counts: Counter[str] = Counter()

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
        batch = [(event.value or b"", message_source(event.message)) for event in events]
        loop = asyncio.get_running_loop()
        routed = await loop.run_in_executor(self._executor, self._route_batch, batch)
        outputs, published = self._skip_replays(routed, [event.message.partition for event in events])
        await with_retries("delivery", lambda: self._publish(outputs))
        if self._published is not None and published:
            remember = self._published.remember
            await with_retries("changelog write", lambda: remember(published))
        self.counts["input"] += len(events)
        self.counts.update(output.kind for output in outputs)

    def _route_batch(self, batch: list[tuple[bytes, dict[str, Any]]]) -> list[list[Output]]:
        limit = output_record_limit(self._settings)
        return [
            route(self._pipeline, payload, source, self._settings.max_record_bytes, limit) for payload, source in batch
        ]

    def _skip_replays(
        self, routed: list[list[Output]], partitions: list[int]
    ) -> tuple[list[Output], list[tuple[str, int]]]:
        """The outputs to publish, without articles published within the horizon or earlier in the batch,
        and the `(dedupe_key, partition)` of each article they publish."""
        outputs: list[Output] = []
        published: list[tuple[str, int]] = []
        for record_outputs, partition in zip(routed, partitions, strict=True):
            key = record_outputs[0].dedupe_key
            if key is not None and self._published is not None:
                if self._published.is_recent(key) or any(key == done for done, _ in published):
                    self.counts["replay_skipped"] += 1
                    continue
                published.append((key, partition))
            outputs.extend(record_outputs)
        return outputs, published

    async def _publish(self, outputs: list[Output]) -> None:
        """Send every output and wait for its delivery."""
        pending = [
            await self._topics.for_kind(output.kind).send(key=output.key, value=output.value) for output in outputs
        ]
        await asyncio.gather(*pending)

    def progress(self) -> str:
        counts = self.counts
        return (
            f"{counts['input']} records in: {counts['enriched']} enriched, {counts['entity']} entity mentions, "
            f"{counts['dead_letter']} dead letters, {counts['replay_skipped']} replays skipped"
        )


async def with_retries(what: str, attempt: Callable[[], Awaitable[None]]) -> None:
    """Run `attempt` until the broker takes it; broker trouble is retried with backoff, never dead-lettered."""
    delay = RETRY_FIRST_DELAY
    while True:
        try:
            return await attempt()
        except KafkaError as error:
            log.warning("%s failed (%s: %s); retrying in %.1fs", what, type(error).__name__, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_DELAY)


def published_keys(app: faust.App, settings: Settings) -> PublishedKeys:
    """The table of recently published dedupe keys, written to its changelog topic through the app's producer."""
    changelog = app.topic(
        settings.changelog_topic,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )

    async def write(partition: int, key: str, entry: Any) -> None:
        value = None if entry is None else orjson.dumps(entry)  # None: a tombstone
        delivery = await changelog.send(key=key.encode(), value=value, partition=partition)
        await delivery

    return PublishedKeys({}, write, settings.dedupe_horizon)


def register(app: faust.App, settings: Settings, pipeline: Pipeline) -> EnrichAgent:
    """Declare the topics and the enrich agent on `app`, with a periodic progress log line."""
    topics = declare_topics(app, settings)
    published = published_keys(app, settings) if settings.dedupe_horizon > 0 else None
    agent = EnrichAgent(pipeline, topics, settings, published)
    app.agent(topics.raw, name="enrich")(agent)

    if published is not None:
        follower = ChangelogFollower(settings, published)
        follower.start()
        started = time.monotonic()
        if not follower.wait_until_current(timeout=settings.rebalance_timeout * 10):
            log.warning("the changelog of published keys is still being read; replays until then may repeat")
        log.info(
            "%d published keys remembered (%d changelog records read in %.1fs)",
            len(published),
            follower.records_read,
            time.monotonic() - started,
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

    @app.timer(interval=PROGRESS_EVERY_SECONDS)
    async def report_progress() -> None:
        if agent.counts["input"]:
            log.info("progress: %s", agent.progress())

    return agent
