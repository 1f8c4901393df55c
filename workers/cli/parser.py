"""The command line's arguments and help: each command explained, with examples, in kcat's and Kafka's terms.

Building the parser imports nothing of Kafka, Faust or the pipeline: `khabar --help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path
from typing import NoReturn, get_args

from workers import __version__
from workers.brokers import ENGINES
from workers.contract.records import ErrorKind
from workers.settings import ENVIRONMENT, LOG_LEVELS, Settings

DESCRIPTION = """\
Khabar enriches news articles on Kafka: language identification, Arabic normalization and
named entities (PER, LOC, ORG, MISC). Articles go in on articles.raw as JSON objects with at least
"id" and "body"; enriched articles come out on articles.enriched, one record per entity mention on
articles.entities, and anything that cannot be enriched on articles.dead-letter with its reason.

Configuration is by environment variables (KAFKA_BOOTSTRAP_SERVERS, KHABAR_*): `khabar worker --help`
lists them. A mistake is one `khabar: error:` line and exit status 2.
"""

EPILOG = """\
examples:
  khabar demo                                   # everything on the embedded broker, seeds in, entities out
  khabar broker --port 9092 &                   # an embedded broker for local work
  khabar broker --engine kafka --data-dir kafka-data &   # Apache Kafka, durable (after `make kafka`)
  khabar worker                                 # the stream worker (run several for more throughput)
  khabar trends                                 # the trending entities of each closed window
  khabar dashboard                              # a live page: trends, stories, throughput (127.0.0.1:9401)
  khabar produce seeds/articles.jsonl           # send raw articles
  khabar consume --max 5                        # read enriched articles as JSON Lines
  khabar topics                                 # Khabar's topics, their sizes, and the worker group's lag
  khabar replay --kind enrichment_timeout       # send dead letters back to the input after a fix
  khabar enrich articles.jsonl --out enriched.jsonl --dead-letter rejected.jsonl
"""

BROKER_HELP = """\
Run a single-node Kafka-protocol broker on this machine in the foreground until Ctrl-C or SIGTERM.
--engine tansu (default): the embedded Tansu, memory storage, a restart loses every topic; serves
kafka-python and aiokafka clients, not librdkafka ones (kcat, confluent-kafka). --engine kafka: Apache
Kafka in KRaft mode with the JVM, data in --data-dir; its jars are fetched once with Maven by `make kafka`.

examples:
  khabar broker --port 9092
  khabar broker --engine kafka --data-dir kafka-data
"""

PRODUCE_HELP = """\
Send each non-blank line of a JSON Lines file to the input topic, keyed by its "id", with a progress
bar (bytes, with a total and an ETA for a file) and a summary that counts each line once. Lines that
are not valid articles are still sent (the worker dead-letters them with the reason) unless
--skip-invalid; a line over KHABAR_MAX_RECORD_BYTES goes straight to the dead-letter topic with its
reason, in the record and in its khabar.* headers. Ctrl-C stops reading, waits for what was sent and
says how many (exit 130).

Khabar's own topics are created when missing; another topic must exist, or --create creates it.

examples:
  khabar produce seeds/articles.jsonl
  zcat feed.jsonl.gz | khabar produce -
  khabar produce --topic articles.test --create seeds/articles.jsonl
"""

CONSUME_HELP = """\
Print a topic's records, one a line: the value as it is (Khabar's records are JSON), or with
--with-metadata one JSON object with the key, partition, offset, timestamp (ms), headers and value
(the JSON value, or the text when it is not JSON). Reads from the beginning by default, stops after
--max records or when none arrived for --timeout seconds; --follow keeps reading until Ctrl-C. The
count goes to standard error at the end.

Without --group nothing is committed; with --group G the records are read as consumer group G and
its offsets committed, so the next run with G goes on where this one stopped (--from-beginning and
--from-end then apply only to a group without committed offsets).

examples:
  khabar consume --max 3 | jq '.entities[] | [.type, .text]'
  khabar consume --topic articles.dead-letter --with-metadata | jq '.headers["khabar.error.kind"]'
  khabar consume --topic articles.raw --partition 2 --offset 40 --max 1
  khabar consume --from-end --follow
  khabar consume --group audit --follow
"""

TOPICS_HELP = """\
List Khabar's topics (the four of KHABAR_TOPIC_* and the changelog of published keys) with their
partitions, records (end offset minus start offset, summed over the partitions; for the compacted
changelog an upper bound) and end offsets per partition, then the worker group's (KHABAR_APP_ID)
committed offset, end offset and lag for each partition of the input topic. A partition the group has
not committed yet shows `-` and a lag of every record in it. End offsets are the high watermarks of
fetch responses, right on Kafka and on the embedded Tansu (whose ListOffsets answers short of the end).

examples:
  khabar topics
  KHABAR_APP_ID=khabar-staging khabar topics
