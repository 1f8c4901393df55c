"""Tokens carry exact offsets into the text they came from."""

import pytest
from camel_tools.tokenizers.word import simple_word_tokenize

from workers.text.tokenize import Tokens, sentences, split_tokens, tokenize


def test_offsets_round_trip() -> None:
    text = "قال العميد خالد المحجوب، إن «الغرفة» تعمل.وبحسب 👍🏽 بيان 2026!"
    tokens = tokenize(text)
    assert all(text[token.start : token.end] == token.text for token in tokens)
    assert [token.text for token in tokens][:5] == ["قال", "العميد", "خالد", "المحجوب", "،"]


def test_punctuation_and_emoji_are_tokens_of_their_own() -> None:
    assert [token.text for token in tokenize("سرت،ليبيا👍🏽!")] == ["سرت", "،", "ليبيا", "👍🏽", "!"]


def test_repeated_words_get_their_own_offsets() -> None:
    tokens = tokenize("سرت سرت سرت")
    assert [token.start for token in tokens] == [0, 4, 8]


def test_sentences_end_at_final_punctuation_and_line_breaks() -> None:
    text = "جملة أولى. جملة ثانية؟ ثالثة\nرابعة"
    tokens = split_tokens(text)
    spans = [" ".join(tokens.texts[index] for index in sentence) for sentence in sentences(text, tokens)]
    assert spans == ["جملة أولى .", "جملة ثانية ؟", "ثالثة", "رابعة"]


def test_empty_text_has_no_tokens_and_no_sentences() -> None:
    assert tokenize("") == []
    assert split_tokens("") == Tokens([], [], [])
    assert list(sentences("", split_tokens(""))) == []


@pytest.mark.parametrize(
    "text",
    [
        "👨\u200d👩\u200d👧 عائلة",  # a ZWJ family sequence is one token
        "🇱🇾🇹🇳ليبيا",  # two flags (regional indicator pairs), then a word
        "🇱",  # a lone regional indicator
        "1\ufe0f\u20e3 #\u20e3 *",  # keycaps, whole and without the variation selector
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f!",  # a tag sequence (Scotland)
        "a©\u200d©b",  # a ZWJ sequence camel-tools does not know: «©» stays inside the word
        "٢٠٢٦٫٥% $100 ١٢:٣٠",  # digits stay whole, symbols and punctuation split off
        "«القدس»—(غزة)…؟!",  # Arabic and typographic punctuation
        "x\x1cy\x1fz\u3000w\u202fv\x85u",  # separators that str.split() counts as whitespace
        "\u200b\u200dمرحبا\u200c",  # zero-width characters are not whitespace
        "Ω≠∑ ℃ ₪ ﷼ ﷽",  # symbols of several blocks
        "",
        "   \n\t ",
    ],
)
def test_tokens_are_those_of_camel_tools(text: str) -> None:
    tokens = tokenize(text)
    assert [token.text for token in tokens] == simple_word_tokenize(text)
    assert split_tokens(text) == Tokens([t.text for t in tokens], [t.start for t in tokens], [t.end for t in tokens])
    assert all(text[token.start : token.end] == token.text for token in tokens)
