"""Consecutive folds: each holds out one stretch in one piece; together they are the whole of train."""

from __future__ import annotations

import pytest

from lab.splits import consecutive_folds, fold_bounds


def test_folds_are_consecutive_disjoint_and_cover_every_item() -> None:
    items = list(range(3973))
    folds = consecutive_folds(items, 5)
    assert len(folds) == 5
    held_out = [fold.held_out for fold in folds]
    for fold, stretch in zip(folds, held_out, strict=True):
        assert stretch == list(range(fold.start, fold.stop))  # one piece, in corpus order
        assert fold.train == [item for item in items if not fold.start <= item < fold.stop]
    assert [item for stretch in held_out for item in stretch] == items  # disjoint, and all of them
    assert max(map(len, held_out)) - min(map(len, held_out)) <= 1


def test_folds_are_deterministic() -> None:
    items = [f"s{i}" for i in range(101)]
    assert consecutive_folds(items, 4) == consecutive_folds(list(items), 4)
    assert fold_bounds(101, 4) == [(0, 25), (25, 50), (50, 75), (75, 101)]


def test_the_default_is_five_folds_of_a_fifth() -> None:
    assert fold_bounds(100) == [(0, 20), (20, 40), (40, 60), (60, 80), (80, 100)]


@pytest.mark.parametrize(("count", "folds"), [(10, 1), (3, 5)])
def test_too_few_folds_or_items_is_an_error(count: int, folds: int) -> None:
    with pytest.raises(ValueError):
        fold_bounds(count, folds)