"""

REPLAY_HELP = """\
Read the dead-letter topic to its current end and send the original payload of each dead letter of
the chosen kinds (--kind, repeatable; default every kind) back to the input topic, keyed by the
article id (or the original record's key), so the worker enriches it again after a fix. A payload that
was cut at KHABAR_MAX_RECORD_BYTES (every too_large one) cannot be replayed: it is skipped and counted.
The dead letters stay where they are; --dry-run only counts what would be sent.

examples:
  khabar replay --dry-run
  khabar replay --kind enrichment_timeout --kind enrichment_failed
"""

ENRICH_HELP = """\
The worker's enrichment, file to file, without Kafka. Each bad input line becomes one dead-letter
line (the record the worker would park on the dead-letter topic). Exit 0 when every line was either
enriched or dead-lettered.

examples:
  khabar enrich seeds/articles.jsonl | jq .entities
  khabar enrich articles.jsonl --out enriched.jsonl --dead-letter rejected.jsonl
"""

DEMO_HELP = """\
Start the embedded broker and a worker, produce the sample articles in seeds/ (and the project's
founding article from ../shared/seeds), show each enriched article with its entities, then shut
everything down.

example:
  khabar demo
"""

WORKER_HELP = """\
Consume the input topic and publish enriched articles, entity mentions and dead letters. Several
workers share the work as one consumer group (KHABAR_APP_ID). Creates Khabar's missing topics first,
and gives up with one error line when no broker answers within KHABAR_CONNECT_TIMEOUT seconds.
README.md (Configuration) says what each setting means.

example:
  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 KHABAR_PARTITIONS=16 khabar worker
"""


TRENDS_HELP = """\
Read the entity mentions (KHABAR_TOPIC_ENTITIES) as consumer group <KHABAR_APP_ID>-trends and publish,
on KHABAR_TOPIC_TRENDS (articles.entity-trends), for every closed window of event time, each type's
(PER, LOC, ORG, MISC) KHABAR_TRENDS_TOP most mentioned entities with their distinct articles and
sources, the change against the same window one bucket earlier, and a score of how unusual the count is
against the entity's own rate over the KHABAR_TRENDS_BASELINE_BUCKETS buckets before (README, Trending
entities). Windows: tumbling buckets of KHABAR_TRENDS_BUCKET_SECONDS (600), and, hopping by one bucket,
the hour and the day that end with each. Event time is a mention's published_at, else its record
timestamp; a bucket closes once its partition has read a mention KHABAR_TRENDS_LATENESS seconds (300)
of event time past its end, and later mentions of it are counted as late (metric and log), not in it.

Counts are exact across kills and restarts: closed buckets and checkpoints go to the compacted topic
<KHABAR_APP_ID>-trends-state before the job reads on. Run several for more throughput: they share the
partitions. Serves /metrics, /health and /ready on KHABAR_TRENDS_METRICS_PORT (9402; 0: none).

example:
  KAFKA_BOOTSTRAP_SERVERS=kafka:9092 KHABAR_TRENDS_LATENESS=600 khabar trends
