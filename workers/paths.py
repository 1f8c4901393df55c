"""Where the project's files are: the checkout, its seeds, and ../shared beside it.

The record schemas ship inside the package: `workers.contract.schemas` reads them as package data.
"""

from __future__ import annotations

import os
from pathlib import Path

import workers


def project_root() -> Path:
    """The directory holding pyproject.toml, workers/, schemas/ and seeds/."""
    return Path(workers.__file__).resolve().parents[1]


def seeds_dir() -> Path:
    """`seeds/` of the checkout, or KHABAR_SEEDS_DIR."""
    return Path(os.environ.get("KHABAR_SEEDS_DIR") or project_root() / "seeds")


def shared_dir() -> Path:
    """The read-only data folder beside the checkout (`../shared`), or KHABAR_SHARED_DIR."""
    return Path(os.environ.get("KHABAR_SHARED_DIR") or project_root().parent / "shared")
