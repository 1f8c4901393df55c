"""The broker a test run uses, and brokers of its engine that a test starts and restarts itself.

On the embedded Tansu, group timeouts are short (it holds a new group's JoinGroup for half the
session timeout); on Apache Kafka the defaults apply, as Kafka rejects sessions under 6 s.
The Kafka run adds a SASL_PLAINTEXT listener with a SCRAM-SHA-512 user created at format time.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from workers.brokers import BrokerProcess, TansuBroker, free_port
from workers.brokers.apache_kafka import ApacheKafkaBroker, ScramUser
from workers.brokers.kafka_jars import KAFKA_VERSION
from workers.cli.demo import EMBEDDED_GROUP_TIMEOUTS

SCRAM_USER = ScramUser("khabar-test", "scram-test-password", "SCRAM-SHA-512")


def engine_description(engine: str) -> str:
    return f"Apache Kafka {KAFKA_VERSION} (KRaft)" if engine == "kafka" else "Tansu (embedded, memory storage)"


def client_environment(engine: str, bootstrap_servers: str) -> dict[str, str]:
    """What a client or worker on a broker of `engine` needs in its environment."""
    environment = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers}
    if engine == "tansu":
        environment |= {f"KHABAR_{name.upper()}": str(value) for name, value in EMBEDDED_GROUP_TIMEOUTS.items()}
    return environment


@dataclass(frozen=True)
class SaslListener:
    """A broker listener that takes SASL_PLAINTEXT with SCRAM."""

    bootstrap_servers: str
    user: ScramUser

    def environment(self, password: str | None = None) -> dict[str, str]:
        """Client settings for this listener; another `password` to try a wrong one."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap_servers,
            "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM": self.user.mechanism,
            "KAFKA_SASL_USERNAME": self.user.name,
            "KAFKA_SASL_PASSWORD": self.user.password if password is None else password,
        }


@dataclass(frozen=True)
class BrokerUnderTest:
    engine: str
    environment: dict[str, str]
    sasl: SaslListener | None


def new_broker(engine: str, with_sasl: bool = False) -> BrokerProcess:
    """A broker of `engine` on free ports, not yet started (Kafka's data in a temporary folder)."""
    if engine == "kafka":
        if with_sasl:
            return ApacheKafkaBroker(port=free_port(), sasl_port=free_port(), scram_users=[SCRAM_USER])
        return ApacheKafkaBroker(port=free_port())
    return TansuBroker(port=free_port())


@contextlib.contextmanager
def start_broker_under_test(engine: str) -> Iterator[BrokerUnderTest]:
    """The given broker (KAFKA_BOOTSTRAP_SERVERS), or one of `engine` started for the run."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        yield BrokerUnderTest(engine, client_environment(engine, given), sasl=None)
        return
    with new_broker(engine, with_sasl=True) as started:
        sasl = None
        if isinstance(started, ApacheKafkaBroker):
            sasl = SaslListener(started.sasl_bootstrap_servers, SCRAM_USER)
        yield BrokerUnderTest(engine, client_environment(engine, started.bootstrap_servers), sasl)


@contextlib.contextmanager
def own_broker(engine: str) -> Iterator[tuple[BrokerProcess, dict[str, str]]]:
    """A broker of `engine` for one test that stops and starts it; with its client environment."""
    with new_broker(engine) as started:
        yield started, client_environment(engine, started.bootstrap_servers)
