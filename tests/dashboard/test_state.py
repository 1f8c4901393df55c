"""The dashboard's view folded from records and offsets: stories, trends with their series, rates, bounds."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from workers.dashboard.state import Dashboard, Limits, direction, parse_time


class Clock:
    def __init__(self, now: float = 1_796_119_200.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def article(article_id: str, title: str, source: str, minute: int, **fields: Any) -> bytes:
    """An enriched record as far as the view reads it (the feed hands it the value's bytes)."""
    record = {"id": article_id, "title": title, "source": source, "body": "…"}
    record["published_at"] = f"2026-12-01T10:{minute:02d}:00Z"
    return orjson.dumps(record | fields)


def trend(start_minute: int, kind: str, top: list[tuple[str, int, int]], name: str = "bucket") -> bytes:
    """An entity-trend record of bucket window starting at 10:<start_minute>, top = (text, mentions, previous)."""
    start = f"2026-12-01T10:{start_minute:02d}:00Z"
    end = f"2026-12-01T10:{start_minute + 10:02d}:00Z" if start_minute < 50 else "2026-12-01T11:00:00Z"
    entries = [
        {
            "rank": rank,
            "normalized": text.replace("ة", "ه"),
            "text": text,
            "mentions": mentions,
            "articles": mentions,
            "sources": 1,
            "previous_mentions": previous,
            "change": mentions - previous,
            "expected": 1.0,
            "score": 2.5,
        }
        for rank, (text, mentions, previous) in enumerate(top, start=1)
    ]
    return orjson.dumps(
        {
            "window": {"name": name, "start": start, "end": end, "seconds": 600, "bucket_seconds": 600},
            "type": kind,
            "mentions": sum(entry["mentions"] for entry in entries),
            "entities_counted": len(entries),
            "top": entries,
            "baseline": {"buckets": 36, "prior_mentions": 1.0},
            "allowed_lateness_seconds": 300.0,
        }
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("خليفة حفتر", "rtl"),
        ("«بنغازي» today", "rtl"),
        ("2026 وزارة", "rtl"),
        ("Reuters رويترز", "ltr"),
        ("", "ltr"),
        ("12:00", "ltr"),
    ],
)
def test_the_direction_is_the_first_strong_letter(text: str, expected: str) -> None:
    assert direction(text) == expected


def test_times_are_rfc3339_with_an_offset_or_utc() -> None:
    assert parse_time("2026-12-01T10:00:00Z") == parse_time("2026-12-01T12:00:00+02:00")
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_without_story_ids_each_article_is_its_own_story_latest_first() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("enriched", article("a1", "اشتباكات في طرابلس", "الوسط", 1))
    view.add_record("enriched", article("a2", "حفتر يزور القاهرة", "بوابة الأهرام", 5))
    stories = view.snapshot()["stories"]
    assert stories["grouped_by"] == "id"
    assert [(s["story_id"], s["title"], s["dir"], s["articles"]) for s in stories["items"]] == [
        ("a2", "حفتر يزور القاهرة", "rtl", 1),
        ("a1", "اشتباكات في طرابلس", "rtl", 1),
    ]
    assert stories["items"][0]["outlets"] == [{"name": "بوابة الأهرام", "articles": 1, "dir": "rtl"}]


def test_articles_of_one_story_id_are_one_story_with_its_outlets_and_duplicates() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("enriched", article("a1", "حفتر يزور القاهرة", "الوسط", 1, story_id="a1", duplicate_of=None))
    view.add_record("enriched", article("a2", "حفتر في القاهرة", "رويترز", 2, story_id="a1", duplicate_of="a1"))
    view.add_record("enriched", article("a3", "زيارة حفتر", "الوسط", 3, story_id="a1", duplicate_of="a1"))
    view.add_record("enriched", article("b1", "أمطار في بنغازي", "ليبيا الأحرار", 4, story_id="b1"))
    stories = view.snapshot()["stories"]
    assert stories["grouped_by"] == "story_id"
    first = next(s for s in stories["items"] if s["story_id"] == "a1")
    assert (first["title"], first["articles"], first["duplicates"]) == ("حفتر يزور القاهرة", 3, 2)
    assert [(o["name"], o["articles"]) for o in first["outlets"]] == [("الوسط", 2), ("رويترز", 1)]
    assert [a["id"] for a in first["latest_articles"]] == ["a3", "a2", "a1"]
    assert [a["duplicate_of"] for a in first["latest_articles"]] == ["a1", "a1", None]


