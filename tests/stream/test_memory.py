"""Freed memory goes back to the system at most every few seconds, and never where the C library cannot."""

from __future__ import annotations

import pytest

from workers.stream import memory
from workers.stream.memory import MemoryReturner


def test_trims_once_the_interval_passed_and_not_before(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([100.0, 101.0, 106.0, 106.0, 107.0])
    monkeypatch.setattr(memory.time, "monotonic", lambda: next(clock))
    calls: list[int] = []
    returner = MemoryReturner(every=5.0, trim=lambda pad: calls.append(pad) or 1)
    returner()  # 1 s after creation: too soon
    returner()  # 6 s: trims (and notes the time)
    returner()  # 1 s after that: too soon
    assert calls == [0] and returner.trims == 1


def test_without_malloc_trim_it_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_malloc_trim", lambda: None)
    returner = MemoryReturner(every=0.0)
    returner()
    assert returner.trims == 0


def test_the_c_library_of_this_machine_is_found() -> None:
    assert memory._malloc_trim() is not None, "glibc has malloc_trim"
