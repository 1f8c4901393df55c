"""clean_text accepts any string and leaves none of what it promises to remove."""

import re

from hypothesis import example, given
from hypothesis import strategies as st

from tests.strategies import PROPERTY, any_text
from workers.text.clean import clean_text

REMOVED = re.compile("[\r\u200b-\u200f\ufeff]")


@PROPERTY
@given(any_text)
@example("a\ud800b \udfff")
def test_never_raises_and_removes_cr_zero_width_and_bom(text: str) -> None:
    assert not REMOVED.search(clean_text(text))


@PROPERTY
@given(any_text)
@example("<\u200bp>")
@example("&#8203;x")
def test_idempotent_unless_escaped_markup_is_revealed(text: str) -> None:
    """Decoded entities are text («&lt;p&gt;» is published as «<p>»), so only that may change on a second pass."""
    cleaned = clean_text(text)
    if "<" not in cleaned and "&" not in cleaned:
        assert clean_text(cleaned) == cleaned


@PROPERTY
@given(st.lists(st.sampled_from([" ", "\t", "\xa0", "a", "ب", "  ", "\t \xa0"])).map("".join))
def test_every_run_of_spaces_tabs_and_no_break_spaces_becomes_one_space(text: str) -> None:
    words = [word for word in re.split("[ \t\xa0]", text) if word]
    assert clean_text(text) == " ".join(words)