def test_an_article_read_again_is_counted_once() -> None:
    view = Dashboard(clock=Clock())
    for _ in range(3):
        view.add_record("enriched", article("a1", "عنوان", "الوسط", 1, story_id="s"))
    view.add_record("enriched", article("a2", "عنوان", "الوسط", 2, story_id="s", duplicate_of="a1"))
    view.add_record("enriched", article("a2", "عنوان", "الوسط", 2, story_id="s", duplicate_of="a1"))
    (story,) = view.snapshot()["stories"]["items"]
    assert (story["articles"], story["duplicates"], story["outlets"][0]["articles"]) == (2, 1, 2)


def test_an_article_first_read_alone_moves_into_its_story_once_story_ids_come() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("enriched", article("a2", "عنوان", "الوسط", 2))
    view.add_record("enriched", article("a2", "عنوان", "الوسط", 2, story_id="a1", duplicate_of="a1"))
    assert [s["story_id"] for s in view.snapshot()["stories"]["items"]] == ["a1"]


def test_stories_and_their_articles_are_bounded_and_the_counts_keep_what_was_let_go() -> None:
    view = Dashboard(Limits(stories=3, articles_per_story=2, shown_stories=10), clock=Clock())
    for minute in range(6):
        view.add_record("enriched", article(f"s{minute}", "خبر", "الوسط", minute))
    for minute in range(10, 15):
        duplicate = {"duplicate_of": "x0"} if minute > 10 else {}
        view.add_record("enriched", article(f"x{minute - 10}", "خبر", f"o{minute}", minute, story_id="x0", **duplicate))
    stories = view.snapshot()["stories"]
    assert stories["count"] == 3
    assert [s["story_id"] for s in stories["items"]] == ["x0", "s5", "s4"]
    x0 = stories["items"][0]
    assert (x0["articles"], x0["duplicates"], len(x0["latest_articles"]), len(x0["outlets"])) == (5, 4, 2, 5)


def test_records_that_are_not_what_the_topic_carries_are_skipped_and_counted() -> None:
    view = Dashboard(clock=Clock())
    assert not view.add_record("enriched", b"not json")
    assert not view.add_record("enriched", b'{"title": "no id"}')
    assert not view.add_record("trends", b'{"window": {}}')
    assert not view.add_record("enriched", None)
    assert view.add_record("enriched", article("a", "t", "s", 1))
    status = view.snapshot()["status"]
    assert status["skipped"] == {"enriched": 3, "trends": 1}
    assert status["read"] == {"enriched": 4, "trends": 1}


def test_an_article_without_published_at_is_placed_at_its_record_time() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("enriched", orjson.dumps({"id": "a", "title": "t"}), timestamp_ms=1_796_126_400_000)
    assert view.snapshot()["stories"]["items"][0]["latest"] == "2026-12-01T12:00:00Z"


def test_the_latest_window_of_each_type_with_each_entitys_series() -> None:
    view = Dashboard(Limits(windows=4), clock=Clock())
    view.add_record("trends", trend(0, "PER", [("خليفة حفتر", 3, 0), ("عقيلة صالح", 2, 1)]))
    view.add_record("trends", trend(20, "PER", [("عقيلة صالح", 5, 2)]))
    view.add_record("trends", trend(30, "PER", [("خليفة حفتر", 9, 4), ("عقيلة صالح", 1, 5)]))
    view.add_record("trends", trend(30, "LOC", [("بنغازي", 4, 0)]))
    view.add_record("trends", trend(30, "LOC", [("بنغازي", 4, 0)], name="hour"))
    trends = view.snapshot()["trends"]["by_window"]
    assert [t["type"] for t in trends["bucket"]] == ["PER", "LOC"]
    person = trends["bucket"][0]
    assert (person["start"], person["end"]) == ("2026-12-01T10:30:00Z", "2026-12-01T10:40:00Z")
    assert person["series_starts"] == [f"2026-12-01T10:{m}:00Z" for m in ("00", "10", "20", "30")]
    hafter, saleh = person["top"]
    assert (hafter["text"], hafter["dir"], hafter["mentions"], hafter["change"]) == ("خليفة حفتر", "rtl", 9, 5)
    # 10:10 has no record and 10:20's does not name حفتر: unknown; 10:20 is 10:30's previous_mentions.
    assert hafter["series"] == [3, None, 4, 9]
    assert saleh["series"] == [2, 2, 5, 1]
    assert [t["type"] for t in trends["hour"]] == ["LOC"] and trends["day"] == []


