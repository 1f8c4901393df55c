"""Shared fixtures: one broker per test run, of the engine `--broker` names (tansu or kafka), started
for the run unless KAFKA_BOOTSTRAP_SERVERS names one already running."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.integration.brokers import BrokerUnderTest, engine_description, start_broker_under_test
from workers.brokers import ENGINES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--broker",
        choices=ENGINES,
        default="tansu",
        help="engine the integration tests run on: tansu (embedded, default) or kafka (Apache Kafka from `make "
        "kafka`); with KAFKA_BOOTSTRAP_SERVERS set, the engine of that broker",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "only_on(engine, reason): holds on one broker engine only; the reason says why")


def pytest_report_header(config: pytest.Config) -> str:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    where = f"the broker at {given}" if given else "a broker started for the run"
    return f"integration tests (-m integration) on {engine_description(config.getoption('--broker'))}, {where}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip, with its reason, each test marked for the other engine."""
    engine = config.getoption("--broker")
    for item in items:
        for marker in item.iter_markers("only_on"):
            wanted, reason = marker.args
            if wanted != engine:
                item.add_marker(pytest.mark.skip(reason=f"{wanted} only: {reason}"))


@pytest.fixture(scope="session")
def broker_under_test(request: pytest.FixtureRequest) -> Iterator[BrokerUnderTest]:
    """The run's broker: its engine, the environment its clients need, its SASL listener if any."""
    with start_broker_under_test(request.config.getoption("--broker")) as under_test:
        yield under_test


@pytest.fixture(scope="session")
def broker(broker_under_test: BrokerUnderTest) -> dict[str, str]:
    """Environment for clients and workers on the run's broker."""
    return broker_under_test.environment
