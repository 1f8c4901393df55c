"""Every ordinary mistake is one `khabar: error:` line on standard error and exit status 2, never a traceback.

The mistakes that need a running broker to be made (a topic it does not have) are in
tests/integration/test_cli_commands.py; no broker at all is here, on a port nothing listens on.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from pathlib import Path
from typing import NoReturn

import pytest

from tests.cli.run import khabar
from workers.brokers import free_port
from workers.cli import files, main
from workers.ner.crf import DEFAULT_MODEL_DIR

ARTICLE = (
    b'{"id": "a-1", "body": "\xd8\xa3\xd8\xb9\xd9\x84\xd9\x86\xd8\xaa \xd9\x88\xd8\xb2\xd8\xa7\xd8\xb1\xd8\xa9"}\n'
)


def error_lines(arguments: tuple[str, ...], environment: dict[str, str] | None = None) -> list[str]:
    """Standard error of `khabar <arguments>`, which must have exited 2 without a traceback."""
    result = khabar(*arguments, stdin=b"", environment=environment)
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr[-2000:]
    assert "Traceback" not in stderr
    return stderr.splitlines()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_bytes(ARTICLE)
    return path


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("enrich", "{tmp}/missing.jsonl"), "cannot read {tmp}/missing.jsonl: No such file or directory"),
        (("enrich", "{tmp}"), "cannot read {tmp}: Is a directory"),
        (("produce", "{tmp}/missing.jsonl"), "cannot read {tmp}/missing.jsonl: No such file or directory"),
        (
            ("enrich", "{article}", "--out", "{tmp}/no/out.jsonl"),
            "cannot write {tmp}/no/out.jsonl: No such file or directory",
        ),
        (("enrich", "{article}", "--out", "{tmp}"), "cannot write {tmp}: Is a directory"),
        (
            ("enrich", "{article}", "--dead-letter", "{tmp}/no/rejected.jsonl"),
            "cannot write {tmp}/no/rejected.jsonl: No such file or directory",
        ),
    ],
    ids=[
        "missing input",
        "directory as input",
        "produce: missing input",
        "out in a missing folder",
        "out a directory",
        "dead-letter in a missing folder",
    ],
)
def test_a_file_that_cannot_be_read_or_written(
    tmp_path: Path, article: Path, arguments: tuple[str, ...], expected: str
) -> None:
    filled = tuple(argument.format(tmp=tmp_path, article=article) for argument in arguments)
    assert error_lines(filled) == [f"khabar: error: {expected.format(tmp=tmp_path)}"]


def test_an_unreadable_input(
    article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As a user without read permission meets it (the tests may run as root, who reads any file)."""

    def refused(path: str, mode: str) -> NoReturn:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), path)

    monkeypatch.setattr(files, "open", refused, raising=False)

    assert main(["enrich", str(article)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"khabar: error: cannot read {article}: Permission denied"]


@pytest.mark.parametrize(
    ("arguments", "environment", "expected"),
    [
        (
            ("--log-level", "loud", "enrich", "-"),
            {},
            "argument --log-level: invalid choice: 'loud' (choose from 'debug', 'info', 'warning', 'error') "
            "(see `khabar --help`)",
        ),
        (
            ("enrich", "-"),
            {"KHABAR_LOG_LEVEL": "loud"},
            "KHABAR_LOG_LEVEL must be one of debug, info, warning, error, got 'loud'",
        ),
        (
            ("consume",),
            {"KAFKA_SECURITY_PROTOCOL": "TLS"},
            "KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got 'TLS'",
        ),
        (
            ("produce", "-"),
            {"KAFKA_SASL_MECHANISM": "GSSAPI"},
            "KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got 'GSSAPI'",
        ),
        (
            ("topics",),
            {"KAFKA_BOOTSTRAP_SERVERS": "localhost:abc"},
            "KAFKA_BOOTSTRAP_SERVERS: 'localhost:abc' is not host:port (the port 'abc')",
        ),
    ],
    ids=[
        "--log-level",
        "KHABAR_LOG_LEVEL",
        "KAFKA_SECURITY_PROTOCOL",
        "KAFKA_SASL_MECHANISM",
        "KAFKA_BOOTSTRAP_SERVERS",
    ],
)
def test_a_setting_out_of_its_choices(arguments: tuple[str, ...], environment: dict[str, str], expected: str) -> None:
    assert error_lines(arguments, environment) == [f"khabar: error: {expected}"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (("consume", "--max", "-1"), "argument --max: must be 0 or more, got -1 (see `khabar consume --help`)"),
        (
            ("broker", "--port", "99999"),
            "argument --port: must be a port from 1 to 65535, got 99999 (see `khabar broker --help`)",
        ),
        (
            ("consume", "--timeout", "-1"),
            "argument --timeout: must be 0 or more seconds, got -1 (see `khabar consume --help`)",
        ),
        (
            ("consume", "--offset", "3"),
            "argument --offset: needs --partition (an offset is a position in one partition) "
            "(see `khabar consume --help`)",
        ),
        (
            ("consume", "--group", "audit", "--partition", "1"),
            "argument --group: not allowed with --partition (the group assigns the partitions) "
            "(see `khabar consume --help`)",
        ),
        (
            ("consume", "--follow", "--timeout", "3"),
            "argument --timeout: not allowed with argument --follow (see `khabar consume --help`)",
        ),
    ],
    ids=[
        "negative --max",
        "--port out of range",
        "negative --timeout",
        "--offset without --partition",
        "--group with --partition",
        "--follow with --timeout",
    ],
)
def test_options_that_cannot_hold(arguments: tuple[str, ...], expected: str) -> None:
    assert error_lines(arguments) == [f"khabar: error: {expected}"]


def test_a_replay_of_a_kind_that_does_not_exist() -> None:
    [line] = error_lines(("replay", "--kind", "bogus"))
    assert line.startswith("khabar: error: argument --kind: invalid choice: 'bogus' (choose from 'too_large', ")


def test_a_tampered_model(tmp_path: Path, article: Path) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    with open(model / "model.crfsuite", "ab") as weights:
        weights.write(b"\0")
    [line] = error_lines(("enrich", str(article)), {"KHABAR_TAGGER_MODEL": str(model)})
    assert line.startswith(f"khabar: error: model {model}/model.crfsuite has sha256 ")
    assert line.endswith("the file is damaged or was replaced without retraining")


@pytest.mark.parametrize(
    "arguments",
    [("produce", "-"), ("consume",), ("topics",), ("replay",), ("worker",), ("trends",)],
    ids=lambda arguments: arguments[0],
)
def test_no_broker_is_one_clear_line_within_the_connect_timeout(arguments: tuple[str, ...]) -> None:
    nobody = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    lines = error_lines(arguments, {"KAFKA_BOOTSTRAP_SERVERS": nobody, "KHABAR_CONNECT_TIMEOUT": "2"})
    seconds = time.monotonic() - started
    expected = (
        f"khabar: error: no broker answered at {nobody} within 2s (KAFKA_BOOTSTRAP_SERVERS, KHABAR_CONNECT_TIMEOUT): "
        "is it running?"
    )
    assert lines[-1] == expected
    assert len(lines) <= 2, lines  # at most one line of the client library's besides
    # The wait plus the interpreter's start and imports (the worker's take seconds on a loaded machine).
    assert seconds < 2 + 15
