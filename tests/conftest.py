"""Shared fixtures: one broker per test run, of the engine `--broker` names (tansu or kafka), started
for the run unless KAFKA_BOOTSTRAP_SERVERS names one already running.

And the two tiers of the unit tests. The fast one (the default: `make unit`) runs each Hypothesis
property on 100 examples and skips the tests marked `thorough` (training runs, whole benchmark runs).
The thorough one (`--thorough` or KHABAR_TEST_TIER=thorough: `make thorough`) runs only what the fast
one leaves out: the `thorough` tests, and the properties (marked `property`) on 1,000 examples. The
integration tests (`-m integration`) run in either.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.integration.brokers import BrokerUnderTest, engine_description, start_broker_under_test
from workers.brokers import ENGINES

TIERS = ("fast", "thorough")
TIER_VARIABLE = "KHABAR_TEST_TIER"
# Timing varies on a shared CI machine, so no deadline. Based on the profile in force (Hypothesis's `ci`
# one under CI: derandomized, no example database).
_PROPERTY_SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("fast", settings(), max_examples=100, **_PROPERTY_SETTINGS)
settings.register_profile("thorough", settings(), max_examples=1000, **_PROPERTY_SETTINGS)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--broker",
        choices=ENGINES,
        default="tansu",
        help="engine the integration tests run on: tansu (embedded, default) or kafka (Apache Kafka from `make "
        "kafka`); with KAFKA_BOOTSTRAP_SERVERS set, the engine of that broker",
    )
    parser.addoption(
        "--thorough",
        action="store_true",
        help=f"run the thorough tier ({TIER_VARIABLE}=thorough does too): only the tests marked thorough and the "
        "Hypothesis properties, on 1,000 examples instead of 100",
    )


def tier(config: pytest.Config) -> str:
    """The tier of this run: fast unless `--thorough` or KHABAR_TEST_TIER=thorough."""
    given = os.environ.get(TIER_VARIABLE, "fast")
    if given not in TIERS:
        raise pytest.UsageError(f"{TIER_VARIABLE} must be one of {', '.join(TIERS)}, got {given!r}")
    return "thorough" if config.getoption("--thorough") else given


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "only_on(engine, reason): holds on one broker engine only; the reason says why")
    settings.load_profile(tier(config))


def pytest_report_header(config: pytest.Config) -> str:
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    where = f"the broker at {given}" if given else "a broker started for the run"
    return (
        f"{tier(config)} tier, Hypothesis properties on {settings().max_examples} examples; integration tests "
        f"(-m integration) on {engine_description(config.getoption('--broker'))}, {where}"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the tests of the run's tier; skip, with its reason, each test marked for the other engine."""
    if tier(config) == "fast":
        for item in items:
            if item.get_closest_marker("thorough"):
                item.add_marker(pytest.mark.skip(reason="thorough tier: run with --thorough (make thorough)"))
    else:
        wanted = ("thorough", "property", "integration")
        kept = [item for item in items if any(item.get_closest_marker(name) for name in wanted)]
        if len(kept) < len(items):
            kept_ids = {id(item) for item in kept}
            config.hook.pytest_deselected(items=[item for item in items if id(item) not in kept_ids])
            items[:] = kept
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
