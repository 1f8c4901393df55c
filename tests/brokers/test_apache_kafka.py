"""Apache Kafka as a local broker: its configuration, and `khabar broker --engine kafka` for real."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.brokers.broker_command import assert_port_closes, start_broker_command
from tests.integration.harness import khabar
from workers.brokers import apache_kafka, free_port, port_is_open
from workers.brokers.apache_kafka import SINGLE_NODE_SETTINGS, ApacheKafkaBroker, ScramUser, new_cluster_id
from workers.errors import BrokerError

SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"


def test_a_cluster_id_is_22_url_safe_characters() -> None:
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", new_cluster_id())


def test_a_node_is_broker_and_controller_on_loopback(tmp_path: Path) -> None:
    broker = ApacheKafkaBroker(port=19092, data_dir=tmp_path)
    properties = broker.properties()
    assert properties["process.roles"] == "broker,controller"
    assert properties["listeners"] == f"PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:{broker.controller_port}"
    assert properties["advertised.listeners"] == "PLAINTEXT://127.0.0.1:19092"
    assert properties["log.dirs"] == str(tmp_path / "logs")
    assert SINGLE_NODE_SETTINGS.items() <= properties.items()


def test_a_sasl_port_adds_a_scram_listener(tmp_path: Path) -> None:
    broker = ApacheKafkaBroker(port=19092, data_dir=tmp_path, sasl_port=19094, scram_users=[ScramUser("u", "p")])
    properties = broker.properties()
    assert "SASL_PLAINTEXT://127.0.0.1:19094" in properties["advertised.listeners"]
    assert "SASL_PLAINTEXT:SASL_PLAINTEXT" in properties["listener.security.protocol.map"]
    assert "SCRAM-SHA-512" in properties["sasl.enabled.mechanisms"].split(",")
    assert "ScramLoginModule" in properties["listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config"]
    assert ScramUser("u", "p").format_argument() == "SCRAM-SHA-512=[name=u,password=p]"


def test_a_given_data_dir_is_kept_and_a_temporary_one_removed(tmp_path: Path) -> None:
    kept = ApacheKafkaBroker(port=free_port(), data_dir=tmp_path / "kept")
    kept.close()
    assert kept.data_dir == tmp_path / "kept"
    temporary = ApacheKafkaBroker(port=free_port())
    assert temporary.data_dir.is_dir()
    temporary.close()
    assert not temporary.data_dir.exists()


def test_a_broker_that_cannot_start_leaves_no_temporary_data(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_java() -> str:
        raise BrokerError("no java here")

    monkeypatch.setattr(apache_kafka, "java_binary", no_java)
    broker = ApacheKafkaBroker(port=free_port())
    with pytest.raises(BrokerError, match="no java here"):
        broker.start()
    assert not broker.data_dir.exists()


@pytest.mark.integration
@pytest.mark.only_on("kafka", "starts Apache Kafka, whose jars the Kafka run has fetched")
def test_the_broker_command_serves_worker_produce_and_consume_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "kafka-data"
    arguments = ["broker", "--engine", "kafka", "--port", str(port), "--data-dir", str(data_dir)]
    command = subprocess.Popen(
        [sys.executable, "-m", "workers", *arguments],
        stderr=subprocess.PIPE,
        text=True,
    )
    worker = None
    try:
        assert command.stderr is not None
        banner = command.stderr.readline()
        assert f"listening on 127.0.0.1:{port}" in banner, banner
        environment = {
            "KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{port}",
            "KHABAR_DATA_DIR": str(tmp_path / "worker-state"),
            "KHABAR_PARTITIONS": "2",
        }
        produced = khabar(environment, "produce", str(SEEDS))
        assert produced.returncode == 0, produced.stderr
        seeds = sum(1 for line in SEEDS.open(encoding="utf-8") if line.strip())
        worker = subprocess.Popen(
            [sys.executable, "-m", "workers", "worker"],
            env={**os.environ, **environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        consumed = khabar(environment, "consume", "--max", str(seeds), "--timeout", "90", timeout=150)
        assert consumed.returncode == 0, consumed.stderr
        assert len([orjson.loads(line) for line in consumed.stdout.splitlines()]) == seeds
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        started = time.monotonic()
        command.send_signal(signal.SIGTERM)
        exit_code = command.wait(timeout=30)
        stop_seconds = time.monotonic() - started
    print(f"khabar broker --engine kafka: stopped {stop_seconds:.1f}s after SIGTERM")
    assert exit_code in (0, 130)
    assert stop_seconds < 10
    assert not port_is_open("127.0.0.1", port)
    assert (data_dir / "logs" / "meta.properties").is_file(), "a given data directory is kept"


@pytest.mark.integration
@pytest.mark.only_on("kafka", "starts Apache Kafka, whose jars the Kafka run has fetched")
def test_the_kafka_broker_dies_with_its_parent_process() -> None:
    """A SIGKILLed `khabar broker` leaves no JVM holding the port."""
    port = free_port()
    parent = start_broker_command(port, "--engine", "kafka", within=60)
    parent.kill()
    parent.wait()
    assert_port_closes(port, within=15)


@pytest.mark.integration
@pytest.mark.only_on("kafka", "starts Apache Kafka, whose jars the Kafka run has fetched")
def test_a_cluster_id_that_begins_with_a_dash_is_not_taken_for_an_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """URL-safe base64 begins with "-" once in 64 ids (regression: a CI run failed to format the storage)."""
    monkeypatch.setattr(apache_kafka, "new_cluster_id", lambda: "-" + "A" * 21)
    with ApacheKafkaBroker(port=free_port()) as broker:
        assert port_is_open(broker.host, broker.port)
