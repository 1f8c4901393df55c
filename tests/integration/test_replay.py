"""`khabar replay` on a real broker: dead letters of the chosen kinds go back to the input topic with their
original payload, keyed by the article id; a truncated payload is skipped and counted; --dry-run sends nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from kafka import TopicPartition

from tests.integration.cli import Record, send
from tests.integration.harness import isolated_environment, khabar, read_until
from workers import clients
from workers.contract.records import Rejection, TopicSource
from workers.contract.wire import dead_letter, dead_letter_headers, encode
from workers.settings import Settings

pytestmark = pytest.mark.integration

#: An article that broke the schema (a number for a title), one whose bytes are not UTF-8 (kept as base64),
#: one that took too long, and one too large to keep whole.
SCHEMA = b'{"id": "a-schema", "title": 7, "body": "text"}'
NOT_UTF8 = b'{"id": "a-latin1", "body": "caf\xe9"}'
SLOW = b'{"id": "a-slow", "body": "a long article"}'
LARGE = b'{"id": "a-large", "body": "' + b"x" * 2000 + b'"}'
MAX_BYTES = 1000


@pytest.fixture
def environment(broker: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Khabar's topics, and on the dead-letter topic one letter of each kind above, as the worker writes them."""
    environment = isolated_environment(broker, tmp_path, partitions=2) | {"KHABAR_MAX_RECORD_BYTES": str(MAX_BYTES)}
    settings = Settings.from_env(environment)
    clients.ensure_topics(settings)
    letters = [
        (Rejection("schema", "title: 7 is not of type 'string'", article_id="a-schema"), SCHEMA),
        (Rejection("not_utf8", "not UTF-8: invalid continuation byte at byte 27"), NOT_UTF8),
        (Rejection("enrichment_timeout", "took longer than 10s", article_id="a-slow"), SLOW),
        (Rejection("too_large", f"record is {len(LARGE)} bytes, the limit is {MAX_BYTES}"), LARGE),
    ]
    records = []
    for offset, (rejection, payload) in enumerate(letters):
        source: TopicSource = {"topic": settings.topic_raw, "partition": 0, "offset": offset, "key": f"key-{offset}"}
        letter = dead_letter(rejection, payload, source, MAX_BYTES)
        records.append(Record(encode(letter), partition=offset % 2, headers=dead_letter_headers(letter)))
    send(settings, settings.topic_dead_letter, records)
    return environment


def replayed(environment: dict[str, str], *arguments: str) -> str:
    """The summary line of `khabar replay <arguments>`, which must have succeeded."""
    result = khabar(environment, "replay", *arguments)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    return result.stderr.splitlines()[-1]


def test_every_kind_by_default_the_original_payload_keyed_by_the_article_id(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)

    summary = replayed(environment)

    assert summary == (
        f"sent 3 dead letters to {settings.topic_raw} (1 enrichment_timeout, 1 not_utf8, 1 schema); "
        "skipped 1 with a truncated payload (1 too_large)"
    )
    raw = read_until(settings, settings.topic_raw, lambda records: len(records) >= 3, timeout=60)
    # The not-UTF-8 article had no readable id: it goes back under its original record's key.
    assert {(record.key, record.value) for record in raw} == {
        (b"a-schema", SCHEMA),
        (b"key-1", NOT_UTF8),
        (b"a-slow", SLOW),
    }


def test_only_the_chosen_kinds(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)

    summary = replayed(environment, "--kind", "enrichment_timeout", "--kind", "too_large")

    assert summary == (
        f"sent 1 dead letters to {settings.topic_raw} (1 enrichment_timeout); "
        "skipped 1 with a truncated payload (1 too_large); 2 of other kinds left"
    )
    [record] = read_until(settings, settings.topic_raw, lambda records: len(records) >= 1, timeout=60)
    assert (record.key, record.value) == (b"a-slow", SLOW)


def test_a_dry_run_counts_and_sends_nothing(environment: dict[str, str]) -> None:
    settings = Settings.from_env(environment)

    summary = replayed(environment, "--dry-run", "--kind", "schema")

    assert summary == (
        f"would send 1 dead letters to {settings.topic_raw} (1 schema); skipped 0 with a truncated payload; "
        "3 of other kinds left"
    )
    ends = clients.end_offsets(settings, [TopicPartition(settings.topic_raw, p) for p in range(2)])
    assert set(ends.values()) == {0}


def test_a_record_on_the_dead_letter_topic_that_is_no_dead_letter_is_counted_unreadable(
    environment: dict[str, str],
) -> None:
    settings = Settings.from_env(environment)
    send(settings, settings.topic_dead_letter, [Record(b"not json"), Record(orjson.dumps({"error": {}}))])

    summary = replayed(environment, "--dry-run")

    assert summary.endswith("; 2 unreadable (not a dead-letter record)")
