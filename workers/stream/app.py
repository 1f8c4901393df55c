"""The Faust app, configured from Settings; nothing else lives here."""

from __future__ import annotations

import logging
import ssl

import faust
from faust.tables.manager import TableManager as FaustTableManager

from workers.clients import output_record_limit
from workers.settings import Settings
from workers.stream import codec, transport


def broker_credentials(settings: Settings) -> faust.SASLCredentials | faust.SSLCredentials | None:
    """SASL and/or TLS for production brokers, from KAFKA_SECURITY_PROTOCOL and friends."""
    context = None
    if settings.security_protocol in ("SSL", "SASL_SSL"):
        context = ssl.create_default_context(cafile=settings.ssl_cafile or None)
    if settings.security_protocol.startswith("SASL"):
        return faust.SASLCredentials(
            username=settings.sasl_username,
            password=settings.sasl_password,
            mechanism=settings.sasl_mechanism or "PLAIN",
            ssl_context=context,
        )
    return faust.SSLCredentials(context) if context else None


class TableManager(FaustTableManager):
    """Faust's table manager without the second it waits at start for tables declared late.

    Khabar declares no Faust table (its published keys have their own changelog follower:
    `workers.stream.published`), so the wait only delays every worker's start by a second.
    """

    #: Its start and stop lines stay with Faust's (at WARNING: `workers.logs`), not under this module.
    logger = logging.getLogger("faust.tables.khabar")

    async def on_start(self) -> None:
        if not self.should_stop:
            await self._update_channels()
            await self.recovery.start()


def create_app(settings: Settings) -> faust.App:
    """A Faust app whose consumer group joins in seconds and whose JSON goes through orjson."""
    codec.register()
    scheme = transport.register(settings.fetch_wait_ms, output_record_limit(settings))
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=[f"{scheme}://{server}" for server in settings.bootstrap_servers.split(",")],
        broker_credentials=broker_credentials(settings),
        value_serializer=codec.CODEC_NAME,
        key_serializer="raw",
        topic_partitions=settings.partitions,
        topic_replication_factor=settings.replication_factor,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        broker_rebalance_timeout=settings.rebalance_timeout,
        broker_commit_interval=settings.commit_interval,
        consumer_auto_offset_reset="earliest",
        consumer_max_fetch_size=output_record_limit(settings),
        stream_buffer_maxsize=settings.buffer_records,
        # unbounded by default: one poll could take a whole fetch of records, decompressed, past the buffer
        broker_max_poll_records=settings.buffer_records,
        producer_max_request_size=output_record_limit(settings),
        producer_acks=-1,
        producer_compression_type=settings.compression_type,
        # Khabar serves its own metrics and health checks (KHABAR_METRICS_PORT), not Faust's web views.
        web_enabled=False,
        datadir=str(settings.state_dir / settings.app_id),
        TableManager=TableManager,
    )
