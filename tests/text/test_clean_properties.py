"""clean_text accepts any string, leaves none of what it promises to remove, and keeps the joiners
(ZWNJ, ZWJ) where they join something."""

import re

from hypothesis import assume, example, given
from hypothesis import strategies as st

from tests.strategies import PROPERTY, any_text
from workers.text.clean import clean_text

REMOVED = re.compile("[\r\u200b\u200e\u200f\u2060\ufeff]")
JOINERS = "\u200c\u200d"
WITHOUT_JOINERS = str.maketrans("", "", JOINERS)
# A joiner after the «<» or «&» that would begin a tag or an entity: «<\u200cp>» is text, «<p>» a tag.
JOINER_IN_MARKUP = re.compile(f"[<&][^<>&;]*[{JOINERS}]")


@PROPERTY
@given(any_text)
@example("a\ud800b \udfff")
def test_never_raises_and_removes_cr_zero_width_space_bidi_marks_word_joiner_and_bom(text: str) -> None:
    assert not REMOVED.search(clean_text(text))


@PROPERTY
@given(any_text)
@example("a \u200c b\u200d\n\u200c")
@example("<b>\u200c</b>x\u200c<br>")
def test_joiners_change_nothing_else_and_go_only_where_they_join_nothing(text: str) -> None:
    """Without its joiners, the cleaned text is the cleaned text without joiners (what cleaning gave
    when it removed them); a joiner it keeps touches a character that is not whitespace."""
    assume(not JOINER_IN_MARKUP.search(text))
    cleaned = clean_text(text)
    assert cleaned.translate(WITHOUT_JOINERS) == clean_text(text.translate(WITHOUT_JOINERS))
    assert not re.search(f"(?<!\\S)[{JOINERS}]+(?!\\S)", cleaned)


@PROPERTY
@given(any_text, st.sampled_from(["\u200c", "\u200d", "\u200c\u200d"]))
def test_a_joiner_between_two_letters_is_kept(text: str, joiners: str) -> None:
    word = f"بهره{joiners}برداری"
    around = text.replace("<", "")  # no tag or comment may enclose the word
    assert word in clean_text(f"{around} {word} {around}")


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
