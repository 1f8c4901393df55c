"""Near-duplicates and stories on a real broker: one story for an article republished by three outlets,
none for an unrelated article about the same people and places, across partitions and workers, and the
same answers for every article after a SIGKILL and a restart."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.integration.harness import (
    WorkerProcess,
    isolated_environment,
    produce,
    read_until,
    values,
    wait_until_joined,
    worker_process,
)
from tests.stories.articles import ORIGINAL, ORIGINAL_TITLE, UNRELATED, UNRELATED_TITLE, body
from workers import clients
from workers.contract.schemas import ENRICHED_SCHEMA, STORY_ENTRY_SCHEMA, schema_errors
from workers.settings import Settings

pytestmark = pytest.mark.integration

#: An hour ago: event times in the past (a `published_at` ahead of the record's time is not believed).
START = time.time() - 3600


def at(seconds: float) -> str:
    return datetime.fromtimestamp(START + seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def story_articles() -> list[dict[str, Any]]:
    """The original, three outlets' republications (a changed title, an added dateline, a dropped
    sentence, «ف» for «و»), and an unrelated article about the same people and places."""
    dropped = ORIGINAL[:4] + ORIGINAL[5:]
    return [
        {"id": "story-original", "source": "وكالة الأنباء", "title": ORIGINAL_TITLE, "body": body(ORIGINAL)},
        {
            "id": "story-copy-1",
            "source": "صحيفة الأهرام",
            "title": "افتتاح مستشفى جديد للأطفال",
            "body": body(ORIGINAL),
        },
        {
            "id": "story-copy-2",
            "source": "رويترز",
            "title": ORIGINAL_TITLE,
            "body": "القاهرة (رويترز) - " + body(ORIGINAL).replace("وأضاف", "فأضاف"),
        },
        {"id": "story-copy-3", "source": "موقع الخبر", "title": ORIGINAL_TITLE, "body": body(dropped)},
        {"id": "story-unrelated", "source": "وكالة الأنباء", "title": UNRELATED_TITLE, "body": body(UNRELATED)},
    ]


def with_times(articles: list[dict[str, Any]], every: float = 600) -> list[dict[str, Any]]:
    return [{**article, "published_at": at(every * number)} for number, article in enumerate(articles)]


def send(settings: Settings, partition: int, article: dict[str, Any]) -> None:
    """One article to one partition of the input: the test, not the key's hash, places it."""
    producer = clients.producer(settings)
    try:
        key = article["id"].encode()
        producer.send(settings.topic_raw, key=key, value=orjson.dumps(article), partition=partition).get(timeout=60)
    finally:
        producer.close()


def enriched_answers(settings: Settings, ids: Sequence[str], timeout: float = 120) -> dict[str, tuple[Any, Any]]:
    records = values(
        read_until(settings, settings.topic_enriched, lambda r: {x.key.decode() for x in r} >= set(ids), timeout)
    )
    assert all(schema_errors(ENRICHED_SCHEMA, record) == [] for record in records)
    return {str(record["id"]): (record["duplicate_of"], record["story_id"]) for record in records}


def wait_for_entry(settings: Settings, article_id: str) -> None:
    """Until the article's entry is on the stories topic, then a second for the other workers' followers."""
    read_until(settings, settings.stories_topic, lambda r: any(x.key == article_id.encode() for x in r), 60)
    time.sleep(1.0)


EXPECTED = {
    "story-original": (None, "story-original"),
    "story-copy-1": ("story-original", "story-original"),
    "story-copy-2": ("story-original", "story-original"),
    "story-copy-3": ("story-original", "story-original"),
    "story-unrelated": (None, "story-unrelated"),
}


def test_three_outlets_republishing_an_article_make_one_story_and_an_unrelated_article_none(
    settings: Settings, worker: WorkerProcess
) -> None:
    articles = with_times(story_articles())
    for number, article in enumerate(articles):  # each on its own partition, one after the other
        send(settings, number % settings.partitions, article)
        enriched_answers(settings, [article["id"]])
    assert enriched_answers(settings, list(EXPECTED)) == EXPECTED
    entries = values(read_until(settings, settings.stories_topic, lambda r: len(r) >= len(articles), timeout=30))
    assert all(schema_errors(STORY_ENTRY_SCHEMA, entry) == [] for entry in entries)
    assert {entry["id"]: (entry["duplicate_of"], entry["story_id"]) for entry in entries} == EXPECTED


