"""What the dashboard shows, folded from records and end offsets: pure, bounded, no Kafka.

The feed (`workers.dashboard.feed`) hands each record it reads to `Dashboard.add_record` with its role
(`enriched` or `trends`), and every few seconds the topics' end offsets to `Dashboard.add_offsets`;
the server answers `/api/state` with `Dashboard.snapshot()`, a JSON-ready dict. Every method takes the
view's lock, so the feed's thread and the server's threads may call them at once.

- **Stories**, from `articles.enriched`: articles grouped by `story_id` when a record has one (schema
  v1.2), else by their own `id` (each article its own story, as v1.2 names a new story); an article
  with a `duplicate_of` counts as a duplicate. An article read again (delivery is at-least-once) is the
  same article. At most `Limits.stories` stories are kept, those with the latest articles, each with its
  `Limits.articles_per_story` latest articles (the counts include the ones let go).
- **Trends**, from `articles.entity-trends`: per window name (`bucket`, `hour`, `day`) and type, the
  records of the `Limits.windows` latest window starts. The latest one is shown with, for each of its
  entities, the entity's mentions in each of those windows: known where the entity is in that window's
  top, or where the next window's record gives it as `previous_mentions`; null (not drawn) elsewhere.
  The series of one type start at the first window anything is known of.
- **Throughput**, from the end offsets of the input, enriched and dead-letter topics: records per
  second over the last `Limits.rate_seconds`, one rate per interval for the sparklines
  (`Limits.samples` kept), and the share of dead letters among the inputs handled (enriched + dead).
"""

from __future__ import annotations

import threading
import time
import unicodedata
from collections import Counter, OrderedDict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

import orjson

#: The topics whose end offsets are sampled, by role.
OFFSET_ROLES = ("raw", "enriched", "dead_letter")
WINDOW_NAMES = ("bucket", "hour", "day")
TYPES = ("PER", "LOC", "ORG", "MISC")


@dataclass(frozen=True)
class Limits:
    """How much the view keeps: its memory is bounded by these whatever the topics hold."""

    stories: int = 40
    articles_per_story: int = 50
    #: Stories and articles of a story in a snapshot.
    shown_stories: int = 12
    shown_articles: int = 6
    windows: int = 24
    samples: int = 90
    rate_seconds: float = 10.0


def direction(text: str) -> str:
    """`rtl` when the first letter with a strong direction is right-to-left (Arabic, Hebrew), else `ltr`."""
    for character in text:
        kind = unicodedata.bidirectional(character)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


def parse_time(value: object) -> float | None:
    """Seconds since the epoch of an RFC 3339 date-time, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@dataclass
class Article:
    id: str
    title: str
    source: str
    url: str
    time: float
    duplicate_of: str | None

    def shown(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "dir": direction(self.title),
            "source": self.source,
            "url": self.url,
            "time": iso(self.time),
            "duplicate_of": self.duplicate_of,
        }


@dataclass
class Story:
    """One story's latest articles, and counts over every article of it read."""

    id: str
    articles: OrderedDict[str, Article] = field(default_factory=OrderedDict)
    outlets: Counter[str] = field(default_factory=Counter)
    let_go: int = 0
    duplicates_let_go: int = 0
    latest: float = 0.0

    def add(self, article: Article, keep: int) -> None:
        known = self.articles.pop(article.id, None)
        if known is None:
            if article.source:
                self.outlets[article.source] += 1
        elif known.source != article.source:
            # The same article read again with another source: count the one it has now.
            if known.source:
                self.outlets[known.source] -= 1
                if self.outlets[known.source] <= 0:
                    del self.outlets[known.source]
            if article.source:
                self.outlets[article.source] += 1
        self.articles[article.id] = article
        self.latest = max(self.latest, article.time)
        while len(self.articles) > keep:
            oldest = min(self.articles.values(), key=lambda a: (a.time, a.id))
            del self.articles[oldest.id]
            self.let_go += 1
            self.duplicates_let_go += oldest.duplicate_of is not None

    def shown(self, articles: int) -> dict[str, Any]:
        kept = sorted(self.articles.values(), key=lambda a: (a.time, a.id))
        original = self.articles.get(self.id) or next((a for a in kept if a.duplicate_of is None), kept[0])
        title = original.title or next((a.title for a in kept if a.title), "")
        duplicates = sum(a.duplicate_of is not None for a in kept) + self.duplicates_let_go
        return {
            "story_id": self.id,
            "title": title,
            "dir": direction(title),
            "latest": iso(self.latest),
            "articles": len(kept) + self.let_go,
            "duplicates": duplicates,
            "outlets": [
                {"name": name, "articles": count, "dir": direction(name)}
                for name, count in sorted(self.outlets.items(), key=lambda item: (-item[1], item[0]))
            ],
            "latest_articles": [a.shown() for a in reversed(kept[-articles:])],
        }


