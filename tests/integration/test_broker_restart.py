"""The embedded broker restarted under a running worker: the worker resumes on its own.

Tansu keeps its log in memory, so a restart empties every topic: what must hold is that the worker
and the CLI recover and process everything produced after the restart. (Keeping what was produced
before needs a durable broker, such as the Kafka of docker-compose.yml.) This test restarts a broker
of its own, so it runs on the embedded broker only.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from integration.harness import isolated_environment, produce, read_until, worker_process
from workers import clients
from workers.broker import EmbeddedBroker, free_port
from workers.demo import EMBEDDED_GROUP_TIMEOUTS
from workers.settings import Settings

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif("KAFKA_BOOTSTRAP_SERVERS" in os.environ, reason="restarts an embedded broker of its own"),
]


def articles(prefix: str, count: int) -> list[tuple[bytes | None, bytes]]:
    return [
        (f"{prefix}-{n}".encode(), orjson.dumps({"id": f"{prefix}-{n}", "body": f"اجتماع في مدينة سرت رقم {n}"}))
        for n in range(count)
    ]


def test_worker_resumes_after_the_broker_restarts(tmp_path: Path) -> None:
    broker = EmbeddedBroker(port=free_port()).start()
    timeouts = {f"KHABAR_{name.upper()}": str(value) for name, value in EMBEDDED_GROUP_TIMEOUTS.items()}
    environment = isolated_environment({"KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap_servers, **timeouts}, tmp_path)
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    worker = worker_process(environment, tmp_path / "worker.log")
    try:
        before = articles("before", 10)
        produce(settings, before)
        read_until(settings, settings.topic_enriched, lambda r: len(r) >= len(before), timeout=120)

        broker.stop()
        broker = EmbeddedBroker(port=broker.port).start()
        clients.ensure_topics(settings)  # as `khabar produce` does: the restarted broker is empty
        after = articles("after", 50)
        produce(settings, after)
        enriched = read_until(
            settings, settings.topic_enriched, lambda r: {x.key for x in r} >= {k for k, _ in after}, timeout=180
        )
    finally:
        worker.stop()
        broker.stop()
    assert {record.key for record in enriched} == {key for key, _ in after}
