"""`khabar produce` and `khabar consume` against a real broker, as a user runs them."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from tests.data.malformed_lines import malformed_lines
from tests.integration.harness import isolated_environment, khabar, read_until, values
from workers.contract.schemas import schema_errors
from workers.settings import Settings

pytestmark = pytest.mark.integration
SEEDS = Path(__file__).parents[2] / "seeds" / "articles.jsonl"


def test_produce_sends_every_line_and_parks_oversized_ones(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    settings = Settings.from_env(environment)
    seeds = SEEDS.read_bytes().splitlines()
    bad = [line for _, line in malformed_lines()]
    (tmp_path / "input.jsonl").write_bytes(b"\n".join(seeds + bad) + b"\n")

    result = khabar(environment, "produce", str(tmp_path / "input.jsonl"))

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith(f"sent {len(seeds) + len(bad) - 1} records to {settings.topic_raw}")
    assert f"1 too large straight to {settings.topic_dead_letter}" in summary
    raw = read_until(settings, settings.topic_raw, lambda r: len(r) >= len(seeds) + len(bad) - 1, timeout=30)
    assert {record.key for record in raw} >= {orjson.loads(line)["id"].encode() for line in seeds}
    [letter] = values(read_until(settings, settings.topic_dead_letter, lambda r: len(r) >= 1, timeout=30))
    assert schema_errors("dead-letter.v1", letter) == []
    assert letter["error"]["kind"] == "too_large"
    assert letter["source"]["line"] == len(seeds) + len(bad)


def test_consume_prints_json_lines(broker: dict[str, str], tmp_path: Path) -> None:
    environment = isolated_environment(broker, tmp_path)
    assert khabar(environment, "produce", str(SEEDS)).returncode == 0
    settings = Settings.from_env(environment)

    result = khabar(environment, "consume", "--topic", settings.topic_raw, "--max", "3", "--timeout", "10")

    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(isinstance(orjson.loads(line)["id"], str) for line in lines)
    assert "3 records from" in result.stderr
