"""What most integration tests need: a test's own topics and group on the broker under test, Khabar's
topics created, and a worker process that is stopped after the test. A module overrides `environment`
to change a setting for its worker."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.harness import WorkerProcess, isolated_environment, worker_process
from workers import clients
from workers.settings import Settings


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return isolated_environment(broker, tmp_path)


@pytest.fixture
def settings(environment: dict[str, str]) -> Settings:
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    return settings


@pytest.fixture
def worker(settings: Settings, environment: dict[str, str], tmp_path: Path) -> Iterator[WorkerProcess]:
    process = worker_process(environment, tmp_path / "worker.log")
    yield process
    process.stop()
