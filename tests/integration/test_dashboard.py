"""`khabar dashboard` on a real broker, its page drawn by headless Chromium (Debian's `chromium`).

Enriched articles (enriched offline by `khabar enrich` from raw ones with Arabic titles, then given the
v1.2 fields `story_id` and `duplicate_of`: one story republished by three outlets and followed up by a
fourth, one story of its own) and entity-trend windows are produced straight to the test's topics, each
record valid against its schema. The dashboard runs as a user starts it, on a free port; the page is
read as Chromium renders it after its script drew `/api/state` (`--dump-dom`), and photographed
(`--screenshot`). The picture is written to the test's folder, and to KHABAR_DASHBOARD_SCREENSHOT when
that is set (`make dashboard-screenshot` refreshes docs/dashboard.png so).

Without /usr/bin/chromium the test skips, but under CI (CI set), where `make setup` installs it: there it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.integration.cli import Record, interrupted, send, started
from tests.integration.harness import isolated_environment, khabar
from workers import clients
from workers.brokers import free_port
from workers.contract.schemas import ENRICHED_SCHEMA, TREND_SCHEMA, schema_errors
from workers.dashboard.feed import BACKLOG
from workers.dashboard.state import Limits
from workers.settings import Settings
from workers.stream.trends import ensure_trends_topics

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
#: How the machine's notes say Chromium runs headless here: as root without its sandbox, and without the
#: background connections that a closed network refuses.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--lang=en-US",
)
NOW = datetime.now(UTC).replace(microsecond=0)

#: (id, title, source, minutes ago, story_id, duplicate_of)
ARTICLES = [
    ("hafter-1", "حفتر يصل إلى القاهرة لإجراء محادثات مع المسؤولين المصريين", "الوسط", 50, "hafter-1", None),
    ("hafter-2", "حفتر يصل القاهرة لإجراء محادثات مع المسؤولين المصريين", "ليبيا الأحرار", 40, "hafter-1", "hafter-1"),
    ("hafter-3", "القاهرة: حفتر يصل لإجراء محادثات مع المسؤولين", "رويترز", 30, "hafter-1", "hafter-1"),
    ("hafter-4", "ما الذي يريده حفتر من زيارته إلى القاهرة؟", "الجزيرة", 20, "hafter-1", None),
    ("rain-1", "أمطار غزيرة تغمر شوارع بنغازي وتعطل حركة المرور", "بوابة الأهرام", 10, "rain-1", None),
]
BODIES = {
    "hafter": (
        "وصل المشير خليفة حفتر إلى القاهرة اليوم، حيث التقى بمسؤولين مصريين لبحث الأوضاع في ليبيا. "
        "وقال مصدر في وزارة الخارجية المصرية إن المحادثات تناولت الأمن على الحدود."
    ),
    "rain": "غمرت أمطار غزيرة شوارع مدينة بنغازي، وقالت مديرية أمن بنغازي إن حركة المرور تعطلت في وسط المدينة.",
}
#: The latest closed bucket's top, and two buckets before it: (type, [(text, normalized, mentions per bucket)]).
TRENDS = [
    ("PER", [("خليفة حفتر", "خليفه حفتر", (2, 5, 14)), ("عقيلة صالح", "عقيله صالح", (3, 2, 4))]),
    ("LOC", [("القاهرة", "القاهره", (1, 4, 9)), ("بنغازي", "بنغازي", (6, 5, 7))]),
    ("ORG", [("وزارة الخارجية", "وزاره الخارجيه", (1, 1, 3))]),
]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return {**isolated_environment(broker, tmp_path), "KHABAR_TOPIC_TRENDS": f"trends-{uuid.uuid4().hex[:8]}"}


@pytest.fixture
def settings(environment: dict[str, str]) -> Settings:
    settings = Settings.from_env(environment)
    ensure_trends_topics(settings)
    return settings


@pytest.fixture
def chromium() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: `make setup` installs Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; under CI it must be there")
    pytest.skip(reason)


def enriched_records(environment: dict[str, str], folder: Path) -> list[dict[str, Any]]:
    """The articles as the worker enriches them (`khabar enrich`), with the story fields of v1.2."""
    raw = folder / "raw.jsonl"
    raw.write_text(
        "".join(
            json.dumps(
                {
                    "id": article_id,
                    "title": title,
                    "body": BODIES[article_id.split("-")[0]],
                    "source": source,
                    "url": f"https://news.example/{article_id}",
                    "published_at": iso(NOW - timedelta(minutes=ago)),
                },
                ensure_ascii=False,
            )
            + "\n"
            for article_id, title, source, ago, _, _ in ARTICLES
        ),
        encoding="utf-8",
    )
    out = folder / "enriched.jsonl"
    completed = khabar(environment, "enrich", str(raw), "--out", str(out), "--dead-letter", str(folder / "dead.jsonl"))
    assert completed.returncode == 0, completed.stderr[-2000:]
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    stories = {article_id: (story, duplicate) for article_id, _, _, _, story, duplicate in ARTICLES}
    for record in records:
        record["story_id"], record["duplicate_of"] = stories[record["id"]]
        assert schema_errors(ENRICHED_SCHEMA, record) == []
    assert [record["id"] for record in records] == [article[0] for article in ARTICLES]
    return records


def trend_records() -> list[tuple[str, dict[str, Any]]]:
    """Three closed buckets' windows, keyed as the trends job keys them, the last closed ten minutes ago."""
    latest = NOW.replace(minute=NOW.minute - NOW.minute % 10, second=0) - timedelta(minutes=10)
    records = []
    for back in (2, 1, 0):
        start = latest - timedelta(minutes=10 * back)
        for kind, entities in TRENDS:
            counts = [
                (text, normalized, series[2 - back], series[1 - back] if back < 2 else 0)
                for text, normalized, series in entities
            ]
            counts.sort(key=lambda entity: -entity[2])
            top = [
                {
                    "rank": rank,
                    "normalized": normalized,
                    "text": text,
                    "mentions": mentions,
                    "articles": mentions,
                    "sources": min(mentions, 4),
                    "previous_mentions": previous,
                    "change": mentions - previous,
                    "expected": 2.0,
                    "score": round(2 * ((mentions + 0.375) ** 0.5 - (2.0 + 0.375) ** 0.5), 4),
                }
                for rank, (text, normalized, mentions, previous) in enumerate(counts, start=1)
            ]
            record = {
                "window": {
                    "name": "bucket",
                    "start": iso(start),
                    "end": iso(start + timedelta(minutes=10)),
                    "seconds": 600,
                    "bucket_seconds": 600,
                },
                "type": kind,
                "mentions": sum(entry["mentions"] for entry in top),
                "entities_counted": len(top),
                "top": top,
                "baseline": {"buckets": 36, "prior_mentions": 1.0},
                "allowed_lateness_seconds": 300.0,
            }
            assert schema_errors(TREND_SCHEMA, record) == []
            records.append((f"bucket|{iso(start)}|{kind}", record))
    return records


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def state_until(url: str, holds: Any, timeout: float, process: subprocess.Popen[str]) -> dict[str, Any]:
    """/api/state once `holds(state)`; fails after `timeout` seconds or when the dashboard exited."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1][-3000:]
        try:
            status, body = get(url + "api/state")
        except (urllib.error.URLError, ConnectionError):
            status, body = 0, b""
        if status == 200:
            state = orjson.loads(body)
            if holds(state):
                return state
        time.sleep(0.5)
    raise AssertionError(f"the dashboard's state did not get there within {timeout}s: {json.dumps(state)[:3000]}")


Start = Callable[..., tuple[str, subprocess.Popen[str]]]


@pytest.fixture
def start_dashboard(environment: dict[str, str], settings: Settings) -> Iterator[Start]:
    """Starts `khabar dashboard` on a free port (with `extra` settings); its URL and process. Stopped after."""
    processes: list[subprocess.Popen[str]] = []

    def start(**extra: str) -> tuple[str, subprocess.Popen[str]]:
        port = free_port()
        processes.append(started({**environment, "KHABAR_DASHBOARD_PORT": str(port), **extra}, "dashboard"))
        return f"http://127.0.0.1:{port}/", processes[-1]

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


def chromium_run(chromium: Path, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(chromium), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class Elements(HTMLParser):
    """Each element's attributes and the text inside it (its descendants' too)."""

    VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "circle", "line", "path"})

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str], list[str]]] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element: tuple[str, dict[str, str], list[str]] = (tag, {name: value or "" for name, value in attrs}, [])
        self.found.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for _, _, texts in self._open:
            texts.append(data)

    def texts(self, css_class: str) -> list[tuple[str, dict[str, str]]]:
        return [
            ("".join(texts).strip(), attributes)
            for _, attributes, texts in self.found
            if css_class in attributes.get("class", "").split()
        ]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_page_shows_trends_stories_and_throughput_in_headless_chromium(
    settings: Settings,
    environment: dict[str, str],
    start_dashboard: Start,
    chromium: Path,
    tmp_path: Path,
) -> None:
    records = enriched_records(environment, tmp_path)
    send(settings, settings.topic_enriched, [Record(orjson.dumps(r), r["id"].encode()) for r in records])
    send(settings, settings.topic_trends, [Record(orjson.dumps(r), key.encode()) for key, r in trend_records()])
    url, process = start_dashboard()  # after the records: read from before the ends

    state = state_until(
        url,
        lambda s: len(s["stories"]["items"]) == 2 and len(s["trends"]["by_window"]["bucket"]) == 3,
        timeout=60,
        process=process,
    )
    assert get(url + "health") == (200, b"alive\n")
    rain, hafter = state["stories"]["items"]  # the latest first
    assert (rain["story_id"], hafter["story_id"]) == ("rain-1", "hafter-1")
    assert (hafter["articles"], hafter["duplicates"], hafter["title"]) == (4, 2, ARTICLES[0][1])
    assert {o["name"] for o in hafter["outlets"]} == {"الوسط", "ليبيا الأحرار", "رويترز", "الجزيرة"}
    person = state["trends"]["by_window"]["bucket"][0]
    assert (person["type"], person["top"][0]["text"], person["top"][0]["mentions"]) == ("PER", "خليفة حفتر", 14)
    assert person["top"][0]["series"][-3:] == [2, 5, 14]

    # Records arrive while it runs: 30 inputs and 3 dead letters, counted from the topics' end offsets.
    for round_ in range(3):  # over a few samples, for the sparklines
        raw = [Record(b'{"id": "r%d", "body": "x"}' % i, b"r%d" % i) for i in range(10 * round_, 10 * round_ + 10)]
        send(settings, settings.topic_raw, raw)
        send(settings, settings.topic_dead_letter, [Record(b'{"error": "x"}')])
        time.sleep(2.5)
    state = state_until(
        url,
        lambda s: s["throughput"]["totals"].get("raw") == 30 and s["throughput"]["totals"].get("dead_letter") == 3,
        timeout=60,
        process=process,
    )
    assert (state["throughput"]["rates"]["raw"] or 0) > 0
    assert state["throughput"]["totals"]["enriched"] == len(ARTICLES)

    dom = chromium_run(chromium, tmp_path / "profile-dom", "--virtual-time-budget=10000", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-3000:]
    page = Elements()
    page.feed(dom.stdout)
    assert 'data-ready="true"' in dom.stdout, dom.stdout[:3000]

    names = page.texts("entity-name")
    assert ("خليفة حفتر", "rtl") in [(text, attributes.get("dir")) for text, attributes in names]
    assert {text for text, _ in names} == {"خليفة حفتر", "عقيلة صالح", "القاهرة", "بنغازي", "وزارة الخارجية"}
    assert all(attributes.get("dir") == "rtl" and attributes.get("lang") == "ar" for _, attributes in names)
    titles = page.texts("story-title")
    assert [text for text, _ in titles] == [ARTICLES[4][1], ARTICLES[0][1]]
    assert all(attributes.get("dir") == "rtl" for _, attributes in titles)
    outlets = [text for text, _ in page.texts("outlet")]
    assert {"الوسط · 1", "ليبيا الأحرار · 1", "رويترز · 1", "الجزيرة · 1", "بوابة الأهرام · 1"} == set(outlets)
    meta = [text for text, _ in page.texts("story-meta")]
    assert "4 articles" in meta[1] and "2 duplicates" in meta[1]
    # Sparklines: inline SVG, one per entity and throughput tile.
    assert dom.stdout.count("<svg") == len(names) + 4
    assert "records in /s" in dom.stdout

    picture = tmp_path / "dashboard.png"
    shot = chromium_run(
        chromium,
        tmp_path / "profile-shot",
        "--virtual-time-budget=10000",
        "--window-size=1280,1000",
        f"--screenshot={picture}",
        url,
    )
    assert shot.returncode == 0, shot.stderr[-3000:]
    assert png_size(picture) == (1280, 1000)
    assert picture.stat().st_size > 30_000  # a drawn page, not a blank one (a blank one is about 5 kB)
    wanted = os.environ.get("KHABAR_DASHBOARD_SCREENSHOT")
    if wanted:
        shutil.copyfile(picture, ROOT / wanted)

    _, stderr = interrupted(process)
    assert process.returncode == 0, stderr[-3000:]
    assert "Traceback" not in stderr and "khabar dashboard on http://127.0.0.1:" in stderr


def test_it_reads_a_bounded_stretch_before_the_end_and_finds_topics_made_after_it_started(
    settings: Settings, start_dashboard: Start
) -> None:
    backlog = BACKLOG["enriched"]
    records = [
        Record(orjson.dumps({"id": f"e{i}", "title": f"خبر رقم {i}", "source": "الوسط"}), b"e%d" % i, partition=0)
        for i in range(backlog + 60)
    ]
    send(settings, settings.topic_enriched, records)
    later_topic = f"late-trends-{uuid.uuid4().hex[:8]}"
    url, process = start_dashboard(KHABAR_TOPIC_TRENDS=later_topic)

    state = state_until(url, lambda s: s["status"]["read"].get("enriched", 0) >= backlog, 60, process)
    time.sleep(3)  # nothing more comes
    state = state_until(url, lambda s: True, 10, process)
    assert state["status"]["read"]["enriched"] == backlog
    stories = state["stories"]
    assert stories["count"] == Limits().stories
    # Without published_at, by record time: the records of one send share their milliseconds, then by id.
    assert {item["story_id"] for item in stories["items"]} <= {f"e{i}" for i in range(60, backlog + 60)}
    assert state["trends"]["by_window"]["bucket"] == []

    late = replace(settings, topic_trends=later_topic)
    clients.require_topics(late, [later_topic], create=True)
    key, trend = next((key, record) for key, record in reversed(trend_records()) if record["type"] == "PER")
    send(late, later_topic, [Record(orjson.dumps(trend), key.encode())])
    state = state_until(url, lambda s: bool(s["trends"]["by_window"]["bucket"]), 60, process)
    assert state["trends"]["by_window"]["bucket"][0]["top"][0]["text"] == "خليفة حفتر"
