"""Hypothesis strategies shared by the property tests, and their marker.

Text strategies lean towards what breaks text code: Arabic letters and marks next to arbitrary
Unicode, and fragments of markup, entities, line ends and invisible marks that raw articles carry.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st

#: Marks a property: it runs with the Hypothesis profile of the test tier (tests/conftest.py), on 100
#: examples in the fast tier and on 1,000 in the thorough one, which selects it by this marker.
PROPERTY = pytest.mark.property

MAX_TEXT = 200

arabic_block = st.characters(min_codepoint=0x600, max_codepoint=0x6FF)
arabic_letters = st.characters(min_codepoint=0x621, max_codepoint=0x64A)
# Presentation forms decompose under NFKC into letters plus marks: the order-sensitive case.
arabic_presentation_forms = st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFC)
lone_surrogates = st.characters(categories=["Cs"])
# Any character that UTF-8 (and so JSON on the wire) can carry.
encodable = st.characters(codec="utf-8")

# Pieces of raw article text, written for these tests.
MARKUP = (
    "<p>",
    "</p>",
    "<br/>",
    "<div class='x'>",
    "< /li >",
    "<script>var a = 1;</script>",
    "<!-- note -->",
    "<",
    ">",
)
HTML_ENTITIES = ("&amp;", "&lt;", "&gt;", "&nbsp;", "&#x200b;", "&#13;", "&#1601;", "&quot;", "&", ";")
LINE_BREAKS_AND_SPACES = ("\r\n", "\r", "\n", "\n\n\n", "\t", "\xa0", "\u2028", "\u2029", "\x85", " ")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff", "\u00ad", "\u202b", "\u2066", "\x00", "\x1b")
# Tatweel, diacritics, combining madda and hamzas, alef forms, alef maksura, teh marbuta.
ARABIC_MARKS_AND_VARIANTS = (
    *("\u0640", "\u064b", "\u064e", "\u0651", "\u0652", "\u0653", "\u0654", "\u0655", "\u0670"),
    *("أ", "إ", "آ", "ٱ", "ى", "ة"),
)
# Common words, names and places, so that the tagger finds entities now and then.
ARABIC_WORDS = (
    "قال",
    "العميد",
    "في",
    "مدينة",
    "وزارة",
    "الرئيس",
    "محمد",
    "علي",
    "القاهرة",
    "بغداد",
    "تونس",
    "الأمم المتحدة",
)
SENTENCE_ENDS = (".", "؟", "!", "…", "،", "۔")
RAW_FRAGMENTS = (
    *MARKUP,
    *HTML_ENTITIES,
    *LINE_BREAKS_AND_SPACES,
    *INVISIBLE,
    *ARABIC_MARKS_AND_VARIANTS,
    *ARABIC_WORDS,
    *SENTENCE_ENDS,
)


def mostly(usual: st.SearchStrategy[Any], unusual: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Draw from `usual` three times in four, else from `unusual` (`one_of` would merge repeated branches)."""
    return st.sampled_from([usual, usual, usual, unusual]).flatmap(lambda strategy: strategy)


def mixed_text(
    alphabet: st.SearchStrategy[str], max_size: int = MAX_TEXT, fragments: tuple[str, ...] = RAW_FRAGMENTS
) -> st.SearchStrategy[str]:
    """Text from `alphabet` interleaved with `fragments`, at most about `max_size` characters."""
    pieces = st.one_of(st.text(alphabet, max_size=12), st.sampled_from(fragments))
    return st.lists(pieces, max_size=max_size // 6).map("".join).map(lambda text: text[:max_size])


#: Arabic-heavy text mixed with any other character that a JSON record can carry.
arabic_heavy_text = mixed_text(st.one_of(arabic_block, arabic_block, encodable))
#: Runs of Arabic letters between spaces and punctuation: detected as Arabic, so the tagger runs.
arabic_prose = mixed_text(st.one_of(arabic_letters, arabic_letters, st.sampled_from(" ،.")))
#: Any Python string, lone surrogates included.
any_text = mixed_text(st.one_of(arabic_block, arabic_presentation_forms, encodable, lone_surrogates))

# The parts emoji sequences are made of: regional indicators, skin-tone modifiers, zero-width
# joiner, variation selectors, the keycap mark, tag characters, and keycap bases and symbols.
EMOJI_PARTS = st.one_of(
    st.characters(min_codepoint=0x1F1E6, max_codepoint=0x1F1FF),
    st.characters(min_codepoint=0x1F3FB, max_codepoint=0x1F3FF),
    st.characters(min_codepoint=0xE0020, max_codepoint=0xE007F),
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),
    st.sampled_from(("\u200d", "\ufe0f", "\ufe0e", "\u20e3", "#", "*", "0", "9", "©", "®", "™", "↔", "☺")),
)
EMOJI_SEQUENCES = ("1\ufe0f\u20e3", "#\u20e3", "👍🏽", "🇱🇾", "👨\u200d👩\u200d👧", "🏴\U000e0067\U000e007f", "©\u200d©")
#: Emoji sequences, whole and broken, and symbols amid Arabic and any other character.
emoji_and_symbol_text = mixed_text(
    st.one_of(EMOJI_PARTS, EMOJI_PARTS, st.characters(categories=["S", "P"]), encodable),
    fragments=(*RAW_FRAGMENTS, *EMOJI_SEQUENCES),
)

# orjson encodes integers in the 64-bit range only.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)

# Keys of the raw and enriched schemas show up among extra fields, so that wrong types there are
# generated too, and so do strings for the optional raw fields, so that those are often valid.
_RAW_KEYS = ("id", "body", "title", "url", "source", "published_at", "language", "entities", "tokens", "enrichment")
extra_fields = st.dictionaries(
    mostly(st.text(max_size=8), st.sampled_from(_RAW_KEYS)),
    st.one_of(json_values, st.text(max_size=20), st.just("2024-02-29T23:59:60+03:00")),
    max_size=3,
)


@st.composite
def article_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A JSON object with id, body and maybe title as arbitrary text, plus arbitrary extra fields.

    Most have a valid id (1 to 256 characters) and a text title or none, so that most pass the raw
    schema and are enriched.
    """
    article = draw(extra_fields)
    valid_ids = st.one_of(st.text(min_size=1, max_size=24), arabic_heavy_text.filter(bool))
    article["id"] = draw(mostly(valid_ids, st.one_of(st.just(""), st.text(min_size=257, max_size=300))))
    article["body"] = draw(st.one_of(arabic_heavy_text, arabic_prose))
    if draw(st.booleans()):
        titles = st.one_of(arabic_heavy_text, arabic_prose).map(lambda text: text[:60])
        article["title"] = draw(mostly(titles, json_values))
    return article


#: Where an input came from, in both shapes the dead-letter schema allows.
sources = st.one_of(
    st.fixed_dictionaries(
        {
            "topic": st.text(max_size=20),
            "partition": st.integers(min_value=0, max_value=2**31),
            "offset": st.integers(min_value=0, max_value=2**62),
        },
        optional={"key": st.none() | st.text(max_size=20)},
    ),
    st.fixed_dictionaries({"file": st.text(max_size=20), "line": st.integers(min_value=1, max_value=2**40)}),
)
