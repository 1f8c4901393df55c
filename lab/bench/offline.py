"""Offline throughput on one core: the full enrichment beside the floor, on the same articles.

Full: `routing.route` on raw JSON bytes, i.e. decode and schema check, cleaning, language id,
tokens, normalization, entity tagging, and the orjson encoding of every output. Floor: what any
Arabic enrichment has to pay at least: orjson decode, camel-tools normalization of title and body,
camel-tools tokenization, orjson encode, and nothing else. full/floor says what the rest costs.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from lab.camel import camel_tools_normalize_arabic, simple_word_tokenize
from workers.contract.records import FileSource
from workers.pipeline import Pipeline
from workers.routing import route

log = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024
SOURCE: FileSource = {"file": "bench", "line": 1}


def floor_enrich(payload: bytes) -> bytes:
    """The least an Arabic enrichment does: decode, normalize and tokenize title and body, encode."""
    article = orjson.loads(payload)
    texts = {field: article[field] for field in ("title", "body") if field in article}
    article["normalized"] = {field: camel_tools_normalize_arabic(text) for field, text in texts.items()}
    article["tokens"] = {field: len(simple_word_tokenize(text)) for field, text in texts.items()}
    return orjson.dumps(article)


def full_enrich(pipeline: Pipeline) -> Callable[[bytes], object]:
    """The production path, outputs encoded, as the worker and the `enrich` command run it."""

    def enrich(payload: bytes) -> object:
        outputs = route(pipeline, payload, SOURCE, MAX_BYTES, 4 * MAX_BYTES)
        if outputs[0].kind != "enriched":
            raise ValueError(f"benchmark article was not enriched: {outputs[0].value[:300]!r}")
        return outputs

    return enrich


@dataclass(frozen=True, slots=True)
class Timing:
    wall_seconds: float
    cpu_seconds: float


def timed(work: Callable[[bytes], object], payloads: Sequence[bytes]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    for payload in payloads:
        work(payload)
    return Timing(time.perf_counter() - wall, time.process_time() - cpu)


def count_tokens(payloads: Sequence[bytes]) -> int:
    """Tokens of title and body as camel-tools splits them (the same count for both sides)."""
    total = 0
    for payload in payloads:
        article = orjson.loads(payload)
        total += sum(len(simple_word_tokenize(article.get(field, ""))) for field in ("title", "body"))
    return total


def summarize(timings: Sequence[Timing], articles: int, tokens: int) -> dict[str, Any]:
    wall = statistics.median(timing.wall_seconds for timing in timings)
    cpu = statistics.median(timing.cpu_seconds for timing in timings)
    return {
        "median_wall_seconds": wall,
        "median_cpu_seconds": cpu,
        "wall_seconds": [timing.wall_seconds for timing in timings],
        "articles_per_second": articles / wall,
        "tokens_per_second": tokens / wall,
        "articles_per_cpu_second": articles / cpu,
        "ms_per_article": 1000 * wall / articles,
    }


def run_offline(
    pipeline: Pipeline, warmup: Sequence[bytes], payloads: Sequence[bytes], repetitions: int
) -> dict[str, Any]:
    """Warm both paths up on `warmup`, then time full and floor alternately `repetitions` times.

    The passes alternate so that a burst of load from other processes hits both alike. The tagger
    caches features per word type, so the first timed pass (vocabulary partly unseen) is reported
    apart from the median, which is mostly warm.
    """
    full = full_enrich(pipeline)
    for payload in warmup:
        full(payload)
        floor_enrich(payload)
    full_timings: list[Timing] = []
    floor_timings: list[Timing] = []
    for repetition in range(repetitions):
        full_timings.append(timed(full, payloads))
        floor_timings.append(timed(floor_enrich, payloads))
        log.info(
            "offline pass %d/%d: full %.2fs, floor %.2fs",
            repetition + 1,
            repetitions,
            full_timings[-1].wall_seconds,
            floor_timings[-1].wall_seconds,
        )
    tokens = count_tokens(payloads)
    full_summary = summarize(full_timings, len(payloads), tokens)
    floor_summary = summarize(floor_timings, len(payloads), tokens)
    return {
        "articles": len(payloads),
        "tokens": tokens,
        "tokens_per_article": tokens / len(payloads),
        "bytes_per_article": sum(map(len, payloads)) / len(payloads),
        "warmup_articles": len(warmup),
        "repetitions": repetitions,
        "full": full_summary,
        "full_first_pass_articles_per_second": len(payloads) / full_timings[0].wall_seconds,
        "floor": floor_summary,
        "ratio_full_to_floor": full_summary["median_wall_seconds"] / floor_summary["median_wall_seconds"],
        "ratio_full_to_floor_cpu": full_summary["median_cpu_seconds"] / floor_summary["median_cpu_seconds"],
    }
