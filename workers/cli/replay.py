"""`khabar replay`: dead letters of chosen kinds sent back to the input topic, with their original payload.

After a fix (a longer KHABAR_ENRICH_TIME_LIMIT, a corrected schema, a new model) the worker can enrich
what it once refused. The dead-letter topic is read to the end it had when the command started; each
chosen letter's payload is sent as it was first received, keyed by the article id. A payload cut at the
size limit is no longer the article: it is skipped and counted, never sent.
"""

from __future__ import annotations

import base64
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

import orjson
from kafka import KafkaConsumer, TopicPartition
from kafka.producer.future import FutureRecordMetadata

from workers import clients
from workers.cli.counts import by_kind
from workers.contract.records import DeadLetter
from workers.errors import BrokerError
from workers.settings import Settings


@dataclass(frozen=True)
class Replayable:
    """A dead letter's original record: its key and its payload's bytes."""

    key: bytes | None
    value: bytes


@dataclass
class Tally:
    """What became of each dead letter read: exactly one of sent (by kind), skipped as truncated (by kind),
    left as another kind than the chosen ones, unreadable (not a dead-letter record), failed to deliver."""

    sent: Counter[str] = field(default_factory=Counter)
    truncated: Counter[str] = field(default_factory=Counter)
    other_kinds: int = 0
    unreadable: int = 0
    failed: int = 0

    def summary(self, dry_run: bool, topic: str) -> str:
        verb = "would send" if dry_run else "sent"
        parts = [f"{verb} {sum(self.sent.values())} dead letters to {topic}"]
        if self.sent:
            parts.append(f" ({by_kind(self.sent)})")
        parts.append(f"; skipped {sum(self.truncated.values())} with a truncated payload")
        if self.truncated:
            parts.append(f" ({by_kind(self.truncated)})")
        if self.other_kinds:
            parts.append(f"; {self.other_kinds} of other kinds left")
        if self.unreadable:
            parts.append(f"; {self.unreadable} unreadable (not a dead-letter record)")
        if self.failed:
            parts.append(f"; {self.failed} FAILED (see the log)")
        return "".join(parts)


def original(letter: DeadLetter) -> Replayable:
    """The record the dead letter was made from: its payload decoded, keyed by the article id (or, when the
    id could not be read, by the original record's key)."""
    payload = letter["payload"]
    value = base64.b64decode(payload["data"]) if payload["encoding"] == "base64" else payload["data"].encode()
    key = letter.get("article_id") or letter["source"].get("key")
    return Replayable(None if key is None else str(key).encode(), value)


def replay(settings: Settings, kinds: Collection[str] | None, dry_run: bool = False) -> int:
    """Send the chosen dead letters back to the input topic; exit 1 when a delivery failed."""
    clients.require_topics(settings, {settings.topic_dead_letter, settings.topic_raw}, create=False)
    tally = Tally()
    sender = None if dry_run else clients.producer(settings)
    sent: list[tuple[str, FutureRecordMetadata]] = []
    for value in dead_letters(settings):
        try:
            letter = orjson.loads(value)
            kind = letter["error"]["kind"]
            truncated = letter["payload"]["truncated"]
            record = original(letter)
        except (KeyError, TypeError, ValueError):  # ValueError: not JSON, or not base64
            tally.unreadable += 1
            continue
        if kinds and kind not in kinds:
            tally.other_kinds += 1
        elif truncated:
            tally.truncated[kind] += 1
        elif sender is None:
            tally.sent[kind] += 1
        else:
            sent.append((kind, sender.send(settings.topic_raw, key=record.key, value=record.value)))
    if sender is not None:
        tally.sent, tally.failed = clients.delivered(sender, sent)
        sender.close()
    print(tally.summary(dry_run, settings.topic_raw), file=sys.stderr)
    return 1 if tally.failed else 0


def dead_letters(settings: Settings) -> Iterator[bytes]:
    """The values on the dead-letter topic, from the beginning to the end it had when called.

    Gives up with a BrokerError when a poll brings nothing for KHABAR_CONNECT_TIMEOUT seconds while
    records are still due.
    """
    reader = clients.consumer(settings)
    try:
        topic = settings.topic_dead_letter
        partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or ())]
        ends = clients.end_offsets(settings, partitions)
        reader.assign(partitions)
        reader.seek_to_beginning(*partitions)
        yield from read_until(reader, ends, settings.connect_timeout)
    finally:
        reader.close()


def read_until(reader: KafkaConsumer, ends: dict[TopicPartition, int], stall_seconds: float) -> Iterator[bytes]:
    """Record values until each partition's position reached its end in `ends`."""
    last_progress = time.monotonic()
    while any(reader.position(tp) < end for tp, end in ends.items()):
        batches = reader.poll(timeout_ms=500)
        for partition, records in batches.items():
            for record in records:
                if record.offset < ends[partition] and record.value is not None:
                    yield record.value
        if batches:
            last_progress = time.monotonic()
        elif time.monotonic() - last_progress > stall_seconds:
            raise BrokerError(f"reading {', '.join(sorted({tp.topic for tp in ends}))} stalled before its end")
