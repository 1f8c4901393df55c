"""The window records: each type's top entities by mentions, the change, and how unusual the count is.

For a window of `w` buckets ending with bucket `b` (buckets `b − w + 1 … b`), an entity's counts are
summed over its buckets: mentions, and distinct articles as the sum of each bucket's distinct articles
(exact whenever an article's mentions share one event time, as they do with the article's
`published_at`; an article whose mentions fall in two buckets counts once in each); distinct sources
are a set union. Entities are ranked by mentions, then distinct articles, then their normalized form.

- `previous_mentions`: the entity's mentions in the same window one bucket earlier (`b − w … b − 1`),
  and `change` the difference.
- `expected`: the entity's own recent rate times `w`. The rate is the mean mentions per bucket over the
  `N` buckets before the window (`b − w − N + 1 … b − w`), with a prior of `PRIOR_MENTIONS` in one extra
  bucket, so an entity never seen before expects a little, not nothing: `λ = (S + 1) / (N + 1)`.
- `score`: how unusual `x` mentions are against `μ = w × λ`, as the difference of Anscombe's square
  roots, `2 × (√(x + 3/8) − √(μ + 3/8))`: about a standard normal deviate when the counts are Poisson
  with mean μ (from μ of about 2 on; below, its spread is narrower), so 3 is unusual whatever the
  entity's size; negative when it is mentioned less than usual. A first appearance scores high but
  bounded by its count (40 mentions against nothing: 11.4), where a z-score `(x − μ)/√μ` would
  explode as μ goes to 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from workers.trends.counts import EntityCount, EntityKey
from workers.trends.windows import Buckets, Window, iso

TYPES = ("PER", "LOC", "ORG", "MISC")
PRIOR_MENTIONS = 1.0

#: The counts of every entity in one bucket.
CountsOf = Callable[[int], Iterable[EntityCount]]


@dataclass(frozen=True, slots=True)
class Scoring:
    top: int
    baseline_buckets: int


@dataclass(slots=True)
class Sum:
    text: str
    mentions: int = 0
    articles: int = 0
    sources: set[str] = field(default_factory=set)


def window_sums(counts_of: CountsOf, first: int, last: int, only: set[EntityKey] | None = None) -> dict[EntityKey, Sum]:
    """Each entity's counts summed over buckets `first … last`; the text is that of its latest bucket."""
    sums: dict[EntityKey, Sum] = {}
    for index in range(first, last + 1):
        for entity in counts_of(index):
            key = entity.key
            if only is not None and key not in only:
                continue
            total = sums.get(key)
            if total is None:
                total = sums[key] = Sum(entity.text)
            total.text = entity.text
            total.mentions += entity.mentions
            total.articles += entity.articles
            total.sources.update(entity.sources)
    return sums


def unusualness(count: float, expected: float) -> float:
    """Anscombe's square-root difference: about N(0, 1) when `count` is Poisson with mean `expected`."""
    return 2 * (math.sqrt(count + 0.375) - math.sqrt(expected + 0.375))


def ranked(sums: dict[EntityKey, Sum], kind: str, top: int) -> list[tuple[EntityKey, Sum]]:
    """The `top` entities of type `kind`: most mentions, then most articles, then by normalized form."""
    of_type = [(key, total) for key, total in sums.items() if key[0] == kind]
    of_type.sort(key=lambda item: (-item[1].mentions, -item[1].articles, item[0][1]))
    return of_type[:top]


def record_key(window: Window, kind: str, start_ms: int) -> str:
    """The key of a window's record: one record per window, type and start, the same when published again."""
    return f"{window.name}|{iso(start_ms)}|{kind}"


def window_records(
    counts_of: CountsOf, buckets: Buckets, window: Window, end: int, scoring: Scoring
) -> list[tuple[str, dict[str, Any]]]:
    """(key, entity-trend.v1 record) of each type mentioned in `window` ending with bucket `end`."""
    first = end - window.buckets + 1
    sums = window_sums(counts_of, first, end)
    tops = {kind: ranked(sums, kind, scoring.top) for kind in TYPES}
    # One pass each over the window one bucket earlier and the baseline, for the top entities of every type.
    keys = {key for top in tops.values() for key, _ in top}
    previous = window_sums(counts_of, first - 1, end - 1, keys)
    baseline_last = first - 1
    baseline = window_sums(counts_of, baseline_last - scoring.baseline_buckets + 1, baseline_last, keys)
    records = []
    for kind in TYPES:
        top = tops[kind]
        if not top:
            continue
        entities = []
        for rank, (key, total) in enumerate(top, start=1):
            before = previous[key].mentions if key in previous else 0
            seen = baseline[key].mentions if key in baseline else 0
            rate = (seen + PRIOR_MENTIONS) / (scoring.baseline_buckets + 1)
            expected = window.buckets * rate
            entities.append(
                {
                    "rank": rank,
                    "normalized": key[1],
                    "text": total.text,
                    "mentions": total.mentions,
                    "articles": total.articles,
                    "sources": len(total.sources),
                    "previous_mentions": before,
                    "change": total.mentions - before,
                    "expected": round(expected, 4),
                    "score": round(unusualness(total.mentions, expected), 4),
                }
            )
        of_type = [total for key, total in sums.items() if key[0] == kind]
        start_ms = buckets.start_ms(first)
        record = {
            "window": {
                "name": window.name,
                "start": iso(start_ms),
                "end": iso(buckets.end_ms(end)),
                "seconds": window.buckets * buckets.seconds,
                "bucket_seconds": buckets.seconds,
            },
            "type": kind,
            "mentions": sum(total.mentions for total in of_type),
            "entities_counted": len(of_type),
            "top": entities,
            "baseline": {"buckets": scoring.baseline_buckets, "prior_mentions": PRIOR_MENTIONS},
            "allowed_lateness_seconds": buckets.lateness_seconds,
        }
        records.append((record_key(window, kind, start_ms), record))
    return records


def buckets_to_publish(held: Iterable[int], start: int, through: int, longest: int) -> list[int]:
    """The buckets `start … through` that end a window with a mention: within `longest` buckets after a held one."""
    wanted: set[int] = set()
    for index in held:
        wanted.update(range(max(index, start), min(index + longest - 1, through) + 1))
    return sorted(wanted)
