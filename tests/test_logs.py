import io
import logging
import threading
import warnings
from collections.abc import Iterator

import orjson
import pytest

from workers import logs


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """Put the root logger and the client loggers back as they were: `logs.configure` is process-wide."""
    root = logging.getLogger()
    quieted = logs.CLIENT_LOGGERS + logs.FRAMEWORK_LOGGERS
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in quieted}
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)
    threading.excepthook = threading.__excepthook__


def record(name: str, message: str, *args: object, level: int = logging.WARNING) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, message, args, None)


def test_text_lines_carry_time_level_logger_and_message(restored_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("info", "text", stream)

    logging.getLogger("workers.stream").info("ready after %.1fs", 1.25)
    logging.getLogger("faust.worker").warning("rebalancing")

    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("INFO    workers.stream: ready after 1.2s")
    assert lines[1].endswith("WARNING faust.worker: rebalancing")


def test_json_lines_are_one_object_each_with_the_exception_when_there_is_one(restored_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("info", "json", stream)

    try:
        raise ValueError("bad offset")
    except ValueError:
        logging.getLogger("workers").exception("commit failed for %s", "raw-0")

    (line,) = stream.getvalue().splitlines()
    entry = orjson.loads(line)
    assert (entry["level"], entry["logger"], entry["message"]) == ("error", "workers", "commit failed for raw-0")
    assert entry["time"].endswith("Z") and "ValueError: bad offset" in entry["exception"]


def test_client_libraries_and_faust_say_only_their_warnings_unless_debugging(restored_logging: None) -> None:
    logs.configure("info", "text", io.StringIO())
    for name in ("aiokafka.conn", "kafka.client", "faust.worker", "mode.services"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
        assert logging.getLogger(name).isEnabledFor(logging.WARNING)
    assert logging.getLogger("workers.stream").isEnabledFor(logging.INFO)

    logs.configure("debug", "text", io.StringIO())
    assert logging.getLogger("kafka.client").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("faust.worker").isEnabledFor(logging.DEBUG)


def test_python_warnings_are_logged_in_the_same_format(restored_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("info", "json", stream)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("old API", DeprecationWarning, stacklevel=1)

    entry = orjson.loads(stream.getvalue())
    assert entry["logger"] == "py.warnings" and "DeprecationWarning: old API" in entry["message"]


def test_an_exception_that_ends_a_thread_is_a_log_record(restored_logging: None) -> None:
    stream = io.StringIO()
    logs.configure("info", "json", stream)

    def fail() -> None:
        raise ConnectionError("broker gone")

    thread = threading.Thread(target=fail, name="kafka-io")
    thread.start()
    thread.join()

    entry = orjson.loads(stream.getvalue())
    assert (entry["logger"], entry["message"]) == (
        "workers.threads",
        "kafka-io ended with ConnectionError: broker gone",
    )
    assert "ConnectionError: broker gone" in entry["exception"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_repeated_client_lines_pass_once_a_window_and_the_next_says_how_many_were_held() -> None:
    clock = Clock()
    summary = logs.RepeatSummary(window=30.0, clock=clock)
    attempts = [record("aiokafka.conn", "Unable to connect to %s: %s", "broker:9092", f"attempt {n}") for n in range(5)]

    passed = []
    for seconds, attempt in zip((0, 5, 10, 29, 31), attempts, strict=True):
        clock.now = seconds
        passed.append(summary.filter(attempt))

    assert passed == [True, False, False, False, True]
    assert attempts[4].getMessage() == "Unable to connect to broker:9092: attempt 4 (3 more like it in the last 31s)"


def test_lines_of_another_kind_or_of_khabar_itself_are_never_held() -> None:
    summary = logs.RepeatSummary(window=30.0, clock=Clock())

    assert summary.filter(record("kafka.conn", "connect to %s failed", "a"))
    assert summary.filter(record("kafka.conn", "node %s is down", "a"))  # another template
    assert summary.filter(record("kafka.conn", "connect to %s failed", "a", level=logging.ERROR))
    assert all(summary.filter(record("workers.stream", "sending failed")) for _ in range(3))
    assert all(summary.filter(record("kafkaesque", "not a client library")) for _ in range(3))
