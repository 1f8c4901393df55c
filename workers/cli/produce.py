"""`khabar produce`: JSON Lines to the input topic, keyed by article id, each line counted once."""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tqdm import tqdm

from workers import clients
from workers.cli.files import STANDARD_STREAM, file_size, numbered_lines, open_input
from workers.cli.interrupts import interrupts_for_the_main_thread
from workers.contract.records import FileSource, Rejection
from workers.contract.wire import dead_letter, dead_letter_headers, decode_raw, encode
from workers.settings import Settings

log = logging.getLogger(__name__)

#: How long the summary waits for the broker to acknowledge one record after the flush.
DELIVERY_SECONDS = 30.0


@dataclass
class Tally:
    """Where each line went: exactly one of sent as an article, sent although invalid (by kind), parked
    on the dead-letter topic as too large, skipped (by kind), or failed to be delivered."""

    articles: int = 0
    invalid: Counter[str] = field(default_factory=Counter)
    parked: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    failed: int = 0

    def summary(self, topic: str, dead_letter_topic: str) -> str:
        invalid = sum(self.invalid.values())
        parts = [f"sent {self.articles + invalid} records to {topic} ({self.articles} articles"]
        parts.append(f", {invalid} invalid: {_by_kind(self.invalid)})" if invalid else ")")
        if self.parked:
            parts.append(f"; {self.parked} too large straight to {dead_letter_topic}")
        if self.skipped:
            parts.append(f"; {sum(self.skipped.values())} invalid not sent ({_by_kind(self.skipped)})")
        if self.failed:
            parts.append(f"; {self.failed} FAILED (see the log)")
        return "".join(parts)


def _by_kind(counts: Counter[str]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))


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
            admin = clients.connect(settings)
            try:
                clients.require_topics(settings, admin, {topic, settings.topic_dead_letter}, create)
            finally:
                admin.close()
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
        sent = []
        interrupted = False
        try:
            for number, line in numbered_lines(with_progress(handle, bar)):
                key, problem = article_key(line, settings.max_record_bytes)
                if problem is None:
                    sent.append(("article", sender.send(topic, key=key, value=line)))
                    continue
                print(f"line {number}: {problem.kind}: {problem.message[:200]}", file=sys.stderr)
                if skip:
                    tally.skipped[problem.kind] += 1
                elif problem.kind == "too_large":
                    source: FileSource = {"file": source_name, "line": number}
                    letter = dead_letter(problem, line, source, settings.max_record_bytes)
                    future = sender.send(
                        settings.topic_dead_letter,
                        key=key,
                        value=encode(letter),
                        headers=list(dead_letter_headers(letter)),
                    )
                    sent.append(("parked", future))
                else:
                    sent.append((problem.kind, sender.send(topic, key=key, value=line)))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            bar.close()
    sender.flush()
    for outcome, future in sent:
        try:
            future.get(timeout=DELIVERY_SECONDS)
        except Exception as error:  # count every failed delivery, whatever the cause
            tally.failed += 1
            log.error("delivery failed: %s", error)
            continue
        if outcome == "article":
            tally.articles += 1
        elif outcome == "parked":
            tally.parked += 1
        else:
            tally.invalid[outcome] += 1
    sender.close()
    summary = tally.summary(topic, settings.topic_dead_letter)
    print(("interrupted: " if interrupted else "") + summary, file=sys.stderr)
    return 130 if interrupted else 1 if tally.failed else 0
