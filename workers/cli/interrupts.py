"""Ctrl-C for commands that start threads and call client libraries: it must reach the main thread, and
it must land where the command can stop cleanly."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType


@contextlib.contextmanager
def interrupts_for_the_main_thread() -> Iterator[None]:
    """Threads started inside (kafka-python's I/O and sender threads, tqdm's monitor) block SIGINT.

    The kernel hands a process's signal to any thread that does not block it. Python runs the handler in
    the main thread in any case, but only once that thread wakes: a main thread blocked reading a pipe or
    a terminal would wait for the next line before Ctrl-C takes effect.
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class CtrlC:
    """Ctrl-C taken at a command's safe points.

    Python raises KeyboardInterrupt wherever the main thread happens to be: inside a client library's
    call it can leave one of the library's locks held (a close that never returns: seen under load) or
    land between writing records and counting them (a wrong count). While `installed`, Ctrl-C only
    sets `requested`, which the command asks between its steps; inside `waiting()`, around a read of a
    pipe or a terminal that may never return, it is raised at once.
    """

    def __init__(self) -> None:
        self.requested = False
        self._raise_now = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if self._raise_now:
            raise KeyboardInterrupt

    @contextlib.contextmanager
    def installed(self) -> Iterator[CtrlC]:
        previous = signal.signal(signal.SIGINT, self._handle)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextlib.contextmanager
    def waiting(self) -> Iterator[None]:
        """A wait that only Ctrl-C may end: KeyboardInterrupt is raised at once inside it."""
        if self.requested:
            raise KeyboardInterrupt
        self._raise_now = True
        try:
            yield
        finally:
            self._raise_now = False
