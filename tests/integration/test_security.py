"""SASL/SCRAM on a real broker: the worker and the CLI log in, and wrong credentials fail fast.

The Kafka run's broker has a second listener with SASL_PLAINTEXT and a SCRAM-SHA-512 user created
with Kafka's own storage tool when the broker is formatted (`tests/integration/brokers.py`).
"""

from __future__ import annotations

import time
from pathlib import Path

import orjson
import pytest

from tests.integration.brokers import BrokerUnderTest, SaslListener
from tests.integration.harness import isolated_environment, khabar, worker_process

pytestmark = [pytest.mark.integration, pytest.mark.only_on("kafka", "Tansu has no SASL listener")]
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"
WRONG_PASSWORD = "not-the-password-1234"


@pytest.fixture
def sasl(broker_under_test: BrokerUnderTest) -> SaslListener:
    if broker_under_test.sasl is None:
        pytest.skip("the broker given by KAFKA_BOOTSTRAP_SERVERS has no SASL listener known to the tests")
    return broker_under_test.sasl


def test_worker_produce_and_consume_log_in_with_scram(sasl: SaslListener, tmp_path: Path) -> None:
    environment = isolated_environment(sasl.environment(), tmp_path)
    seeds = [line for line in SEEDS.read_text(encoding="utf-8").splitlines() if line.strip()]
    produced = khabar(environment, "produce", str(SEEDS))
    assert produced.returncode == 0, produced.stderr[-2000:]
    worker = worker_process(environment, tmp_path / "worker.log")
    try:
        consumed = khabar(environment, "consume", "--max", str(len(seeds)), "--timeout", "90", timeout=150)
        worker.check_alive()
    finally:
        worker.stop()
    assert consumed.returncode == 0, consumed.stderr[-2000:]
    records = [orjson.loads(line) for line in consumed.stdout.splitlines()]
    assert {record["id"] for record in records} == {orjson.loads(line)["id"] for line in seeds}
    assert sum(len(record["entities"]) for record in records) > 0


@pytest.mark.parametrize(
    "command", [("produce", str(SEEDS)), ("consume", "--max", "1", "--timeout", "5"), ("worker",)], ids=lambda c: c[0]
)
def test_a_wrong_password_fails_within_seconds_with_one_clear_line(
    sasl: SaslListener, tmp_path: Path, command: tuple[str, ...]
) -> None:
    environment = isolated_environment(sasl.environment(password=WRONG_PASSWORD), tmp_path)
    started = time.monotonic()
    result = khabar(environment, *command, timeout=60)
    seconds = time.monotonic() - started
    print(f"khabar {command[0]} with a wrong password: exit {result.returncode} after {seconds:.1f}s")
    lines = result.stderr.splitlines()
    errors = [line for line in lines if line.startswith("khabar: error:")]
    assert result.returncode == 2
    assert len(errors) == 1 and "SASL login as 'khabar-test'" in errors[0], lines[-5:]
    assert seconds < 20
    assert not [line for line in lines if " kafka." in line or "Traceback" in line], lines[:10]
    assert WRONG_PASSWORD not in result.stderr + result.stdout
