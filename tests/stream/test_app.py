"""The Faust app: orjson codec, short group timeouts from settings, web server off, credentials passed on."""

import asyncio
import ssl
from pathlib import Path

import faust
from faust.serializers import codecs
from pytest import MonkeyPatch

from workers.settings import Settings
from workers.stream.app import TableManager, broker_credentials, create_app


def test_app_takes_its_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.from_env({}, session_timeout=2.0, heartbeat_interval=0.5, data_dir=str(tmp_path))
    app = create_app(settings)
    assert app.conf.broker_session_timeout == 2.0
    assert app.conf.broker_heartbeat_interval == 0.5
    assert app.conf.web_enabled is False
    assert app.conf.value_serializer == "orjson"
    assert codecs.dumps("orjson", {"خبر": 1}) == '{"خبر":1}'.encode()


def test_no_credentials_for_plaintext() -> None:
    assert broker_credentials(Settings.from_env({})) is None


def test_sasl_over_tls_is_passed_through() -> None:
    settings = Settings.from_env(
        {
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": "khabar",
            "KAFKA_SASL_PASSWORD": "secret",
        }
    )
    credentials = broker_credentials(settings)
    assert isinstance(credentials, faust.SASLCredentials)
    assert (credentials.username, credentials.password) == ("khabar", "secret")
    assert str(credentials.mechanism).endswith("SCRAM_SHA_512") or credentials.mechanism.value == "SCRAM-SHA-512"
    assert isinstance(credentials.ssl_context, ssl.SSLContext)


def test_the_consumer_fetch_wait_comes_from_the_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    from workers.stream.transport import Transport

    app = create_app(Settings.from_env({"KHABAR_FETCH_WAIT_MS": "25"}, data_dir=str(tmp_path)))
    assert isinstance(app.transport, Transport)

    async def build_consumer() -> int:
        aiokafka_consumer = app.consumer._thread._create_worker_consumer(app.transport)
        return int(aiokafka_consumer._fetch_max_wait_ms)

    assert asyncio.run(build_consumer()) == 25


def test_the_app_starts_its_tables_without_faust_s_one_second_wait(tmp_path: Path, monkeypatch: MonkeyPatch) -> None:
    """Khabar has no Faust table: the table manager starts its recovery at once, sleeping for nothing."""
    tables = create_app(Settings.from_env({"KHABAR_DATA_DIR": str(tmp_path)})).tables
    assert isinstance(tables, TableManager)
    started: list[str] = []

    async def nap(seconds: float) -> None:
        raise AssertionError(f"the table manager slept {seconds}s")

    async def record(name: str) -> None:
        started.append(name)

    monkeypatch.setattr(tables, "sleep", nap)
    monkeypatch.setattr(tables, "_update_channels", lambda: record("channels"))
    monkeypatch.setattr(tables.recovery, "start", lambda: record("recovery"))
    asyncio.run(tables.on_start())

    assert started == ["channels", "recovery"]
