"""One format for every log line, Khabar's and its libraries': for people (`text`) or log collectors (`json`).

Every record goes through one handler on standard error, so Faust's, aiokafka's and kafka-python's
lines look like Khabar's own. The Kafka clients log every failed connection attempt, which buries
the one line that matters when a broker is away; `RepeatSummary` lets the first of a run through,
holds back the repeats for a while, and appends how many it held to the next one it lets through.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from typing import IO

import orjson

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
#: Client libraries whose INFO lines describe every connection; people need their warnings only.
CLIENT_LOGGERS = ("kafka", "aiokafka")
#: Faust and its service library log every service's start and stop (some 60 lines a run) at INFO;
#: Khabar says itself what matters (pipeline loaded, partitions assigned, progress).
FRAMEWORK_LOGGERS = ("faust", "mode")
#: How long like lines of a client library are held back after the first of a run.
REPEAT_WINDOW_SECONDS = 30.0


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (RFC 3339, UTC), level, logger, message, and the exception if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry).decode()


class RepeatSummary(logging.Filter):
    """Passes one line of each kind (logger, level, message template) per `window` seconds from the
    client libraries, and says on the next line it passes how many it held back."""

    def __init__(
        self,
        loggers: tuple[str, ...] = CLIENT_LOGGERS,
        window: float = REPEAT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._prefixes = loggers
        self._window = window
        self._clock = clock
        #: kind → (when its last line was passed, how many were held back since)
        self._runs: dict[tuple[str, int, str], tuple[float, int]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if not _belongs_to(record.name, self._prefixes):
            return True
        kind = (record.name, record.levelno, str(record.msg))
        now = self._clock()
        passed_at, held = self._runs.get(kind, (-self._window, 0))
        if now - passed_at < self._window:
            self._runs[kind] = (passed_at, held + 1)
            return False
        if held:
            record.msg = f"{record.getMessage()} ({held} more like it in the last {now - passed_at:.0f}s)"
            record.args = None
        self._runs[kind] = (now, 0)
        return True


def _belongs_to(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


def configure(level: str, log_format: str, stream: IO[str] | None = None) -> None:
    """Route every logger through one handler in `log_format` (`text` or `json`) at `level`.

    The client libraries and Faust stay at WARNING unless `level` is debug: their INFO lines narrate
    each connection and each service's start. Python warnings are logged too, in the same format.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RepeatSummary())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in CLIENT_LOGGERS + FRAMEWORK_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING)
    logging.captureWarnings(True)
    threading.excepthook = _log_thread_exception


def _log_thread_exception(failure: threading.ExceptHookArgs) -> None:
    """An exception that ends a thread (a client library's, during a stop with the broker gone) is a
    log record like any other, in the configured format, instead of text on standard error."""
    if failure.exc_type is SystemExit:
        return
    thread = failure.thread.name if failure.thread is not None else "a thread"
    logging.getLogger("workers.threads").error(
        "%s ended with %s: %s",
        thread,
        failure.exc_type.__name__,
        failure.exc_value,
        exc_info=(failure.exc_type, failure.exc_value, failure.exc_traceback)
        if failure.exc_value is not None
        else None,
    )
