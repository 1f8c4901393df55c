"""What each CLI command does; `workers.cli` only parses arguments and calls these."""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tqdm import tqdm

from workers import clients
from workers.brokers import local_broker
from workers.contract.records import FileSource, Rejection
from workers.contract.wire import dead_letter, decode_raw, encode
from workers.errors import BrokerError, ConfigurationError
from workers.pipeline import Pipeline
from workers.routing import route
from workers.settings import Settings

log = logging.getLogger(__name__)


def load_pipeline(settings: Settings) -> Pipeline:
    """The pipeline with the configured tagger and the rule layers; models load here, once."""
    from workers.ner.backends import load_tagger, with_rule_layers
    from workers.ner.resources import load_resources

    started = time.perf_counter()
    model = load_tagger(settings.tagger, Path(settings.tagger_model) if settings.tagger_model else None)
    # The shipped resources: the institution layer's places, and (Pipeline's default normal form) the word counts.
    tagger = with_rule_layers(model, load_resources())
    pipeline = Pipeline.load(tagger, time_limit=settings.enrich_time_limit or None)
    log.info("pipeline ready in %.1fs (tagger %s %s)", time.perf_counter() - started, tagger.name, tagger.version)
    return pipeline


def broker(engine: str, host: str, port: int, data_dir: Path | None) -> int:
    """Run a local broker in the foreground; SIGTERM stops it as Ctrl-C does."""
    if data_dir is not None and engine != "kafka":
        raise ConfigurationError("--data-dir is for --engine kafka: the embedded Tansu keeps its topics in memory")
    signal.signal(signal.SIGTERM, _interrupt)
    with local_broker(engine, port=port, host=host, quiet=False, data_dir=data_dir) as running:
        storage = f"data in {data_dir}" if data_dir else "memory storage" if engine == "tansu" else "temporary data"
        print(
            f"{running.describe()} listening on {running.bootstrap_servers} ({storage}); Ctrl-C stops it",
            file=sys.stderr,
        )
        return running.wait()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def wait_for_broker(settings: Settings, timeout: float = 60.0) -> None:
    """Create the topics, retrying while the broker is still coming up (compose starts both at once)."""
    from kafka.errors import KafkaError

    clients.check_sasl_login(settings)
    deadline = time.monotonic() + timeout
    while True:
        try:
            clients.ensure_topics(settings)
            return
        except KafkaError as error:
            if time.monotonic() > deadline:
                raise BrokerError(f"no broker at {settings.bootstrap_servers} after {timeout:.0f}s: {error}") from error
            log.warning("broker %s not ready (%s); retrying", settings.bootstrap_servers, error)
            time.sleep(1.0)


def worker(settings: Settings) -> int:
    from workers.stream.worker import run

    wait_for_broker(settings)
    return run(settings, lambda: load_pipeline(settings))


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    if path == "-":
        yield sys.stdin.buffer
    else:
        with open(path, "rb") as handle:
            yield handle


@contextlib.contextmanager
def open_output(path: str | None, default: IO[bytes]) -> Iterator[IO[bytes]]:
    if path is None or path == "-":
        yield default
    else:
        with open(path, "wb") as handle:
            yield handle


def numbered_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based line numbers, line ends removed."""
    for number, line in enumerate(handle, start=1):
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield number, line


def article_key(line: bytes, max_bytes: int) -> tuple[bytes | None, Rejection | None]:
    decoded = decode_raw(line, max_bytes)
    if isinstance(decoded, Rejection):
        return (decoded.article_id.encode() if decoded.article_id else None), decoded
    return decoded.id.encode(), None


def produce(settings: Settings, path: str, topic: str, skip_invalid: bool = False) -> int:
    """Send each line; a line over the size limit goes straight to the dead-letter topic, with its reason.

    The worker would dead-letter it anyway, and the broker may refuse a record that large.
    """
    wait_for_broker(settings)
    sender = clients.producer(settings)
    source_name = "<stdin>" if path == "-" else path
    counts: Counter[str] = Counter()
    futures = []
    parked = 0
    with open_input(path) as handle:
        for number, line in tqdm(numbered_lines(handle), unit=" lines", desc=f"→ {topic}", file=sys.stderr):
            key, problem = article_key(line, settings.max_record_bytes)
            destination, value = topic, line
            if problem:
                counts[f"invalid ({problem.kind})"] += 1
                print(f"line {number}: {problem.kind}: {problem.message[:200]}", file=sys.stderr)
                if skip_invalid:
                    continue
                if problem.kind == "too_large":
                    source: FileSource = {"file": source_name, "line": number}
                    destination = settings.topic_dead_letter
                    value = encode(dead_letter(problem, line, source, settings.max_record_bytes))
                    parked += 1
            futures.append(sender.send(destination, key=key, value=value))
    sender.flush()
    failed = 0
    for future in futures:
        try:
            future.get(timeout=30)
        except Exception as error:  # count every failed delivery, whatever the cause
            failed += 1
            log.error("delivery failed: %s", error)
    sender.close()
    details = ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
    print(
        f"sent {len(futures) - parked} records to {topic}"
        + (f" ({details})" if details else "")
        + (f", {parked} too large straight to {settings.topic_dead_letter}" if parked else "")
        + (f"; {failed} FAILED" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0


def consume(settings: Settings, topic: str, max_records: int | None, timeout: float) -> int:
    from kafka.errors import KafkaTimeoutError

    clients.check_sasl_login(settings)
    try:
        reader = clients.consumer(settings, topic, consumer_timeout_ms=int(timeout * 1000))
    except KafkaTimeoutError as error:
        raise BrokerError(f"no broker at {settings.bootstrap_servers}: {error}") from None
    printed = 0
    out = sys.stdout.buffer
    try:
        for message in reader:
            out.write((message.value or b"null") + b"\n")
            out.flush()
            printed += 1
            if max_records is not None and printed >= max_records:
                break
    finally:
        reader.close()
    print(f"{printed} records from {topic}", file=sys.stderr)
    return 0


def enrich(settings: Settings, path: str, out_path: str, dead_letter_path: str | None) -> int:
    pipeline = load_pipeline(settings)
    limit = clients.output_record_limit(settings)
    counts: Counter[str] = Counter()
    source_name = "<stdin>" if path == "-" else path
    with (
        open_input(path) as handle,
        open_output(out_path, sys.stdout.buffer) as out,
        open_output(dead_letter_path, sys.stderr.buffer) as rejected,
    ):
        for number, line in numbered_lines(handle):
            source: FileSource = {"file": source_name, "line": number}
            for output in route(pipeline, line, source, settings.max_record_bytes, limit):
                counts[output.kind] += 1
                if output.kind == "enriched":
                    out.write(output.value + b"\n")
                elif output.kind == "dead_letter":
                    rejected.write(output.value + b"\n")
                    rejected.flush()
    print(
        f"{counts['enriched']} enriched ({counts['entity']} entities), {counts['dead_letter']} dead-lettered",
        file=sys.stderr,
    )
    return 0


def demo(settings: Settings, project_dir: Path, timeout: float) -> int:
    from workers.cli.demo import run_demo

    return run_demo(settings, project_dir, timeout)
