"""Where a live worker spends its time: py-spy samples of the process, summarised.

py-spy reads the worker's stacks from outside (`--pid`, `--nonblocking`: the worker is never
paused), so the worker runs exactly as in production. The raw samples (one collapsed stack a
line, with its count) are kept for a flame graph; the summary gives the functions that were
running (self) and those on the stack (inclusive), as shares of all samples: `_route` is the
enrichment thread's work, `_process` the event loop's part of a batch, and so on.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from workers.errors import KhabarError

#: Samples per second: enough for a 30 s stretch to show 1 % shares, little CPU for py-spy.
SAMPLE_RATE = 100
TOP = 15
_PREFIX = re.compile(r"\((?:[^()]*/)?(?:site-packages|lib/python3\.\d+|workers|lab)/")
_LINE = re.compile(r":\d+\)$")


def py_spy() -> str:
    """The py-spy next to this Python (the dev install) or on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if found is None:
        raise KhabarError("--profile needs py-spy (pip install -e '.[dev]' installs it)")
    return found


class Sampler:
    """py-spy recording process `pid` until `stop`, its raw samples written to `path`."""

    def __init__(self, pid: int, path: Path) -> None:
        self.path = path
        self._process = subprocess.Popen(
            [py_spy(), "record", "--pid", str(pid), "--rate", str(SAMPLE_RATE), "--nonblocking", *raw_output(path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def stop(self) -> dict[str, Any]:
        """End the recording (py-spy writes its file on SIGINT) and summarise it."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        _, errors = self._process.communicate(timeout=60)
        if not self.path.exists():
            raise KhabarError(f"py-spy wrote no samples: {errors.decode(errors='replace').strip()[-500:]}")
        return summarize(self.path.read_text(encoding="utf-8"))


def raw_output(path: Path) -> list[str]:
    """py-spy's options for raw collapsed stacks (one stack a line, with its count) written to `path`."""
    return ["--format", "raw", "--output", str(path)]


def frame_name(frame: str) -> str:
    """`function (module/path.py)` without the line number and the install prefix."""
    return _LINE.sub(")", _PREFIX.sub("(", frame, count=1))


def summarize(raw: str, top: int = TOP) -> dict[str, Any]:
    """Shares of all samples: per running function, and per function on the stack."""
    running: Counter[str] = Counter()
    on_stack: Counter[str] = Counter()
    total = 0
    pending = ""
    for line in raw.splitlines():
        # A frame's name may hold line breaks (a module's docstring read as its name): a sample ends
        # only at a line that ends with its count.
        stack, _, count_text = (pending + line).rpartition(" ")
        if not count_text.isdigit():
            pending += line + "\n"
            continue
        pending = ""
        if not stack:
            continue
        count = int(count_text)
        frames = [frame_name(frame) for frame in stack.split(";")]
        total += count
        running[frames[-1]] += count
        for name in set(frames):
            on_stack[name] += count

    def shares(counter: Counter[str], limit: int) -> list[tuple[str, float]]:
        return [(name, count / total) for name, count in counter.most_common(limit)]

    return {
        "samples": total,
        "self": shares(running, top) if total else [],
        "inclusive": shares(on_stack, 3 * top) if total else [],
    }