def test_only_the_latest_windows_are_kept() -> None:
    view = Dashboard(Limits(windows=2), clock=Clock())
    for minute in (0, 10, 20, 30):
        view.add_record("trends", trend(minute, "ORG", [("وزارة الداخلية", minute + 1, 0)]))
    view.add_record("trends", trend(0, "ORG", [("late", 1, 0)]))  # an older window read late: let go at once
    (org,) = view.snapshot()["trends"]["by_window"]["bucket"]
    assert org["start"] == "2026-12-01T10:30:00Z"
    assert org["top"][0]["series"] == [21, 31]


def test_a_window_published_again_replaces_its_record() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("trends", trend(0, "MISC", [("الدينار", 2, 0)]))
    view.add_record("trends", trend(0, "MISC", [("الدينار", 2, 0)]))
    (misc,) = view.snapshot()["trends"]["by_window"]["bucket"]
    assert [e["text"] for e in misc["top"]] == ["الدينار"] and misc["top"][0]["series"][-1] == 2


def test_rates_over_the_last_seconds_and_the_dead_letter_share() -> None:
    clock = Clock()
    view = Dashboard(Limits(rate_seconds=4.0), clock=clock)
    assert view.snapshot()["throughput"]["rates"] == {"raw": None, "enriched": None, "dead_letter": None}
    for second, (raw, enriched, dead) in enumerate([(0, 0, 0), (10, 8, 0), (30, 26, 2), (50, 44, 4)]):
        view.add_offsets({"raw": raw, "enriched": enriched, "dead_letter": dead}, at=1000.0 + 2 * second)
    throughput = view.snapshot()["throughput"]
    # The last 4 s: from the sample at 1002 to the one at 1006.
    assert throughput["rates"] == {"raw": 10.0, "enriched": 9.0, "dead_letter": 1.0}
    assert throughput["dead_letter_share"] == pytest.approx(0.1)
    assert throughput["series"]["raw"] == [5.0, 10.0, 10.0]
    assert throughput["totals"] == {"raw": 50, "enriched": 44, "dead_letter": 4}


def test_a_missing_or_replaced_topic_has_no_rate() -> None:
    view = Dashboard(clock=Clock())
    view.add_offsets({"raw": 100, "enriched": None, "dead_letter": 5}, at=0.0)
    view.add_offsets({"raw": 3, "enriched": 7, "dead_letter": 5}, at=2.0)
    throughput = view.snapshot()["throughput"]
    assert throughput["rates"] == {"raw": None, "enriched": None, "dead_letter": 0.0}
    assert throughput["dead_letter_share"] is None


def test_samples_are_bounded() -> None:
    view = Dashboard(Limits(samples=5), clock=Clock())
    for second in range(50):
        view.add_offsets({"raw": second, "enriched": second, "dead_letter": 0}, at=float(second))
    assert len(view.snapshot()["throughput"]["series"]["raw"]) == 5


def test_a_problem_is_shown_from_when_it_began_until_it_is_gone() -> None:
    clock = Clock(1_796_119_200.0)
    view = Dashboard(clock=clock)
    view.set_problem("no broker answered")
    clock.now += 30
    view.set_problem("no broker answered still")
    status = view.snapshot()["status"]
    assert (status["problem"], status["since"]) == ("no broker answered still", "2026-12-01T10:00:00Z")
    view.set_problem(None)
    assert view.snapshot()["status"]["problem"] is None


def test_the_snapshot_is_json() -> None:
    view = Dashboard(clock=Clock())
    view.add_record("enriched", article("a1", "حفتر", "الوسط", 1))
    view.add_record("trends", trend(0, "PER", [("حفتر", 1, 0)]))
    view.add_offsets({"raw": 1, "enriched": 1, "dead_letter": 0})
    assert orjson.loads(orjson.dumps(view.snapshot()))["stories"]["items"][0]["story_id"] == "a1"


def test_the_series_start_at_the_first_window_anything_is_known_of() -> None:
    view = Dashboard(Limits(windows=6), clock=Clock())
    view.add_record("trends", trend(20, "LOC", [("بنغازي", 2, 0)]))
    view.add_record("trends", trend(30, "LOC", [("طرابلس", 5, 1), ("بنغازي", 3, 2)]))
    (loc,) = view.snapshot()["trends"]["by_window"]["bucket"]
    # 10:10 is known from 10:20's previous_mentions of بنغازي (0); nothing of 10:00 or before.
    assert loc["series_starts"] == ["2026-12-01T10:10:00Z", "2026-12-01T10:20:00Z", "2026-12-01T10:30:00Z"]
    assert [entity["series"] for entity in loc["top"]] == [[None, 1, 5], [0, 2, 3]]


def test_the_view_loads_no_kafka_client() -> None:
    from tests.test_layering import KAFKA, loaded_after_importing

    assert loaded_after_importing(["workers.dashboard.state"], KAFKA) == []
