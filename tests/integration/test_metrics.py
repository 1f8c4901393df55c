"""The worker's /metrics, /health and /ready on a real broker, scraped as Prometheus and a supervisor would.

Every wait is on a condition with a generous deadline: on a loaded two-core machine the worker may take
tens of seconds to load its pipeline and join its group.
"""

from __future__ import annotations

import dataclasses
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.data.malformed_lines import malformed_lines
from tests.integration.harness import (
    WorkerProcess,
    isolated_environment,
    produce,
    read_until,
    values,
    worker_process,
)
from workers.brokers import free_port
from workers.settings import Settings

pytestmark = pytest.mark.integration
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"
#: Malformed inputs that a producer can send at all (the 4 MiB one exceeds the client's request limit).
SENDABLE_MALFORMED = [line for case, line in malformed_lines() if case != "body-over-4-mib"]
#: Worker start (pipeline load, group join) on a loaded machine, and a drain of a few dozen records.
START_SECONDS = 180.0
DRAIN_SECONDS = 120.0
NOT_JOINED = "no partitions assigned yet: the consumer group is not joined"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**isolated_environment(broker, tmp_path), "KHABAR_METRICS_PORT": str(free_port())}


def get(settings: Settings, path: str, timeout: float = 5.0) -> tuple[int, str] | None:
    """Status and body of GET `path` on the worker; None while nothing listens yet."""
    url = f"http://127.0.0.1:{settings.metrics_port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return None


def scrape(settings: Settings) -> Samples:
    """Every sample of /metrics, by name and labels."""
    answer = get(settings, "/metrics")
    assert answer is not None and answer[0] == 200, answer
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(answer[1])
        for sample in family.samples
    }


def sample(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def lags(samples: Samples) -> dict[str, float]:
    """Partition → lag, for the partitions the worker reports."""
    return {
        dict(labels)["partition"]: value
        for (name, labels), value in samples.items()
        if name == "khabar_consumer_lag_records"
    }


def wait_for(what: str, condition: Callable[[], bool], worker: WorkerProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        worker.check_alive()
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f}s"
        time.sleep(0.2)


def seed_lines() -> list[tuple[bytes | None, bytes]]:
    lines = [line for line in SEEDS.read_bytes().splitlines() if line.strip()]
    return [(orjson.loads(line)["id"].encode(), line) for line in lines]


def test_ready_answers_503_with_its_reason_until_the_group_is_joined_then_200(
    settings: Settings, worker: WorkerProcess
) -> None:
    answers: list[tuple[int, str]] = []
    deadline = time.monotonic() + START_SECONDS
    while not answers or answers[-1][0] != 200:
        worker.check_alive()
        assert time.monotonic() < deadline, f"not ready within {START_SECONDS:.0f}s: {answers[-3:]}"
        answer = get(settings, "/ready")
        if answer is not None:
            answers.append(answer)
        time.sleep(0.05)

    waiting = answers[:-1]
    assert waiting, "the server answers from before the pipeline loads: /ready is 503 first"
    assert {status for status, _ in waiting} == {503}
    assert any(NOT_JOINED in body for _, body in waiting)
    assert answers[-1] == (200, "ready\n")
    assert get(settings, "/health") == (200, "alive\n")


def test_the_counts_equal_what_was_produced_and_consumed_and_the_lag_is_0_once_drained(
    settings: Settings, worker: WorkerProcess
) -> None:
    articles = seed_lines()
    produce(settings, articles + [(None, line) for line in SENDABLE_MALFORMED])
    produced = len(articles) + len(SENDABLE_MALFORMED)

    enriched = values(read_until(settings, settings.topic_enriched, lambda r: len(r) >= len(articles), DRAIN_SECONDS))
    letters = values(read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= len(SENDABLE_MALFORMED), 60))
    total_entities = sum(len(record["entities"]) for record in enriched)
    mentions = read_until(settings, settings.topic_entities, lambda r: len(r) >= total_entities, 60)
    wait_for(
        "all inputs counted",
        lambda: sample(scrape(settings), "khabar_input_records_total") == produced,
        worker,
        DRAIN_SECONDS,
    )

    samples = scrape(settings)
    assert sample(samples, "khabar_output_records_total", kind="enriched") == len(enriched) == len(articles)
    assert sample(samples, "khabar_output_records_total", kind="entity") == len(mentions) == total_entities
    assert sample(samples, "khabar_output_records_total", kind="dead_letter") == len(letters)
    by_kind = Counter(letter["error"]["kind"] for letter in letters)
    assert {kind: sample(samples, "khabar_dead_letters_total", error_kind=kind) for kind in by_kind} == by_kind
    assert sample(samples, "khabar_enrichment_seconds_count") == produced
    assert sample(samples, "khabar_end_to_end_seconds_count") == produced
    assert sample(samples, "khabar_batch_records_sum") == produced
    assert sample(samples, "khabar_replays_skipped_total") == 0
    assert (sample(samples, "khabar_rebalances_total") or 0) >= 1
    [info] = [dict(labels) for (name, labels), _ in samples.items() if name == "khabar_pipeline_info"]
    assert info["pipeline_version"] == enriched[0]["enrichment"]["pipeline_version"]
    assert info["model_version"] == enriched[0]["enrichment"]["tagger"]["version"]

    def drained() -> bool:
        reported = lags(scrape(settings))
        return len(reported) == settings.partitions and set(reported.values()) == {0}

    wait_for("every partition's lag at 0", drained, worker, DRAIN_SECONDS)


