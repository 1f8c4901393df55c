"""The enrich agent: raw records in; enriched records, entity mentions and dead letters out.

At-least-once: a batch's input offsets are acknowledged only after every output of the batch has
been delivered (Faust's `take_events` acks when the loop body finishes, so the body waits for the
delivery reports). Enrichment is CPU work, so it runs in a worker thread: the event loop stays free
to heartbeat and the consumer keeps its place in the group.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import faust
from aiokafka.errors import KafkaError
from faust.types import EventT, Message

from workers.clients import output_record_limit
from workers.pipeline import Pipeline
from workers.routing import Output, OutputKind, route
from workers.settings import Settings

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

    def __init__(self, pipeline: Pipeline, topics: Topics, settings: Settings) -> None:
        self._pipeline = pipeline
        self._topics = topics
        self._settings = settings
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
        outputs = await loop.run_in_executor(self._executor, self._route_batch, batch)
        await self._publish(outputs)
        self.counts["input"] += len(events)
        self.counts.update(output.kind for output in outputs)

    def _route_batch(self, batch: list[tuple[bytes, dict[str, Any]]]) -> list[Output]:
        limit = output_record_limit(self._settings)
        return [
            output
            for payload, source in batch
            for output in route(self._pipeline, payload, source, self._settings.max_record_bytes, limit)
        ]

    async def _publish(self, outputs: list[Output]) -> None:
        """Send every output and wait for delivery; broker trouble is retried, never dead-lettered."""
        delay = RETRY_FIRST_DELAY
        while True:
            try:
                pending = [
                    await self._topics.for_kind(output.kind).send(key=output.key, value=output.value)
                    for output in outputs
                ]
                await asyncio.gather(*pending)
                return
            except KafkaError as error:
                log.warning("delivery failed (%s: %s); retrying the batch in %.1fs", type(error).__name__, error, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_DELAY)

    def progress(self) -> str:
        counts = self.counts
        return (
            f"{counts['input']} records in: {counts['enriched']} enriched, {counts['entity']} entity mentions, "
            f"{counts['dead_letter']} dead letters"
        )


def register(app: faust.App, settings: Settings, pipeline: Pipeline) -> EnrichAgent:
    """Declare the topics and the enrich agent on `app`, with a periodic progress log line."""
    topics = declare_topics(app, settings)
    agent = EnrichAgent(pipeline, topics, settings)
    app.agent(topics.raw, name="enrich")(agent)

    @app.timer(interval=PROGRESS_EVERY_SECONDS)
    async def report_progress() -> None:
        if agent.counts["input"]:
            log.info("progress: %s", agent.progress())

    return agent
