"""`khabar demo`: the whole path on the embedded broker, shown to a person.

Starts Tansu and one worker process, produces the sample articles, reads the enriched topic until
every article is back, prints each with its entities, and shuts everything down.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from workers import clients
from workers.brokers import TansuBroker, free_port
from workers.errors import KhabarError
from workers.paths import seeds_dir, shared_dir
from workers.settings import Settings, to_environment

#: Tansu holds a new group's first JoinGroup for half the member's session timeout, so workers on the
#: embedded broker use short group timeouts (Kafka itself rejects sessions under 6 s by default).
EMBEDDED_GROUP_TIMEOUTS: dict[str, float] = {
    "session_timeout": 2.0,
    "heartbeat_interval": 0.5,
    "rebalance_timeout": 2.0,
}


def embedded_settings(settings: Settings, bootstrap_servers: str) -> Settings:
    """Settings for a worker on the embedded broker: short group timeouts make it join in about a second."""
    timeouts = EMBEDDED_GROUP_TIMEOUTS
    return replace(
        settings,
        bootstrap_servers=bootstrap_servers,
        session_timeout=timeouts["session_timeout"],
        heartbeat_interval=timeouts["heartbeat_interval"],
        rebalance_timeout=timeouts["rebalance_timeout"],
    )


def seed_articles() -> list[dict[str, Any]]:
    """The project's sample articles, plus the founding article(s) in ../shared/seeds when present."""
    articles = [
        orjson.loads(line) for line in (seeds_dir() / "articles.jsonl").read_bytes().splitlines() if line.strip()
    ]
    for path in sorted((shared_dir() / "seeds").glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").strip().partition("\n")
        articles.append(
            {"id": f"shared-seed-{path.stem}", "title": title.strip(), "body": body.strip(), "source": "shared/seeds"}
        )
    return articles


def run_demo(settings: Settings, project_dir: Path, timeout: float) -> int:
    articles = seed_articles()
    with tempfile.TemporaryDirectory(prefix="khabar-demo-") as scratch, TansuBroker(port=free_port()) as broker:
        demo = replace(embedded_settings(settings, broker.bootstrap_servers), data_dir=scratch)
        print(f"▶ embedded broker on {broker.bootstrap_servers}; starting a worker …", file=sys.stderr)
        clients.ensure_topics(demo)
        log_path = Path(scratch) / "worker.log"
        with open(log_path, "wb") as worker_log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "workers", "worker"],
                env={**os.environ, **to_environment(demo)},
                stdout=worker_log,
                stderr=subprocess.STDOUT,
                cwd=project_dir,
            )
            try:
                started = time.monotonic()
                _produce(demo, articles)
                print(
                    f"▶ produced {len(articles)} articles to {demo.topic_raw}; waiting for enrichment …",
                    file=sys.stderr,
                )
                enriched = _collect(demo, {article["id"] for article in articles}, timeout, worker)
                elapsed = time.monotonic() - started
            except KhabarError:
                print(log_path.read_text(errors="replace")[-4000:], file=sys.stderr)
                raise
            finally:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
    for article in sorted(enriched.values(), key=lambda record: record["id"]):
        print(render(article))
    total = sum(len(article["entities"]) for article in enriched.values())
    print(f"\n✔ {len(enriched)} articles enriched with {total} entities in {elapsed:.1f}s (broker and worker stopped)")
    return 0


def _produce(settings: Settings, articles: Iterable[dict[str, Any]]) -> None:
    producer = clients.producer(settings)
    for article in articles:
        producer.send(settings.topic_raw, key=article["id"].encode(), value=orjson.dumps(article))
    producer.flush()
    producer.close()


def _collect(
    settings: Settings, wanted: set[str], timeout: float, worker: subprocess.Popen[bytes]
) -> dict[str, dict[str, Any]]:
    consumer = clients.consumer(settings, settings.topic_enriched, consumer_timeout_ms=500)
    enriched: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + timeout
    try:
        while not wanted <= enriched.keys():
            if worker.poll() is not None:
                raise KhabarError(f"the worker exited with code {worker.returncode}; its log follows")
            if time.monotonic() > deadline:
                raise KhabarError(f"only {len(enriched)} of {len(wanted)} articles came back within {timeout:.0f}s")
            for message in consumer:
                record = orjson.loads(message.value)
                enriched[record["id"]] = record
    finally:
        consumer.close()
    return enriched


#: Entities shown per article, most salient first; every place on the map is shown as well.
SHOWN_ENTITIES = 12


def render(article: dict[str, Any]) -> str:
    """A few readable lines: id, language, title, the article's countries, and its distinct entities by
    salience, each with its canonical name, how often it is named and where it is when it is a place."""
    language = article["language"]
    lines = [
        "",
        f"━━ {article['id']}  ·  {language['code']} ({language['confidence']:.2f})  ·  "
        f"{article['tokens']['body']} tokens  ·  {article['enrichment']['duration_ms']:.1f} ms",
        f"   {article.get('title') or article['body'][:80]}",
    ]
    if article["countries"]:
        lines.append("   countries: " + ", ".join(article["countries"]))
    entities = article["distinct_entities"]
    shown = entities[:SHOWN_ENTITIES] + [entity for entity in entities[SHOWN_ENTITIES:] if "place" in entity]
    lines.extend(_entity_line(entity) for entity in shown)
    if len(entities) > len(shown):
        lines.append(f"   … and {len(entities) - len(shown)} more")
    if not entities:
        lines.append("   (no entities" + ("" if language["code"] == "ar" else ": no tagger for this language") + ")")
    return "\n".join(lines)


def _entity_line(entity: dict[str, Any]) -> str:
    line = f"   {entity['salience']:.2f}  {entity['type']:<4} {entity['text']}"
    if entity["mention_count"] > 1:
        line += f" ×{entity['mention_count']}"
    if "place" in entity:
        place = entity["place"]
        where = f"{place['name']}, {place['country_code']}" if "country_code" in place else place["name"]
        line += f"  → {where} ({place['latitude']:.2f}°, {place['longitude']:.2f}°)"
    return line
