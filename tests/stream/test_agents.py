"""The enrich agent routes each input to its topic and waits for delivery before the batch is acked."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest
from aiokafka.errors import KafkaConnectionError

from workers.contract.wire import Headers
from workers.pipeline import Pipeline
from workers.routing import OutputKind
from workers.settings import Settings
from workers.stories.decider import StoryDecider
from workers.stream import agents
from workers.stream.app import create_app
from workers.stream.metrics import StreamMetrics
from workers.stream.published import PublishedKeys
from workers.text.language import LanguageDetector


class PlaceTagger:
    name = "places"
    version = "test"

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return ["B-LOC" if token == "سرت" else "O" for token in tokens]


class RecordingProducer:
    """Stands in for the app's producer: records what is sent to each topic and reports delivery.

    The first `failures` sends to the enriched topic fail as an unreachable broker would.
    """

    def __init__(self, failures: int = 0) -> None:
        topics = ("enriched", "entities", "dead_letter", "stories")
        self.sent: dict[str, list[tuple[bytes | None, Any]]] = {topic: [] for topic in topics}
        self.headers: dict[str, list[Headers]] = {topic: [] for topic in topics}
        #: Every send in order, as (topic, key).
        self.order: list[tuple[str, bytes | None]] = []
        self.failures = failures

    async def send(
        self, topic: str, key: bytes | None, value: bytes | None, partition: int | None, headers: Headers = ()
    ) -> asyncio.Future[None]:
        if topic == "enriched" and self.failures:
            self.failures -= 1
            raise KafkaConnectionError("broker went away")
        self.sent[topic].append((key, orjson.loads(value or b"null")))
        self.order.append((topic, key))
        self.headers[topic].append(headers)
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


@dataclass(frozen=True)
class AgentRun:
    """What an agent under test sent, and what it counted."""

    producer: RecordingProducer
    metrics: StreamMetrics

    @property
    def sent(self) -> dict[str, list[tuple[bytes | None, Any]]]:
        return self.producer.sent

    def sample(self, name: str, **labels: str) -> float | None:
        return self.metrics.registry.get_sample_value(name, labels)


async def run_agent(
    app: faust.App,
    inputs: list[bytes],
    enriched_failures: int = 0,
    tagger: PlaceTagger | None = None,
    published: PublishedKeys | None = None,
    tagger_for: Callable[[RecordingProducer], PlaceTagger] | None = None,
    stories: StoryDecider | None = None,
) -> AgentRun:
    settings = Settings.from_env({}, batch_size=4, batch_seconds=0.01)
    topics = agents.declare_topics(app, settings)
    names: dict[OutputKind, str] = {
        "enriched": "enriched",
        "entity": "entities",
        "dead_letter": "dead_letter",
        "story": "stories",
    }
    routed = agents.Topics(topics.raw, names)
    producer = RecordingProducer(enriched_failures)
    metrics = StreamMetrics()
    tagger = tagger_for(producer) if tagger_for else tagger
    pipeline = Pipeline(LanguageDetector.load(), tagger or PlaceTagger())
    agent = agents.EnrichAgent(pipeline, routed, producer.send, settings, metrics, published, stories)
    faust_agent = app.agent(topics.raw, name=f"enrich-under-test-{len(app.agents)}")(agent)
    async with faust_agent.test_context() as context:
        for payload in inputs:
            await context.put(payload, key=None)
        for _ in range(200):
            if metrics.totals["input"] == len(inputs):
                break
            await asyncio.sleep(0.02)
    return AgentRun(producer, metrics)


def test_routes_enriched_mentions_and_dead_letters(app: faust.App) -> None:
    inputs = ['{"id": "a-1", "body": "اجتماع في سرت اليوم"}'.encode(), b"not json", b"[]"]
    sent = asyncio.run(run_agent(app, inputs)).sent
    assert [key for key, _ in sent["enriched"]] == [b"a-1"]
    assert [(key, value["entity"]["text"]) for key, value in sent["entities"]] == [("سرت".encode(), "سرت")]
    kinds = sorted(value["error"]["kind"] for _, value in sent["dead_letter"])
    assert kinds == ["not_json", "not_object"]
    assert all(value["source"]["offset"] >= 0 for _, value in sent["dead_letter"])


def test_broker_errors_are_retried_not_dead_lettered(app: faust.App) -> None:
    inputs = ['{"id": "a-2", "body": "خبر"}'.encode()]
    run = asyncio.run(run_agent(app, inputs, enriched_failures=2))
    sent = run.sent
    assert [key for key, _ in sent["enriched"]] == [b"a-2"]
    assert sent["dead_letter"] == []
    assert run.sample("khabar_send_retries_total") == 2


def test_a_poison_article_is_dead_lettered_and_the_stream_goes_on(app: faust.App) -> None:
    inputs = ['{"id": "p-1", "body": "خبر عن سم"}'.encode(), '{"id": "p-2", "body": "خبر من سرت"}'.encode()]
    sent = asyncio.run(run_agent(app, inputs, tagger=PoisonTagger())).sent
    assert [key for key, _ in sent["enriched"]] == [b"p-2"]
    [(key, letter)] = sent["dead_letter"]
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
    first = asyncio.run(run_agent(app, [article, article])).sent
    assert [key for key, _ in first["enriched"]] == [b"r-1", b"r-1"]  # without the table: both

    first_run = asyncio.run(run_agent(app, [article, article], published=published))
    replay_run = asyncio.run(run_agent(app, [article, edited], published=published))
    first, replay = first_run.sent, replay_run.sent
    assert [key for key, _ in first["enriched"]] == [b"r-1"]
    assert len(first["entities"]) == 1
    # the replayed article and its mentions are skipped; an edit has a new dedupe_key and goes out
    assert [value["body"] for _, value in replay["enriched"]] == ["خبر جديد من سرت"]
    assert len(replay["entities"]) == 1
    assert len(published) == 2
    skipped = "khabar_replays_skipped_total"
    assert (first_run.sample(skipped), replay_run.sample(skipped)) == (1, 1)


def test_the_metrics_count_what_was_delivered_by_kind_and_dead_letters_by_error_kind(app: faust.App) -> None:
    inputs = ['{"id": "m-1", "body": "اجتماع في سرت اليوم"}'.encode(), b"not json", b"[]", b"{}", b"also not json"]
    run = asyncio.run(run_agent(app, inputs))
    assert run.sample("khabar_input_records_total") == 5
    assert run.sample("khabar_output_records_total", kind="enriched") == 1
    assert run.sample("khabar_output_records_total", kind="entity") == 1
    assert run.sample("khabar_output_records_total", kind="dead_letter") == 4
    assert run.sample("khabar_dead_letters_total", error_kind="not_json") == 2
    assert run.sample("khabar_dead_letters_total", error_kind="not_object") == 1
    assert run.sample("khabar_dead_letters_total", error_kind="schema") == 1
    # one enrichment time and one end-to-end time per input; the 5 inputs came in batches of at most 4
    assert run.sample("khabar_enrichment_seconds_count") == 5
    assert run.sample("khabar_end_to_end_seconds_count") == 5
    assert run.sample("khabar_batch_records_sum") == 5
    assert (run.sample("khabar_batch_records_count") or 0) >= 2


def test_dead_letters_carry_their_reason_and_origin_as_headers(app: faust.App) -> None:
    run = asyncio.run(run_agent(app, ['{"id": "h-1", "body": "خبر"}'.encode(), b"not json"]))
    [headers] = run.producer.headers["dead_letter"]
    assert dict(headers)["khabar.error.kind"] == b"not_json"
    assert {"khabar.error.message", "khabar.source.topic", "khabar.source.partition", "khabar.source.offset"} <= set(
        dict(headers)
    )
    assert run.producer.headers["enriched"] == [()]


class WaitingTagger(PlaceTagger):
    """Tags an article's tokens only once the previous article's enriched record was sent: a worker
    that sent a batch's outputs only after enriching all of it would wait here for ever."""

    def __init__(self, producer: RecordingProducer) -> None:
        self._producer = producer
        self.waited_for: list[int] = []

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if "التالي" in tokens:
            for _ in range(500):
                if self._producer.sent["enriched"]:
                    self.waited_for.append(len(self._producer.sent["enriched"]))
                    break
                threading.Event().wait(0.01)
        return super().tag(tokens)


