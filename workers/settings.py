"""One frozen settings object, read from environment variables once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from workers.errors import ConfigurationError

MIB = 1024 * 1024
TAGGERS = ("crf", "neural", "camel-bert")
#: Codecs of the records Khabar writes; every codec is read whatever this says.
COMPRESSIONS = ("none", "gzip", "snappy", "lz4", "zstd")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the environment variable that sets it in `ENVIRONMENT`."""

    bootstrap_servers: str = "127.0.0.1:9092"
    app_id: str = "khabar"
    topic_raw: str = "articles.raw"
    topic_enriched: str = "articles.enriched"
    topic_entities: str = "articles.entities"
    topic_dead_letter: str = "articles.dead-letter"
    partitions: int = 8
    replication_factor: int = 1
    max_record_bytes: int = MIB
    enrich_time_limit: float = 10.0
    dedupe_horizon: float = 900.0
    batch_size: int = 32
    buffer_records: int = 128
    batch_seconds: float = 0.01
    session_timeout: float = 6.0
    heartbeat_interval: float = 1.0
    rebalance_timeout: float = 6.0
    commit_interval: float = 0.5
    fetch_wait_ms: int = 100
    compression: str = "lz4"
    tagger: str = "crf"
    tagger_model: str = ""
    web_enabled: bool = False
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    data_dir: str = "/tmp/khabar"
    log_level: str = "info"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    ssl_cafile: str = ""

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in fields(self)}
        if shown["sasl_password"]:
            shown["sasl_password"] = "***"
        return f"Settings({shown})"

    @property
    def topics(self) -> tuple[str, ...]:
        """Every topic the worker reads or writes."""
        return (self.topic_raw, self.topic_enriched, self.topic_entities, self.topic_dead_letter)

    @property
    def changelog_topic(self) -> str:
        """The compacted topic that records which dedupe keys were published (`workers.stream.published`)."""
        return f"{self.app_id}-published-changelog"

    @property
    def compression_type(self) -> str | None:
        """The codec as Kafka clients name it (None: uncompressed)."""
        return None if self.compression == "none" else self.compression

    @property
    def state_dir(self) -> Path:
        return Path(self.data_dir)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from `environ` (default: os.environ); explicit overrides win."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(ENVIRONMENT[field.name])
            if raw is not None and raw != "":
                values[field.name] = _parse(field.name, raw, type(getattr(cls(), field.name)))
        values.update(overrides)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject values that would only fail later, far from their cause."""
        positive = ("partitions", "replication_factor", "max_record_bytes", "batch_size", "buffer_records")
        for name in positive:
            if getattr(self, name) < 1:
                raise ConfigurationError(f"{ENVIRONMENT[name]} must be at least 1, got {getattr(self, name)}")
        if self.heartbeat_interval >= self.session_timeout:
            raise ConfigurationError(
                f"{ENVIRONMENT['heartbeat_interval']} ({self.heartbeat_interval}) must be below "
                f"{ENVIRONMENT['session_timeout']} ({self.session_timeout})"
            )
        if self.compression not in COMPRESSIONS:
            raise ConfigurationError(
                f"{ENVIRONMENT['compression']} must be one of {', '.join(COMPRESSIONS)}, got {self.compression!r}"
            )
        if self.tagger not in TAGGERS:
            raise ConfigurationError(
                f"{ENVIRONMENT['tagger']} must be one of {', '.join(TAGGERS)}, got {self.tagger!r}"
            )


def _parse(name: str, raw: str, kind: type) -> Any:
    try:
        if kind is bool:
            lowered = raw.strip().lower()
            if lowered not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(raw)
            return lowered in ("1", "true", "yes", "on")
        return kind(raw)
    except ValueError:
        raise ConfigurationError(f"{ENVIRONMENT[name]}={raw!r} is not a valid {kind.__name__}") from None


#: Kafka client settings use the usual KAFKA_ names; every other setting is KHABAR_<NAME>.
_KAFKA_VARIABLES = {
    "bootstrap_servers": "KAFKA_BOOTSTRAP_SERVERS",
    "security_protocol": "KAFKA_SECURITY_PROTOCOL",
    "sasl_mechanism": "KAFKA_SASL_MECHANISM",
    "sasl_username": "KAFKA_SASL_USERNAME",
    "sasl_password": "KAFKA_SASL_PASSWORD",
    "ssl_cafile": "KAFKA_SSL_CAFILE",
}
#: Environment variable of each setting.
ENVIRONMENT: dict[str, str] = {
    field.name: _KAFKA_VARIABLES.get(field.name, f"KHABAR_{field.name.upper()}") for field in fields(Settings)
}


def to_environment(settings: Settings) -> dict[str, str]:
    """The environment variables that reproduce `settings` in a child process."""
    return {
        ENVIRONMENT[field.name]: str(getattr(settings, field.name)).lower()
        if isinstance(getattr(settings, field.name), bool)
        else str(getattr(settings, field.name))
        for field in fields(settings)
    }
