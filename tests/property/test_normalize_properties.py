"""normalize_arabic accepts any string, is idempotent, and leaves no diacritic, tatweel or alef variant."""

import re

from hypothesis import example, given
from khabar_strategies import THOROUGH, any_text

from workers.nlp.normalize import normalize_arabic

FOLDED_AWAY = re.compile("[\u064b-\u0652\u0670\u0640\u0623\u0625\u0622\u0671]")


@THOROUGH
@given(any_text)
def test_leaves_no_diacritic_tatweel_or_alef_variant(text: str) -> None:
    assert not FOLDED_AWAY.search(normalize_arabic(text))


@THOROUGH
@given(any_text)
@example("\u0649\u0654")
@example("\u0622\u0653")
@example("\u0627\u0640\u0654")
def test_idempotent(text: str) -> None:
    normalized = normalize_arabic(text)
    assert normalize_arabic(normalized) == normalized