@dataclass
class Sample:
    at: float
    totals: dict[str, int | None]


class Dashboard:
    """The view: stories, trends and throughput, each bounded by `limits`."""

    def __init__(self, limits: Limits | None = None, clock: Callable[[], float] = time.time) -> None:
        self.limits = limits or Limits()
        self._clock = clock
        self._lock = threading.Lock()
        self._stories: dict[str, Story] = {}
        self._story_ids_seen = False
        #: (window name, type) → window start (s) → record.
        self._trends: dict[tuple[str, str], dict[float, dict[str, Any]]] = {}
        self._samples: deque[Sample] = deque(maxlen=self.limits.samples + 1)
        self._skipped: Counter[str] = Counter()
        self._read: Counter[str] = Counter()
        self._problem: str | None = None
        self._problem_since: float | None = None
        self._topics: dict[str, str] = {}

    # Folding

    def add_record(self, role: str, value: bytes | None, timestamp_ms: int | None = None) -> bool:
        """Fold one record of the topic of `role` (`enriched`, `trends`); False when it was skipped
        (not JSON, or not the record the topic carries)."""
        try:
            decoded = orjson.loads(value) if value is not None else None
        except orjson.JSONDecodeError:
            decoded = None
        with self._lock:
            folded = isinstance(decoded, dict) and (
                self._add_enriched(decoded, timestamp_ms)
                if role == "enriched"
                else self._add_trend(decoded)
                if role == "trends"
                else False
            )
            self._read[role] += 1
            if not folded:
                self._skipped[role] += 1
            return folded

    def _add_enriched(self, record: dict[str, Any], timestamp_ms: int | None) -> bool:
        article_id = record.get("id")
        if not isinstance(article_id, str) or not article_id:
            return False
        story_id = record.get("story_id")
        if isinstance(story_id, str) and story_id:
            self._story_ids_seen = True
        else:
            story_id = article_id
        duplicate_of = record.get("duplicate_of")
        when = parse_time(record.get("published_at"))
        if when is None:
            when = timestamp_ms / 1000 if timestamp_ms is not None else self._clock()
        article = Article(
            id=article_id,
            title=_text(record.get("title")).strip(),
            source=_text(record.get("source")).strip(),
            url=_text(record.get("url")),
            time=when,
            duplicate_of=duplicate_of if isinstance(duplicate_of, str) and duplicate_of else None,
        )
        self._move_if_regrouped(article_id, story_id)
        story = self._stories.get(story_id)
        if story is None:
            story = self._stories[story_id] = Story(story_id)
        story.add(article, self.limits.articles_per_story)
        while len(self._stories) > self.limits.stories:
            oldest = min(self._stories.values(), key=lambda s: (s.latest, s.id))
            del self._stories[oldest.id]
        return True

    def _move_if_regrouped(self, article_id: str, story_id: str) -> None:
        """An article read before under its own id (before v1.2, or a v1 record) and now under a story:
        out of its one-article story, which goes if nothing else is in it."""
        if article_id == story_id:
            return
        alone = self._stories.get(article_id)
        if alone is not None and list(alone.articles) == [article_id] and not alone.let_go:
            del self._stories[article_id]

    def _add_trend(self, record: dict[str, Any]) -> bool:
        window = record.get("window")
        kind = record.get("type")
        top = record.get("top")
        if not isinstance(window, dict) or kind not in TYPES or not isinstance(top, list):
            return False
        name = window.get("name")
        start = parse_time(window.get("start"))
        if name not in WINDOW_NAMES or start is None or not isinstance(window.get("bucket_seconds"), int):
            return False
        if not all(isinstance(entry, dict) and isinstance(entry.get("normalized"), str) for entry in top):
            return False
        windows = self._trends.setdefault((name, kind), {})
        windows[start] = record
        while len(windows) > self.limits.windows:
            del windows[min(windows)]
        return True

    def add_offsets(self, totals: Mapping[str, int | None], at: float | None = None) -> None:
        """One sample of the end offsets summed over each role's partitions (None: the topic is missing)."""
        with self._lock:
            self._samples.append(Sample(self._clock() if at is None else at, dict(totals)))

    def set_problem(self, problem: str | None) -> None:
        """Why the view is not current (the broker unreachable, ...), or None once it is again."""
        with self._lock:
            if problem is None:
                self._problem = self._problem_since = None
            elif self._problem is None:
                self._problem, self._problem_since = problem, self._clock()
            else:
                self._problem = problem

    def set_topics(self, topics: Mapping[str, str]) -> None:
        """The topic name of each role, as shown on the page."""
        with self._lock:
            self._topics = dict(topics)

    # Reading

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "generated_at": iso(self._clock()),
                "status": {
                    "problem": self._problem,
                    "since": iso(self._problem_since) if self._problem_since is not None else None,
                    "topics": self._topics,
                    "read": dict(self._read),
                    "skipped": dict(self._skipped),
                },
                "throughput": self._throughput(),
                "trends": self._trends_view(),
                "stories": self._stories_view(),
            }

    def _stories_view(self) -> dict[str, Any]:
        latest = sorted(self._stories.values(), key=lambda s: (s.latest, s.id), reverse=True)
        return {
            "grouped_by": "story_id" if self._story_ids_seen else "id",
            "count": len(self._stories),
            "items": [story.shown(self.limits.shown_articles) for story in latest[: self.limits.shown_stories]],
        }

    def _trends_view(self) -> dict[str, Any]:
        view: dict[str, Any] = {}
        for name in WINDOW_NAMES:
            types = []
            for kind in TYPES:
                windows = self._trends.get((name, kind))
                if windows:
                    types.append(self._type_view(kind, windows))
            view[name] = types
        return {"windows": self.limits.windows, "by_window": view}

    def _type_view(self, kind: str, windows: dict[float, dict[str, Any]]) -> dict[str, Any]:
        latest_start = max(windows)
        latest = windows[latest_start]
        step = float(latest["window"]["bucket_seconds"])
        starts = [latest_start - step * back for back in range(self.limits.windows - 1, -1, -1)]
        entities = []
        for entry in latest["top"]:
            normalized = entry["normalized"]
            series: list[int | None] = []
            for start in starts:
                series.append(_mentions(windows.get(start), normalized, "mentions"))
            for index in range(len(starts) - 1):
                if series[index] is None:
                    series[index] = _mentions(windows.get(starts[index + 1]), normalized, "previous_mentions")
            text = _text(entry.get("text")) or normalized
            entities.append(
                {
                    "rank": entry.get("rank"),
                    "text": text,
                    "dir": direction(text),
                    "normalized": normalized,
                    "mentions": entry.get("mentions"),
                    "articles": entry.get("articles"),
                    "sources": entry.get("sources"),
                    "change": entry.get("change"),
                    "score": entry.get("score"),
                    "series": series,
                }
            )
        # The windows before the first one anything is known of are left out: every series of the type
        # starts there, so one card's sparklines share their time axis.
        known = [i for entity in entities for i, value in enumerate(entity["series"]) if value is not None]
        first = min(known, default=len(starts) - 1)
        for entity in entities:
            entity["series"] = entity["series"][first:]
        return {
            "type": kind,
            "start": latest["window"].get("start"),
            "end": latest["window"].get("end"),
            "mentions": latest.get("mentions"),
            "entities_counted": latest.get("entities_counted"),
            "series_starts": [iso(start) for start in starts[first:]],
            "top": entities,
        }

    def _throughput(self) -> dict[str, Any]:
        samples = list(self._samples)
        totals = samples[-1].totals if samples else {}
        series: dict[str, list[float | None]] = {role: [] for role in OFFSET_ROLES}
        for before, after in pairwise(samples):
            for role in OFFSET_ROLES:
                series[role].append(_rate(before, after, role))
        rates: dict[str, float | None] = dict.fromkeys(OFFSET_ROLES)
        if len(samples) >= 2:
            last = samples[-1]
            first = next(s for s in samples if s.at >= last.at - self.limits.rate_seconds - 1e-9)
            if first is last:
                first = samples[-2]
            rates = {role: _rate(first, last, role) for role in OFFSET_ROLES}
        enriched, dead = rates["enriched"], rates["dead_letter"]
        handled = (enriched or 0.0) + (dead or 0.0)
        return {
            "rate_seconds": self.limits.rate_seconds,
            "rates": rates,
            "dead_letter_share": (dead or 0.0) / handled if handled > 0 else None,
            "totals": totals,
            "series": series,
        }


def _mentions(record: dict[str, Any] | None, normalized: str, field_name: str) -> int | None:
    if record is None:
        return None
    for entry in record["top"]:
        if entry["normalized"] == normalized:
            value = entry.get(field_name)
            return value if isinstance(value, int) else None
    return None


def _rate(before: Sample, after: Sample, role: str) -> float | None:
    """Records per second between two samples; None when unknown (a topic missing, or replaced: its
    end went back)."""
    start, end = before.totals.get(role), after.totals.get(role)
    seconds = after.at - before.at
    if start is None or end is None or end < start or seconds <= 0:
        return None
    return (end - start) / seconds
