"""Records at Khabar's size limits against the broker's own: inputs up to KHABAR_MAX_RECORD_BYTES are
enriched, outputs up to 4× that are published, anything larger is dead-lettered with its reason.

Apache Kafka refuses a record over `message.max.bytes` (1 MiB by default) unless the topic's
`max.message.bytes` allows it, and a client's `max_request_size` caps what it sends: the topics
Khabar creates and its producers are set for the output limit. An enriched record carries its body
twice and its entity mentions, so a 1 MiB article needs those settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.integration.harness import WorkerProcess, isolated_environment, produce, read_until, values
from workers import clients
from workers.cli.commands import load_pipeline
from workers.pipeline import Pipeline
from workers.routing import route
from workers.settings import Settings

pytestmark = pytest.mark.integration
#: Dense in entities: 5 mentions in 90 bytes, so the enriched record grows far beyond its input.
ENTITY_SENTENCE = "قال الرئيس محمد عبد الله في طرابلس إن وزارة الداخلية ستجتمع مع خليفة حفتر في بنغازي . "
#: Kafka's broker-wide `message.max.bytes` unless a topic says otherwise.
KAFKA_DEFAULT_MESSAGE_MAX_BYTES = 1048588
PLAIN_SENTENCE = "وكانت الأمطار غزيرة في ذلك اليوم ولم يخرج الناس من بيوتهم إلا قليلا . "


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(Settings.from_env({}))


@pytest.fixture
def settings(broker: dict[str, str], tmp_path: Path) -> Settings:
    settings = Settings.from_env(isolated_environment(broker, tmp_path))
    clients.ensure_topics(settings)
    return settings


@pytest.fixture
def worker(settings: Settings, tmp_path: Path) -> Iterator[WorkerProcess]:
    process = WorkerProcess(("workers", "worker"), settings, tmp_path / "worker.log")
    yield process
    process.stop()


def article(article_id: str, sentence: str, repeats: int) -> bytes:
    return orjson.dumps({"id": article_id, "body": sentence * repeats})


def enriched_size(pipeline: Pipeline, settings: Settings, payload: bytes) -> int:
    """Size of the enriched record the worker would write for `payload` (0 if it would dead-letter it)."""
    source = {"topic": settings.topic_raw, "partition": 0, "offset": 0, "key": None}
    outputs = route(pipeline, payload, source, settings.max_record_bytes, clients.output_record_limit(settings))
    return next((len(output.value) for output in outputs if output.kind == "enriched"), 0)


def largest_publishable(pipeline: Pipeline, settings: Settings) -> bytes:
    """The entity-dense article whose enriched record comes closest to the output limit from below."""
    low, high = 1, settings.max_record_bytes // len(ENTITY_SENTENCE.encode())
    while low < high:  # the largest repeat count whose output still fits
        middle = (low + high + 1) // 2
        if enriched_size(pipeline, settings, article("near-output-limit", ENTITY_SENTENCE, middle)):
            low = middle
        else:
            high = middle - 1
    return article("near-output-limit", ENTITY_SENTENCE, low)


def test_inputs_and_outputs_at_the_limits(pipeline: Pipeline, settings: Settings, worker: WorkerProcess) -> None:
    limit, output_limit = settings.max_record_bytes, clients.output_record_limit(settings)
    near_input_limit = article("near-input-limit", PLAIN_SENTENCE, (limit - 100) // len(PLAIN_SENTENCE.encode()))
    near_output_limit = largest_publishable(pipeline, settings)
    over_output_limit = article(
        "over-output-limit", ENTITY_SENTENCE, len(near_output_limit) // len(ENTITY_SENTENCE.encode()) + 40
    )
    over_input_limit = article("over-input-limit", PLAIN_SENTENCE, limit // len(PLAIN_SENTENCE.encode()) + 100)
    assert limit * 0.99 < len(near_input_limit) <= limit
    assert enriched_size(pipeline, settings, near_output_limit) > output_limit * 0.98
    assert enriched_size(pipeline, settings, over_output_limit) == 0 < len(over_output_limit) <= limit
    assert len(over_input_limit) > limit

    produce(
        settings,
        [(None, near_input_limit), (None, near_output_limit), (None, over_output_limit), (None, over_input_limit)],
    )

    enriched = read_until(
        settings, settings.topic_enriched, lambda r: len(r) >= 2, timeout=120, on_poll=worker.check_alive
    )
    sizes = {orjson.loads(record.value)["id"]: len(record.value) for record in enriched}
    print(f"published: {sizes} (output limit {output_limit})")
    assert set(sizes) == {"near-input-limit", "near-output-limit"}
    assert sizes["near-input-limit"] > 2 * KAFKA_DEFAULT_MESSAGE_MAX_BYTES * 0.95  # the body twice, and more
    assert output_limit * 0.98 < sizes["near-output-limit"] <= output_limit

    letters = values(read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= 2, timeout=60))
    errors = {letter.get("article_id"): letter["error"] for letter in letters}  # an unread input has no id
    assert errors["over-output-limit"]["kind"] == "output_too_large"
    assert "enriched record would be" in errors["over-output-limit"]["message"]
    assert errors[None]["kind"] == "too_large"
