"""Faust's aiokafka transport with a configurable fetch wait.

Faust builds its consumer with `fetch_max_wait_ms=1500` and no setting to change it; on a quiet topic
every hop then waits for the broker to give up on filling the fetch (the embedded Tansu answers after
about half the wait even when records are there). This transport keeps everything of Faust's consumer
and sets the wait from KHABAR_FETCH_WAIT_MS before the consumer starts and builds its fetcher.
"""

from __future__ import annotations

from typing import Any

from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as faust_aiokafka

SCHEME = "khabar"


class ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    fetch_max_wait_ms = 100

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = self.fetch_max_wait_ms  # read by AIOKafkaConsumer.start()
        return consumer


class Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    Consumer = Consumer


def register(fetch_max_wait_ms: int) -> str:
    """Make `khabar://` broker URLs use this transport with the given fetch wait; return the scheme."""
    ConsumerThread.fetch_max_wait_ms = fetch_max_wait_ms
    TRANSPORTS.aliases[SCHEME] = f"{__name__}:Transport"
    return SCHEME
