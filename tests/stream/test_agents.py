"""The enrich agent routes each input to its topic and waits for delivery before the batch is acked."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest

from workers.nlp.language import LanguageDetector
from workers.pipeline import Pipeline
from workers.settings import Settings
from workers.stream import agents
from workers.stream.app import create_app
from workers.stream.published import PublishedKeys


class PlaceTagger:
    name = "places"
    version = "test"

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return ["B-LOC" if token == "سرت" else "O" for token in tokens]


class RecordingTopic:
    """Stands in for an outgoing Faust topic: records what is sent and reports delivery."""

    def __init__(self, name: str, failures: int = 0) -> None:
        self.name = name
        self.sent: list[tuple[bytes | None, Any]] = []
        self.failures = failures

    async def send(self, key: bytes | None = None, value: bytes | None = None) -> asyncio.Future[None]:
        if self.failures:
            self.failures -= 1
            from aiokafka.errors import KafkaConnectionError

            raise KafkaConnectionError("broker went away")
        self.sent.append((key, orjson.loads(value or b"null")))
        delivered: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        delivered.set_result(None)
        return delivered


@pytest.fixture
def app(tmp_path: Path) -> faust.App:
    settings = Settings.from_env({}, data_dir=str(tmp_path))
    return create_app(settings)


class PoisonTagger(PlaceTagger):
    """Fails on one word, as a model bug triggered by one article would."""

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if "سم" in tokens:
            raise RuntimeError("tagger crashed")
        return super().tag(tokens)


async def run_agent(
    app: faust.App,
    inputs: list[bytes],
    enriched_failures: int = 0,
    tagger: PlaceTagger | None = None,
    published: PublishedKeys | None = None,
) -> dict[str, RecordingTopic]:
    settings = Settings.from_env({}, batch_size=4, batch_seconds=0.01)
    topics = agents.declare_topics(app, settings)
    recorders = {
        "enriched": RecordingTopic("enriched", enriched_failures),
        "entities": RecordingTopic("entities"),
        "dead_letter": RecordingTopic("dead_letter"),
    }
    routed = agents.Topics(raw=topics.raw, **recorders)  # type: ignore[arg-type]
    agent = agents.EnrichAgent(Pipeline(LanguageDetector.load(), tagger or PlaceTagger()), routed, settings, published)
    faust_agent = app.agent(topics.raw, name=f"enrich-under-test-{len(app.agents)}")(agent)
    async with faust_agent.test_context() as context:
        for payload in inputs:
            await context.put(payload, key=None)
        for _ in range(200):
            if agent.counts["input"] == len(inputs):
                break
            await asyncio.sleep(0.02)
    return recorders


def test_routes_enriched_mentions_and_dead_letters(app: faust.App) -> None:
    inputs = ['{"id": "a-1", "body": "اجتماع في سرت اليوم"}'.encode(), b"not json", b"[]"]
    recorders = asyncio.run(run_agent(app, inputs))
    assert [key for key, _ in recorders["enriched"].sent] == [b"a-1"]
    assert [(key, value["entity"]["text"]) for key, value in recorders["entities"].sent] == [("سرت".encode(), "سرت")]
    kinds = sorted(value["error"]["kind"] for _, value in recorders["dead_letter"].sent)
    assert kinds == ["not_json", "not_object"]
    assert all(value["source"]["offset"] >= 0 for _, value in recorders["dead_letter"].sent)


def test_broker_errors_are_retried_not_dead_lettered(app: faust.App) -> None:
    inputs = ['{"id": "a-2", "body": "خبر"}'.encode()]
    recorders = asyncio.run(run_agent(app, inputs, enriched_failures=2))
    assert [key for key, _ in recorders["enriched"].sent] == [b"a-2"]
    assert recorders["dead_letter"].sent == []


def test_a_poison_article_is_dead_lettered_and_the_stream_goes_on(app: faust.App) -> None:
    inputs = ['{"id": "p-1", "body": "خبر عن سم"}'.encode(), '{"id": "p-2", "body": "خبر من سرت"}'.encode()]
    recorders = asyncio.run(run_agent(app, inputs, tagger=PoisonTagger()))
    assert [key for key, _ in recorders["enriched"].sent] == [b"p-2"]
    [(key, letter)] = recorders["dead_letter"].sent
    assert key == b"p-1"
    assert letter["error"]["kind"] == "enrichment_failed"
    assert letter["error"]["message"] == "RuntimeError: tagger crashed"
    assert "tagger crashed" in letter["error"]["traceback"]


async def accept_every_write(partition: int, key: str, value: Any) -> None:
    """A changelog that takes every write."""


def test_an_article_published_within_the_horizon_is_not_published_again(app: faust.App) -> None:
    published = PublishedKeys({}, accept_every_write, horizon=60)
    article = '{"id": "r-1", "body": "خبر من سرت"}'.encode()
    edited = '{"id": "r-1", "body": "خبر جديد من سرت"}'.encode()
    first = asyncio.run(run_agent(app, [article, article]))
    assert [key for key, _ in first["enriched"].sent] == [b"r-1", b"r-1"]  # without the table: both

    first = asyncio.run(run_agent(app, [article, article], published=published))
    replay = asyncio.run(run_agent(app, [article, edited], published=published))
    assert [key for key, _ in first["enriched"].sent] == [b"r-1"]
    assert len(first["entities"].sent) == 1
    # the replayed article and its mentions are skipped; an edit has a new dedupe_key and goes out
    assert [value["body"] for _, value in replay["enriched"].sent] == ["خبر جديد من سرت"]
    assert len(replay["entities"].sent) == 1
    assert len(published) == 2
