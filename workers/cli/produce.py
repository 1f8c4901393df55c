"""`khabar produce`: JSON Lines to the input topic, keyed by article id, each line counted once."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kafka import KafkaProducer
from kafka.producer.future import FutureRecordMetadata
from tqdm import tqdm

from workers import clients
from workers.cli.counts import by_kind
from workers.cli.files import STANDARD_STREAM, file_size, numbered_lines, open_input
from workers.cli.interrupts import CtrlC, interrupts_for_the_main_thread
from workers.contract.records import FileSource, Rejection
from workers.contract.wire import dead_letter, dead_letter_headers, decode_raw, encode
from workers.settings import Settings

#: The label of a valid article, and of a line too large parked on the dead-letter topic; an invalid line
#: sent as it is (for the worker to dead-letter) is labelled with the kind of its problem.
ARTICLE, PARKED = "article", "parked"


@dataclass
class Tally:
    """Where each line went, exactly one of: acknowledged by the broker (by label), skipped as invalid
    (by kind), or failed to be delivered."""

    delivered: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    def summary(self, topic: str, dead_letter_topic: str) -> str:
        invalid = Counter({kind: n for kind, n in self.delivered.items() if kind not in (ARTICLE, PARKED)})
        articles = self.delivered[ARTICLE]
        parts = [f"sent {articles + invalid.total()} records to {topic} ({articles} articles"]
        parts.append(f", {invalid.total()} invalid: {by_kind(invalid)})" if invalid else ")")
        if self.delivered[PARKED]:
            parts.append(f"; {self.delivered[PARKED]} too large straight to {dead_letter_topic}")
        if self.skipped:
            parts.append(f"; {self.skipped.total()} invalid not sent ({by_kind(self.skipped)})")
        if self.failed:
            parts.append(f"; {self.failed} FAILED (see the log)")
        return "".join(parts)


def article_key(line: bytes, max_bytes: int) -> tuple[bytes | None, Rejection | None]:
    """The record key (the article id, when it can be read) and, for an invalid line, why."""
    decoded = decode_raw(line, max_bytes)
    if isinstance(decoded, Rejection):
        return (decoded.article_id.encode() if decoded.article_id else None), decoded
    return decoded.id.encode(), None


def with_progress(lines: Iterable[bytes], bar: tqdm) -> Iterator[bytes]:
    """The lines unchanged, each one's bytes added to the bar."""
    for line in lines:
        bar.update(len(line))
        yield line


def produce(settings: Settings, path: str, topic: str, skip: bool = False, create: bool = False) -> int:
    """Send each line; a line over the size limit goes straight to the dead-letter topic, with its reason.

    The worker would dead-letter it anyway, and the broker may refuse a record that large. Ctrl-C
    stops reading: what was sent is still flushed and counted, and the exit status is 130.
    """
    source_name = "<stdin>" if path == STANDARD_STREAM else path
    with open_input(path) as handle:
        with interrupts_for_the_main_thread():
            clients.require_topics(settings, {topic, settings.topic_dead_letter}, create)
            sender = clients.producer(settings)
            bar = tqdm(
                total=file_size(handle),
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=f"→ {topic}",
                file=sys.stderr,
            )
        tally = Tally()
        sent: list[tuple[str, FutureRecordMetadata]] = []
        lines = numbered_lines(with_progress(handle, bar))
        with CtrlC().installed() as ctrl_c:
            try:
                while not ctrl_c.requested:
                    with ctrl_c.waiting():  # a pipe may stay open: only Ctrl-C ends that wait
                        numbered = next(lines, None)
                    if numbered is None:
                        break
                    labelled = send_line(settings, sender, topic, source_name, *numbered, skip)
                    if isinstance(labelled, str):
                        tally.skipped[labelled] += 1
                    else:
                        sent.append(labelled)
            except KeyboardInterrupt:
                pass  # raised in the wait for a line: nothing was being sent
            finally:
                bar.close()
            interrupted = ctrl_c.requested
    tally.delivered, tally.failed = clients.delivered(sender, sent)
    sender.close()
    print(("interrupted: " if interrupted else "") + tally.summary(topic, settings.topic_dead_letter), file=sys.stderr)
    return 130 if interrupted else 1 if tally.failed else 0


def send_line(
    settings: Settings, sender: KafkaProducer, topic: str, source_name: str, number: int, line: bytes, skip: bool
) -> tuple[str, FutureRecordMetadata] | str:
    """Send one line where it belongs, reporting an invalid one: its label and the send's future, or, for a
    line not sent (`skip`), the kind of its problem."""
    key, problem = article_key(line, settings.max_record_bytes)
    if problem is None:
        return ARTICLE, sender.send(topic, key=key, value=line)
    print(f"line {number}: {problem.kind}: {problem.message[:200]}", file=sys.stderr)
    if skip:
        return problem.kind
    if problem.kind == "too_large":
        source: FileSource = {"file": source_name, "line": number}
        letter = dead_letter(problem, line, source, settings.max_record_bytes)
        headers = list(dead_letter_headers(letter))
        return PARKED, sender.send(settings.topic_dead_letter, key=key, value=encode(letter), headers=headers)
    return problem.kind, sender.send(topic, key=key, value=line)
