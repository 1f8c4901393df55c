from collections import Counter

from workers.cli.counts import by_kind


def test_counts_are_listed_by_kind_in_alphabetical_order() -> None:
    assert by_kind(Counter({"schema": 1, "not_json": 3})) == "3 not_json, 1 schema"
    assert by_kind(Counter()) == ""
