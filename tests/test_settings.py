"""Settings come from environment variables, are validated early, and never print secrets."""

import pytest

from workers.errors import ConfigurationError
from workers.settings import ENVIRONMENT, Settings, to_environment


def test_defaults_need_no_environment() -> None:
    settings = Settings.from_env({})
    assert settings.bootstrap_servers == "127.0.0.1:9092"
    assert settings.topics == ("articles.raw", "articles.enriched", "articles.entities", "articles.dead-letter")
    assert settings.partitions == 8
    assert settings.max_record_bytes == 1024 * 1024
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9400)
    assert (settings.log_level, settings.log_format, settings.connect_timeout) == ("info", "text", 10.0)


def test_environment_variables_override_defaults() -> None:
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "KHABAR_PARTITIONS": "16", "KHABAR_METRICS_PORT": "0"}
    )
    assert (settings.bootstrap_servers, settings.partitions, settings.metrics_port) == ("kafka:9092", 16, 0)


def test_levels_protocols_and_mechanisms_are_read_in_either_case() -> None:
    settings = Settings.from_env(
        {"KHABAR_LOG_LEVEL": "WARNING", "KAFKA_SECURITY_PROTOCOL": "sasl_ssl", "KAFKA_SASL_MECHANISM": "scram-sha-512"}
    )
    assert (settings.log_level, settings.security_protocol, settings.sasl_mechanism) == (
        "warning",
        "SASL_SSL",
        "SCRAM-SHA-512",
    )


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"KHABAR_PARTITIONS": "eight"}, "KHABAR_PARTITIONS='eight' is not a valid int"),
        ({"KHABAR_PARTITIONS": "0"}, "KHABAR_PARTITIONS must be at least 1"),
        ({"KHABAR_METRICS_PORT": "web"}, "KHABAR_METRICS_PORT='web' is not a valid int"),
        ({"KHABAR_METRICS_PORT": "65536"}, "KHABAR_METRICS_PORT must be a port"),
        ({"KHABAR_LOG_LEVEL": "loud"}, "KHABAR_LOG_LEVEL must be one of debug, info, warning, error, got 'loud'"),
        ({"KHABAR_LOG_FORMAT": "xml"}, "KHABAR_LOG_FORMAT must be one of text, json"),
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL"),
        ({"KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
        ({"KHABAR_CONNECT_TIMEOUT": "-1"}, "KHABAR_CONNECT_TIMEOUT must not be negative"),
        ({"KHABAR_COMPRESSION": "brotli"}, "KHABAR_COMPRESSION must be one of none, gzip"),
        ({"KHABAR_HEARTBEAT_INTERVAL": "10"}, "must be below KHABAR_SESSION_TIMEOUT"),
        ({"KHABAR_TAGGER": "spacy"}, "KHABAR_TAGGER must be one of crf, neural, camel-bert"),
    ],
)
def test_invalid_values_are_refused_with_the_variable_named(environment: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environment)


def test_the_password_never_shows() -> None:
    settings = Settings.from_env({"KAFKA_SASL_PASSWORD": "hunter2", "KAFKA_SASL_USERNAME": "khabar"})
    assert "hunter2" not in repr(settings)
    assert "khabar" in repr(settings)


def test_settings_survive_the_trip_through_the_environment() -> None:
    settings = Settings.from_env({"KHABAR_METRICS_PORT": "9500", "KHABAR_BATCH_SECONDS": "0.2"})
    assert Settings.from_env(to_environment(settings)) == settings


def test_every_setting_has_one_environment_variable() -> None:
    assert len(set(ENVIRONMENT.values())) == len(ENVIRONMENT) == len(to_environment(Settings()))


def test_readme_documents_every_environment_variable() -> None:
    from workers.paths import project_root

    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    assert [name for name in ENVIRONMENT.values() if f"`{name}`" not in readme] == []


def test_the_trends_job_has_its_own_group_topics_and_port() -> None:
    settings = Settings.from_env({"KHABAR_APP_ID": "news", "KHABAR_TOPIC_TRENDS": "trends"})
    assert (settings.topic_trends, settings.trends_group, settings.trends_state_topic) == (
        "trends",
        "news-trends",
        "news-trends-state",
    )
    defaults = Settings()
    assert (defaults.trends_bucket_seconds, defaults.trends_lateness, defaults.trends_top) == (600, 300.0, 10)
    assert (defaults.trends_baseline_buckets, defaults.trends_metrics_port) == (36, 9402)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"KHABAR_TRENDS_BUCKET_SECONDS": "700"}, "KHABAR_TRENDS_BUCKET_SECONDS must divide 3600"),
        ({"KHABAR_TRENDS_BUCKET_SECONDS": "0"}, "KHABAR_TRENDS_BUCKET_SECONDS must divide 3600"),
        ({"KHABAR_TRENDS_BUCKET_SECONDS": "ten"}, "KHABAR_TRENDS_BUCKET_SECONDS='ten' is not a valid int"),
        ({"KHABAR_TRENDS_LATENESS": "-1"}, "KHABAR_TRENDS_LATENESS must not be negative"),
        ({"KHABAR_TRENDS_TOP": "0"}, "KHABAR_TRENDS_TOP must be at least 1"),
        ({"KHABAR_TRENDS_BASELINE_BUCKETS": "0"}, "KHABAR_TRENDS_BASELINE_BUCKETS must be at least 1"),
        ({"KHABAR_TRENDS_METRICS_PORT": "65536"}, "KHABAR_TRENDS_METRICS_PORT must be a port"),
    ],
)
def test_invalid_trends_settings_are_refused_with_the_variable_named(environment: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environment)


def test_the_stories_defaults_are_the_measured_ones_and_their_topic_is_the_apps() -> None:
    from workers.stories.compact import MAX_ENTRIES
    from workers.stories.index import DUPLICATE_THRESHOLD, HORIZON

    settings = Settings.from_env({"KHABAR_APP_ID": "news", "KHABAR_STORIES": "OFF"})
    defaults = Settings()
    assert (defaults.duplicate_threshold, defaults.story_horizon) == (DUPLICATE_THRESHOLD, HORIZON)
    assert defaults.story_max_entries == MAX_ENTRIES
    assert (defaults.stories_on, settings.stories_on, settings.stories_topic) == (True, False, "news-stories")


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"KHABAR_STORIES": "maybe"}, "KHABAR_STORIES must be one of on, off, got 'maybe'"),
        ({"KHABAR_DUPLICATE_THRESHOLD": "0.05"}, "KHABAR_DUPLICATE_THRESHOLD must be between 0.1"),
        ({"KHABAR_DUPLICATE_THRESHOLD": "1.5"}, "KHABAR_DUPLICATE_THRESHOLD must be between 0.1"),
        ({"KHABAR_STORY_HORIZON": "0"}, "KHABAR_STORY_HORIZON must be a positive number of seconds"),
        ({"KHABAR_STORY_HORIZON": "inf"}, "KHABAR_STORY_HORIZON must be a positive number of seconds"),
        ({"KHABAR_STORY_MAX_ENTRIES": "0"}, "KHABAR_STORY_MAX_ENTRIES must be at least 1"),
        ({"KHABAR_STORY_MAX_ENTRIES": "many"}, "KHABAR_STORY_MAX_ENTRIES='many' is not a valid int"),
    ],
)
def test_invalid_stories_settings_are_refused_with_the_variable_named(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environment)