def test_a_records_outputs_are_sent_while_the_next_record_of_its_batch_is_enriched(app: faust.App) -> None:
    inputs = ['{"id": "w-1", "body": "خبر من سرت"}'.encode(), '{"id": "w-2", "body": "الخبر التالي"}'.encode()]
    tagger: WaitingTagger | None = None

    def make_tagger(producer: RecordingProducer) -> WaitingTagger:
        nonlocal tagger
        tagger = WaitingTagger(producer)
        return tagger

    run = asyncio.run(run_agent(app, inputs, tagger_for=make_tagger))
    assert [key for key, _ in run.sent["enriched"]] == [b"w-1", b"w-2"], "in the order of the batch"
    assert tagger is not None and tagger.waited_for == [1], "w-1 was sent before w-2 was tagged"


STORY = "اجتماع أمني في سرت اليوم بحضور قادة الوحدات العسكرية وممثلين عن المجلس البلدي لبحث خطة تأمين المدينة"


def test_each_article_gets_its_story_decided_in_the_batchs_order_and_its_entry_sent_with_its_outputs(
    app: faust.App,
) -> None:
    stories = StoryDecider.empty(0.35, 6 * 3600.0, 100)
    inputs = [
        orjson.dumps({"id": "s-1", "body": STORY, "source": "أ"}),
        orjson.dumps({"id": "s-2", "body": "سرت (وكالات) - " + STORY, "source": "ب"}),
        orjson.dumps({"id": "s-3", "body": STORY + " وقال مسؤول إن الاجتماع سيستمر", "source": "ج"}),
        orjson.dumps({"id": "s-4", "body": "خبر"}),
    ]
    run = asyncio.run(run_agent(app, inputs, stories=stories))
    answers = [(key, value["duplicate_of"], value["story_id"]) for key, value in run.sent["enriched"]]
    assert answers == [(b"s-1", None, "s-1"), (b"s-2", "s-1", "s-1"), (b"s-3", "s-1", "s-1"), (b"s-4", None, "s-4")]
    assert [key for key, _ in run.sent["stories"]] == [b"s-1", b"s-2", b"s-3"], "a few words are not indexed"
    order = run.producer.order
    assert order.index(("stories", b"s-1")) < order.index(("enriched", b"s-2")), "sent as it is decided"
    assert run.sample("khabar_duplicates_total") == 2
    assert run.sample("khabar_output_records_total", kind="story") == 3
    assert len(stories) == 3


def test_a_replayed_article_gets_its_first_answer_and_is_not_published_again(app: faust.App) -> None:
    stories = StoryDecider.empty(0.35, 6 * 3600.0, 100)
    published = PublishedKeys({}, accept_every_write, horizon=60)
    original = orjson.dumps({"id": "o-1", "body": STORY})
    copy = orjson.dumps({"id": "c-1", "body": "سرت (وكالات) - " + STORY})
    first = asyncio.run(run_agent(app, [original, copy], published=published, stories=stories)).sent
    # A redelivery with the published keys forgotten (past their horizon): published again, same answers.
    replay = asyncio.run(run_agent(app, [copy, original], stories=stories)).sent
    assert [(k, v["duplicate_of"]) for k, v in first["enriched"]] == [(b"o-1", None), (b"c-1", b"o-1".decode())]
    assert sorted((k, v["duplicate_of"]) for k, v in replay["enriched"]) == [(b"c-1", "o-1"), (b"o-1", None)]
    skipped = asyncio.run(run_agent(app, [copy], published=published, stories=stories)).sent
    assert skipped["enriched"] == [] and skipped["stories"] == []