def test_two_workers_share_the_index_whatever_partition_each_article_lands_on(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    second = worker_process(environment, tmp_path / "second.log")
    try:
        wait_until_joined([worker, second])
        time.sleep(2)  # the assignment settles
        articles = with_times(story_articles())
        for number, article in enumerate(articles):
            send(settings, number % settings.partitions, article)
            wait_for_entry(settings, article["id"])
        answers = enriched_answers(settings, list(EXPECTED))
    finally:
        second.stop()
    worker.stop()
    assert answers == EXPECTED
    processed = [_records_in(process.log()) for process in (worker, second)]
    assert all(count > 0 for count in processed), f"both workers should have decided some: {processed}"


def _records_in(log: str) -> int:
    line = next(line for line in reversed(log.splitlines()) if "worker stopped after" in line)
    return int(line.split("worker stopped after ")[1].split(" records in")[0])


def random_articles(count: int, seed: int) -> list[dict[str, Any]]:
    """Unrelated originals: 60 words each drawn from the test articles' vocabulary, in random order."""
    vocabulary = sorted({word for sentence in ORIGINAL + UNRELATED for word in sentence.split() if word != "."})
    rng = random.Random(seed)
    return [
        {
            "id": f"fault-{number:03d}",
            "title": " ".join(rng.sample(vocabulary, 6)),
            "body": " ".join(rng.choice(vocabulary) for _ in range(60)),
        }
        for number in range(count)
    ]


def copies(original: dict[str, Any], count: int) -> list[dict[str, Any]]:
    words = original["body"].split()
    return [
        {
            "id": f"{original['id']}-copy-{number}",
            "source": f"outlet-{number}",
            "title": "عاجل: " + original["title"],
            "body": "القاهرة (وكالات) - " + " ".join(words[: 50 - 5 * number] + words[55 - 5 * number :]),
        }
        for number in range(count)
    ]


def test_every_article_keeps_its_answers_across_a_sigkill_and_a_restart(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    """60 originals, then 4 copies of each in two halves; the worker SIGKILLed between them. Each copy
    names its original, each original its own story, and every record of an article says the same."""
    originals = with_times(random_articles(60, seed=21), every=10)
    produced = [(o["id"].encode(), orjson.dumps(o)) for o in originals]
    copied = [
        {**copy, "published_at": at(1000 + 5 * n)}  # after every original
        for n, copy in enumerate(c for original in originals for c in copies(original, 4))
    ]
    rng = random.Random(5)
    rng.shuffle(copied)
    expected = {o["id"]: (None, o["id"]) for o in originals}
    expected |= {c["id"]: (c["id"].split("-copy-")[0],) * 2 for c in copied}
    produce(settings, produced)
    enriched_answers(settings, [o["id"] for o in originals])
    first_half, second_half = copied[:120], copied[120:]
    produce(settings, [(c["id"].encode(), orjson.dumps(c)) for c in first_half])
    read_until(settings, settings.topic_enriched, lambda r: len(r) >= 60 + 30, timeout=120, on_poll=worker.check_alive)
    worker.kill()
    produce(settings, [(c["id"].encode(), orjson.dumps(c)) for c in second_half])
    replacement = worker_process(environment, tmp_path / "replacement.log")
    try:
        records = read_until(
            settings,
            settings.topic_enriched,
            lambda r: {x.key.decode() for x in r} >= set(expected),
            timeout=180,
            on_poll=replacement.check_alive,
        )
        time.sleep(1)
        entries = values(read_until(settings, settings.stories_topic, lambda r: len(r) >= len(expected), 60))
    finally:
        replacement.stop()
    answers: dict[str, set[tuple[Any, Any]]] = defaultdict(set)
    for record in values(records):
        answers[str(record["id"])].add((record["duplicate_of"], record["story_id"]))
    counts = Counter(record.key.decode() for record in records)
    duplicates = sum(count - 1 for count in counts.values())
    print(f"stories across a SIGKILL: {len(counts)} of {len(expected)} enriched, {duplicates} republished")
    assert {article: {answer} for article, answer in expected.items()} == dict(answers)
    assert duplicates <= settings.batch_size
    by_entry: dict[str, set[tuple[Any, Any]]] = defaultdict(set)
    for entry in entries:
        by_entry[str(entry["id"])].add((entry["duplicate_of"], entry["story_id"]))
    assert dict(by_entry) == {article: {answer} for article, answer in expected.items()}


@pytest.mark.only_on("kafka", "Tansu's DescribeConfigs answers no configuration for any topic")
def test_the_stories_topic_is_compacted_and_deleted_past_twice_the_horizon(settings: Settings) -> None:
    from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

    admin = KafkaAdminClient(**clients.client_config(settings))
    config: dict[str, str] = {}
    try:  # a topic's configs may take a moment to be described after its creation
        deadline = time.monotonic() + 30
        while "cleanup.policy" not in config and time.monotonic() < deadline:
            described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, settings.stories_topic)])
            config = {name: entry["value"] for name, entry in described["topic"][settings.stories_topic].items()}
            time.sleep(0.5)
    finally:
        admin.close()
    assert config["cleanup.policy"] == "compact,delete"
    assert int(config["retention.ms"]) == 2 * settings.story_horizon * 1000


def test_with_stories_off_both_fields_are_null_and_no_topic_is_made(broker: dict[str, str], tmp_path: Path) -> None:
    environment = {**isolated_environment(broker, tmp_path), "KHABAR_STORIES": "off"}
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    process = worker_process(environment, tmp_path / "worker.log")
    try:
        articles = with_times(story_articles())
        produce(settings, [(a["id"].encode(), orjson.dumps(a)) for a in articles])
        answers = enriched_answers(settings, [a["id"] for a in articles])
    finally:
        process.stop()
    assert set(answers.values()) == {(None, None)}
    admin = clients.connect(settings)
    try:
        assert settings.stories_topic not in admin.list_topics()
    finally:
        admin.close()
