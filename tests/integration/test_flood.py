"""Back-pressure: a backlog far larger than the worker's buffers does not grow the worker's memory.

Runs against the embedded Tansu broker, or any broker named by KAFKA_BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.integration.harness import isolated_environment, produce, read_until, worker_process
from workers import clients
from workers.settings import Settings

pytestmark = pytest.mark.integration
MIB = 1024 * 1024
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"
ARTICLE_BYTES = 100_000
FLOOD_ARTICLES = 2000  # 200 MB of input
BUFFER_RECORDS = 64
BATCH_SIZE = 8


def long_article(number: int, body: str) -> tuple[bytes, bytes]:
    """A news article of about ARTICLE_BYTES bytes (seed text repeated), with its own id."""
    article_id = f"flood-{number:05d}"
    return article_id.encode(), orjson.dumps({"id": article_id, "title": "خبر طويل", "body": body})


def test_a_flood_of_long_articles_does_not_grow_the_worker_beyond_its_buffers(
    broker: dict[str, str], tmp_path: Path
) -> None:
    environment = {
        **isolated_environment(broker, tmp_path),
        "KHABAR_BUFFER_RECORDS": str(BUFFER_RECORDS),
        "KHABAR_BATCH_SIZE": str(BATCH_SIZE),
    }
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    seed = orjson.loads(SEEDS.read_bytes().splitlines()[0])["body"]
    body = (seed + "\n") * (ARTICLE_BYTES // len(seed.encode()) + 1)
    worker = worker_process(environment, tmp_path / "worker.log")
    try:
        produce(settings, [long_article(0, body)])
        read_until(settings, settings.topic_enriched, lambda r: len(r) >= 1, timeout=120, on_poll=worker.check_alive)
        settled = worker.peak_rss_bytes()

        flood = [long_article(number, body) for number in range(1, FLOOD_ARTICLES + 1)]
        backlog = sum(len(value) for _, value in flood)
        produce(settings, flood)
        enriched = read_until(
            settings, settings.topic_enriched, lambda r: len(r) >= 40, timeout=300, on_poll=worker.check_alive
        )
        growth = worker.peak_rss_bytes() - settled
    finally:
        worker.stop()

    # The worker holds its stream buffer, a fetch per partition and one batch with its outputs
    # (about 6x the input for these entity-dense articles), never the backlog.
    buffers = BUFFER_RECORDS * ARTICLE_BYTES + settings.partitions * clients.output_record_limit(settings)
    print(
        f"flood: backlog {backlog / MIB:.0f} MiB; worker peak RSS grew {growth / MIB:.0f} MiB "
        f"(buffers {buffers / MIB:.0f} MiB) while {len(enriched)} articles were enriched"
    )
    assert growth < backlog / 4
