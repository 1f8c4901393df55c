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
    assert settings.web_enabled is False
    assert settings.web_host == "127.0.0.1"


def test_environment_variables_override_defaults() -> None:
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "kafka:9092", "KHABAR_PARTITIONS": "16", "KHABAR_WEB_ENABLED": "yes"}
    )
    assert (settings.bootstrap_servers, settings.partitions, settings.web_enabled) == ("kafka:9092", 16, True)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"KHABAR_PARTITIONS": "eight"}, "KHABAR_PARTITIONS='eight' is not a valid int"),
        ({"KHABAR_PARTITIONS": "0"}, "KHABAR_PARTITIONS must be at least 1"),
        ({"KHABAR_WEB_ENABLED": "maybe"}, "KHABAR_WEB_ENABLED='maybe' is not a valid bool"),
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
    settings = Settings.from_env({"KHABAR_WEB_ENABLED": "true", "KHABAR_BATCH_SECONDS": "0.2"})
    assert Settings.from_env(to_environment(settings)) == settings


def test_every_setting_has_one_environment_variable() -> None:
    assert len(set(ENVIRONMENT.values())) == len(ENVIRONMENT) == len(to_environment(Settings()))


def test_readme_documents_every_environment_variable() -> None:
    from workers.paths import project_root

    readme = (project_root() / "README.md").read_text(encoding="utf-8")
    assert [name for name in ENVIRONMENT.values() if f"`{name}`" not in readme] == []
