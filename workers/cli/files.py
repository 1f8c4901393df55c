"""The files a command reads and writes, opened so that every ordinary mistake is one error line."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from workers.errors import KhabarError

#: The path that names standard input (or output), as in most Unix tools.
STANDARD_STREAM = "-"


class FileError(KhabarError):
    """An input that cannot be read or an output that cannot be written: missing, a directory, no permission."""


@contextlib.contextmanager
def open_input(path: str) -> Iterator[IO[bytes]]:
    """`path` opened for reading (`-`: standard input)."""
    if path == STANDARD_STREAM:
        yield sys.stdin.buffer
        return
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; only the open is turned into a FileError
    except OSError as error:
        raise FileError(f"cannot read {path}: {error.strerror}") from None
    with handle:
        yield handle


@contextlib.contextmanager
def open_output(path: str | None, default: IO[bytes]) -> Iterator[IO[bytes]]:
    """`path` opened for writing, `default` when it is None or `-`."""
    if path is None or path == STANDARD_STREAM:
        yield default
        return
    try:
        handle = open(path, "wb")  # noqa: SIM115 - closed below; only the open is turned into a FileError
    except OSError as error:
        raise FileError(f"cannot write {path}: {error.strerror}") from None
    with handle:
        yield handle


def file_size(handle: IO[bytes]) -> int | None:
    """The size of a regular file; None for a pipe or a terminal, which have no size to show progress against."""
    status = os.fstat(handle.fileno())
    return status.st_size if stat.S_ISREG(status.st_mode) else None


def numbered_lines(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """Non-blank lines with their 1-based line numbers, line ends removed."""
    for number, line in enumerate(lines, start=1):
        line = line.rstrip(b"\r\n")
        if line.strip():
            yield number, line
