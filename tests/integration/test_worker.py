"""The worker on a real broker: raw articles in; enriched records, entity mentions and dead letters out.

These run against the embedded Tansu broker, or any broker named by KAFKA_BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from tests.integration.harness import WorkerProcess, produce, read_until, values, wait_until_joined, worker_process
from workers.contract.schemas import schema_errors
from workers.settings import Settings

pytestmark = pytest.mark.integration
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"
#: Malformed inputs that a producer can send at all (the 4 MiB one exceeds the client's request limit).
SENDABLE_MALFORMED = [(case, line) for case, line in malformed_lines() if case != "body-over-4-mib"]


def seed_lines() -> list[tuple[bytes | None, bytes]]:
    lines = [line for line in SEEDS.read_bytes().splitlines() if line.strip()]
    return [(orjson.loads(line)["id"].encode(), line) for line in lines]


def test_articles_come_out_enriched_and_bad_records_dead_lettered(settings: Settings, worker: WorkerProcess) -> None:
    articles = seed_lines()
    oversized = ("body-over-1-mib", orjson.dumps({"id": "big", "body": "ك" * 600_000}))
    malformed = [*SENDABLE_MALFORMED, oversized]
    produce(settings, articles + [(None, line) for _, line in malformed])

    enriched = values(read_until(settings, settings.topic_enriched, lambda r: len(r) >= len(articles), timeout=120))
    letter_records = read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= len(malformed), timeout=60)
    letters = values(letter_records)

    assert {record["id"] for record in enriched} == {key.decode() for key, _ in articles if key}
    for record in enriched:
        assert schema_errors("article.enriched.v1.1", record) == []
        for entity in record["entities"]:
            assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
    assert sum(len(record["entities"]) for record in enriched) > 0

    assert len(letters) == len(malformed)
    for letter in letters:
        assert schema_errors("dead-letter.v1", letter) == []
        assert letter["source"]["topic"] == settings.topic_raw
    assert Counter(letter["error"]["kind"] for letter in letters)["too_large"] == 1
    # the reason and origin travel as headers too, readable without parsing the value
    assert [
        (headers["khabar.error.kind"].decode(), int(headers["khabar.source.offset"]))
        for headers in (dict(record.headers) for record in letter_records)
    ] == [(letter["error"]["kind"], letter["source"]["offset"]) for letter in letters]

    total_entities = sum(len(record["entities"]) for record in enriched)
    mentions = values(read_until(settings, settings.topic_entities, lambda r: len(r) >= total_entities, timeout=30))
    assert all(schema_errors("entity-mention.v1.1", mention) == [] for mention in mentions)


def test_nothing_is_lost_when_the_worker_is_killed_mid_stream(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    """600 articles and 10 malformed records; SIGKILL once mid-stream, restart: all come out."""
    seeds = [orjson.loads(line) for _, line in seed_lines()]
    articles = [{**seeds[n % len(seeds)], "id": f"kill-{n:04d}"} for n in range(600)]
    malformed = [line for _, line in SENDABLE_MALFORMED[:10]]
    lines = [(a["id"].encode(), orjson.dumps(a)) for a in articles]
    for index, line in enumerate(malformed):
        lines.insert(index * 60 + 30, (None, line))
    first_half, second_half = lines[:310], lines[310:]
    produce(settings, first_half)

    before_kill = read_until(
        settings, settings.topic_enriched, lambda r: len(r) >= 50, timeout=120, on_poll=worker.check_alive
    )
    worker.kill()
    assert len(before_kill) < 300, "the kill should land mid-stream"
    produce(settings, second_half)
    replacement = worker_process(environment, tmp_path / "replacement.log")
    try:
        enriched = read_until(
            settings,
            settings.topic_enriched,
            lambda r: {x.key for x in r} >= {k for k, _ in lines if k},
            timeout=180,
            on_poll=replacement.check_alive,
        )
        letters = read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= 10, timeout=60)
        time.sleep(1)
    finally:
        replacement.stop()

    ids = Counter(record.key.decode() for record in enriched)
    assert set(ids) == {article["id"] for article in articles}
    duplicates = sum(count - 1 for count in ids.values())
    print(
        f"SIGKILL after {len(before_kill)} enriched records: {len(ids)} of 600 articles enriched, "
        f"{duplicates} duplicates, {len(letters)} dead letters"
    )
    # published articles are remembered in the changelog-backed table: a replay repeats at most
    # the batch that was in flight (delivered, not yet in the changelog) when the worker died
    assert duplicates <= settings.batch_size
    dead_sources = {(v["source"]["partition"], v["source"]["offset"]) for v in values(letters)}
    assert len(dead_sources) == 10
    assert all(letter["error"]["message"] for letter in values(letters))


def test_two_workers_share_the_partitions_as_one_group(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    second = worker_process(environment, tmp_path / "second.log")
    try:
        wait_until_joined([worker, second])
        seeds = [orjson.loads(line) for _, line in seed_lines()]
        articles = [{**seeds[n % len(seeds)], "id": f"shared-{n:04d}"} for n in range(200)]
        produce(settings, [(a["id"].encode(), orjson.dumps(a)) for a in articles])
        enriched = read_until(
            settings, settings.topic_enriched, lambda r: len({x.key for x in r}) >= len(articles), timeout=120
        )
    finally:
        second.stop()
    worker.stop()
    assert {record.key.decode() for record in enriched} == {article["id"] for article in articles}
    processed = [_records_in(process.log()) for process in (worker, second)]
    assert all(count > 0 for count in processed), processed
    assert sum(processed) >= len(articles)


def _records_in(log: str) -> int:
    """Records a worker processed, from its final log line ('worker stopped after N records in: ...')."""
    line = next(line for line in reversed(log.splitlines()) if "worker stopped after" in line)
    return int(line.split("worker stopped after ")[1].split(" records in")[0])


def test_sigterm_finishes_in_flight_work_and_commits(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    """A graceful stop mid-stream: the worker exits 0 within the bound, and a restart redoes little or nothing."""
    seeds = [orjson.loads(line) for _, line in seed_lines()]
    articles = [{**seeds[n % len(seeds)], "id": f"term-{n:04d}"} for n in range(400)]
    produce(settings, [(a["id"].encode(), orjson.dumps(a)) for a in articles])
    read_until(settings, settings.topic_enriched, lambda r: len(r) >= 50, timeout=120)
    started = time.monotonic()
    assert worker.stop(timeout=30) == 0
    stop_seconds = time.monotonic() - started
    assert "\x1b[" not in worker.log(), "the worker's output is plain log lines, without terminal codes"

    replacement = worker_process(environment, tmp_path / "replacement.log")
    try:
        enriched = read_until(
            settings, settings.topic_enriched, lambda r: len({x.key for x in r}) >= len(articles), timeout=180
        )
    finally:
        replacement.stop()
    ids = Counter(record.key.decode() for record in enriched)
    duplicates = sum(count - 1 for count in ids.values())
    print(f"SIGTERM: stopped in {stop_seconds:.1f}s, {len(ids)} of {len(articles)} enriched, {duplicates} duplicates")
    assert set(ids) == {article["id"] for article in articles}
    assert duplicates <= settings.batch_size


def test_a_worker_joining_and_leaving_while_producing_loses_nothing(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    """Two rebalances (a second worker joins, then leaves) while articles keep arriving."""
    seeds = [orjson.loads(line) for _, line in seed_lines()]
    articles = [{**seeds[n % len(seeds)], "id": f"rebalance-{n:04d}"} for n in range(400)]
    lines = [(a["id"].encode(), orjson.dumps(a)) for a in articles]
    produce(settings, lines[:100])
    read_until(settings, settings.topic_enriched, lambda r: len(r) >= 20, timeout=120)
    second = worker_process(environment, tmp_path / "second.log")
    try:
        joining, joined = iter(range(100, 200, 25)), range(200, 300, 25)
        deadline = time.monotonic() + 60
        while not second.joined():  # articles keep arriving while it joins
            assert time.monotonic() < deadline, "the second worker should join within a minute"
            start = next(joining, None)
            if start is not None:
                produce(settings, lines[start : start + 25])
            time.sleep(0.5)
        for start in [*joining, *joined]:  # and while both share the partitions
            produce(settings, lines[start : start + 25])
            time.sleep(0.5)
        time.sleep(2)
    finally:
        second.stop()
    produce(settings, lines[300:])
    enriched = read_until(
        settings, settings.topic_enriched, lambda r: len({x.key for x in r}) >= len(articles), timeout=180
    )
    ids = Counter(record.key.decode() for record in enriched)
    duplicates = sum(count - 1 for count in ids.values())
    print(
        f"join and leave while producing: {len(ids)} of {len(articles)} enriched, {duplicates} duplicates, "
        f"{_records_in(second.log())} handled by the worker that came and went"
    )
    assert set(ids) == {article["id"] for article in articles}
    assert _records_in(second.log()) > 0, "the second worker should have taken partitions"
