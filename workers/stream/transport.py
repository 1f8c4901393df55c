"""Faust's aiokafka transport with a configurable fetch wait and a bounded fetch size.

Faust builds its consumer with `fetch_max_wait_ms=1500` and no setting to change it; on a quiet topic
every hop then waits for the broker to give up on filling the fetch (the embedded Tansu answers after
about half the wait even when records are there). Nor does it set `fetch_max_bytes`, so aiokafka asks
for up to 50 MiB a fetch: Apache Kafka fills that from every partition of a backlog at once (a flood of
100 kB articles grew the worker by 72 MiB on Kafka, 14 MiB on Tansu, which answers with less). This
transport keeps everything of Faust's consumer and sets both before the consumer starts and builds its
fetcher.
"""

from __future__ import annotations

import logging
from typing import Any

from faust.transport.drivers import TRANSPORTS
from faust.transport.drivers import aiokafka as faust_aiokafka

SCHEME = "khabar"
#: Faust's services log their start and stop; these subclasses' lines stay with Faust's (`workers.logs`
#: keeps them at WARNING), not under this module's name.
FAUST_LOGGER = logging.getLogger("faust.transport.khabar")


class ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    logger = FAUST_LOGGER
    fetch_max_wait_ms = 100
    fetch_max_bytes = 4 * 1024 * 1024

    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # both read by AIOKafkaConsumer.start(), which builds the fetcher
        consumer._fetch_max_wait_ms = self.fetch_max_wait_ms
        consumer._fetch_max_bytes = self.fetch_max_bytes
        return consumer


class Consumer(faust_aiokafka.Consumer):
    logger = FAUST_LOGGER

    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    Consumer = Consumer


def register(fetch_max_wait_ms: int, fetch_max_bytes: int) -> str:
    """Make `khabar://` broker URLs use this transport with the given fetch wait and size; return the scheme.

    A record larger than `fetch_max_bytes` still arrives: Kafka returns at least one record batch.
    """
    ConsumerThread.fetch_max_wait_ms = fetch_max_wait_ms
    ConsumerThread.fetch_max_bytes = fetch_max_bytes
    TRANSPORTS.aliases[SCHEME] = f"{__name__}:Transport"
    return SCHEME
