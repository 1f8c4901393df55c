"""Where each input ends up: enriched record, entity mentions, or one dead letter.

Shared by the stream agent (outputs become topic records) and the `enrich` command (outputs become
lines of files), so both make exactly the same decisions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from workers.contract.records import Rejection, dead_letter, encode
from workers.pipeline import Enriched, Pipeline

OutputKind = Literal["enriched", "entity", "dead_letter"]


@dataclass(frozen=True, slots=True)
class Output:
    """One outgoing record: which stream it belongs to, its key and its encoded value.

    An enriched record also carries its article's `dedupe_key`, by which the stream skips replays.
    """

    kind: OutputKind
    key: bytes | None
    value: bytes
    dedupe_key: str | None = None


def route(
    pipeline: Pipeline, payload: bytes, source: dict[str, Any], max_bytes: int, max_output_bytes: int
) -> list[Output]:
    """Process one input and encode what it produces; an output over the size limit is dead-lettered."""
    outcome = pipeline.process(payload, max_bytes)
    if isinstance(outcome, Enriched):
        article = encode(outcome.article)
        if len(article) <= max_output_bytes:
            key = outcome.article["id"].encode()
            mentions = [
                Output("entity", mention["entity"]["normalized"].encode(), encode(mention))
                for mention in outcome.mentions
            ]
            return [Output("enriched", key, article, outcome.article["dedupe_key"]), *mentions]
        outcome = Rejection(
            "too_large",
            f"the enriched record would be {len(article)} bytes, the output limit is {max_output_bytes}",
            article_id=outcome.article["id"],
        )
    key = outcome.article_id.encode() if outcome.article_id else None
    return [Output("dead_letter", key, encode(dead_letter(outcome, payload, source, max_bytes)))]
