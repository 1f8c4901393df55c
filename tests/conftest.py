"""Shared fixtures: one broker per test run, embedded unless KAFKA_BOOTSTRAP_SERVERS names one."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workers.broker import EmbeddedBroker, free_port
from workers.demo import EMBEDDED_GROUP_TIMEOUTS

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS))  # lets tests import their data helpers (tests/data, tests/integration)


@pytest.fixture(scope="session")
def broker() -> Iterator[dict[str, str]]:
    """Environment for clients and workers: the given broker, or an embedded Tansu for this run.

    On the embedded broker, group timeouts are short (Tansu holds a new group's JoinGroup for half
    the session timeout); on a real Kafka the defaults apply, as Kafka rejects sessions under 6 s.
    """
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield {"KAFKA_BOOTSTRAP_SERVERS": given}
        return
    with EmbeddedBroker(port=free_port()) as embedded:
        yield {
            "KAFKA_BOOTSTRAP_SERVERS": embedded.bootstrap_servers,
            **{f"KHABAR_{name.upper()}": str(value) for name, value in EMBEDDED_GROUP_TIMEOUTS.items()},
        }
