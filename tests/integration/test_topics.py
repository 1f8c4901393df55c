"""`khabar topics` and `clients.end_offsets` on a real broker: sizes and end offsets as the records laid
out, and the worker group's lag from what it committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from kafka import TopicPartition
from kafka.structs import OffsetAndMetadata

from tests.integration.cli import Record, send
from tests.integration.harness import isolated_environment, khabar
from workers import clients
from workers.settings import Settings

pytestmark = pytest.mark.integration


def rows(section: str) -> dict[str, list[str]]:
    """A table of `khabar topics`: its first column → the other columns (the header row included)."""
    return {cells[0]: cells[1:] for cells in (line.split() for line in section.splitlines())}


def test_end_offsets_are_where_the_next_record_goes_even_after_a_batch(broker: dict[str, str], tmp_path: Path) -> None:
    settings = Settings.from_env(isolated_environment(broker, tmp_path, partitions=3))
    clients.ensure_topics(settings)
    send(settings, settings.topic_raw, [Record(b"{}", partition=0)] * 5 + [Record(b"{}", partition=1)])
    partitions = [TopicPartition(settings.topic_raw, p) for p in range(3)]

    assert clients.end_offsets(settings, partitions) == dict(zip(partitions, [5, 1, 0], strict=True))


def test_topics_lists_sizes_end_offsets_and_the_groups_lag(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path, partitions=2)
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    send(settings, settings.topic_raw, [Record(b"{}", partition=0)] * 4 + [Record(b"{}", partition=1)] * 2)
    send(settings, settings.topic_dead_letter, [Record(b"{}", partition=1)])
    # The worker group has committed 3 records of partition 0 and none of partition 1.
    committer = clients.consumer(settings, group_id=settings.app_id)
    committer.assign([TopicPartition(settings.topic_raw, 0)])
    committer.commit({TopicPartition(settings.topic_raw, 0): OffsetAndMetadata(3, None, -1)})
    committer.close()

    result = khabar(environment, "topics")

    assert result.returncode == 0, result.stderr[-2000:]
    listing, lag = result.stdout.split("\n\n")
    assert rows(listing) == {
        "topic": ["partitions", "records", "end", "offsets", "(partition:offset)"],
        settings.topic_raw: ["2", "6", "0:4", "1:2"],
        settings.topic_enriched: ["2", "0", "0:0", "1:0"],
        settings.topic_entities: ["2", "0", "0:0", "1:0"],
        settings.topic_dead_letter: ["2", "1", "0:0", "1:1"],
        settings.changelog_topic: ["2", "0", "0:0", "1:0"],
        settings.stories_topic: ["2", "0", "0:0", "1:0"],
    }
    title, table = lag.split("\n", 1)
    assert title == f"group {settings.app_id} on {settings.topic_raw}:"
    assert rows(table) == {
        "partition": ["committed", "end", "lag"],
        "0": ["3", "4", "1"],
        "1": ["-", "2", "2"],
        "total": ["lag", "3"],
    }


def test_topics_says_which_of_khabars_topics_do_not_exist(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)

    result = khabar(environment, "topics")

    assert result.returncode == 0, result.stderr[-2000:]
    listing = rows(result.stdout.split("\n\n")[0])
    assert all(listing[topic] == ["-", "-", "(does", "not", "exist)"] for topic in clients.khabar_topics(settings))
    assert f"{settings.topic_raw} does not exist yet" in result.stderr
