"""kafka-python clients get their connection and security options from the settings."""

import pytest

from workers.clients import client_config, host_and_port, output_record_limit
from workers.errors import ConfigurationError
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


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("kafka:9093", ("kafka", 9093)),
        (" kafka:9093 ", ("kafka", 9093)),
        ("kafka", ("kafka", 9092)),
        ("127.0.0.1", ("127.0.0.1", 9092)),
        ("[::1]:9093", ("::1", 9093)),
        ("::1", ("::1", 9092)),
        (":9093", ("localhost", 9093)),
    ],
)
def test_a_bootstrap_server_is_a_host_and_a_port_9092_by_default(server: str, expected: tuple[str, int]) -> None:
    assert host_and_port(server) == expected


@pytest.mark.parametrize("server", ["kafka:abc", "kafka:0", "kafka:70000", "[::1]:x"])
def test_a_bootstrap_server_with_another_port_is_a_configuration_error(server: str) -> None:
    with pytest.raises(ConfigurationError, match=r"KAFKA_BOOTSTRAP_SERVERS: .* is not host:port"):
        client_config(Settings.from_env({"KAFKA_BOOTSTRAP_SERVERS": f"ok:9092,{server}"}))
