"""Counts as the commands' summaries print them."""

from __future__ import annotations

from collections import Counter


def by_kind(counts: Counter[str]) -> str:
    """`3 not_json, 1 schema`: each kind's count, kinds in alphabetical order."""
    return ", ".join(f"{count} {kind}" for kind, count in sorted(counts.items()))
