"""The changelog of published keys on a real broker: compacted, read whole at start, then followed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from tests.integration.harness import isolated_environment
from workers import clients
from workers.settings import Settings
from workers.stream.published import ChangelogFollower, PublishedKeys

pytestmark = pytest.mark.integration


async def no_writes(partition: int, key: str, entry: Any) -> None:
    raise AssertionError("the follower only reads")


def write(settings: Settings, partition: int, *entries: tuple[str, list[Any] | None]) -> None:
    """Changelog records of one partition, sent together: one record batch (None: a tombstone)."""
    producer = clients.producer(settings, linger_ms=50)
    try:
        for key, entry in entries:
            value = None if entry is None else orjson.dumps(entry)
            producer.send(settings.changelog_topic, key=key.encode(), value=value, partition=partition)
        producer.flush(timeout=30)
    finally:
        producer.close()


def test_a_new_worker_reads_every_published_key_and_follows_new_ones(broker: dict[str, str], tmp_path: Path) -> None:
    settings = Settings.from_env(isolated_environment(broker, tmp_path))
    assert settings.changelog_topic in clients.ensure_topics(settings)
    reader = clients.consumer(settings)
    try:  # keyed like the input, so that each worker's writes stay in the partitions it owns
        assert reader.partitions_for_topic(settings.changelog_topic) == set(range(settings.partitions))
    finally:
        reader.close()
    now = time.time()
    write(settings, 0, ("a:1", [now, 0]))
    write(settings, 0, ("a:1", None))  # forgotten by its owner
    # the last batch holds several records: where Tansu's ListOffsets would place the end too early
    write(settings, 1, *[(f"b:{n}", [now, 1]) for n in range(10)])

    keys = PublishedKeys({}, no_writes, horizon=60)
    follower = ChangelogFollower(settings, keys, poll_ms=50)
    follower.start()
    try:
        assert follower.wait_until_current(timeout=30)
        assert all(keys.is_recent(f"b:{n}") for n in range(10))
        assert not keys.is_recent("a:1")

        write(settings, 2, ("c:1", [time.time(), 2]))  # published by another worker meanwhile
        deadline = time.monotonic() + 30
        while not keys.is_recent("c:1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert keys.is_recent("c:1")
    finally:
        follower.stop()
    assert len(keys) == 11


@pytest.mark.only_on("kafka", "Tansu's DescribeConfigs answers no configuration for any topic")
def test_the_changelog_is_compacted_and_the_outputs_take_records_up_to_the_output_limit(
    broker: dict[str, str], tmp_path: Path
) -> None:
    settings = Settings.from_env(isolated_environment(broker, tmp_path))
    clients.ensure_topics(settings)
    admin = KafkaAdminClient(**clients.client_config(settings))
    try:
        described = admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic) for topic in (*settings.topics, settings.changelog_topic)]
        )
    finally:
        admin.close()
    configs = {
        topic: {name: entry["value"] for name, entry in config.items()} for topic, config in described["topic"].items()
    }
    assert configs[settings.changelog_topic]["cleanup.policy"] == "compact"
    for topic in settings.topics:
        assert int(configs[topic]["max.message.bytes"]) >= clients.output_record_limit(settings)
