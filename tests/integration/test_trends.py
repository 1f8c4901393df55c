"""`khabar trends` on a real broker: a planted burst comes out on top with exact counts, and the counts
stay exact across a SIGKILL of the job mid-window and a restart.

Mentions are produced straight to the entity topic (valid entity-mention.v1.1 records, keyed by their
canonical normalized form as the worker keys them), with event times the tests choose; a bucket is
closed by one later mention on every partition. The expected window records are computed here from
the records produced, each mention_id once.
"""

from __future__ import annotations

import random
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from kafka import TopicPartition

from tests.integration.brokers import BrokerUnderTest, own_broker
from tests.integration.harness import WorkerProcess, isolated_environment, read_until
from workers import clients
from workers.brokers import free_port
from workers.contract.schemas import MENTION_SCHEMA, TREND_SCHEMA, schema_errors
from workers.settings import Settings
from workers.stream.trends import ensure_trends_topics
from workers.trends.windows import iso, parse_time_ms

pytestmark = pytest.mark.integration

TRENDS_JOB = ("workers", "trends")
BUCKET_MS = 600_000
#: Bucket-aligned event times: the warm-up bucket, then the window of the burst.
WARM_UP = parse_time_ms("2026-11-30T10:00:00Z") or 0
WINDOW = WARM_UP + BUCKET_MS
BURST = ("PER", "خليفة حفتر")
SOURCES = ("libya-observer", "alwasat", "218tv", "alnabaa", "libya-herald")
TYPES = ("PER", "LOC", "ORG", "MISC")


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {
        **isolated_environment(broker, tmp_path),
        "KHABAR_TOPIC_TRENDS": f"trends-{uuid.uuid4().hex[:8]}",
        "KHABAR_TRENDS_METRICS_PORT": "0",
        "KHABAR_TRENDS_BUCKET_SECONDS": "600",
        "KHABAR_TRENDS_LATENESS": "300",
        "KHABAR_TRENDS_TOP": "10",
    }


@pytest.fixture
def settings(environment: dict[str, str]) -> Settings:
    """Khabar's topics and the job's, as the job creates them: a test that reads the state topic before the
    job made it would have the broker auto-create it with its own partition count."""
    settings = Settings.from_env(environment)
    ensure_trends_topics(settings)
    return settings


def mention(article: str, number: int, kind: str, name: str, source: str, event_ms: int) -> dict[str, Any]:
    start = 10 * number
    return {
        "mention_id": f"{article}:body:{start}-{start + len(name)}",
        "article_id": article,
        "entity": {"type": kind, "text": name, "normalized": name},
        "canonical": {"text": name, "normalized": name},
        "salience": 0.5,
        "field": "body",
        "start": start,
        "end": start + len(name),
        "language": "ar",
        "source": source,
        "published_at": iso(event_ms).replace("Z", ".000Z") if event_ms % 1000 else iso(event_ms),
    }


def background_pool() -> list[tuple[str, str]]:
    """60 entities, 15 of each type; none is mentioned as often as the burst."""
    return [(kind, f"{kind.lower()} كيان {n}") for kind in TYPES for n in range(15)]


