"""`khabar consume`: a topic's records on standard output, one a line, as kcat and kafka-console-consumer print them."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import IO, Any

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.consumer.fetcher import ConsumerRecord

from workers import clients
from workers.cli.interrupts import CtrlC
from workers.errors import KhabarError
from workers.settings import Settings

#: How long one poll waits for records; also how soon Ctrl-C and the idle timeout are noticed.
POLL_MS = 500


@dataclass(frozen=True)
class Reading:
    """What to read and how: the command's options."""

    topic: str
    #: Start after the last record instead of at the first (for a group: only without committed offsets).
    from_end: bool = False
    partition: int | None = None
    #: Where to start in `partition`.
    offset: int | None = None
    #: Read as this consumer group, committing its offsets.
    group: str | None = None
    max_records: int | None = None
    #: Stop when no record arrived for this many seconds; None: follow until Ctrl-C.
    idle_timeout: float | None = 10.0
    with_metadata: bool = False
    create: bool = False


class PositionError(KhabarError):
    """A partition or offset that the topic does not have."""


def consume(settings: Settings, reading: Reading) -> int:
    """Print records until --max, the idle timeout or Ctrl-C; then their count on standard error."""
    clients.require_topics(settings, {reading.topic}, reading.create)
    reader = open_reader(settings, reading)
    try:
        with CtrlC().installed() as ctrl_c:
            printed = print_records(reader, reading, sys.stdout.buffer, ctrl_c)
    finally:
        reader.close()
    print(f"{printed} records from {reading.topic}", file=sys.stderr)
    return 0


def open_reader(settings: Settings, reading: Reading) -> KafkaConsumer:
    """A consumer at the starting position: subscribed as the group, or assigned and sought without one."""
    if reading.group is not None:
        return clients.consumer(
            settings,
            reading.topic,
            group_id=reading.group,
            enable_auto_commit=True,
            auto_offset_reset="latest" if reading.from_end else "earliest",
            # The worker's group timeouts: kafka-python's 45 s session has Tansu hold the first join for 22 s.
            session_timeout_ms=int(settings.session_timeout * 1000),
            heartbeat_interval_ms=int(settings.heartbeat_interval * 1000),
        )
    reader = clients.consumer(settings)
    try:
        seek_start(settings, reader, reading)
    except BaseException:
        reader.close()
        raise
    return reader


def seek_start(settings: Settings, reader: KafkaConsumer, reading: Reading) -> None:
    """Assign the partitions read and seek each to where the reading starts."""
    known = sorted(reader.partitions_for_topic(reading.topic) or ())
    if reading.partition is not None and reading.partition not in known:
        raise PositionError(
            f"topic {reading.topic} has no partition {reading.partition} (it has 0 to {len(known) - 1})"
        )
    partitions = [TopicPartition(reading.topic, p) for p in known if reading.partition in (None, p)]
    reader.assign(partitions)
    if reading.offset is not None:
        [partition] = partitions
        end = clients.end_offsets(settings, partitions)[partition]
        if reading.offset > end:  # Kafka would quietly start over at the beginning
            raise PositionError(
                f"offset {reading.offset} is past the end of {reading.topic} partition {partition.partition} ({end})"
            )
        reader.seek(partition, reading.offset)
    elif reading.from_end:
        # Not seek_to_end: on Tansu that is the base offset of the last batch + 1, inside the batch.
        for partition, end in clients.end_offsets(settings, partitions).items():
            reader.seek(partition, end)
    else:
        reader.seek_to_beginning(*partitions)


def print_records(reader: KafkaConsumer, reading: Reading, out: IO[bytes], ctrl_c: CtrlC) -> int:
    """Write records to `out` until the reading is done or Ctrl-C (the normal end of --follow, asked
    between polls); how many were written."""
    printed = 0
    last_record = time.monotonic()
    while not ctrl_c.requested and (reading.max_records is None or printed < reading.max_records):
        wanted = None if reading.max_records is None else reading.max_records - printed
        # At most what is still wanted, so a group commits no record that was not printed.
        batches = reader.poll(timeout_ms=POLL_MS, max_records=wanted)
        records = [record for batch in batches.values() for record in batch]
        for record in records:
            out.write((with_metadata(record) if reading.with_metadata else record.value or b"null") + b"\n")
        out.flush()
        printed += len(records)
        if records or not reader.assignment():  # a group's wait to join is not idle time
            last_record = time.monotonic()
        elif reading.idle_timeout is not None and time.monotonic() - last_record >= reading.idle_timeout:
            break
    return printed


def with_metadata(record: ConsumerRecord) -> bytes:
    """One JSON object: where the record is, its key and headers as text, and its value (JSON when it is JSON)."""
    fields: dict[str, Any] = {
        "topic": record.topic,
        "key": None if record.key is None else record.key.decode("utf-8", "backslashreplace"),
        "partition": record.partition,
        "offset": record.offset,
        "timestamp": record.timestamp,
        "headers": {name: value.decode("utf-8", "backslashreplace") for name, value in record.headers},
        "value": _value(record.value),
    }
    return orjson.dumps(fields)


def _value(value: bytes | None) -> object:
    """The value as JSON when it is JSON (Khabar's records are), else as text."""
    if value is None:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value.decode("utf-8", "backslashreplace")
