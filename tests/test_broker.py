"""The embedded broker starts in well under a second, refuses a taken port, and stops cleanly."""

import socket

import pytest

from workers.broker import EmbeddedBroker, free_port, port_is_open
from workers.errors import BrokerError


def test_broker_listens_while_running_and_not_after() -> None:
    broker = EmbeddedBroker(port=free_port())
    with broker:
        assert port_is_open(broker.host, broker.port)
    assert not port_is_open(broker.host, broker.port)


def test_a_taken_port_is_refused_before_tansu_can_panic() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(BrokerError, match=f"port {port} .* already in use"):
            EmbeddedBroker(port=port).start()
