"""Tokens carry exact offsets into the text they came from."""

from workers.nlp.tokenize import sentences, tokenize


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
    tokens = tokenize(text)
    spans = [" ".join(tokens[index].text for index in sentence) for sentence in sentences(text, tokens)]
    assert spans == ["جملة أولى .", "جملة ثانية ؟", "ثالثة", "رابعة"]


def test_empty_text_has_no_tokens_and_no_sentences() -> None:
    assert tokenize("") == []
    assert list(sentences("", [])) == []
