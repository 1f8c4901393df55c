"""A pass-through worker: the enrich worker's transport with the enrichment taken out.

`python -m lab.bench.passthrough` (configured like `khabar worker`, by environment variables)
copies every raw record unchanged to the enriched topic. It uses the same Faust app settings,
batches as the enrich agent does (`take_events`) and, like it, waits for the batch's delivery
before the batch's offsets are acknowledged, so enrich vs pass-through isolates the enrichment.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import cast

import faust

from workers.cli.commands import wait_for_broker
from workers.settings import Settings
from workers.stream.agents import Send, Topics, declare_topics, producer_send
from workers.stream.app import create_app

log = logging.getLogger(__name__)


def pass_through_agent(topics: Topics, send: Send, settings: Settings) -> Callable[[faust.StreamT], Awaitable[None]]:
    """The agent body: batches copied unchanged, each batch delivered before its offsets are acked."""
    enriched = topics.outputs["enriched"]

    async def copy(stream: faust.StreamT) -> None:
        async for events in cast(faust.Stream, stream).take_events(settings.batch_size, within=settings.batch_seconds):
            pending = [await send(enriched, event.key, event.value, None) for event in events]
            await asyncio.gather(*pending)

    return copy


def main() -> int:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    wait_for_broker(settings)
    app = create_app(settings)
    topics = declare_topics(app, settings)
    app.agent(topics.raw, name="pass-through")(pass_through_agent(topics, producer_send(app), settings))
    log.info("pass-through worker starting: %s → %s", settings.topic_raw, settings.topic_enriched)
    faust.Worker(app, loglevel=settings.log_level, quiet=True).execute_from_commandline()
    return 0


if __name__ == "__main__":
    sys.exit(main())
