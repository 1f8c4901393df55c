"""Command line: thin wrappers that print for people; the work lives in the modules they call.

Each command's module is imported when that command runs, so a command loads only what it uses:
`khabar enrich` and `khabar --help` import nothing of Kafka, Faust or tqdm.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from workers import logs
from workers.cli.parser import build_parser, parse
from workers.errors import KhabarError
from workers.settings import Settings


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse(argv)
    try:
        settings = Settings.from_env()
        logs.configure(arguments.log_level or settings.log_level, settings.log_format)
        return run(arguments, settings)
    except KhabarError as error:
        print(f"khabar: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`khabar consume | head`): stop as a Unix tool does, without a traceback, and
        # without another one when the interpreter flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE


def run(arguments: argparse.Namespace, settings: Settings) -> int:
    match arguments.command:
        case "broker":
            from workers.cli.commands import broker

            return broker(arguments.engine, arguments.host, arguments.port, arguments.data_dir)
        case "worker":
            from workers.cli.commands import worker

            return worker(settings)
        case "trends":
            from workers.cli.trends import trends

            return trends(settings)
        case "dashboard":
            from workers.cli.dashboard import dashboard

            return dashboard(settings, host=arguments.host, port=arguments.port)
        case "produce":
            from workers.cli.produce import produce

            topic = arguments.topic or settings.topic_raw
            return produce(settings, arguments.path, topic, skip=arguments.skip_invalid, create=arguments.create)
        case "consume":
            from workers.cli.consume import Reading, consume

            reading = Reading(
                topic=arguments.topic or settings.topic_enriched,
                from_end=arguments.from_end,
                partition=arguments.partition,
                offset=arguments.offset,
                group=arguments.group,
                max_records=arguments.max,
                idle_timeout=None if arguments.follow else arguments.timeout,
                with_metadata=arguments.with_metadata,
                create=arguments.create,
            )
            return consume(settings, reading)
        case "topics":
            from workers.cli.topics import topics

            return topics(settings)
        case "replay":
            from workers.cli.replay import replay

            return replay(settings, kinds=arguments.kind, dry_run=arguments.dry_run)
        case "enrich":
            from workers.cli.commands import enrich

            return enrich(settings, arguments.path, arguments.out, arguments.dead_letter)
        case "demo":
            from workers.cli.demo import run_demo

            return run_demo(settings, Path.cwd(), arguments.timeout)
    raise AssertionError(arguments.command)


__all__ = ["build_parser", "main"]
