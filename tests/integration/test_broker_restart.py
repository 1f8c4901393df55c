"""A broker restarted under running workers, on a broker of the run's engine started for each test.

Apache Kafka keeps its log on disk: every article produced before, during and after a restart comes
out, even with a worker killed on the way, and the worker rejoins by itself. Tansu keeps its topics in
memory: a restart empties it, so the worker notices within seconds that its topics were replaced and
stops with one clear error, and a worker started again (as compose's restart policy does) processes
what is produced from then on.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from tests.integration.brokers import BrokerUnderTest, own_broker
from tests.integration.harness import isolated_environment, produce, read_until, values, worker_process
from workers import clients
from workers.settings import Settings

pytestmark = pytest.mark.integration

Record = tuple[bytes | None, bytes]


def articles(prefix: str, count: int) -> list[Record]:
    return [
        (f"{prefix}-{n}".encode(), orjson.dumps({"id": f"{prefix}-{n}", "body": f"اجتماع في مدينة سرت رقم {n}"}))
        for n in range(count)
    ]


class SteadyProducer(threading.Thread):
    """Sends records one by one at a steady pace through one producer, across broker outages."""

    def __init__(self, settings: Settings, records: Sequence[Record], per_second: float) -> None:
        super().__init__(name="steady-producer", daemon=True)
        self._settings = settings
        self._records = records
        self._pause = 1 / per_second
        self.sent = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        producer = clients.producer(self._settings, max_block_ms=120_000, delivery_timeout_ms=180_000)
        try:
            futures = []
            for key, value in self._records:
                futures.append(producer.send(self._settings.topic_raw, key=key, value=value))
                self.sent += 1
                time.sleep(self._pause)
            producer.flush()
            for future in futures:
                future.get(timeout=60)
        except BaseException as error:  # reported by the test thread
            self.failure = error
        finally:
            producer.close()

    def wait_until_sent(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.sent < count:
            assert time.monotonic() < deadline, f"only {self.sent} of {count} records sent"
            time.sleep(0.05)


@pytest.mark.only_on("kafka", "Tansu's memory storage loses every topic at a restart")
def test_nothing_is_lost_across_a_worker_kill_and_a_broker_restart(
    broker_under_test: BrokerUnderTest, tmp_path: Path
) -> None:
    """600 articles and 10 malformed records, produced at a steady pace while the worker is SIGKILLed
    once and the broker is stopped and started once: all enriched, each dead-lettered once."""
    lines = articles("fault", 600)
    malformed = [line for case, line in malformed_lines() if case != "body-over-4-mib"][:10]
    for index, line in enumerate(malformed):
        lines.insert(index * 60 + 30, (None, line))
    with own_broker(broker_under_test.engine) as (broker, broker_env):
        environment = isolated_environment(broker_env, tmp_path)
        settings = Settings.from_env(environment)
        clients.ensure_topics(settings)
        worker = worker_process(environment, tmp_path / "worker.log")
        producer = SteadyProducer(settings, lines, per_second=40)
        replacement = None
        try:
            producer.start()
            read_until(
                settings, settings.topic_enriched, lambda r: len(r) >= 50, timeout=120, on_poll=worker.check_alive
            )
            worker.kill()
            replacement = worker_process(environment, tmp_path / "replacement.log")
            producer.wait_until_sent(350, timeout=120)
            broker.stop()
            time.sleep(3)  # records sent meanwhile wait in the producer
            broker.start()
            producer.join(timeout=240)
            assert producer.failure is None, producer.failure
            keys = {key for key, _ in lines if key}
            enriched = read_until(
                settings,
                settings.topic_enriched,
                lambda r: {x.key for x in r} >= keys,
                timeout=240,
                on_poll=replacement.check_alive,
            )
            letters = read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= 10, timeout=60)
            time.sleep(1)
        finally:
            if replacement is not None:
                replacement.stop()
            worker.stop()
    ids = Counter(record.key.decode() for record in enriched)
    duplicates = sum(count - 1 for count in ids.values())
    print(
        f"worker kill and broker restart: {len(ids)} of 600 enriched, {duplicates} duplicates, {len(letters)} letters"
    )
    assert set(ids) == {key.decode() for key in keys}
    # each fault repeats at most the batch in flight when it struck
    assert duplicates <= 2 * settings.batch_size
    assert len({(v["source"]["partition"], v["source"]["offset"]) for v in values(letters)}) == 10


@pytest.mark.only_on("tansu", "Apache Kafka keeps its topics, and the worker its place, across a restart")
def test_a_memory_broker_restart_stops_the_worker_and_a_new_one_takes_what_follows(
    broker_under_test: BrokerUnderTest, tmp_path: Path
) -> None:
    with own_broker(broker_under_test.engine) as (broker, broker_env):
        environment = isolated_environment(broker_env, tmp_path)
        settings = Settings.from_env(environment)
        clients.ensure_topics(settings)
        worker = worker_process(environment, tmp_path / "worker.log")
        replacement = None
        try:
            before = articles("before", 10)
            produce(settings, before)
            read_until(settings, settings.topic_enriched, lambda r: len(r) >= len(before), timeout=120)

            broker.stop()
            broker.start()  # empty: nobody recreates the topics but the next worker
            assert worker.process.wait(timeout=30) == 2, "the worker should stop once its topics are replaced"
            errors = [line for line in worker.log().splitlines() if line.startswith("khabar: error:")]
            assert len(errors) == 1 and "topics replaced" in errors[0], errors

            replacement = worker_process(environment, tmp_path / "replacement.log")
            after = articles("after", 50)
            produce(settings, after)
            enriched = read_until(
                settings,
                settings.topic_enriched,
                lambda r: {x.key for x in r} >= {k for k, _ in after},
                timeout=180,
                on_poll=replacement.check_alive,
            )
        finally:
            if replacement is not None:
                replacement.stop()
            worker.stop()
    assert {record.key for record in enriched} == {key for key, _ in after}


def test_a_worker_told_to_stop_while_its_broker_is_gone_exits_within_the_shutdown_timeout(
    broker_under_test: BrokerUnderTest, tmp_path: Path
) -> None:
    """With nothing to deliver or commit to, Faust would retry forever; the worker gives up after
    KHABAR_SHUTDOWN_TIMEOUT with one error line and exit code 3, and commits nothing."""
    with own_broker(broker_under_test.engine) as (broker, broker_env):
        environment = {**isolated_environment(broker_env, tmp_path), "KHABAR_SHUTDOWN_TIMEOUT": "5"}
        settings = Settings.from_env(environment)
        clients.ensure_topics(settings)
        worker = worker_process(environment, tmp_path / "worker.log")
        try:
            produce(settings, articles("before", 5))
            read_until(settings, settings.topic_enriched, lambda r: len(r) >= 5, timeout=120)
            broker.stop()
            worker.terminate()
            assert worker.process.wait(timeout=60) == 3
        finally:
            worker.stop()
    gave_up = [line for line in worker.log().splitlines() if "could not stop within 5s" in line]
    assert len(gave_up) == 1, worker.log()[-2000:]
