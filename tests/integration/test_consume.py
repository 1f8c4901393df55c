"""`khabar consume` on a real broker: where it starts, what --with-metadata shows, --follow until Ctrl-C,
and a consumer group that goes on where it stopped."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import orjson
import pytest

from tests.integration.cli import Record, interrupted, send, started
from tests.integration.harness import isolated_environment, khabar
from workers import clients
from workers.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    environment = isolated_environment(broker, tmp_path, partitions=2)
    clients.ensure_topics(Settings.from_env(environment))
    return environment


def numbered(count: int, partition: int = 0, start: int = 0) -> list[Record]:
    return [Record(b'{"n": %d}' % n, key=b"k-%d" % n, partition=partition) for n in range(start, start + count)]


def consumed(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    result = khabar(environment, "consume", "--topic", Settings.from_env(environment).topic_raw, *arguments)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return result


def ns(result: subprocess.CompletedProcess[str]) -> list[int]:
    return [orjson.loads(line)["n"] for line in result.stdout.splitlines()]


def test_with_metadata_each_line_is_the_record_with_where_it_is(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    headers = (("khabar.error.kind", b"schema"), ("trace", b"\xff"))
    send(settings, settings.topic_raw, [Record(b'{"n": 0}', b"a-1", 1, headers), Record(b"not json", None, 1)])

    result = consumed(environment, "--with-metadata", "--max", "2")

    first, second = (orjson.loads(line) for line in result.stdout.splitlines())
    assert list(first) == ["topic", "key", "partition", "offset", "timestamp", "headers", "value"]
    assert first | {"timestamp": 0} == {
        "topic": settings.topic_raw,
        "key": "a-1",
        "partition": 1,
        "offset": 0,
        "timestamp": 0,
        "headers": {"khabar.error.kind": "schema", "trace": "\\xff"},
        "value": {"n": 0},
    }
    assert first["timestamp"] > 1_700_000_000_000  # milliseconds since the epoch
    assert (second["key"], second["offset"], second["headers"], second["value"]) == (None, 1, {}, "not json")
    assert result.stderr.splitlines()[-1] == f"2 records from {settings.topic_raw}"


def test_from_the_beginning_by_default_from_the_end_on_request(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_raw, numbered(5))  # one batch: Tansu's ListOffsets(latest) answers 1, not 5

    assert ns(consumed(environment, "--timeout", "3")) == [0, 1, 2, 3, 4]
    assert ns(consumed(environment, "--from-end", "--timeout", "3")) == []


def test_one_partition_from_an_offset(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_raw, numbered(3, partition=0) + numbered(5, partition=1, start=10))

    assert ns(consumed(environment, "--partition", "1", "--offset", "2", "--timeout", "3")) == [12, 13, 14]
    assert ns(consumed(environment, "--partition", "0", "--timeout", "3")) == [0, 1, 2]


def test_a_group_goes_on_where_it_stopped(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_raw, numbered(4))

    group = f"{settings.app_id}-readers"

    assert ns(consumed(environment, "--group", group, "--max", "3")) == [0, 1, 2]
    assert ns(consumed(environment, "--group", group, "--timeout", "5")) == [3]


def test_follow_prints_records_as_they_come_until_ctrl_c(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_raw, numbered(2))
    process = started(environment, "consume", "--topic", settings.topic_raw, "--follow")
    watchdog = threading.Timer(180, process.kill)  # a broken --follow fails the test instead of hanging it
    watchdog.start()
    try:
        assert process.stdout is not None
        before = [orjson.loads(process.stdout.readline())["n"] for _ in range(2)]
        send(settings, settings.topic_raw, numbered(3, start=2))
        after = [orjson.loads(process.stdout.readline())["n"] for _ in range(3)]
        stdout, stderr = interrupted(process)
    finally:
        watchdog.cancel()

    assert (before, after, stdout) == ([0, 1], [2, 3, 4], "")
    assert process.returncode == 0, stderr[-2000:]
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == f"5 records from {settings.topic_raw}"


def test_a_topic_the_broker_does_not_have_is_refused(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    result = khabar(environment, "consume", "--topic", "no-such-topic")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"khabar: error: topic no-such-topic does not exist on {settings.bootstrap_servers} (--create creates it)"
    ]


def test_a_partition_or_an_offset_the_topic_does_not_have_is_refused(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_raw, numbered(2))
    beyond = khabar(environment, "consume", "--topic", settings.topic_raw, "--partition", "0", "--offset", "3")
    missing = khabar(environment, "consume", "--topic", settings.topic_raw, "--partition", "2")

    assert (beyond.returncode, missing.returncode) == (2, 2)
    assert beyond.stderr.splitlines() == [
        f"khabar: error: offset 3 is past the end of {settings.topic_raw} partition 0 (2)"
    ]
    assert missing.stderr.splitlines() == [
        f"khabar: error: topic {settings.topic_raw} has no partition 2 (it has 0 to 1)"
    ]
