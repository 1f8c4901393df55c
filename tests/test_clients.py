"""kafka-python clients get their connection and security options from the settings."""

from workers.clients import client_config, output_record_limit
from workers.settings import Settings


def test_plaintext_by_default() -> None:
    assert client_config(Settings.from_env({})) == {
        "bootstrap_servers": ["127.0.0.1:9092"],
        "security_protocol": "PLAINTEXT",
        "bootstrap_timeout_ms": 10_000,
    }


def test_a_client_waits_for_its_first_connection_as_long_as_the_connect_timeout() -> None:
    settings = Settings.from_env({"KHABAR_CONNECT_TIMEOUT": "2.5"})
    assert client_config(settings)["bootstrap_timeout_ms"] == 2500


def test_sasl_and_tls_settings_are_passed_through() -> None:
    settings = Settings.from_env(
        {
            "KAFKA_BOOTSTRAP_SERVERS": "b1:9093,b2:9093",
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
            "KAFKA_SASL_USERNAME": "khabar",
            "KAFKA_SASL_PASSWORD": "secret",
            "KAFKA_SSL_CAFILE": "/etc/ssl/kafka-ca.pem",
        }
    )
    assert client_config(settings) == {
        "bootstrap_servers": ["b1:9093", "b2:9093"],
        "security_protocol": "SASL_SSL",
        "bootstrap_timeout_ms": 10_000,
        "sasl_mechanism": "SCRAM-SHA-256",
        "sasl_plain_username": "khabar",
        "sasl_plain_password": "secret",
        "ssl_cafile": "/etc/ssl/kafka-ca.pem",
    }


def test_outputs_may_be_larger_than_inputs() -> None:
    assert output_record_limit(Settings.from_env({"KHABAR_MAX_RECORD_BYTES": "1000"})) == 4000
