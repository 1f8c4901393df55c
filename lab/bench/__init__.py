"""`python -m lab.bench`: how fast Khabar enriches, offline on one core and through a broker.

Four parts, each runnable alone (`--part`):
- startup: whole processes, as a user starts them: `khabar enrich` of one article (wall seconds, peak
  RSS), `khabar --help`, and a worker's launch until its `/ready` answers 200 on the broker.
- offline: the full enrichment (`routing.route` on raw JSON bytes) against a floor measured in
  the same run on the same articles (orjson decode, camel-tools normalization and tokenization,
  orjson encode), single process and thread; the full rate as a share of the floor's is the
  headline, with the warm-cache rate (the same articles again) beside it.
- stream: one `khabar worker` process draining a pre-filled topic of the same articles, beside a
  pass-through worker (same Faust settings and batching, no enrichment); then the latency of
  each, produce to output, with a producer paced at half the enrich rate after a warm-up; peak
  RSS of each worker process; with `--profile`, py-spy samples the enrich worker meanwhile.
- scale: one worker against two in one consumer group, draining the same backlog (when the
  stream part ran, its enrich run is the one-worker run).

The articles are news-sized (about 600 tokens: 20 ANERcorp sentences, or Wikipedia paragraphs),
and no process sees one twice: a live feed's articles are new, and so is much of their
vocabulary, which the tagger's word caches have not seen. The results come as a table and, with
`--json`, as a JSON file that also records date, machine, load average and versions.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lab.bench import system
from lab.bench.articles import (
    build_articles,
    default_corpus,
    default_wikipedia,
    distinct_articles,
    encode_all,
    load_sentences,
    unseen_articles,
)
from workers.errors import KhabarError
from workers.settings import Settings

if TYPE_CHECKING:
    from workers.pipeline import Pipeline

log = logging.getLogger(__name__)

PARTS = ("startup", "offline", "stream", "scale")
#: The parts that need a broker (startup for its worker-to-ready run).
BROKER_PARTS = ("startup", "stream", "scale")
#: (normal, --quick) defaults of the size options.
SIZES: dict[str, tuple[float, float]] = {
    # The offline pass and the stream's drain enrich the same warm-up and timed articles, so
    # that their rates compare; the drain's rate leaves out its first tenth, the warm-up.
    "articles": (1800, 180),
    "warmup": (200, 20),
    "latency_seconds": (30, 10),
    "latency_warmup_seconds": (10, 3),
    "startup_runs": (5, 2),
}
#: Thread pools of numeric libraries (py3langid uses numpy): one thread, so one process is one core.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

EPILOG = """\
The machine may be shared: every part records the load average before it ran, and rates per CPU
second of the measured process are shown beside wall-clock rates (they suffer less from other
processes). Throughput through the broker is timed by the output records' own timestamps, between
the record at 10% and the last, so worker start-up is left out (it is shown as start→last output).
The worker's consumer waits up to KHABAR_FETCH_WAIT_MS (100 ms) for data on a quiet partition, which
shows in the latency at low rates.

examples:
  python -m lab.bench --part startup                # start-up only, about a minute
  python -m lab.bench --quick                       # smoke run, about two minutes
  python -m lab.bench --json bench.json             # the full run, results also as JSON
  python -m lab.bench --part offline --articles 190
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lab.bench",
        description=__doc__,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add("--part", action="append", choices=PARTS, help="run only this part (repeatable; default: all four)")
    add("--quick", action="store_true", help="small sizes for a smoke run (explicit sizes still win)")
    add("--articles", metavar="N", type=int, help="timed articles, each new (default 1800, quick 180)")
    add(
        "--warmup",
        metavar="N",
        type=int,
        help="articles before them, not timed (default 200, quick 20); the stream and scale backlog is both",
    )
    add("--latency-seconds", metavar="S", type=float, help="stream: paced producer runs S s (default 30, quick 10)")
    add(
        "--latency-warmup-seconds",
        metavar="S",
        type=float,
        help="stream: paced articles of the first S s are not counted (default 10, quick 3)",
    )
    add("--latency-rate", metavar="RATE", type=float, help="stream: paced articles/s (default: half the enrich rate)")
    add("--startup-runs", metavar="N", type=int, help="startup: timed runs of each command (default 5, quick 2)")
    add("--bootstrap-servers", metavar="HOST:PORT", help="use this broker (default: start an embedded Tansu)")
    add("--corpus", metavar="PATH", type=Path, help="CoNLL sentences for the articles (default: ANERcorp train)")
    add("--wikipedia", metavar="PATH", type=Path, help="xz text, a paragraph a line, for the other articles")
    add("--profile", metavar="DIR", type=Path, help="stream: py-spy samples of the enrich worker, written to DIR")
    add("--timeout", metavar="S", type=float, default=600.0, help="give up a run after S seconds (default 600)")
    add("--work-dir", metavar="DIR", type=Path, help="keep worker logs here (default: a temporary directory)")
    add("--json", metavar="PATH", type=Path, help="also write the results as JSON to this path")
    return parser


def size(arguments: argparse.Namespace, name: str) -> float:
    given = getattr(arguments, name)
    return float(given) if given is not None else SIZES[name][1 if arguments.quick else 0]


def as_records(articles: Sequence[dict[str, Any]]) -> list[tuple[bytes, bytes]]:
    return [(article["id"].encode(), payload) for article, payload in zip(articles, encode_all(articles), strict=True)]


