"""Tokens as character spans of the text that is published.

camel-tools' `simple_word_tokenize` decides where tokens are (whitespace, then every Unicode
punctuation or symbol character and emoji sequence on its own); this module only finds each token's
offsets, so that `text[token.start:token.end] == token.text` holds by construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from camel_tools.tokenizers.word import simple_word_tokenize

SENTENCE_END = frozenset(".!?؟…۔")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its text and its [start, end) offsets in the text it came from."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens with exact offsets."""
    tokens: list[Token] = []
    position = 0
    for piece in simple_word_tokenize(text):
        start = text.index(piece, position)
        position = start + len(piece)
        tokens.append(Token(piece, start, position))
    return tokens


def sentences(text: str, tokens: Sequence[Token]) -> Iterator[range]:
    """Yield index ranges of `tokens` that form sentences.

    A sentence ends after sentence-final punctuation or where a line break separates two tokens,
    so that the tagger sees sentence-sized inputs like those it was trained on.
    """
    begin = 0
    for index, token in enumerate(tokens):
        next_start = tokens[index + 1].start if index + 1 < len(tokens) else len(text)
        if token.text in SENTENCE_END or "\n" in text[token.end : next_start]:
            yield range(begin, index + 1)
            begin = index + 1
    if begin < len(tokens):
        yield range(begin, len(tokens))
