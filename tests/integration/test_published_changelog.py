"""The changelog of published keys on a real broker: read whole at start, then followed.

Runs against the embedded Tansu broker, or any broker named by KAFKA_BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from integration.harness import isolated_environment
from workers import clients
from workers.settings import Settings
from workers.stream.published import ChangelogFollower, PublishedKeys

pytestmark = pytest.mark.integration


async def no_writes(partition: int, key: str, entry: Any) -> None:
    raise AssertionError("the follower only reads")


def write(settings: Settings, partition: int, key: str, entry: list[Any] | None) -> None:
    """One changelog record, flushed alone (as the agent ends every write)."""
    producer = clients.producer(settings)
    try:
        value = None if entry is None else orjson.dumps(entry)
        producer.send(settings.changelog_topic, key=key.encode(), value=value, partition=partition).get(timeout=30)
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
    write(settings, 0, "a:1", [now, 0])
    write(settings, 1, "b:1", [now, 1])
    write(settings, 0, "a:1", None)  # forgotten by its owner

    keys = PublishedKeys({}, no_writes, horizon=60)
    follower = ChangelogFollower(settings, keys, poll_ms=50)
    follower.start()
    try:
        assert follower.wait_until_current(timeout=30)
        assert keys.is_recent("b:1")
        assert not keys.is_recent("a:1")

        write(settings, 2, "c:1", [time.time(), 2])  # published by another worker meanwhile
        deadline = time.monotonic() + 30
        while not keys.is_recent("c:1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert keys.is_recent("c:1")
    finally:
        follower.stop()
    assert len(keys) == 2
