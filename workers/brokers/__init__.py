"""Local Kafka-protocol brokers run as child processes: `tansu` (embedded, in memory, the default)
and `kafka` (Apache Kafka from Maven Central, KRaft, durable)."""

from __future__ import annotations

from pathlib import Path

from workers.brokers.process import DEFAULT_HOST, DEFAULT_PORT, BrokerProcess, free_port, port_is_open
from workers.brokers.tansu import TansuBroker

ENGINES = ("tansu", "kafka")


def local_broker(
    engine: str, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, quiet: bool = True, data_dir: Path | None = None
) -> BrokerProcess:
    """A broker of `engine`, not yet started; `data_dir` is for the durable `kafka` engine only."""
    if engine == "tansu":
        return TansuBroker(port, host, quiet)
    if engine == "kafka":
        from workers.brokers.apache_kafka import ApacheKafkaBroker

        return ApacheKafkaBroker(port, host, quiet, data_dir=data_dir)
    raise ValueError(f"unknown broker engine {engine!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["ENGINES", "BrokerProcess", "TansuBroker", "free_port", "local_broker", "port_is_open"]