def articles(prefix: str, count: int, start_ms: int, rng: random.Random, burst: bool) -> list[dict[str, Any]]:
    """`count` articles in the bucket at `start_ms`, each at a whole second; a burst article names the
    burst entity once (every third twice) beside one background entity, a background article three."""
    pool = background_pool()
    records = []
    for n in range(count):
        article = f"{prefix}-{n}"
        event_ms = start_ms + rng.randrange(BUCKET_MS // 1000) * 1000
        source = SOURCES[n % len(SOURCES)] if burst else rng.choice(SOURCES)
        names = [BURST] * (2 if burst and n % 3 == 0 else 1 if burst else 0)
        names += rng.sample(pool, 1 if burst else 3)
        records += [mention(article, i, kind, name, source, event_ms) for i, (kind, name) in enumerate(names)]
    return records


def dataset(seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The warm-up bucket's mentions (100 articles), and the window's: the burst of 40 articles over 400
    others, shuffled together."""
    rng = random.Random(seed)
    warm_up = articles("warm", 100, WARM_UP, rng, burst=False)
    window = articles("burst", 40, WINDOW, rng, burst=True) + articles("other", 400, WINDOW, rng, burst=False)
    rng.shuffle(window)
    return warm_up, window


def send_mentions(settings: Settings, records: list[dict[str, Any]], partition: int | None = None) -> None:
    producer = clients.producer(settings, linger_ms=20)
    try:
        futures = [
            producer.send(
                settings.topic_entities,
                key=record["canonical"]["normalized"].encode(),
                value=orjson.dumps(record),
                partition=partition,
            )
            for record in records
        ]
        producer.flush()
        for future in futures:
            future.get(timeout=60)
    finally:
        producer.close()


def advance_watermarks(settings: Settings, event_ms: int) -> None:
    """One mention at `event_ms` on every partition: each partition's watermark passes what is before."""
    for partition in range(settings.partitions):
        record = mention(f"tick-{partition}", 0, "MISC", f"tick {partition}", "clock", event_ms)
        send_mentions(settings, [record], partition=partition)


def expected_records(records: list[dict[str, Any]], first_ms: int, last_ms: int) -> dict[str, list[dict[str, Any]]]:
    """Each type's top 10 over the mentions with event times in [first_ms, last_ms), each mention_id once,
    as (normalized, mentions, articles, sources) rows in rank order."""
    seen: set[str] = set()
    mentions: dict[tuple[str, str], int] = defaultdict(int)
    by_article: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_source: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in records:
        event_ms = parse_time_ms(record["published_at"]) or 0
        if not first_ms <= event_ms < last_ms or record["mention_id"] in seen:
            continue
        seen.add(record["mention_id"])
        key = (record["entity"]["type"], record["canonical"]["normalized"])
        mentions[key] += 1
        by_article[key].add(record["article_id"])
        by_source[key].add(record["source"])
    result = {}
    for kind in TYPES:
        rows = [
            {
                "normalized": key[1],
                "mentions": count,
                "articles": len(by_article[key]),
                "sources": len(by_source[key]),
            }
            for key, count in mentions.items()
            if key[0] == kind
        ]
        rows.sort(key=lambda row: (-row["mentions"], -row["articles"], row["normalized"]))
        result[kind] = rows[:10]
    return result


def counts_of(record: dict[str, Any]) -> list[dict[str, Any]]:
    names = ("normalized", "mentions", "articles", "sources")
    return [{name: entry[name] for name in names} for entry in record["top"]]


def trend_records(settings: Settings, keys: set[str], process: WorkerProcess) -> dict[str, list[dict[str, Any]]]:
    """Read the trends topic until every key in `keys` came; every record of each key (a key published
    again must carry the same record)."""
    records = read_until(
        settings,
        settings.topic_trends,
        lambda got: keys <= {record.key.decode() for record in got},
        timeout=180,
        on_poll=process.check_alive,
    )
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        value = orjson.loads(record.value)
        assert schema_errors(TREND_SCHEMA, value) == []
        by_key[record.key.decode()].append(value)
    return by_key


def bucket_key(start_ms: int, kind: str) -> str:
    return f"bucket|{iso(start_ms)}|{kind}"


def assert_window_exact(
    by_key: dict[str, list[dict[str, Any]]], records: list[dict[str, Any]], start_ms: int, name: str = "bucket"
) -> None:
    """Each type's record of the window `name` starting at `start_ms` has the exact top 10 of `records`."""
    length = {"bucket": BUCKET_MS, "hour": 3_600_000}[name]
    expected = expected_records(records, start_ms, start_ms + length)
    for kind in TYPES:
        published = by_key[f"{name}|{iso(start_ms)}|{kind}"]
        assert all(value == published[0] for value in published), "a window record published again must not change"
        assert counts_of(published[0]) == expected[kind], kind


def trends_process(settings: Settings, log_path: Path) -> WorkerProcess:
    return WorkerProcess(TRENDS_JOB, settings, log_path)


def scrape(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_planted_burst_tops_its_type_with_exact_counts(settings: Settings, tmp_path: Path) -> None:
    warm_up, window = dataset(seed=15)
    assert all(schema_errors(MENTION_SCHEMA, record) == [] for record in warm_up + window)
    repeats = window[:25]  # at-least-once input: the same mentions again
    settings = replace(settings, trends_metrics_port=free_port())
    job = trends_process(settings, tmp_path / "trends.log")
    ticks = WINDOW + BUCKET_MS + 10 * 60_000  # in the bucket two after the window
    try:
        send_mentions(settings, warm_up + window + repeats)
        advance_watermarks(settings, ticks)
        trend_records(settings, {bucket_key(WINDOW, kind) for kind in TYPES}, job)
        # A mention of the closed window now is late: counted as such, not in the window published.
        send_mentions(settings, [mention("late-1", 0, *BURST, "late-source", WINDOW + 60_000)])
        advance_watermarks(settings, ticks + 2 * BUCKET_MS)  # publishes the ticks' bucket
        by_key = trend_records(settings, {bucket_key(ticks, "MISC")}, job)
        assert scrape(settings.trends_metrics_port, "/ready") == (200, "ready\n")
        status, metrics = scrape(settings.trends_metrics_port, "/metrics")
    finally:
        job.stop()
    [stopped] = [line for line in job.log().splitlines() if "trends stopped after" in line]
    assert " 1 late," in stopped, stopped
    assert status == 200
    assert 'khabar_trends_input_records_total{outcome="late"} 1.0' in metrics
    assert 'khabar_trends_input_records_total{outcome="duplicate"} 25.0' in metrics
    assert 'khabar_trends_windows_published_total{window="bucket"}' in metrics
    top = by_key[bucket_key(WINDOW, "PER")][0]["top"][0]
    print(f"burst window: {top['mentions']} mentions, {top['articles']} articles, {top['sources']} sources")
    assert (top["normalized"], top["mentions"], top["articles"], top["sources"]) == (BURST[1], 54, 40, 5)
    assert top["previous_mentions"] == 0 and top["change"] == 54 and top["score"] > 10
    assert_window_exact(by_key, warm_up + window, WINDOW)
    assert_window_exact(by_key, warm_up + window, WARM_UP)
    # the hour that ends with the burst's bucket holds both buckets
    assert_window_exact(by_key, warm_up + window, WINDOW + BUCKET_MS - 3_600_000, "hour")


def checkpoints_reached(settings: Settings, ends: dict[int, int]) -> Callable[[list[Any]], bool]:
    """True once the state topic holds, for every input partition, a checkpoint at or past its end."""

    def reached(records: list[Any]) -> bool:
        positions: dict[int, int] = {}
        for record in records:
            if record.key.startswith(b"checkpoint/") and record.value is not None:
                value = orjson.loads(record.value)
                positions[value["partition"]] = value["position"]
        return all(positions.get(partition, -1) >= end for partition, end in ends.items())

    return reached


def send_until_checkpointed(settings: Settings, records: list[dict[str, Any]], job: WorkerProcess) -> None:
    """Send `records`, then wait until the job has checkpointed every input partition at or past its end."""
    send_mentions(settings, records)
    partitions = [TopicPartition(settings.topic_entities, p) for p in range(settings.partitions)]
    ends = {tp.partition: end for tp, end in clients.end_offsets(settings, partitions).items()}
    read_until(settings, settings.trends_state_topic, checkpoints_reached(settings, ends), 120, on_poll=job.check_alive)


def test_counts_stay_exact_across_a_sigkill_mid_window_and_a_restart(settings: Settings, tmp_path: Path) -> None:
    warm_up, window = dataset(seed=16)
    first_half, second_half = window[: len(window) // 2], window[len(window) // 2 :]
    job = trends_process(settings, tmp_path / "trends.log")
    replacement = None
    try:
        send_until_checkpointed(settings, warm_up + first_half, job)
        # The job has read every record so far: the window's counts are in its memory only.
        job.kill()
        send_mentions(settings, second_half + first_half[:30])  # and some of the first half again
        replacement = trends_process(settings, tmp_path / "replacement.log")
        advance_watermarks(settings, WINDOW + BUCKET_MS + 10 * 60_000)
        by_key = trend_records(settings, {bucket_key(WINDOW, kind) for kind in TYPES}, replacement)
    finally:
        if replacement is not None:
            replacement.stop()
        job.stop()
    top = by_key[bucket_key(WINDOW, "PER")][0]["top"][0]
    print(
        f"after SIGKILL and restart: {top['mentions']} mentions, {top['articles']} articles, {top['sources']} sources"
    )
    assert (top["normalized"], top["mentions"], top["articles"], top["sources"]) == (BURST[1], 54, 40, 5)
    assert_window_exact(by_key, warm_up + window, WINDOW)
    assert_window_exact(by_key, warm_up + window, WARM_UP)


def wait_for(condition: Callable[[], bool], what: str, timeout: float, on_poll: Callable[[], None]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        on_poll()
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(0.2)


def test_two_jobs_share_the_partitions_and_one_leaving_mid_window_loses_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    warm_up, window = dataset(seed=17)
    first_half, second_half = window[: len(window) // 2], window[len(window) // 2 :]
    leaving = trends_process(settings, tmp_path / "leaving.log")
    staying = None
    try:
        wait_for(leaving.joined, "the first job to join", 120, leaving.check_alive)
        staying = trends_process(settings, tmp_path / "staying.log")
        job = staying
        # the first job's second assignment: the group rebalanced over both
        wait_for(
            lambda: leaving.log().count("partitions assigned") >= 2 and job.joined(),
            "a rebalance",
            120,
            job.check_alive,
        )
        send_until_checkpointed(settings, warm_up + first_half, job)
        assert leaving.stop() == 0  # SIGTERM: its partitions go to the other job, mid-window
        send_mentions(settings, second_half + first_half[:30])
        advance_watermarks(settings, WINDOW + BUCKET_MS + 10 * 60_000)
        by_key = trend_records(settings, {bucket_key(WINDOW, kind) for kind in TYPES}, job)
    finally:
        if staying is not None:
            staying.stop()
        leaving.stop()
    assert "partitions assigned" in leaving.log().split("trends stopped")[0]
    assert_window_exact(by_key, warm_up + window, WINDOW)
    assert_window_exact(by_key, warm_up + window, WARM_UP)


@pytest.mark.only_on("kafka", "Tansu's memory storage loses every topic at a restart")
def test_counts_stay_exact_across_a_broker_restart_mid_window(
    broker_under_test: BrokerUnderTest, tmp_path: Path
) -> None:
    """The broker stopped and started while the job holds a window's counts: it reconnects by itself,
    and the window comes out exact."""
    warm_up, window = dataset(seed=18)
    first_half, second_half = window[: len(window) // 2], window[len(window) // 2 :]
    with own_broker(broker_under_test.engine) as (broker, broker_env):
        environment = {
            **isolated_environment(broker_env, tmp_path),
            "KHABAR_TOPIC_TRENDS": f"trends-{uuid.uuid4().hex[:8]}",
            "KHABAR_TRENDS_METRICS_PORT": "0",
        }
        settings = Settings.from_env(environment)
        ensure_trends_topics(settings)
        job = trends_process(settings, tmp_path / "trends.log")
        try:
            send_until_checkpointed(settings, warm_up + first_half, job)
            broker.stop()
            broker.start()
            send_mentions(settings, second_half + first_half[:30])
            advance_watermarks(settings, WINDOW + BUCKET_MS + 10 * 60_000)
            by_key = trend_records(settings, {bucket_key(WINDOW, kind) for kind in TYPES}, job)
        finally:
            job.stop()
    assert_window_exact(by_key, warm_up + window, WINDOW)
    assert_window_exact(by_key, warm_up + window, WARM_UP)
