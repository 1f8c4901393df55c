"""Offline throughput on one core: the full enrichment beside the floor, on the same unseen articles.

Full: `routing.route` on raw JSON bytes, i.e. decode and schema check, cleaning, language id,
tokens, normalization, entity tagging, duplicates and stories (unless KHABAR_STORIES=off), and the
orjson encoding of every output. Floor: what any
Arabic enrichment has to pay at least: orjson decode, camel-tools normalization of title and body,
camel-tools tokenization, orjson encode, and nothing else. full/floor says what the rest costs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from lab.camel import camel_tools_normalize_arabic, simple_word_tokenize
from workers.contract.records import FileSource
from workers.pipeline import Pipeline
from workers.routing import route
from workers.stories.decider import StoryDecider

log = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024
#: Full and floor take turns by chunks of this many articles.
CHUNK_ARTICLES = 100
#: Articles enriched a second time for the warm-cache rate.
WARM_ARTICLES = 200
SOURCE: FileSource = {"file": "bench", "line": 1}


def floor_enrich(payload: bytes) -> bytes:
    """The least an Arabic enrichment does: decode, normalize and tokenize title and body, encode."""
    article = orjson.loads(payload)
    texts = {field: article[field] for field in ("title", "body") if field in article}
    article["normalized"] = {field: camel_tools_normalize_arabic(text) for field, text in texts.items()}
    article["tokens"] = {field: len(simple_word_tokenize(text)) for field, text in texts.items()}
    return orjson.dumps(article)


def full_enrich(pipeline: Pipeline, stories: StoryDecider | None = None) -> Callable[[bytes], object]:
    """The production path, outputs encoded, as the worker and the `enrich` command run it (with
    `stories`, duplicates and stories decided, as they are by default)."""

    def enrich(payload: bytes) -> object:
        outputs = route(pipeline, payload, SOURCE, MAX_BYTES, 4 * MAX_BYTES, stories)
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
    """Rates over the sum of the timings (a pass timed in chunks is one pass)."""
    wall = sum(timing.wall_seconds for timing in timings)
    cpu = sum(timing.cpu_seconds for timing in timings)
    return {
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "articles_per_second": articles / wall,
        "tokens_per_second": tokens / wall,
        "articles_per_cpu_second": articles / cpu,
        "ms_per_article": 1000 * wall / articles,
    }


def chunks(payloads: Sequence[bytes], size: int) -> list[Sequence[bytes]]:
    return [payloads[start : start + size] for start in range(0, len(payloads), size)]


def run_offline(
    pipeline: Pipeline,
    warmup: Sequence[bytes],
    payloads: Sequence[bytes],
    warm_articles: int = WARM_ARTICLES,
    stories: StoryDecider | None = None,
) -> dict[str, Any]:
    """Warm both paths up on `warmup`, then one pass over `payloads`, each article enriched once.

    Every article is new to the tagger, as in a live feed, so its word caches grow as they would
    in one (they are bounded: `features.CACHE_LIMIT`), and the pass's rate includes that steady
    state. Full and floor alternate by chunks of CHUNK_ARTICLES, so that a burst of load from
    other processes hits both alike. Then the last `warm_articles` are enriched again: the
    warm-cache rate, beside the headline, shows what the caches save.
    """
    full = full_enrich(pipeline, stories)
    for payload in warmup:
        full(payload)
        floor_enrich(payload)
    full_timings: list[Timing] = []
    floor_timings: list[Timing] = []
    parts = chunks(payloads, CHUNK_ARTICLES)
    for number, part in enumerate(parts, start=1):
        full_timings.append(timed(full, part))
        floor_timings.append(timed(floor_enrich, part))
        if number % 5 == 0 or number == len(parts):
            log.info("offline: %d of %d articles", sum(map(len, parts[:number])), len(payloads))
    seen_again = payloads[-warm_articles:]  # the most recent: their words are still in the bounded caches
    warm_timing = timed(full, seen_again)
    tokens = count_tokens(payloads)
    full_summary = summarize(full_timings, len(payloads), tokens)
    floor_summary = summarize(floor_timings, len(payloads), tokens)
    return {
        "articles": len(payloads),
        "tokens": tokens,
        "tokens_per_article": tokens / len(payloads),
        "bytes_per_article": sum(map(len, payloads)) / len(payloads),
        "warmup_articles": len(warmup),
        "stories": stories is not None,
        "full": full_summary,
        "floor": floor_summary,
        "warm": summarize([warm_timing], len(seen_again), count_tokens(seen_again)),
        # The headline: the full enrichment's rate as a share of the floor's, per CPU second and per second.
        "full_share_of_floor_cpu": full_summary["articles_per_cpu_second"] / floor_summary["articles_per_cpu_second"],
        "full_share_of_floor": full_summary["articles_per_second"] / floor_summary["articles_per_second"],
    }
