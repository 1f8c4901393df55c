"""`khabar` run as a user runs it: a child process, its output as bytes."""

from __future__ import annotations

import os
import subprocess
import sys


def khabar(
    *arguments: str,
    stdin: bytes | None = None,
    environment: dict[str, str] | None = None,
    python_options: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[bytes]:
    """`python <python_options> -m workers <arguments>`, with `environment` added to this process's."""
    return subprocess.run(
        [sys.executable, *python_options, "-m", "workers", *arguments],
        input=stdin,
        capture_output=True,
        timeout=300,
        env={**os.environ, **(environment or {})},
        check=False,
    )
