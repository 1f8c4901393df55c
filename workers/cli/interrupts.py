"""Ctrl-C for a command that starts threads: the signal must reach the main thread to interrupt it."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator


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