def test_health_answers_within_a_second_while_a_long_backlog_is_enriched_and_its_lag_is_above_0(
    settings: Settings, worker: WorkerProcess
) -> None:
    """Four articles of 900 kB take seconds each to enrich (in a worker thread); a dozen short ones wait behind
    them on the same partition, uncommitted: the lag stays above 0 the whole time."""
    wait_for("ready", lambda: get(settings, "/ready") == (200, "ready\n"), worker, START_SECONDS)
    seeds = [orjson.loads(line) for _, line in seed_lines()]
    arabic = " ".join(seed["body"] for seed in seeds if seed.get("language") == "ar")
    long_body = " ".join([arabic] * (900_000 // len(arabic.encode())))
    long_articles = [{"id": f"long-{n}", "body": long_body} for n in range(4)]
    short_articles = [{**seeds[n % len(seeds)], "id": f"behind-{n:02d}"} for n in range(12)]
    backlog = [(b"one-partition", orjson.dumps(article)) for article in long_articles + short_articles]
    produce(settings, backlog)

    health_seconds: list[float] = []
    seen_lag = 0.0
    deadline = time.monotonic() + START_SECONDS
    while sample(samples := scrape(settings), "khabar_input_records_total") != len(backlog):
        worker.check_alive()
        assert time.monotonic() < deadline, f"backlog not processed within {START_SECONDS:.0f}s"
        lag = sum(lags(samples).values())
        if lag > 0:
            seen_lag = max(seen_lag, lag)
            started = time.monotonic()
            assert get(settings, "/health", timeout=1.0) == (200, "alive\n")
            health_seconds.append(time.monotonic() - started)
        time.sleep(0.2)

    print(f"lag up to {seen_lag:.0f}; /health {len(health_seconds)} times, at most {max(health_seconds):.3f}s")
    assert seen_lag > 0
    assert len(health_seconds) >= 3, "the backlog should wait for seconds"
    assert max(health_seconds) < 1.0
    wait_for("the lag back at 0", lambda: sum(lags(scrape(settings)).values()) == 0, worker, DRAIN_SECONDS)


def test_after_a_rebalance_each_worker_reports_the_lag_of_its_own_partitions_only(
    settings: Settings, environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    """A second worker joins: the first worker's series of the partitions it gave up are removed, and
    between them the two report every partition once."""

    def reported(of: Settings) -> set[str]:
        """The partitions whose lag a worker reports, once it is ready (nothing before)."""
        return set(lags(scrape(of))) if get(of, "/ready") == (200, "ready\n") else set()

    wait_for("every partition's lag", lambda: len(reported(settings)) == settings.partitions, worker, START_SECONDS)
    second_settings = dataclasses.replace(settings, metrics_port=free_port())
    second = worker_process(
        {**environment, "KHABAR_METRICS_PORT": str(second_settings.metrics_port)}, tmp_path / "second.log"
    )

    def split() -> bool:
        first, other = reported(settings), reported(second_settings)
        return bool(first) and bool(other) and not first & other and len(first | other) == settings.partitions

    try:
        wait_for("the partitions split between the two workers, each reporting its own", split, second, START_SECONDS)
        assert (sample(scrape(settings), "khabar_rebalances_total") or 0) >= 2
    finally:
        second.stop()
