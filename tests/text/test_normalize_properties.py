"""normalize_arabic accepts any string, is idempotent, leaves no diacritic, tatweel, alef variant or
joiner, and is camel-tools' composition exactly on the text without its joiners (ZWNJ, ZWJ), which
camel-tools keeps."""

import re

from hypothesis import example, given
from hypothesis import strategies as st

from lab.camel import camel_tools_normalize_arabic
from tests.strategies import ARABIC_MARKS_AND_VARIANTS, PROPERTY, any_text, mixed_text
from workers.text.normalize import normalize_arabic

FOLDED_AWAY = re.compile("[\u064b-\u0652\u0670\u0640\u0623\u0625\u0622\u0671\u200c\u200d]")
WITHOUT_JOINERS = str.maketrans("", "", "\u200c\u200d")


@PROPERTY
@given(any_text)
def test_leaves_no_diacritic_tatweel_alef_variant_or_joiner(text: str) -> None:
    assert not FOLDED_AWAY.search(normalize_arabic(text))


@PROPERTY
@given(any_text)
@example("\u0649\u0654")
@example("\u0622\u0653")
@example("\u0627\u0640\u0654")
def test_idempotent(text: str) -> None:
    normalized = normalize_arabic(text)
    assert normalize_arabic(normalized) == normalized


# Letters, every mark and variant the steps touch, presentation forms, the two ligatures camel-tools
# spells out, the combining madda and hamzas that compose under NFKC, and the joiners that keep them apart.
normalization_edge_text = mixed_text(
    st.one_of(
        st.characters(min_codepoint=0x600, max_codepoint=0x6FF),
        st.characters(min_codepoint=0xFB50, max_codepoint=0xFDFF),
        st.characters(min_codepoint=0xFE70, max_codepoint=0xFEFC),
        st.sampled_from(
            [*ARABIC_MARKS_AND_VARIANTS, "\ufdfc", "\ufdfd", "\u0653", "\u0654", "\u0655", "\u0649", "\u200c", "\u200d"]
        ),
    ),
    fragments=(
        *ARABIC_MARKS_AND_VARIANTS,
        "\u0649\u0654",
        "\u0627\u0640\u0654",
        "\ufdfd\u0654",
        "\ufef5",
        "\u0627\u200c\u0653",
    ),
)


@PROPERTY
@given(st.one_of(any_text, normalization_edge_text))
@example("\u0649\u0654")
@example("\ufdfc\ufdfd")
@example("\u0622\u0653\u0640\u0654")
@example("\u0649\u200c\u0654 e\u200d\u0301")  # a joiner between a letter and what NFKC would compose with it
def test_is_camel_tools_composition_exactly_once_the_joiners_are_deleted(text: str) -> None:
    assert normalize_arabic(text) == camel_tools_normalize_arabic(text.translate(WITHOUT_JOINERS))
