"""The command line as a user meets it: help that explains, `enrich` that never crashes on bad input."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.cli.run import khabar
from tests.data.malformed_lines import malformed_lines
from workers.contract.schemas import ENRICHED_SCHEMA, schema_errors
from workers.settings import ENVIRONMENT, Settings

DATA = Path(__file__).parents[1] / "data"


def listed_commands(help_text: str) -> dict[str, str]:
    """The commands of `--help`'s COMMAND section (not of its examples), each with its help line."""
    section = help_text.split("\n  COMMAND\n", 1)[1].split("\n\n", 1)[0]
    return dict(re.findall(r"^    (\S+) +(\S.*)$", section, flags=re.MULTILINE))


def test_help_lists_every_command_with_what_it_does() -> None:
    result = khabar("--help")
    assert result.returncode == 0
    listed = listed_commands(result.stdout.decode())
    assert set(listed) == {
        "broker",
        "worker",
        "trends",
        "dashboard",
        "produce",
        "consume",
        "topics",
        "replay",
        "enrich",
        "demo",
    }
    assert all(len(description) > 20 for description in listed.values())


@pytest.mark.parametrize(
    "command", ["broker", "worker", "trends", "dashboard", "produce", "consume", "topics", "replay", "enrich", "demo"]
)
def test_each_command_explains_itself_with_an_example(command: str) -> None:
    result = khabar(command, "--help")
    assert result.returncode == 0
    assert re.search(rf"^examples?:\n  (\S+=\S+ )*khabar {command}\b", result.stdout.decode(), flags=re.MULTILINE)


def test_worker_help_lists_every_setting_with_its_default() -> None:
    listing = khabar("worker", "--help").stdout.decode().split("settings (environment variable, default):\n")[1]
    rows = dict(line.split(maxsplit=1) for line in listing.split("\n\n")[0].splitlines())
    defaults = Settings()
    assert rows == {variable: str(getattr(defaults, name)) or "(none)" for name, variable in ENVIRONMENT.items()}


@pytest.fixture(scope="module")
def enriched_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[bytes], Path, Path]:
    folder = tmp_path_factory.mktemp("enrich")
    odd = (DATA / "odd_articles.jsonl").read_bytes().splitlines()
    bad = [line for _, line in malformed_lines()]
    mixed = folder / "mixed.jsonl"
    mixed.write_bytes(
        b"\n".join(line for pair in zip(odd, bad, strict=False) for line in pair)
        + b"\n"
        + b"\n".join(odd[len(bad) :] + bad[len(odd) :])
        + b"\n\n"
    )
    out, rejected = folder / "enriched.jsonl", folder / "rejected.jsonl"
    result = khabar("enrich", str(mixed), "--out", str(out), "--dead-letter", str(rejected))
    return result, out, rejected


def test_enrich_handles_every_line_and_exits_zero(
    enriched_run: tuple[subprocess.CompletedProcess[bytes], Path, Path],
) -> None:
    result, out, rejected = enriched_run
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert b"Traceback" not in result.stderr
    enriched = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    letters = [orjson.loads(line) for line in rejected.read_bytes().splitlines()]
    odd_ids = [orjson.loads(line)["id"] for line in (DATA / "odd_articles.jsonl").read_bytes().splitlines()]
    assert [record["id"] for record in enriched] == odd_ids
    assert len(letters) == len(malformed_lines())
    assert f"{len(odd_ids)} enriched".encode() in result.stderr


def test_enrich_output_fits_the_schemas_with_exact_offsets(
    enriched_run: tuple[subprocess.CompletedProcess[bytes], Path, Path],
) -> None:
    _, out, rejected = enriched_run
    for line in out.read_bytes().splitlines():
        record = orjson.loads(line)
        assert schema_errors(ENRICHED_SCHEMA, record) == []
        for entity in record["entities"]:
            assert record[entity["field"]][entity["start"] : entity["end"]] == entity["text"]
    for line in rejected.read_bytes().splitlines():
        letter = orjson.loads(line)
        assert schema_errors("dead-letter.v1", letter) == []
        assert letter["source"]["file"].endswith("mixed.jsonl")


def test_enrich_reads_standard_input() -> None:
    result = khabar("enrich", "-", stdin='{"id": "x", "body": "أعلنت وزارة الصحة في بغداد"}\n'.encode())
    assert result.returncode == 0
    assert orjson.loads(result.stdout)["id"] == "x"


def test_enrich_decides_stories_within_the_file_unless_they_are_off() -> None:
    from tests.stories.articles import ORIGINAL, ORIGINAL_TITLE, UNRELATED, UNRELATED_TITLE, body, republished

    title, copy = republished()
    lines = [
        {"id": "original", "title": ORIGINAL_TITLE, "body": body(ORIGINAL)},
        {"id": "copy", "title": title, "body": copy, "source": "another outlet"},
        {"id": "unrelated", "title": UNRELATED_TITLE, "body": body(UNRELATED)},
    ]
    stdin = b"".join(orjson.dumps(line) + b"\n" for line in lines)
    answers = {}
    for stories in ("on", "off"):
        result = khabar("enrich", "-", stdin=stdin, environment={"KHABAR_STORIES": stories})
        assert result.returncode == 0, result.stderr.decode()[-2000:]
        records = [orjson.loads(line) for line in result.stdout.splitlines()]
        answers[stories] = [(record["duplicate_of"], record["story_id"]) for record in records]
    assert answers["on"] == [(None, "original"), ("original", "original"), (None, "unrelated")]
    assert answers["off"] == [(None, None)] * 3


def test_unknown_options_are_refused_in_one_line() -> None:
    result = khabar("consume", "--bogus")
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        "khabar: error: unrecognized arguments: --bogus (see `khabar --help`)"
    ]


def imported_packages(*arguments: str, stdin: bytes = b"") -> set[str]:
    """The top-level packages `khabar <arguments>` imported (Python's -X importtime lists each module)."""
    result = khabar(*arguments, stdin=stdin, python_options=("-X", "importtime"))
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    lines = [line for line in result.stderr.decode().splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip().partition(".")[0] for line in lines[1:]}  # the first is the header


@pytest.mark.parametrize("arguments", [("--help",), ("enrich", "-")], ids=["--help", "enrich"])
def test_commands_that_need_no_broker_import_no_kafka_client_nor_the_progress_bar(arguments: tuple[str, ...]) -> None:
    imported = imported_packages(*arguments, stdin=b'{"id": "x", "body": "text"}\n')
    assert "workers" in imported
    assert imported & {"kafka", "aiokafka", "faust", "tqdm"} == set()


def test_a_reader_that_goes_away_ends_the_command_as_a_broken_pipe_does() -> None:
    """`khabar enrich big.jsonl | head -1`: exit 141 (128 + SIGPIPE) as `cat` would, and no traceback."""
    articles = b"".join(b'{"id": "a-%d", "body": "%s"}\n' % (n, "نص عربي قصير".encode() * 20) for n in range(200))
    process = subprocess.Popen(
        [sys.executable, "-m", "workers", "enrich", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the first line
    _, stderr = process.communicate(articles, timeout=300)
    assert process.returncode == 141, stderr.decode()[-2000:]
    assert b"Traceback" not in stderr
    assert b"Exception ignored" not in stderr
