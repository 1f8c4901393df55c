"""Run a command; print its wall seconds, peak RSS in bytes and exit code as one JSON line.

    python -S lab/bench/peak.py COMMAND [ARG ...]

Run by path, importing only the standard library: on Linux a child's peak RSS (`ru_maxrss`) includes
the memory of the process it was forked from, so the benchmark, which holds a pipeline, measures its
commands through this small process instead of forking them itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(command: list[str]) -> int:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    print(json.dumps({"seconds": seconds, "peak_rss_bytes": usage.ru_maxrss * 1024, "exit": process.returncode}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
