"""/metrics, /health and /ready: what each answers, and that a taken port costs one warning, not the worker."""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from workers.brokers import free_port
from workers.stream.health import STALLED_AFTER_SECONDS, HealthServer, Heartbeat, Readiness, serve
from workers.stream.metrics import StreamMetrics


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def get(server: HealthServer, path: str) -> tuple[int, str]:
    """Status and body of GET `path`, within 1 s."""
    host, port = server.server_address[:2]
    try:
        with urllib.request.urlopen(f"http://{host!s}:{port}{path}", timeout=1) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Served:
    """What the server under test reports on, with the heartbeat's clock."""

    clock: Clock = field(default_factory=Clock)
    metrics: StreamMetrics = field(default_factory=StreamMetrics)
    readiness: Readiness = field(default_factory=Readiness)

    def __post_init__(self) -> None:
        self.heartbeat = Heartbeat(self.clock)


@pytest.fixture
def served() -> Served:
    return Served()


@pytest.fixture
def server(served: Served) -> Iterator[HealthServer]:
    started = serve("127.0.0.1", free_port(), served.metrics.registry, served.heartbeat, served.readiness)
    assert started is not None
    yield started
    started.stop()


def test_metrics_are_served_in_prometheus_text_format(server: HealthServer, served: Served) -> None:
    served.metrics.batch_done(4, [], replays_skipped=0)
    status, body = get(server, "/metrics")
    assert status == 200
    assert "# TYPE khabar_input_records_total counter" in body
    assert "khabar_input_records_total 4.0" in body


def test_health_holds_before_the_loop_starts_and_while_it_beats_and_fails_once_it_stalls(
    server: HealthServer, served: Served
) -> None:
    heartbeat, clock = served.heartbeat, served.clock
    assert get(server, "/health") == (200, "alive\n")  # loading: the loop has not started yet
    heartbeat.beat()
    clock.now += STALLED_AFTER_SECONDS - 1
    assert get(server, "/health") == (200, "alive\n")
    clock.now += 2
    assert get(server, "/health") == (503, f"the event loop has not run for {STALLED_AFTER_SECONDS + 1:.1f}s\n")


def test_ready_gives_every_unmet_condition_in_order_then_200(server: HealthServer, served: Served) -> None:
    readiness = served.readiness
    loaded, joined = threading.Event(), threading.Event()
    readiness.require("the pipeline is loading", loaded.is_set)
    readiness.require("no partitions assigned yet", joined.is_set)
    assert get(server, "/ready") == (503, "the pipeline is loading; no partitions assigned yet\n")
    loaded.set()
    assert get(server, "/ready") == (503, "no partitions assigned yet\n")
    joined.set()
    assert get(server, "/ready") == (200, "ready\n")


def test_other_paths_are_not_found(server: HealthServer) -> None:
    status, body = get(server, "/stats/")
    assert status == 404
    assert "/metrics" in body


def test_health_answers_within_a_second_while_a_thread_computes(server: HealthServer, served: Served) -> None:
    """Enrichment is CPU work in a thread: the server's threads still get their turn at the interpreter."""
    served.heartbeat.beat()
    stop = threading.Event()

    def compute() -> None:
        while not stop.is_set():
            sum(range(10_000))

    busy = threading.Thread(target=compute)
    busy.start()
    try:
        for _ in range(5):
            started = time.monotonic()
            assert get(server, "/health")[0] == 200
            assert time.monotonic() - started < 1.0
    finally:
        stop.set()
        busy.join()


def test_a_taken_port_is_one_warning_and_no_server(caplog: pytest.LogCaptureFixture) -> None:
    metrics = StreamMetrics()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.DEBUG, logger="workers.stream.health"):
            assert serve("127.0.0.1", port, metrics.registry, Heartbeat(), Readiness()) is None
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", f"metrics and health checks not served: cannot listen on 127.0.0.1:{port} (Address already in use)")
    ]


def test_port_0_serves_nothing_and_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="workers.stream.health"):
        assert serve("127.0.0.1", 0, StreamMetrics().registry, Heartbeat(), Readiness()) is None
    assert caplog.records == []


def test_an_ipv6_host_is_served_too(served: Served) -> None:
    server = serve("::1", free_port(), served.metrics.registry, served.heartbeat, served.readiness)
    assert server is not None
    try:
        with urllib.request.urlopen(f"http://[::1]:{server.server_address[1]}/health", timeout=1) as response:
            assert (response.status, response.read()) == (200, b"alive\n")
    finally:
        server.stop()
