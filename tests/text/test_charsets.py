"""The character classes agree with camel-tools', the oracle they were written to reproduce."""

from __future__ import annotations

import sys

from lab.camel import AR_DIAC_CHARSET, EMOJI_ALL_CHARSET, UNICODE_PUNCT_SYMBOL_CHARSET, simple_word_tokenize
from workers.text.charsets import ARABIC_DIACRITICS, INVISIBLE, JOINERS, is_symbol
from workers.text.clean import clean_text
from workers.text.tokenize import split_tokens


def test_every_code_point_is_a_symbol_exactly_when_camel_tools_splits_it_off() -> None:
    camel_symbols = UNICODE_PUNCT_SYMBOL_CHARSET | EMOJI_ALL_CHARSET
    disagreements = [
        hex(code) for code in range(sys.maxunicode + 1) if is_symbol(chr(code)) != (chr(code) in camel_symbols)
    ]
    assert disagreements == []


def test_every_listed_emoji_sequence_tokenizes_as_camel_tools_tokenizes_it() -> None:
    """Most are one token; a bare keycap («8» + U+20E3) stays one word and «#» + U+20E3 splits, in both."""
    assert all(is_symbol(sequence) for sequence in EMOJI_ALL_CHARSET)
    differing = [
        ascii(sequence)
        for sequence in EMOJI_ALL_CHARSET
        if split_tokens(f"x{sequence}y").texts != simple_word_tokenize(f"x{sequence}y")
    ]
    assert differing == []


def test_every_listed_emoji_sequence_is_published_whole_and_tokenized_as_camel_tools_does() -> None:
    """The pipeline tokenizes the cleaned text: cleaning keeps every sequence (its ZWJ, variation
    selectors and tags included), so the tokens of the published text are camel-tools' tokens of it."""
    broken = [ascii(sequence) for sequence in EMOJI_ALL_CHARSET if clean_text(f"x{sequence}y") != f"x{sequence}y"]
    assert broken == []
    family = clean_text("عائلة \U0001f468\u200d\U0001f469\u200d\U0001f467!")
    assert (
        split_tokens(family).texts
        == simple_word_tokenize(family)
        == ["عائلة", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "!"]
    )


def test_letters_digits_and_unlisted_sequences_are_not_symbols() -> None:
    assert not is_symbol("ب")
    assert not is_symbol("7")
    assert not is_symbol("،ب")  # a comma and a letter: two tokens, not one symbol


def test_diacritics_are_camel_tools_dediacritization_set() -> None:
    assert ARABIC_DIACRITICS == AR_DIAC_CHARSET


def test_invisible_marks_include_the_bidi_isolates() -> None:
    isolates = "\u2066\u2067\u2068\u2069"
    assert INVISIBLE.sub("", f"a{isolates}\u200fb\u00ad") == "ab"


def test_the_joiners_are_not_invisible_marks() -> None:
    assert JOINERS == "\u200c\u200d"
    assert INVISIBLE.sub("", f"a\u200b{JOINERS}\u2060b") == f"a{JOINERS}b"