"""

DASHBOARD_HELP = """\
Serve a page that updates itself every few seconds: the trending entities of the latest closed
window of each type (KHABAR_TOPIC_TRENDS) with sparklines of their counts over recent windows, the
latest stories with their outlets and counts of articles and duplicates (KHABAR_TOPIC_ENRICHED,
grouped by story_id when the records carry it, else each article its own story), and the records per
second in, enriched and dead-lettered (from the topics' end offsets). It reads from a bounded stretch
before each topic's end, joins no consumer group and commits nothing. The page, /api/state (JSON) and
/health are served on KHABAR_DASHBOARD_HOST:KHABAR_DASHBOARD_PORT (127.0.0.1:9401) until Ctrl-C.

examples:
  khabar dashboard
  khabar dashboard --port 8080
  KHABAR_DASHBOARD_HOST=0.0.0.0 khabar dashboard    # reachable from other machines
"""


def settings_listing() -> str:
    """Every environment variable of the settings with its default, for `khabar worker --help`."""
    defaults = Settings()
    rows = [(ENVIRONMENT[field.name], str(getattr(defaults, field.name)) or "(none)") for field in fields(Settings)]
    width = max(len(variable) for variable, _ in rows)
    return "settings (environment variable, default):\n" + "\n".join(
        f"  {variable:<{width}}  {default}" for variable, default in rows
    )


class Parser(argparse.ArgumentParser):
    """argparse whose mistakes are one `khabar: error:` line and exit 2, like every other error of Khabar."""

    def error(self, message: str) -> NoReturn:
        fail(self.prog, message)


def fail(prog: str, message: str) -> NoReturn:
    """Exit 2 after the one error line, pointing at the help of the command `prog`."""
    sys.stderr.write(f"khabar: error: {message} (see `{prog} --help`)\n")
    sys.exit(2)


def count(text: str) -> int:
    """A whole number, 0 or more (argparse type)."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def seconds(text: str) -> float:
    """A duration in seconds, 0 or more (argparse type)."""
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds, got {text}")
    return value


def port(text: str) -> int:
    """A TCP port, 1 to 65535 (argparse type)."""
    value = int(text)
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="khabar", description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"khabar {__version__}")
    parser.add_argument(
        "--log-level", type=str.lower, choices=LOG_LEVELS, default=None, help="log level (env KHABAR_LOG_LEVEL)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
        )

    broker = command(
        "broker", "run a local broker: embedded Tansu (in memory) or Apache Kafka (KRaft, durable)", BROKER_HELP
    )
    broker.add_argument("--engine", choices=ENGINES, default="tansu", help="broker program (default tansu)")
    broker.add_argument("--port", type=port, default=9092, help="port to listen on (default 9092)")
    broker.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    broker.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="kafka engine: keep the broker's data here across runs (default: a temporary folder, removed at exit)",
    )

    command("worker", "run the stream worker against KAFKA_BOOTSTRAP_SERVERS", WORKER_HELP + "\n" + settings_listing())

    command("trends", "publish the trending entities of each closed window (articles.entity-trends)", TRENDS_HELP)

    dashboard = command("dashboard", "serve a live page of trends, stories and throughput", DASHBOARD_HELP)
    dashboard.add_argument("--port", type=port, default=None, help="port (default: KHABAR_DASHBOARD_PORT, 9401)")
    dashboard.add_argument("--host", default=None, help="address (default: KHABAR_DASHBOARD_HOST, 127.0.0.1)")

    produce = command("produce", "send raw articles (JSON Lines) to the input topic", PRODUCE_HELP)
    produce.add_argument("path", help="JSON Lines file, or - for standard input")
    produce.add_argument("--topic", default=None, help="topic (default: KHABAR_TOPIC_RAW, articles.raw)")
    produce.add_argument("--skip-invalid", action="store_true", help="do not send lines that are not valid articles")
    produce.add_argument("--create", action="store_true", help="create the topic if it does not exist")

    consume = command("consume", "print records of a topic as JSON Lines", CONSUME_HELP)
    consume.add_argument("--topic", default=None, help="topic (default: KHABAR_TOPIC_ENRICHED, articles.enriched)")
    start = consume.add_mutually_exclusive_group()
    start.add_argument(
        "--from-beginning",
        dest="from_end",
        action="store_false",
        default=False,
        help="start at the first record (the default)",
    )
    start.add_argument("--from-end", dest="from_end", action="store_true", help="start after the last record")
    start.add_argument("--offset", type=count, default=None, help="start at offset N of --partition")
    consume.add_argument("--partition", type=count, default=None, help="read partition N only (default: all)")
    consume.add_argument("--group", default=None, help="consume as consumer group G, committing its offsets")
    consume.add_argument("--max", type=count, default=None, help="stop after N records")
    until = consume.add_mutually_exclusive_group()
    until.add_argument(
        "--timeout", type=seconds, default=10.0, help="stop when no record arrived for S seconds (default 10)"
    )
    until.add_argument("--follow", action="store_true", help="keep reading until Ctrl-C, then print the count")
    consume.add_argument(
        "--with-metadata",
        action="store_true",
        help="one JSON object a record: key, partition, offset, timestamp, headers, value",
    )
    consume.add_argument("--create", action="store_true", help="create the topic if it does not exist")

    command("topics", "list Khabar's topics, their sizes and end offsets, and the worker group's lag", TOPICS_HELP)

    replay = command("replay", "send dead letters of chosen kinds back to the input topic", REPLAY_HELP)
    replay.add_argument(
        "--kind",
        action="append",
        choices=get_args(ErrorKind),
        default=None,
        metavar="KIND",
        help=f"replay dead letters of this kind (repeatable; default all): {', '.join(get_args(ErrorKind))}",
    )
    replay.add_argument("--dry-run", action="store_true", help="only count what would be sent")

    enrich = command("enrich", "enrich a JSON Lines file offline, without Kafka", ENRICH_HELP)
    enrich.add_argument("path", help="JSON Lines file of raw articles, or - for standard input")
    enrich.add_argument("--out", default="-", help="enriched records (default: standard output)")
    enrich.add_argument("--dead-letter", default=None, help="dead-letter records (default: standard error)")

    demo = command("demo", "broker + worker + seed articles, and show the enriched result", DEMO_HELP)
    demo.add_argument("--timeout", type=seconds, default=180.0, help="give up after S seconds (default 180)")

    return parser


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The arguments, with the rules between options that argparse cannot state checked as well."""
    arguments = build_parser().parse_args(argv)
    if arguments.command == "consume":
        if arguments.offset is not None and arguments.partition is None:
            fail("khabar consume", "argument --offset: needs --partition (an offset is a position in one partition)")
        if arguments.group is not None and arguments.partition is not None:
            fail("khabar consume", "argument --group: not allowed with --partition (the group assigns the partitions)")
    return arguments
