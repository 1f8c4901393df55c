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
LOG_LEVELS = ("debug", "info", "warning", "error")
#: `text`: one line a record for people; `json`: one JSON object a line for log collectors.
LOG_FORMATS = ("text", "json")
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
#: The SASL mechanisms both Kafka clients (kafka-python for the CLI, aiokafka for the worker) speak without extras.
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
#: KHABAR_STORIES: `on` decides duplicate_of and story_id; `off` leaves them null and follows no topic.
STORIES = ("on", "off")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, with the environment variable that sets it in `ENVIRONMENT`."""

    bootstrap_servers: str = "127.0.0.1:9092"
    app_id: str = "khabar"
    topic_raw: str = "articles.raw"
    topic_enriched: str = "articles.enriched"
    topic_entities: str = "articles.entities"
    topic_dead_letter: str = "articles.dead-letter"
    #: The trends job's output (`khabar trends`, `workers.stream.trends`).
    topic_trends: str = "articles.entity-trends"
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
    #: How long a stopping worker may take to deliver and commit before it exits anyway (0: no bound).
    shutdown_timeout: float = 30.0
    fetch_wait_ms: int = 100
    compression: str = "lz4"
    tagger: str = "crf"
    tagger_model: str = ""
    data_dir: str = "/tmp/khabar"
    log_level: str = "info"
    log_format: str = "text"
    #: How long a command waits for an unreachable broker before it gives up with one error line.
    connect_timeout: float = 10.0
    metrics_host: str = "127.0.0.1"
    #: 0 serves no metrics.
    metrics_port: int = 9400
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    ssl_cafile: str = ""
    #: The trends job: its buckets of event time, how late a record may be, ranks kept, the baseline's length.
    trends_bucket_seconds: int = 600
    trends_lateness: float = 300.0
    trends_top: int = 10
    trends_baseline_buckets: int = 36
    #: Where `khabar trends` serves /metrics, /health and /ready (0: none); beside a worker's 9400.
    trends_metrics_port: int = 9402
    #: Near-duplicates and stories (`workers.stories`, `workers.stream.stories`); the defaults are
    #: `workers.stories.index`'s and `compact`'s (a test checks), not imported: settings load no numpy.
    stories: str = "on"
    duplicate_threshold: float = 0.35
    story_horizon: float = 6 * 3600.0
    story_max_entries: int = 32_768
    #: Where `khabar dashboard` serves its page (`workers.dashboard`); loopback unless asked otherwise.
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 9401

    def __post_init__(self) -> None:
        # Spelled as people and Kafka's tools spell them: `INFO` is `info`, `sasl_ssl` is `SASL_SSL`.
        object.__setattr__(self, "log_level", self.log_level.lower())
        object.__setattr__(self, "security_protocol", self.security_protocol.upper())
        object.__setattr__(self, "sasl_mechanism", self.sasl_mechanism.upper())
        object.__setattr__(self, "stories", self.stories.lower())

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
    def stories_topic(self) -> str:
        """The compacted topic of story index entries every worker follows (`workers.stream.stories`)."""
        return f"{self.app_id}-stories"

    @property
    def stories_on(self) -> bool:
        return self.stories == "on"

    @property
    def trends_group(self) -> str:
        """The consumer group of `khabar trends` on the entity topic."""
        return f"{self.app_id}-trends"

    @property
    def trends_state_topic(self) -> str:
        """The compacted topic of the trends job's closed buckets and checkpoints (`workers.trends.state`)."""
        return f"{self.app_id}-trends-state"

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
        for name, allowed in (
            ("compression", COMPRESSIONS),
            ("tagger", TAGGERS),
            ("log_level", LOG_LEVELS),
            ("log_format", LOG_FORMATS),
            ("security_protocol", SECURITY_PROTOCOLS),
            ("sasl_mechanism", ("", *SASL_MECHANISMS)),
            ("stories", STORIES),
        ):
            if getattr(self, name) not in allowed:
                shown = ", ".join(value for value in allowed if value)
                raise ConfigurationError(f"{ENVIRONMENT[name]} must be one of {shown}, got {getattr(self, name)!r}")
        for name in ("connect_timeout", "shutdown_timeout", "enrich_time_limit", "dedupe_horizon"):
            if getattr(self, name) < 0:
                raise ConfigurationError(f"{ENVIRONMENT[name]} must not be negative, got {getattr(self, name)}")
        for name in ("metrics_port", "trends_metrics_port"):
            if not 0 <= getattr(self, name) <= 65535:
                raise ConfigurationError(
                    f"{ENVIRONMENT[name]} must be a port (0 turns metrics off), got {getattr(self, name)}"
                )
        self._validate_trends()
        self._validate_dashboard()
        self._validate_stories()

    def _validate_stories(self) -> None:
        # The story thresholds (0.1, and 0.05 with shared entities) must stay below the duplicate threshold.
        if not 0.1 <= self.duplicate_threshold <= 1:
            name = ENVIRONMENT["duplicate_threshold"]
            raise ConfigurationError(
                f"{name} must be between 0.1 (the story threshold) and 1, got {self.duplicate_threshold}"
            )
        if not 0 < self.story_horizon < float("inf"):
            name = ENVIRONMENT["story_horizon"]
            raise ConfigurationError(f"{name} must be a positive number of seconds, got {self.story_horizon}")
        if self.story_max_entries < 1:
            name = ENVIRONMENT["story_max_entries"]
            raise ConfigurationError(f"{name} must be at least 1, got {self.story_max_entries}")

    def _validate_trends(self) -> None:
        for name in ("trends_top", "trends_baseline_buckets"):
            if getattr(self, name) < 1:
                raise ConfigurationError(f"{ENVIRONMENT[name]} must be at least 1, got {getattr(self, name)}")
        if self.trends_lateness < 0:
            name = ENVIRONMENT["trends_lateness"]
            raise ConfigurationError(f"{name} must not be negative, got {self.trends_lateness}")
        seconds = self.trends_bucket_seconds
        if seconds < 1 or 3600 % seconds:
            raise ConfigurationError(
                f"{ENVIRONMENT['trends_bucket_seconds']} must divide 3600, so that the hour and day windows are whole "
                f"buckets (60, 300, 600, 900, 1800, 3600 ...), got {seconds}"
            )

    def _validate_dashboard(self) -> None:
        if not 0 < self.dashboard_port < 65536:
            name = ENVIRONMENT["dashboard_port"]
            raise ConfigurationError(f"{name} must be a port from 1 to 65535, got {self.dashboard_port}")
        host = self.dashboard_host
        if not host or any(character.isspace() or character in "/@?#" for character in host):
            name = ENVIRONMENT["dashboard_host"]
            raise ConfigurationError(f"{name} must be a host name or address such as 127.0.0.1 or ::1, got {host!r}")


def _parse(name: str, raw: str, kind: type) -> Any:
    try:
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
    return {ENVIRONMENT[field.name]: str(getattr(settings, field.name)) for field in fields(settings)}
