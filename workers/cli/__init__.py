"""Command line: thin wrappers that print for people; the work lives in the modules they call."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from workers import __version__, logs
from workers.brokers import ENGINES
from workers.errors import KhabarError
from workers.settings import ENVIRONMENT, Settings

log = logging.getLogger("workers")

DESCRIPTION = """\
Khabar enriches news articles on Kafka: language identification, Arabic normalization and
named entities (PER, LOC, ORG, MISC). Articles go in on articles.raw as JSON objects with at least
"id" and "body"; enriched articles come out on articles.enriched, one record per entity mention on
articles.entities, and anything that cannot be enriched on articles.dead-letter with its reason.

Configuration is by environment variables (KAFKA_BOOTSTRAP_SERVERS, KHABAR_*): see README.md.
"""

EPILOG = """\
examples:
  khabar demo                                   # everything on the embedded broker, seeds in, entities out
  khabar broker --port 9092 &                   # an embedded broker for local work
  khabar broker --engine kafka --data-dir kafka-data &   # Apache Kafka, durable (after `make kafka`)
  khabar worker                                 # the stream worker (run several for more throughput)
  khabar produce seeds/articles.jsonl           # send raw articles
  khabar consume --max 5                        # read enriched articles as JSON Lines
  khabar enrich articles.jsonl --out enriched.jsonl --dead-letter rejected.jsonl
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="khabar", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"khabar {__version__}")
    parser.add_argument("--log-level", default=None, help="debug, info, warning or error (env KHABAR_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    broker = commands.add_parser(
        "broker",
        help="run a local broker: embedded Tansu (in memory) or Apache Kafka (KRaft, durable)",
        description="Run a single-node Kafka-protocol broker on this machine in the foreground until Ctrl-C "
        "or SIGTERM. --engine tansu (default): the embedded Tansu, memory storage, a restart loses every "
        "topic; serves kafka-python and aiokafka clients, not librdkafka ones (kcat, confluent-kafka). "
        "--engine kafka: Apache Kafka in KRaft mode with the JVM, data in --data-dir; its jars are "
        "fetched once with Maven by `make kafka`.",
    )
    broker.add_argument("--engine", choices=ENGINES, default="tansu", help="broker program (default tansu)")
    broker.add_argument("--port", type=int, default=9092, help="port to listen on (default 9092)")
    broker.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    broker.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="kafka engine: keep the broker's data here across runs (default: a temporary folder, removed at exit)",
    )

    commands.add_parser(
        "worker",
        help="run the stream worker against KAFKA_BOOTSTRAP_SERVERS",
        description="Consume articles.raw and publish enriched articles, entity mentions and "
        "dead letters. Several workers share the work as one consumer group.",
    )

    produce = commands.add_parser(
        "produce",
        help="send raw articles (JSON Lines) to the input topic",
        description="Send each non-blank line of a JSON Lines file to the raw topic, "
        "keyed by its id. Lines that are not valid articles are still sent (the worker "
        "dead-letters them) and counted, unless --skip-invalid; a line over KHABAR_MAX_RECORD_BYTES goes "
        "straight to the dead-letter topic with its reason.",
    )
    produce.add_argument("path", help="JSON Lines file, or - for standard input")
    produce.add_argument("--topic", default=None, help="topic (default: KHABAR_TOPIC_RAW, articles.raw)")
    produce.add_argument("--skip-invalid", action="store_true", help="do not send lines that are not valid articles")

    consume = commands.add_parser(
        "consume",
        help="print records of a topic as JSON Lines",
        description="Print records from the beginning of a topic, one JSON value a line.",
    )
    consume.add_argument("--topic", default=None, help="topic (default: KHABAR_TOPIC_ENRICHED, articles.enriched)")
    consume.add_argument("--max", type=int, default=None, help="stop after N records")
    consume.add_argument(
        "--timeout", type=float, default=10.0, help="stop when no record arrived for S seconds (default 10)"
    )

    enrich = commands.add_parser(
        "enrich",
        help="enrich a JSON Lines file offline, without Kafka",
        description="The worker's enrichment, file to file. Exit 0 when every line was "
        "either enriched or dead-lettered.",
    )
    enrich.add_argument("path", help="JSON Lines file of raw articles, or - for standard input")
    enrich.add_argument("--out", default="-", help="enriched records (default: standard output)")
    enrich.add_argument("--dead-letter", default=None, help="dead-letter records (default: standard error)")

    demo = commands.add_parser(
        "demo",
        help="broker + worker + seed articles, and show the enriched result",
        description="Start the embedded broker and a worker, produce the sample articles in "
        "seeds/ (and the project's founding article from ../shared/seeds), show each "
        "enriched article with its entities, then shut everything down.",
    )
    demo.add_argument("--timeout", type=float, default=180.0, help="give up after S seconds (default 180)")

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        logs.configure(arguments.log_level or settings.log_level, settings.log_format)
        return run(arguments, settings)
    except KhabarError as error:
        print(f"khabar: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def run(arguments: argparse.Namespace, settings: Settings) -> int:
    from workers.cli import commands

    match arguments.command:
        case "broker":
            return commands.broker(arguments.engine, arguments.host, arguments.port, arguments.data_dir)
        case "worker":
            return commands.worker(settings)
        case "produce":
            return commands.produce(
                settings, arguments.path, arguments.topic or settings.topic_raw, skip_invalid=arguments.skip_invalid
            )
        case "consume":
            return commands.consume(
                settings, arguments.topic or settings.topic_enriched, arguments.max, arguments.timeout
            )
        case "enrich":
            return commands.enrich(settings, arguments.path, arguments.out, arguments.dead_letter)
        case "demo":
            return commands.demo(settings, Path.cwd(), arguments.timeout)
    raise AssertionError(arguments.command)


__all__ = ["ENVIRONMENT", "build_parser", "main"]
