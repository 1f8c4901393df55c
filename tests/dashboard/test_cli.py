"""`khabar dashboard`'s mistakes: each one `khabar: error:` line and exit 2, before anything is served."""

from __future__ import annotations

import socket

import pytest

from tests.cli.run import khabar
from workers.brokers import free_port
from workers.settings import Settings


def error_line(*arguments: str, environment: dict[str, str] | None = None) -> str:
    result = khabar("dashboard", *arguments, environment=environment)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr[-2000:]
    assert "Traceback" not in stderr
    (line,) = stderr.splitlines()
    return line


def test_a_taken_port_is_one_line_naming_the_settings() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = error_line("--port", str(port))
    assert line == (
        f"khabar: error: cannot serve the dashboard on 127.0.0.1:{port}: Address already in use "
        "(KHABAR_DASHBOARD_HOST, KHABAR_DASHBOARD_PORT, --host, --port)"
    )


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        ((), {"KHABAR_DASHBOARD_PORT": "0"}, "KHABAR_DASHBOARD_PORT must be a port from 1 to 65535, got 0"),
        ((), {"KHABAR_DASHBOARD_PORT": "http"}, "KHABAR_DASHBOARD_PORT='http' is not a valid int"),
        ((), {"KHABAR_DASHBOARD_HOST": "http://localhost"}, "KHABAR_DASHBOARD_HOST must be a host name or address"),
        (("--port", "65536"), {}, "argument --port: must be a port from 1 to 65535, got 65536"),
        (("--host", "no-such-host.invalid"), {}, "cannot serve the dashboard on no-such-host.invalid:9401"),
    ],
)
def test_settings_out_of_their_range(arguments: tuple[str, ...], environment: dict[str, str], expected: str) -> None:
    assert expected in error_line(*arguments, environment=environment)


def test_no_broker_is_one_line_within_the_connect_timeout() -> None:
    environment = {"KAFKA_BOOTSTRAP_SERVERS": f"127.0.0.1:{free_port()}", "KHABAR_CONNECT_TIMEOUT": "1"}
    line = error_line("--port", str(free_port()), environment=environment)
    assert line.startswith("khabar: error: no broker answered at 127.0.0.1:") and "within 1s" in line


def test_the_defaults() -> None:
    assert (Settings().dashboard_host, Settings().dashboard_port) == ("127.0.0.1", 9401)
    assert Settings.from_env({"KHABAR_DASHBOARD_HOST": "::1", "KHABAR_DASHBOARD_PORT": "8080"}).dashboard_port == 8080


def test_the_help_names_the_command_and_its_settings() -> None:
    result = khabar("dashboard", "--help")
    assert result.returncode == 0
    text = result.stdout.decode()
    assert "KHABAR_DASHBOARD_PORT" in text and "--port" in text and "/api/state" in text
    assert "khabar dashboard" in khabar("--help").stdout.decode()
