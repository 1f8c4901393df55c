"""The worker process: metrics and health checks served first, then the pipeline, then Faust.

The HTTP server starts before the pipeline loads, so `/ready` can say what the worker is waiting for
during the whole start; the CLI passes its pipeline loader in (the stream layer imports nothing of it).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
from collections.abc import Callable, Set
from typing import Any

import faust
from faust.types import TP

from workers.pipeline import Pipeline
from workers.settings import Settings
from workers.stream import agents
from workers.stream.app import create_app
from workers.stream.health import BEAT_EVERY_SECONDS, Heartbeat, Readiness, serve
from workers.stream.lag import FaustOffsets, partition_lags
from workers.stream.metrics import StreamMetrics
from workers.stream.progress import totals_line

log = logging.getLogger(__name__)

#: The start of the line the worker logs on each assignment (the test harness waits for it to know a worker joined).
PARTITIONS_ASSIGNED = "partitions assigned"
#: How often the lag of the owned partitions is computed (from offsets the consumer holds: no request).
LAG_EVERY_SECONDS = 1.0


class Assignment:
    """Whether the worker holds a partition assignment, from Faust's rebalance signals: from joining
    the group until a rebalance revokes it, and again once the rebalance assigns anew (an empty
    assignment counts: the group may have more workers than the input topic has partitions)."""

    def __init__(self, metrics: StreamMetrics) -> None:
        self._metrics = metrics
        self.held = False

    def revoked(self, partitions: Set[TP]) -> None:
        self.held = False
        self._metrics.partitions_revoked((tp.topic, tp.partition) for tp in partitions)
        if partitions:
            log.info("rebalancing: partitions revoked (%s)", describe_partitions(partitions))

    def assigned(self, partitions: Set[TP]) -> None:
        self._metrics.rebalances.inc()
        self.held = True
        log.info(
            "%s: %s", PARTITIONS_ASSIGNED, describe_partitions(partitions) or "none (more workers than partitions)"
        )


def describe_partitions(partitions: Set[TP]) -> str:
    """`articles.raw 0, 1, 3` for people: each topic's partitions, in order."""
    by_topic: dict[str, list[int]] = {}
    for tp in partitions:
        by_topic.setdefault(tp.topic, []).append(tp.partition)
    return "; ".join(f"{topic} {', '.join(map(str, sorted(numbers)))}" for topic, numbers in sorted(by_topic.items()))


def receiver(handle: Callable[[Set[TP]], None]) -> Callable[..., None]:
    """`handle` as a receiver of a Faust partition signal, which calls it as (app, partitions, signal=…)."""

    def receive(app: faust.App, partitions: Set[TP], **kwargs: Any) -> None:
        handle(partitions)

    return receive


def watch(
    app: faust.App, settings: Settings, metrics: StreamMetrics, heartbeat: Heartbeat, assignment: Assignment
) -> None:
    """Beat the heartbeat, follow the assignment, and measure the lag of the partitions owned."""
    app.on_partitions_revoked.connect(receiver(assignment.revoked))
    app.on_partitions_assigned.connect(receiver(assignment.assigned))
    offsets = FaustOffsets(app)

    @app.task
    async def beat() -> None:
        while True:
            heartbeat.beat()
            await asyncio.sleep(BEAT_EVERY_SECONDS)

    @app.timer(interval=LAG_EVERY_SECONDS)
    async def measure_lag() -> None:
        owned = [tp for tp in app.consumer.assignment() if tp.topic == settings.topic_raw]
        metrics.set_lag(settings.topic_raw, partition_lags(offsets, owned))


#: The exit code of a worker that could not stop within KHABAR_SHUTDOWN_TIMEOUT.
EXIT_STOP_TIMED_OUT = 3


class Worker(faust.Worker):
    """Faust's worker with Khabar's logging, no terminal spinner, and a bound on how long it may take to stop.

    A stop flushes the producer and commits the offsets; with the broker gone, Faust retries those
    forever and the process never exits. After `shutdown_timeout` seconds (0: no bound) the process
    exits anyway, without committing: at-least-once holds, and the records since the last commit are
    processed again by whichever worker takes their partitions (the published keys skip those whose
    outputs were delivered).
    """

    def __init__(self, app: faust.App, settings: Settings, totals: Callable[[], str]) -> None:
        # Logging stays as `workers.logs` set it up: one format for Faust's lines and Khabar's.
        super().__init__(app, quiet=True, override_logging=False)
        self.spinner = None  # Faust's terminal spinner wrote cursor codes into the worker's output
        self._shutdown_timeout = settings.shutdown_timeout
        self._bootstrap_servers = settings.bootstrap_servers
        self._totals = totals

    def on_worker_shutdown(self) -> None:
        if self._shutdown_timeout > 0:
            timer = threading.Timer(self._shutdown_timeout, self._give_up)
            timer.daemon = True
            timer.start()

    def _give_up(self) -> None:
        log.error(
            "the worker could not stop within %.0fs (KHABAR_SHUTDOWN_TIMEOUT): is the broker at %s reachable? "
            "Exiting without committing; the records since the last commit will be processed again. Stopped after %s",
            self._shutdown_timeout,
            self._bootstrap_servers,
            self._totals(),
        )
        logging.shutdown()
        os._exit(EXIT_STOP_TIMED_OUT)


def run(settings: Settings, load_pipeline: Callable[[], Pipeline]) -> int:
    """Run the enrich worker until it is stopped; its exit code."""
    metrics, heartbeat, readiness = StreamMetrics(), Heartbeat(), Readiness()
    loaded, assignment = threading.Event(), Assignment(metrics)
    # Every condition known so far is required before the server starts: /ready never says ready too soon.
    readiness.require("the pipeline is loading", loaded.is_set)
    readiness.require("no partitions assigned yet: the consumer group is not joined", lambda: assignment.held)
    server = serve(settings.metrics_host, settings.metrics_port, metrics.registry, heartbeat, readiness)
    try:
        pipeline = load_pipeline()
        metrics.pipeline_loaded(pipeline.tagger)
        loaded.set()
        app = create_app(settings)
        watch(app, settings, metrics, heartbeat, assignment)
        agent = agents.register(app, settings, pipeline, metrics, readiness)
        # The models and resources live as long as the process: out of the collector's sight, a full
        # collection no longer walks their ~38k objects (18 ms with the GIL held, a latency spike).
        gc.freeze()
        log.info(
            "worker starting: group %s on %s, input %s", settings.app_id, settings.bootstrap_servers, settings.topic_raw
        )
        faust_worker = Worker(app, settings, lambda: totals_line(metrics.totals))
        try:
            faust_worker.execute_from_commandline()
        except SystemExit as exit:
            if agent.stopped_by is not None:
                raise agent.stopped_by from None
            return int(exit.code or 0)
        finally:
            log.info("worker stopped after %s", totals_line(metrics.totals))
        return 0
    finally:
        if server is not None:
            server.stop()