@contextmanager
def broker_settings(bootstrap_servers: str | None) -> Iterator[Settings]:
    """Settings for the given broker, or for an embedded one started for the run (short group timeouts)."""
    if bootstrap_servers:
        yield Settings.from_env(bootstrap_servers=bootstrap_servers)
        return
    from workers.brokers import TansuBroker, free_port
    from workers.cli.demo import embedded_settings

    with TansuBroker(port=free_port()) as broker:
        yield embedded_settings(Settings.from_env(), broker.bootstrap_servers)


@contextmanager
def work_dir(path: Path | None) -> Iterator[Path]:
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="khabar-bench-") as scratch:
        yield Path(scratch)


class Articles:
    """The benchmark's articles, built once: `sequence(count)` gives `count` different ones."""

    def __init__(self, arguments: argparse.Namespace) -> None:
        self.sentences = load_sentences(arguments.corpus)
        self.wikipedia = arguments.wikipedia or default_wikipedia()
        self._sequences: dict[int, list[dict[str, Any]]] = {}

    def sequence(self, count: int) -> list[dict[str, Any]]:
        if count not in self._sequences:
            self._sequences[count] = unseen_articles(self.sentences, self.wikipedia, count)
        return self._sequences[count]

    def records(self, count: int) -> list[tuple[bytes, bytes]]:
        return as_records(self.sequence(count))


def run_offline_part(
    arguments: argparse.Namespace, articles: Articles, pipeline: Pipeline, settings: Settings
) -> dict[str, Any]:
    """The configured enrichment, stories as the worker decides them (unless KHABAR_STORIES=off)."""
    from lab.bench.offline import run_offline
    from workers.stream.stories import story_decider

    warmup = int(size(arguments, "warmup"))
    payloads = encode_all(articles.sequence(warmup + int(size(arguments, "articles"))))
    stories = story_decider(settings) if settings.stories_on else None
    return run_offline(pipeline, payloads[:warmup], payloads[warmup:], stories=stories)


def run_broker_parts(
    arguments: argparse.Namespace, parts: Sequence[str], articles: Articles, results: dict[str, Any]
) -> None:
    from lab.bench.scale import run_scale
    from lab.bench.stream import LatencyRun, run_stream

    records = articles.records(int(size(arguments, "warmup") + size(arguments, "articles")))
    latency = LatencyRun(
        size(arguments, "latency_seconds"), size(arguments, "latency_warmup_seconds"), arguments.latency_rate
    )
    with broker_settings(arguments.bootstrap_servers) as settings, work_dir(arguments.work_dir) as scratch:
        if "startup" in parts:  # first, on a quiet broker
            from lab.bench.startup import run_startup

            runs = int(size(arguments, "startup_runs"))
            results["startup"] = {
                "load_average_before": system.load_average(),
                "runs": runs,
                **run_startup(build_articles(articles.sentences, 1)[0], settings, scratch, runs, arguments.timeout),
            }
        if "stream" in parts:
            results["stream"] = {
                "load_average_before": system.load_average(),
                **run_stream(
                    settings, records, latency, articles.records, scratch, arguments.timeout, arguments.profile
                ),
            }
        if "scale" in parts:
            results["scale"] = {
                "load_average_before": system.load_average(),
                **run_scale(settings, records, scratch, arguments.timeout, results.get("stream", {}).get("enrich")),
            }


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    """Every requested part, with the facts needed to read the numbers."""
    from workers.cli.commands import load_pipeline

    parts = arguments.part or list(PARTS)
    settings = Settings.from_env()
    pipeline = load_pipeline(settings)  # the worker's own: the configured tagger and the rule layers
    articles = Articles(arguments)
    results: dict[str, Any] = {
        "date": system.now(),
        "machine": system.machine(),
        "versions": system.package_versions(),
        "tagger": dict(pipeline.tagger),
        "options": {name: size(arguments, name) for name in SIZES} | {"parts": parts},
        "corpus": {
            "anercorp": str(arguments.corpus or default_corpus()),
            "anercorp_articles": distinct_articles(articles.sentences),
            "wikipedia": str(articles.wikipedia),
        },
        "load_average": {"before": system.load_average()},
    }
    started = time.monotonic()
    if "offline" in parts:
        results["offline"] = {
            "load_average_before": system.load_average(),
            **run_offline_part(arguments, articles, pipeline, settings),
        }
    if any(part in parts for part in BROKER_PARTS):
        run_broker_parts(arguments, parts, articles, results)
    results["load_average"]["after"] = system.load_average()
    results["seconds"] = time.monotonic() - started
    return results


def single_threaded_libraries() -> None:
    """Ask numeric libraries for one thread; this only works before numpy is imported."""
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    if "numpy" in sys.modules:
        log.warning("numpy was imported before the benchmark could limit its threads")


def main(argv: Sequence[str] | None = None, output: Callable[[str], None] = print) -> int:
    arguments = build_parser().parse_args(argv)
    if not logging.getLogger().handlers:
        from workers import logs

        logs.configure("info", "text")
    single_threaded_libraries()
    try:
        results = run(arguments)
    except KhabarError as error:
        print(f"python -m lab.bench: error: {error}", file=sys.stderr)
        return 2
    from lab.bench.report import render

    output(render(results))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        output(f"\nresults written to {arguments.json}")
    return 0
