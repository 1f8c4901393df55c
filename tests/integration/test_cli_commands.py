"""`khabar produce` and `khabar consume` against a real broker, as a user runs them."""

from __future__ import annotations

import subprocess
import threading
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from tests.integration.cli import interrupted, started
from tests.integration.harness import isolated_environment, khabar, read_until, values
from workers.contract.records import Rejection
from workers.contract.schemas import schema_errors
from workers.contract.wire import decode_raw
from workers.settings import Settings

pytestmark = pytest.mark.integration
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"


def test_produce_sends_every_line_counts_it_once_and_parks_oversized_ones(
    broker: dict[str, str], tmp_path: Path
) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)
    seeds = SEEDS.read_bytes().splitlines()
    bad = [line for _, line in malformed_lines()]
    (tmp_path / "input.jsonl").write_bytes(b"\n".join(seeds + bad) + b"\n")
    kinds = Counter(
        rejection.kind
        for rejection in (decode_raw(line, settings.max_record_bytes) for line in bad)
        if isinstance(rejection, Rejection) and rejection.kind != "too_large"
    )

    result = khabar(environment, "produce", str(tmp_path / "input.jsonl"))

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    invalid = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    assert result.stderr.strip().splitlines()[-1] == (
        f"sent {len(seeds) + len(bad) - 1} records to {settings.topic_raw} ({len(seeds)} articles, "
        f"{len(bad) - 1} invalid: {invalid}); 1 too large straight to {settings.topic_dead_letter}"
    )
    raw = read_until(settings, settings.topic_raw, lambda r: len(r) >= len(seeds) + len(bad) - 1, timeout=30)
    assert {record.key for record in raw} >= {orjson.loads(line)["id"].encode() for line in seeds}
    [parked] = read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= 1, timeout=30)
    [letter] = values([parked])
    assert schema_errors("dead-letter.v1", letter) == []
    assert letter["error"]["kind"] == "too_large"
    assert letter["source"]["line"] == len(seeds) + len(bad)
    assert dict(parked.headers) == {
        "khabar.error.kind": b"too_large",
        "khabar.error.message": letter["error"]["message"].encode(),
        "khabar.source.file": str(tmp_path / "input.jsonl").encode(),
        "khabar.source.line": str(len(seeds) + len(bad)).encode(),
    }


def test_produce_skips_invalid_lines_on_request_and_counts_them_apart(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)
    lines = [*SEEDS.read_text(encoding="utf-8").splitlines()[:2], "not json", "[1]"]

    process = started(environment, "produce", "--skip-invalid", "-", stdin=subprocess.PIPE)
    _, stderr = process.communicate("\n".join(lines) + "\n", timeout=120)

    assert process.returncode == 0, stderr[-2000:]
    assert stderr.strip().splitlines()[-1] == (
        f"sent 2 records to {settings.topic_raw} (2 articles); 2 invalid not sent (1 not_json, 1 not_object)"
    )


def test_produce_refuses_a_topic_the_broker_does_not_have_unless_asked_to_create_it(
    broker: dict[str, str], tmp_path: Path
) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)
    topic = f"{settings.topic_raw}-typo"

    refused = khabar(environment, "produce", "--topic", topic, str(SEEDS))
    created = khabar(environment, "produce", "--topic", topic, "--create", str(SEEDS))

    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        f"khabar: error: topic {topic} does not exist on {settings.bootstrap_servers} (--create creates it)"
    ]
    assert created.returncode == 0, created.stderr[-2000:]
    seeds = len(SEEDS.read_bytes().splitlines())
    assert len(read_until(settings, topic, lambda r: len(r) >= seeds, timeout=30)) == seeds


def test_ctrl_c_stops_produce_after_sending_what_it_read(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)
    process = started(environment, "produce", "-", stdin=subprocess.PIPE)
    watchdog = threading.Timer(180, process.kill)  # a produce that ignores Ctrl-C fails instead of hanging
    watchdog.start()
    try:
        assert process.stdin is not None
        seeds = SEEDS.read_text(encoding="utf-8").splitlines()[:3]
        process.stdin.write("\n".join(seeds) + "\n")
        process.stdin.flush()  # the pipe stays open: produce waits for more until Ctrl-C
        read_until(settings, settings.topic_raw, lambda r: len(r) >= 3, timeout=60)
        _, stderr = interrupted(process)
    finally:
        watchdog.cancel()

    assert process.returncode == 130, stderr[-2000:]
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == f"interrupted: sent 3 records to {settings.topic_raw} (3 articles)"


def test_consume_prints_json_lines(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    assert khabar(environment, "produce", str(SEEDS)).returncode == 0
    settings = Settings.from_env(environment)

    result = khabar(environment, "consume", "--topic", settings.topic_raw, "--max", "3", "--timeout", "10")

    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(isinstance(orjson.loads(line)["id"], str) for line in lines)
    assert "3 records from" in result.stderr


@pytest.mark.only_on("kafka", "Tansu creates a topic with any replication factor")
def test_a_topic_the_broker_refuses_to_create_is_one_error_line(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path) | {"KHABAR_REPLICATION_FACTOR": "3"}
    settings = Settings.from_env(environment)

    result = khabar(environment, "produce", str(SEEDS))

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    topic = line.removeprefix("khabar: error: the broker refused to create topic ").split()[0]
    assert topic in {settings.topic_raw, settings.topic_dead_letter}
    assert line.endswith(
        "with 4 partitions and replication 3 (KHABAR_PARTITIONS, KHABAR_REPLICATION_FACTOR): Replication-factor is "
        "invalid."
    )
