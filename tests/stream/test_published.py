"""Published keys: remembered for the horizon, written to the changelog so a successor can recover them."""

from __future__ import annotations

import asyncio
from typing import Any

from workers.stream.published import PublishedKeys


class Changelog:
    """Records changelog writes as (partition, key, value), in order."""

    def __init__(self) -> None:
        self.records: list[tuple[int, str, Any]] = []

    async def write(self, partition: int, key: str, value: Any) -> None:
        self.records.append((partition, key, value))


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def published_keys(horizon: float = 60.0) -> tuple[PublishedKeys, dict[str, Any], Changelog, Clock]:
    store: dict[str, Any] = {}
    changelog, clock = Changelog(), Clock()
    return PublishedKeys(store, changelog.write, horizon, clock), store, changelog, clock


def test_a_key_is_recent_until_the_horizon_has_passed() -> None:
    keys, _, _, clock = published_keys(horizon=60)
    asyncio.run(keys.remember([("a-1:abc", 3)]))
    assert keys.is_recent("a-1:abc")
    assert not keys.is_recent("a-2:def")
    clock.now += 59.9
    assert keys.is_recent("a-1:abc")
    clock.now += 0.1
    assert not keys.is_recent("a-1:abc")


def test_every_entry_goes_to_its_input_partition_once() -> None:
    keys, store, changelog, clock = published_keys()
    asyncio.run(keys.remember([("a:1", 0), ("b:1", 2), ("c:1", 0)]))
    now = clock.now
    assert changelog.records == [(0, "a:1", [now, 0]), (2, "b:1", [now, 2]), (0, "c:1", [now, 0])]
    assert store == {"a:1": [now, 0], "b:1": [now, 2], "c:1": [now, 0]}


def test_expired_keys_are_forgotten_and_tombstoned_only_for_owned_partitions() -> None:
    keys, store, changelog, clock = published_keys(horizon=60)
    asyncio.run(keys.remember([("old-owned:1", 1), ("old-elsewhere:1", 5)]))
    clock.now += 30
    asyncio.run(keys.remember([("new:1", 1)]))
    changelog.records.clear()
    clock.now += 31
    assert asyncio.run(keys.forget_expired(owned_partitions={1})) == 2
    assert set(store) == {"new:1"}
    assert len(keys) == 1
    assert set(changelog.records) == {(1, "old-owned:1", None)}


def test_nothing_is_written_when_nothing_was_published_or_expired() -> None:
    keys, _, changelog, _ = published_keys()
    asyncio.run(keys.remember([]))
    assert asyncio.run(keys.forget_expired(owned_partitions={0, 1})) == 0
    assert changelog.records == []
