"""Where each input ends up: enriched record, entity mentions, or one dead letter.

The one layer that handles the wire: it decodes the payload, has the pipeline enrich the article,
turns any failure of enrichment into a Rejection, and encodes what comes out. Shared by the stream
agent (outputs become topic records) and the `enrich` command (outputs become lines of files), so
both make exactly the same decisions.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Literal

from workers.contract.records import Rejection, Source
from workers.contract.wire import Headers, dead_letter, dead_letter_headers, decode_raw, encode
from workers.errors import EnrichmentTimeout
from workers.pipeline import Enriched, Pipeline
from workers.stories.decider import StoryDecider
from workers.stories.records import to_record

#: `story`: the article's story-index entry, for the other workers (`workers.stream.stories`).
OutputKind = Literal["enriched", "entity", "dead_letter", "story"]


@dataclass(frozen=True, slots=True)
class Output:
    """One outgoing record: which stream it belongs to, its key and its encoded value.

    An enriched record also carries its article's `dedupe_key`, by which the stream skips replays; a
    dead letter carries its reason and origin as record headers too; a story entry whether its article
    is a near-duplicate.
    """

    kind: OutputKind
    key: bytes | None
    value: bytes
    dedupe_key: str | None = None
    headers: Headers = ()
    duplicate: bool = False


def route(
    pipeline: Pipeline,
    payload: bytes,
    source: Source,
    max_bytes: int,
    max_output_bytes: int,
    stories: StoryDecider | None = None,
    received_at: float | None = None,
) -> list[Output]:
    """Decode, enrich and encode one input; whatever fails, and an output over the size limit, is dead-lettered.

    With `stories`, the article's `duplicate_of` and `story_id` are decided (`received_at`, the input's
    timestamp, is its time when it has no `published_at`), and its entry is remembered and, last of the
    outputs, sent for the other workers, unless the article is dead-lettered.
    """
    outcome = _enrich(pipeline, payload, max_bytes)
    if isinstance(outcome, Enriched):
        record = outcome.article
        entry = None
        if stories is not None:
            entry = stories.decide(
                record["id"], outcome.words, record["distinct_entities"], record.get("published_at"), received_at
            )
            record["duplicate_of"], record["story_id"] = entry.duplicate_of, entry.story_id
        article = encode(record)
        if len(article) <= max_output_bytes:
            article_key = record["id"].encode()
            # Keyed by the entity, not the string: «خالد المحجوب» and a later «المحجوب» share a partition.
            mentions = [
                Output("entity", mention["canonical"]["normalized"].encode(), encode(mention))
                for mention in outcome.mentions
            ]
            outputs = [Output("enriched", article_key, article, record["dedupe_key"]), *mentions]
            if stories is not None and entry is not None and stories.remember(entry):
                duplicate = entry.duplicate_of is not None
                outputs.append(Output("story", article_key, encode(to_record(entry)), duplicate=duplicate))
            return outputs
        outcome = Rejection(
            "output_too_large",
            f"the enriched record would be {len(article)} bytes, the output limit is {max_output_bytes}",
            article_id=outcome.article["id"],
        )
    key = outcome.article_id.encode() if outcome.article_id else None
    letter = dead_letter(outcome, payload, source, max_bytes)
    return [Output("dead_letter", key, encode(letter), headers=dead_letter_headers(letter))]


def _enrich(pipeline: Pipeline, payload: bytes, max_bytes: int) -> Enriched | Rejection:
    """Decode and enrich one input; any failure comes back as a Rejection, never an exception."""
    article = decode_raw(payload, max_bytes)
    if isinstance(article, Rejection):
        return article
    try:
        return pipeline.enrich(article)
    except EnrichmentTimeout as error:
        return Rejection("enrichment_timeout", str(error), article_id=article.id)
    except Exception as error:  # one poison article must not stop the stream
        return Rejection(
            "enrichment_failed",
            f"{type(error).__name__}: {error}",
            article_id=article.id,
            traceback="".join(traceback.format_exception(error, limit=-8)),
        )
