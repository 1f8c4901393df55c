"""kafka-python clients for the CLI, topic administration and tests, configured from Settings."""

from __future__ import annotations

import logging
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic
from kafka.errors import TopicAlreadyExistsError

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
    return KafkaProducer(
        client_id=f"{settings.app_id}-cli",
        acks="all",
        linger_ms=5,
        max_request_size=output_record_limit(settings),
        **client_config(settings) | options,
    )


def consumer(settings: Settings, *topics: str, **options: Any) -> KafkaConsumer:
    """A consumer outside any group, from the earliest offset, for reading topics."""
    return KafkaConsumer(
        *topics,
        client_id=f"{settings.app_id}-cli",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        fetch_max_bytes=output_record_limit(settings) * 2,
        max_partition_fetch_bytes=output_record_limit(settings) + 64 * 1024,
        **client_config(settings) | options,
    )
