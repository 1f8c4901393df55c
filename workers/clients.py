"""kafka-python clients for the CLI, topic administration and tests, configured from Settings."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from workers.brokers.process import port_is_open
from workers.errors import BrokerError
from workers.settings import Settings

log = logging.getLogger(__name__)

#: Enriched records carry the body twice (published and normalized) plus entities.
OUTPUT_SIZE_FACTOR = 4


def client_config(settings: Settings) -> dict[str, Any]:
    """Connection and security options shared by every kafka-python client."""
    config: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers.split(","),
        "security_protocol": settings.security_protocol,
    }
    if settings.sasl_mechanism:
        config |= {
            "sasl_mechanism": settings.sasl_mechanism,
            "sasl_plain_username": settings.sasl_username,
            "sasl_plain_password": settings.sasl_password,
        }
    if settings.ssl_cafile:
        config["ssl_cafile"] = settings.ssl_cafile
    return config


#: How long a SASL login to a reachable broker may take before its credentials are called refused.
SASL_LOGIN_SECONDS = 5.0


@contextlib.contextmanager
def kafka_logs_silenced() -> Iterator[None]:
    """Hide kafka-python's lines (one per retried connection) while Khabar reports the outcome itself."""
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    kafka_log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        kafka_log.setLevel(level)


def check_sasl_login(settings: Settings) -> None:
    """With SASL configured, log in once and fail within seconds, with one clear error, if refused.

    Kafka closes the connection on a failed login, which kafka-python treats as a network fault and
    retries with backoff until its bootstrap timeout, logging every attempt. A broker that accepts
    TCP connections but does not let us in within SASL_LOGIN_SECONDS has refused the credentials or
    the mechanism. An unreachable broker is left to the callers' usual wait.
    """
    if not settings.security_protocol.startswith("SASL"):
        return
    servers = settings.bootstrap_servers.split(",")
    if not any(port_is_open(*_host_and_port(server)) for server in servers):
        return
    with kafka_logs_silenced():
        try:
            admin = KafkaAdminClient(
                client_id=f"{settings.app_id}-login-check",
                bootstrap_timeout_ms=int(SASL_LOGIN_SECONDS * 1000),
                **client_config(settings),
            )
        except KafkaError:
            raise BrokerError(
                f"SASL login as {settings.sasl_username!r} ({settings.sasl_mechanism or 'PLAIN'}) at "
                f"{settings.bootstrap_servers} was refused within {SASL_LOGIN_SECONDS:.0f}s: check "
                "KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM, and that this listener "
                f"takes {settings.security_protocol}"
            ) from None
        admin.close()


def _host_and_port(server: str) -> tuple[str, int]:
    host, _, port = server.strip().rpartition(":")
    return host.strip("[]") or "localhost", int(port or 9092)


def output_record_limit(settings: Settings) -> int:
    """The largest record Khabar writes; topics and producers are configured to accept it."""
    return settings.max_record_bytes * OUTPUT_SIZE_FACTOR


def ensure_topics(settings: Settings) -> list[str]:
    """Create Khabar's topics where missing (Faust does not create source topics); return the new ones.

    The changelog of published keys (`workers.stream.published`) is created here as well, compacted
    and with the input's partition count: Tansu would otherwise auto-create it with 4 partitions when
    a worker first writes to it.
    """
    limit = {"max.message.bytes": str(output_record_limit(settings) + 64 * 1024)}
    configs = {topic: limit for topic in settings.topics}
    if settings.dedupe_horizon > 0:
        configs[settings.changelog_topic] = {"cleanup.policy": "compact"}
    admin = KafkaAdminClient(client_id=f"{settings.app_id}-admin", **client_config(settings))
    try:
        existing = set(admin.list_topics())
        missing = [topic for topic in configs if topic not in existing]
        for topic in missing:
            try:
                admin.create_topics(
                    [NewTopic(topic, settings.partitions, settings.replication_factor, topic_configs=configs[topic])]
                )
            except TopicAlreadyExistsError:
                log.debug("topic %s was created concurrently", topic)
        if missing:
            log.info("created topics %s with %d partitions", ", ".join(missing), settings.partitions)
        return missing
    finally:
        admin.close()


def producer(settings: Settings, **options: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas and retries without reordering."""
    defaults = {
        "client_id": f"{settings.app_id}-cli",
        "acks": "all",
        "linger_ms": 5,
        "max_request_size": output_record_limit(settings),
        "compression_type": settings.compression_type,
    }
    return KafkaProducer(**defaults | client_config(settings) | options)


def consumer(settings: Settings, *topics: str, **options: Any) -> KafkaConsumer:
    """A consumer outside any group, from the earliest offset, for reading topics."""
    defaults = {
        "client_id": f"{settings.app_id}-cli",
        "auto_offset_reset": "earliest",
        "enable_auto_commit": False,
        "fetch_max_bytes": output_record_limit(settings) * 2,
        "max_partition_fetch_bytes": output_record_limit(settings) + 64 * 1024,
    }
    return KafkaConsumer(*topics, **defaults | client_config(settings) | options)
