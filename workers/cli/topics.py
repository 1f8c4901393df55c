"""`khabar topics`: Khabar's topics with their sizes and end offsets, and the worker group's lag."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable

from kafka import TopicPartition
from kafka.admin import KafkaAdminClient
from kafka.errors import RetriableError

from workers import clients
from workers.errors import BrokerError
from workers.settings import Settings

#: Printed where a number does not exist: a missing topic, a partition the group never committed.
NONE = "-"


def topics(settings: Settings) -> int:
    """Print the table of Khabar's topics, then the worker group's lag on the input topic."""
    admin = clients.connect(settings)
    try:
        existing = set(admin.list_topics())
        names = list(clients.khabar_topics(settings))
        described = {topic["name"]: topic for topic in admin.describe_topics([n for n in names if n in existing])}
        partitions = [
            TopicPartition(name, partition["partition_index"])
            for name in names
            if name in described
            for partition in sorted(described[name]["partitions"], key=lambda p: p["partition_index"])
        ]
        input_partitions = [tp for tp in partitions if tp.topic == settings.topic_raw]
        committed = committed_offsets(settings, admin, settings.app_id, input_partitions)
    finally:
        admin.close()
    starts = start_offsets(settings, partitions)
    ends = clients.end_offsets(settings, partitions)
    print(topic_table(names, partitions, starts, ends))
    print()
    print(f"group {settings.app_id} on {settings.topic_raw}:")
    print(lag_table(input_partitions, committed, starts, ends))
    if settings.topic_raw not in described:
        print(f"({settings.topic_raw} does not exist yet: a worker or `khabar produce` creates it)", file=sys.stderr)
    return 0


def committed_offsets(
    settings: Settings, admin: KafkaAdminClient, group: str, partitions: list[TopicPartition]
) -> dict[TopicPartition, int]:
    """The group's committed offset of each partition that has one.

    A Kafka broker that never had a group creates its offsets topic on the first question about one
    and answers CoordinatorNotAvailable meanwhile: asked again until KHABAR_CONNECT_TIMEOUT.
    """
    if not partitions:
        return {}
    deadline = time.monotonic() + settings.connect_timeout
    while True:
        try:
            answered = admin.list_group_offsets({group: partitions})[group]
            return {tp: meta.offset for tp, meta in answered.items() if meta.offset >= 0}
        except RetriableError as error:
            if time.monotonic() > deadline:
                raise BrokerError(f"the offsets of group {group} could not be read: {error}") from None
            time.sleep(0.5)


def start_offsets(settings: Settings, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
    """The first offset still held in each partition (ListOffsets(earliest): right on both brokers)."""
    reader = clients.consumer(settings)
    try:
        return dict(reader.beginning_offsets(partitions)) if partitions else {}
    finally:
        reader.close()


def table(header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> str:
    """Columns aligned: the first to the left, the others (numbers) to the right."""
    cells = [header, *[tuple(str(cell) for cell in row) for row in rows]]
    widths = [max(len(row[column]) for row in cells) for column in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if column == 0 else cell.rjust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in cells
    )


def topic_table(
    names: list[str],
    partitions: list[TopicPartition],
    starts: dict[TopicPartition, int],
    ends: dict[TopicPartition, int],
) -> str:
    rows: list[tuple[object, ...]] = []
    for name in names:
        own = [tp for tp in partitions if tp.topic == name]
        if not own:
            rows.append((name, NONE, NONE, "(does not exist)"))
            continue
        records = sum(ends[tp] - starts[tp] for tp in own)
        rows.append((name, len(own), records, " ".join(f"{tp.partition}:{ends[tp]}" for tp in own)))
    return table(("topic", "partitions", "records", "end offsets (partition:offset)"), rows)


def lag_table(
    partitions: list[TopicPartition],
    committed: dict[TopicPartition, int],
    starts: dict[TopicPartition, int],
    ends: dict[TopicPartition, int],
) -> str:
    """Per partition: the committed offset, the end, and the records still to enrich (all of them when
    the group never committed: it starts at the beginning)."""
    rows = [
        (tp.partition, committed.get(tp, NONE), ends[tp], ends[tp] - committed.get(tp, starts[tp])) for tp in partitions
    ]
    total = sum(int(row[3]) for row in rows)
    return table(("partition", "committed", "end", "lag"), rows) + f"\ntotal lag {total}"
