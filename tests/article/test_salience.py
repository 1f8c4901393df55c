"""Salience: title, lead, frequency and spread, weighed as the module says, in [0, 1]."""

import pytest

from workers.article.entities import Group
from workers.article.salience import salience


def test_an_entity_of_the_title_and_the_lead_outranks_one_that_is_only_frequent() -> None:
    groups = [Group((0, 1), 0), Group((2, 3, 4, 5), 2)]
    positions = [("title", 0), ("body", 0), ("body", 300), ("body", 500), ("body", 700), ("body", 900)]

    headline, frequent = salience(groups, positions, body_length=1000)

    assert headline > frequent


def test_the_score_is_the_documented_weighing() -> None:
    groups = [Group((0, 1, 2), 0), Group((3,), 3)]
    positions = [("title", 5), ("body", 100), ("body", 600), ("body", 900)]

    whole, once = salience(groups, positions, body_length=1000)

    assert whole == pytest.approx(0.40 + 0.25 * 0.9 + 0.25 * 1 + 0.10 * 0.5, abs=1e-4)  # rounded to 4 digits
    assert once == pytest.approx(0.25 * 0.1 + 0.25 / 3, abs=1e-4)


def test_every_score_lies_in_zero_to_one() -> None:
    groups = [Group((0, 1), 0), Group((2,), 2)]
    positions = [("title", 0), ("body", 0), ("title", 9)]

    assert all(0 <= score <= 1 for score in salience(groups, positions, body_length=0))


def test_an_earlier_entity_of_the_body_outranks_a_later_one_mentioned_as_often() -> None:
    early, late = salience([Group((0,), 0), Group((1,), 1)], [("body", 10), ("body", 800)], body_length=1000)
    assert early > late
