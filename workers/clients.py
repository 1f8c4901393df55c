"""kafka-python clients for the CLI, topic administration and tests, configured from Settings.

kafka-python is imported when a client is made, not with this module: the offline `khabar enrich`
reads the record size limits here and loads no Kafka client.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from workers.brokers.process import port_is_open
from workers.errors import BrokerError, ConfigurationError, KhabarError
from workers.settings import Settings

if TYPE_CHECKING:
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    from kafka.admin import KafkaAdminClient
    from kafka.producer.future import FutureRecordMetadata

log = logging.getLogger(__name__)

#: Enriched records carry the body twice (published and normalized) plus entities.
OUTPUT_SIZE_FACTOR = 4


def client_config(settings: Settings) -> dict[str, Any]:
    """Connection and security options shared by every kafka-python client; a malformed server refused."""
    servers = settings.bootstrap_servers.split(",")
    for server in servers:
        host_and_port(server)
    config: dict[str, Any] = {
        "bootstrap_servers": servers,
        "security_protocol": settings.security_protocol,
        # kafka-python waits this long for its first connection before KafkaTimeoutError (its own default: 30 s).
        "bootstrap_timeout_ms": int(settings.connect_timeout * 1000),
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
    if not any(port_is_open(*host_and_port(server)) for server in servers):
        return
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    with kafka_logs_silenced():
        try:
            admin = KafkaAdminClient(
                client_id=f"{settings.app_id}-login-check",
                **client_config(settings) | {"bootstrap_timeout_ms": int(SASL_LOGIN_SECONDS * 1000)},
            )
        except KafkaError:
            raise BrokerError(
                f"SASL login as {settings.sasl_username!r} ({settings.sasl_mechanism or 'PLAIN'}) at "
                f"{settings.bootstrap_servers} was refused within {SASL_LOGIN_SECONDS:.0f}s: check "
                "KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM, and that this listener "
                f"takes {settings.security_protocol}"
            ) from None
        admin.close()


#: The port of a bootstrap server given without one, as kafka-python assumes.
DEFAULT_PORT = 9092


def host_and_port(server: str) -> tuple[str, int]:
    """`host:port`, `[v6 address]:port`, or a host alone (port 9092); ConfigurationError for another port."""
    server = server.strip()
    if server.startswith("["):
        host, _, rest = server[1:].partition("]")
        port = rest.removeprefix(":")
    elif server.count(":") == 1:
        host, _, port = server.partition(":")
    else:  # a host alone, or an IPv6 address without brackets (and so without a port)
        host, port = server, ""
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigurationError(f"KAFKA_BOOTSTRAP_SERVERS: {server!r} is not host:port (the port {port!r})")
    return host or "localhost", int(port or DEFAULT_PORT)


def output_record_limit(settings: Settings) -> int:
    """The largest record Khabar writes; topics and producers are configured to accept it."""
    return settings.max_record_bytes * OUTPUT_SIZE_FACTOR


@contextlib.contextmanager
def reaching_broker(settings: Settings) -> Iterator[None]:
    """Around a client's first connection: kafka-python's line per retried connection hidden, and a
    broker that does not answer within KHABAR_CONNECT_TIMEOUT turned into one BrokerError.

    Only the first contact is wrapped: once connected, the client's warnings are worth seeing.
    """
    from kafka.errors import KafkaTimeoutError

    with kafka_logs_silenced():
        try:
            yield
        except KafkaTimeoutError:
            raise BrokerError(
                f"no broker answered at {settings.bootstrap_servers} within {settings.connect_timeout:g}s "
                "(KAFKA_BOOTSTRAP_SERVERS, KHABAR_CONNECT_TIMEOUT): is it running?"
            ) from None


def connect(settings: Settings) -> KafkaAdminClient:
    """The first contact of a command with the broker: a SASL login checked, then an admin client."""
    from kafka.admin import KafkaAdminClient

    check_sasl_login(settings)
    with reaching_broker(settings):
        return KafkaAdminClient(client_id=f"{settings.app_id}-admin", **client_config(settings))


def khabar_topics(settings: Settings) -> dict[str, dict[str, str]]:
    """Every topic Khabar creates, with its topic configs.

    The changelog of published keys (`workers.stream.published`) is one, compacted and with the
    input's partition count: Tansu would otherwise auto-create it with 4 partitions when a worker
    first writes to it.
    """
    limit = {"max.message.bytes": str(output_record_limit(settings) + 64 * 1024)}
    configs = {topic: limit for topic in settings.topics}
    if settings.dedupe_horizon > 0:
        configs[settings.changelog_topic] = {"cleanup.policy": "compact"}
    if settings.stories_on:  # each key a new article: the broker deletes what is older than twice the horizon
        retention = str(int(2 * settings.story_horizon * 1000))
        configs[settings.stories_topic] = {"cleanup.policy": "compact,delete", "retention.ms": retention}
    return configs


def ensure_topics(settings: Settings) -> list[str]:
    """Create Khabar's topics where missing (Faust does not create source topics); return the new ones.

    The first contact with the broker: BrokerError when it does not answer within KHABAR_CONNECT_TIMEOUT.
    """
    admin = connect(settings)
    try:
        return create_topics(settings, admin, khabar_topics(settings))
    finally:
        admin.close()


def create_topics(settings: Settings, admin: KafkaAdminClient, configs: dict[str, dict[str, str]]) -> list[str]:
    """Create the topics of `configs` (name → topic configs) that do not exist, with Khabar's partition
    count and replication; return the new ones."""
    from kafka.admin import NewTopic
    from kafka.errors import BrokerResponseError, TopicAlreadyExistsError

    existing = set(admin.list_topics())
    missing = [topic for topic in configs if topic not in existing]
    for topic in missing:
        try:
            admin.create_topics(
                [NewTopic(topic, settings.partitions, settings.replication_factor, topic_configs=configs[topic])]
            )
        except TopicAlreadyExistsError:
            log.debug("topic %s was created concurrently", topic)
        except BrokerResponseError as error:  # a replication factor over the brokers, no permission, ...
            raise BrokerError(
                f"the broker refused to create topic {topic} with {settings.partitions} partitions and replication "
                f"{settings.replication_factor} (KHABAR_PARTITIONS, KHABAR_REPLICATION_FACTOR): "
                f"{error.description or type(error).__name__}"
            ) from None
    if missing:
        log.info("created topics %s with %d partitions", ", ".join(missing), settings.partitions)
    return missing


class UnknownTopicError(KhabarError):
    """A command was given a topic the broker does not have."""


def require_topics(settings: Settings, topics: Collection[str], create: bool) -> None:
    """Make sure `topics` exist before a command reads or writes them; the command's first contact.

    Kafka (with auto-creation on) and Tansu would silently create a misspelt topic on first use, with the
    broker's partition count. Khabar's own topics are created as the worker creates them; any other
    missing topic is created only when asked (`create`, the commands' --create), else refused.
    """
    admin = connect(settings)
    try:
        own = khabar_topics(settings)
        missing = set(topics) - set(admin.list_topics())
        unknown = sorted(missing - own.keys())
        if unknown and not create:
            raise UnknownTopicError(
                f"topic {', '.join(unknown)} does not exist on {settings.bootstrap_servers} (--create creates it)"
            )
        # A topic of the user's takes records as large as Khabar's input topic does.
        create_topics(settings, admin, {topic: own.get(topic, own[settings.topic_raw]) for topic in sorted(missing)})
    finally:
        admin.close()


#: How long the broker may hold the fetch that reads a high watermark (Kafka's default is 500 ms).
HIGH_WATERMARK_FETCH_WAIT_MS = 10


def end_offsets(
    settings: Settings, partitions: Iterable[TopicPartition], timeout: float | None = None
) -> dict[TopicPartition, int]:
    """Where each partition ends (the offset its next record gets), right on both brokers.

    kafka-python's `end_offsets` asks ListOffsets(latest), which Tansu answers with the base offset of
    the last record batch + 1: short of the end whenever that batch holds more than one record. The
    high watermark of a fetch response is right on both, so a consumer seeks to that answer (at most
    one batch before the end) and fetches until each partition's response came back.
    """
    wanted = list(partitions)
    reader = consumer(settings, fetch_max_wait_ms=HIGH_WATERMARK_FETCH_WAIT_MS)
    deadline = time.monotonic() + (settings.connect_timeout if timeout is None else timeout)
    try:
        reader.assign(wanted)
        for partition, offset in reader.end_offsets(wanted).items():
            reader.seek(partition, offset)
        while any(reader.highwater(partition) is None for partition in wanted):
            if time.monotonic() > deadline:
                unread = [f"{p.topic}[{p.partition}]" for p in wanted if reader.highwater(p) is None]
                raise BrokerError(f"no fetch response for {', '.join(unread)} within the time limit")
            reader.poll(timeout_ms=100)
        return {partition: reader.highwater(partition) for partition in wanted}
    finally:
        reader.close()


def producer(settings: Settings, **options: Any) -> KafkaProducer:
    """A producer that waits for all in-sync replicas and retries without reordering."""
    from kafka import KafkaProducer

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
    from kafka import KafkaConsumer

    defaults = {
        "client_id": f"{settings.app_id}-cli",
        "auto_offset_reset": "earliest",
        "enable_auto_commit": False,
        "fetch_max_bytes": output_record_limit(settings) * 2,
        "max_partition_fetch_bytes": output_record_limit(settings) + 64 * 1024,
    }
    return KafkaConsumer(*topics, **defaults | client_config(settings) | options)


#: How long a command waits for the broker to acknowledge one record, after the producer's flush.
DELIVERY_SECONDS = 30.0


def delivered(sender: KafkaProducer, sent: Iterable[tuple[str, FutureRecordMetadata]]) -> tuple[Counter[str], int]:
    """Flush `sender`, then wait for each record sent with its label: how many the broker acknowledged,
    by label, and how many failed (each failure logged)."""
    sender.flush()
    acknowledged: Counter[str] = Counter()
    failed = 0
    for label, future in sent:
        try:
            future.get(timeout=DELIVERY_SECONDS)
        except Exception as error:  # count every failed delivery, whatever the cause
            failed += 1
            log.error("delivery failed: %s", error)
        else:
            acknowledged[label] += 1
    return acknowledged, failed
