"""Records compressed with every codec Kafka has: read by the worker, written by it and by the CLI.

Producers in the wild compress (crawlers, librdkafka clients, Java clients), so the worker must
decode gzip, snappy, lz4 and zstd whatever KHABAR_COMPRESSION says; that setting chooses the codec
of what Khabar itself writes, and `khabar consume` reads each.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from tests.integration.harness import WorkerProcess, isolated_environment, khabar, read_until, values
from workers import clients
from workers.settings import Settings

pytestmark = pytest.mark.integration
CODECS = ("gzip", "snappy", "lz4", "zstd")


def article(codec: str, via: str) -> dict[str, str]:
    return {"id": f"{via}-{codec}", "title": f"خبر مضغوط بـ {codec}", "body": "قال العميد خالد المحجوب في سرت"}


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """The worker writes zstd here: the other tests run with the default codec."""
    return {**isolated_environment(broker, tmp_path), "KHABAR_COMPRESSION": "zstd"}


def test_the_cli_producer_compresses_with_the_configured_codec(environment: dict[str, str]) -> None:
    producer = clients.producer(Settings.from_env({**environment, "KHABAR_COMPRESSION": "snappy"}))
    try:
        assert producer.config["compression_type"] == "snappy"
    finally:
        producer.close()


def test_every_codec_in_and_out_through_the_cli_and_the_worker(
    environment: dict[str, str], worker: WorkerProcess, tmp_path: Path
) -> None:
    settings = Settings.from_env(environment)
    for codec in CODECS:
        lines = tmp_path / f"{codec}.jsonl"
        lines.write_bytes(orjson.dumps(article(codec, "cli")) + b"\n")
        sent = khabar({**environment, "KHABAR_COMPRESSION": codec}, "produce", str(lines))
        assert sent.returncode == 0, sent.stderr[-2000:]

    raw = khabar(environment, "consume", "--topic", settings.topic_raw, "--max", "4", "--timeout", "30")
    assert {orjson.loads(line)["id"] for line in raw.stdout.splitlines()} == {f"cli-{codec}" for codec in CODECS}
    read_until(
        settings, settings.topic_enriched, lambda r: len(r) >= len(CODECS), timeout=120, on_poll=worker.check_alive
    )
    enriched = khabar(environment, "consume", "--max", "4", "--timeout", "30")  # zstd, written by the worker
    assert enriched.returncode == 0, enriched.stderr[-2000:]
    records = [orjson.loads(line) for line in enriched.stdout.splitlines()]
    assert {record["id"] for record in records} == {f"cli-{codec}" for codec in CODECS}
    assert all(record["entities"] for record in records)


@pytest.mark.only_on("kafka", "librdkafka 2.0 (kcat) cannot parse Tansu's ApiVersions v3 reply (Read underflow)")
def test_articles_compressed_by_kcat_with_every_codec_are_enriched(
    environment: dict[str, str], worker: WorkerProcess
) -> None:
    kcat = shutil.which("kcat")
    assert kcat, "kcat is installed by `make kcat` (Debian package kcat)"
    settings = Settings.from_env(environment)
    for codec in CODECS:
        record = f"kcat-{codec}\t".encode() + orjson.dumps(article(codec, "kcat")) + b"\n"
        command = [kcat, "-P", "-b", settings.bootstrap_servers, "-t", settings.topic_raw, "-z", codec, "-K", "\t"]
        sent = subprocess.run(command, input=record, capture_output=True, timeout=60, check=False)
        assert sent.returncode == 0, sent.stderr.decode()
    enriched = values(
        read_until(
            settings, settings.topic_enriched, lambda r: len(r) >= len(CODECS), timeout=120, on_poll=worker.check_alive
        )
    )
    assert {record["id"] for record in enriched} == {f"kcat-{codec}" for codec in CODECS}
    assert all(record["entities"] for record in enriched)
