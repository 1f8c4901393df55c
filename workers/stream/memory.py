"""Freed heap memory handed back to the system, so that a worker's resident memory follows its caches.

Enrichment allocates and frees a few megabytes per batch (token lists, feature strings, numpy
arrays); glibc's allocator keeps what is freed for later, scattered over the heap, and the worker's
resident memory drifts tens of megabytes above what it holds. `malloc_trim` gives those pages back.
It takes about 1-2 ms, so it runs at most every TRIM_EVERY_SECONDS, from the enrichment thread at
the end of a batch. On a C library without it (musl, macOS) it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections.abc import Callable

TRIM_EVERY_SECONDS = 5.0


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    except OSError:
        return None


class MemoryReturner:
    """Calls `malloc_trim(0)` when called, if `every` seconds passed since it last did."""

    def __init__(self, every: float = TRIM_EVERY_SECONDS, trim: Callable[[int], int] | None = None) -> None:
        self._trim = trim if trim is not None else _malloc_trim()
        self._every = every
        self._last = time.monotonic()
        self.trims = 0

    def __call__(self) -> None:
        if self._trim is None or time.monotonic() - self._last < self._every:
            return
        self._trim(0)
        self._last = time.monotonic()
        self.trims += 1
