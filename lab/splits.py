"""Dev splits of ANERcorp train as whole consecutive stretches: k folds, each a contiguous share.

ANERcorp has no document boundaries, and a news story repeats its names over many sentences. A dev
split of scattered sentences or short blocks leaves a story's names on both sides and overstates the
score (blocks of 25 sentences: 0.07 F1 above test). Stretches of a fifth of the corpus cut only two
stories each, as the test split (a later, separate part of the corpus) does.

Fold `i` of `k` is sentences [i·n/k, (i+1)·n/k) (rounded down), in corpus order: deterministic,
disjoint, consecutive, and together the whole of train.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_FOLDS = 5


@dataclass(frozen=True, slots=True)
class Fold(Generic[T]):
    """One fold: its number, the held-out stretch [start, stop) and the items either side."""

    index: int
    start: int
    stop: int
    train: list[T]
    held_out: list[T]


def fold_bounds(count: int, folds: int = DEFAULT_FOLDS) -> list[tuple[int, int]]:
    """[start, stop) of each of `folds` consecutive stretches of `count` items, sizes within one."""
    if folds < 2:
        raise ValueError(f"at least 2 folds, got {folds}")
    if count < folds:
        raise ValueError(f"{count} items cannot make {folds} folds")
    cuts = [count * i // folds for i in range(folds + 1)]
    return list(pairwise(cuts))


def consecutive_folds(items: Sequence[T], folds: int = DEFAULT_FOLDS) -> list[Fold[T]]:
    """The `folds` folds of `items`: each holds out one stretch and trains on the rest, in order."""
    return [
        Fold(index, start, stop, [*items[:start], *items[stop:]], list(items[start:stop]))
        for index, (start, stop) in enumerate(fold_bounds(len(items), folds))
    ]
