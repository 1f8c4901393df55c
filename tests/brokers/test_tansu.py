"""The embedded Tansu broker starts in well under a second, refuses a taken port, and stops cleanly."""

import socket

import pytest

from tests.brokers.broker_command import assert_port_closes, start_broker_command
from workers.brokers import TansuBroker, free_port, port_is_open
from workers.errors import BrokerError


def test_broker_listens_while_running_and_not_after() -> None:
    broker = TansuBroker(port=free_port())
    with broker:
        assert port_is_open(broker.host, broker.port)
    assert not port_is_open(broker.host, broker.port)


def test_a_taken_port_is_refused_before_tansu_can_panic() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrokerError, match=f"port {port} .* already in use"):
            TansuBroker(port=port).start()


def test_the_broker_dies_with_its_parent_process() -> None:
    """Even a SIGKILLed parent leaves no orphan broker holding the port (regression: orphaned Tansu)."""
    port = free_port()
    parent = start_broker_command(port)
    parent.kill()
    parent.wait()
    assert_port_closes(port, within=5)


def test_sigterm_stops_the_broker_command() -> None:
    port = free_port()
    command = start_broker_command(port)
    command.terminate()
    assert command.wait(timeout=10) in (0, 130)
    assert not port_is_open("127.0.0.1", port)
