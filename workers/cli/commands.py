"""What the commands that need no Kafka client at import do: the broker, the worker, offline enrichment.

The commands that talk to a broker with kafka-python have a module each (produce, consume, topics,
replay); this one stays free of Kafka imports, as `khabar enrich` imports it.
"""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from workers.brokers import local_broker
from workers.cli.files import STANDARD_STREAM, numbered_lines, open_input, open_output
from workers.contract.records import FileSource
from workers.errors import ConfigurationError
from workers.settings import Settings

if TYPE_CHECKING:
    from workers.pipeline import Pipeline

log = logging.getLogger(__name__)


def load_pipeline(settings: Settings) -> Pipeline:
    """The pipeline with the configured tagger and the rule layers; models load here, once."""
    from workers.ner.backends import load_tagger, with_rule_layers
    from workers.ner.resources import load_resources
    from workers.pipeline import Pipeline

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


def wait_for_broker(settings: Settings) -> None:
    """Create Khabar's missing topics once the broker answers; one BrokerError after KHABAR_CONNECT_TIMEOUT.

    Compose starts the worker once Kafka's healthcheck passes; elsewhere a slow broker start wants a
    larger KHABAR_CONNECT_TIMEOUT.
    """
    from workers import clients

    clients.ensure_topics(settings)


def worker(settings: Settings) -> int:
    wait_for_broker(settings)  # before Faust is imported: no broker is one error line within the timeout
    from workers.stream.worker import run

    return run(settings, lambda: load_pipeline(settings))


def enrich(settings: Settings, path: str, out_path: str, dead_letter_path: str | None) -> int:
    """Enrich a file as the worker enriches records; the files are opened before the models load, so a
    mistake in a path is reported at once."""
    from workers.clients import output_record_limit
    from workers.routing import route
    from workers.stories.decider import StoryDecider

    counts: Counter[str] = Counter()
    source_name = "<stdin>" if path == STANDARD_STREAM else path
    with (
        open_input(path) as handle,
        open_output(out_path, sys.stdout.buffer) as out,
        open_output(dead_letter_path, sys.stderr.buffer) as rejected,
    ):
        pipeline = load_pipeline(settings)
        limit = output_record_limit(settings)
        # In-process: the file's articles against each other, in file order (time: published_at, else now).
        stories = None
        if settings.stories_on:
            bounds = settings.story_horizon, settings.story_max_entries
            stories = StoryDecider.empty(settings.duplicate_threshold, *bounds)
        for number, line in numbered_lines(handle):
            source: FileSource = {"file": source_name, "line": number}
            for output in route(pipeline, line, source, settings.max_record_bytes, limit, stories):
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
