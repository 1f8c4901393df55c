"""The worker follows Faust's rebalance signals: the assignment it holds, rebalances counted, stale lag series gone."""

from __future__ import annotations

import asyncio
from pathlib import Path

from faust.types import TP

from workers.settings import Settings
from workers.stream.app import create_app
from workers.stream.health import Heartbeat
from workers.stream.metrics import StreamMetrics
from workers.stream.worker import Assignment, describe_partitions, watch


def test_rebalance_signals_drive_the_assignment_the_rebalance_count_and_the_lag_series(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=str(tmp_path))
    app, metrics = create_app(settings), StreamMetrics()
    assignment = Assignment(metrics)
    watch(app, settings, metrics, Heartbeat(), assignment)
    raw = settings.topic_raw
    assert not assignment.held

    asyncio.run(app.on_partitions_assigned.send({TP(raw, 0), TP(raw, 1)}))
    metrics.set_lag(raw, {0: 5, 1: 2})
    assert assignment.held
    assert metrics.registry.get_sample_value("khabar_rebalances_total") == 1

    asyncio.run(app.on_partitions_revoked.send({TP(raw, 1)}))
    assert not assignment.held  # between a revocation and the next assignment
    assert metrics.total_lag() == 5

    asyncio.run(app.on_partitions_assigned.send({TP(raw, 0)}))
    assert assignment.held
    assert metrics.registry.get_sample_value("khabar_rebalances_total") == 2


def test_an_empty_assignment_counts_as_joined(tmp_path: Path) -> None:
    """More workers than partitions: a worker with none has still joined its group."""
    settings = Settings.from_env({}, data_dir=str(tmp_path))
    app, metrics = create_app(settings), StreamMetrics()
    assignment = Assignment(metrics)
    watch(app, settings, metrics, Heartbeat(), assignment)
    asyncio.run(app.on_partitions_assigned.send(set()))
    assert assignment.held


def test_assigned_partitions_are_described_by_topic_in_order() -> None:
    partitions = {TP("raw", 3), TP("raw", 0), TP("khabar-__assignor-__leader", 0), TP("raw", 1)}
    assert describe_partitions(partitions) == "khabar-__assignor-__leader 0; raw 0, 1, 3"
    assert describe_partitions(set()) == ""
