"""Tokens as character spans of the text that is published.

The split points are camel-tools' `simple_word_tokenize`: whitespace (as `str.split` sees it),
then every Unicode punctuation or symbol character and emoji sequence on its own. camel-tools
returns strings only and tries its symbol pattern at every character of every word; here one
split finds the words and their offsets, and the symbol pattern is only tried where it can match,
so `text[token.start:token.end] == token.text` holds by construction and the tokens are the same
(a property test compares the two on random text).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate
from typing import NamedTuple

from workers.text.charsets import SYMBOL_CANDIDATE, SYMBOL_START, is_symbol

SENTENCE_END = frozenset(".!?؟…۔")

# `\s` of `re` is `str.isspace`, the whitespace `str.split()` splits on.
_WHITESPACE_RUNS = re.compile(r"(\s+)")
_LINE_BREAK = re.compile("\n")


class Token(NamedTuple):
    """One token: its text and its [start, end) offsets in the text it came from."""

    text: str
    start: int
    end: int


class Tokens(NamedTuple):
    """The tokens of a text as three parallel lists (what the pipeline needs, without an object per token)."""

    texts: list[str]
    starts: list[int]
    ends: list[int]


def tokenize(text: str) -> list[Token]:
    """Split `text` into tokens with exact offsets, one `Token` each."""
    return list(map(Token, *split_tokens(text)))


def split_tokens(text: str) -> Tokens:
    """Split `text` into tokens with exact offsets.

    Words (runs of non-whitespace) and their offsets come from one split; a word is cut further only
    if it is longer than one character and holds a character a symbol can start with (a single
    character is one token either way).
    """
    parts = _WHITESPACE_RUNS.split(text)  # word, space, word, ..., word (the first and last may be "")
    bounds = list(accumulate(map(len, parts), initial=0))
    tokens = Tokens(parts[0::2], bounds[0::2], bounds[1::2])
    to_split = sorted(
        {
            word
            for word in (bisect_right(tokens.starts, symbol.start()) - 1 for symbol in SYMBOL_START.finditer(text))
            if tokens.ends[word] - tokens.starts[word] > 1
        }
    )
    if to_split:
        tokens = _with_symbols_split(text, tokens, to_split)
    first = 0 if tokens.texts[0] else 1
    stop = len(tokens.texts) if tokens.texts[-1] else len(tokens.texts) - 1
    if (first, stop) != (0, len(tokens.texts)):  # text began or ended with whitespace
        tokens = Tokens(tokens.texts[first:stop], tokens.starts[first:stop], tokens.ends[first:stop])
    return tokens


def _with_symbols_split(text: str, words: Tokens, to_split: list[int]) -> Tokens:
    """`words` with each word of `to_split` replaced by its pieces (see `_split_symbols`)."""
    texts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    done = 0
    for word in to_split:
        texts += words.texts[done:word]
        starts += words.starts[done:word]
        ends += words.ends[done:word]
        for piece in _split_symbols(text, words.starts[word], words.ends[word]):
            texts.append(piece.text)
            starts.append(piece.start)
            ends.append(piece.end)
        done = word + 1
    texts += words.texts[done:]
    starts += words.starts[done:]
    ends += words.ends[done:]
    return Tokens(texts, starts, ends)


def _split_symbols(text: str, start: int, end: int) -> Iterator[Token]:
    """The tokens of the word text[start:end]: symbols and emoji sequences, and the pieces between them."""
    piece_start = resume = start
    for candidate in SYMBOL_START.finditer(text, start, end):
        position = candidate.start()
        if position < resume:
            continue  # inside the symbol just split off
        symbol = SYMBOL_CANDIDATE.match(text, position, end)
        if symbol is None or not is_symbol(symbol[0]):
            continue
        if position > piece_start:
            yield Token(text[piece_start:position], piece_start, position)
        resume = symbol.end()
        yield Token(symbol[0], position, resume)
        piece_start = resume
    if piece_start < end:
        yield Token(text[piece_start:end], piece_start, end)


def sentences(text: str, tokens: Tokens) -> Iterator[range]:
    """Yield index ranges of `tokens` that form sentences.

    A sentence ends after sentence-final punctuation or where a line break separates two tokens,
    so that the tagger sees sentence-sized inputs like those it was trained on.
    """
    last = len(tokens.texts) - 1
    breaks = {index for index, piece in enumerate(tokens.texts) if piece in SENTENCE_END}
    # A line break lies after the last token that ends before it (tokens hold no whitespace).
    breaks.update(bisect_right(tokens.ends, line_break.start()) - 1 for line_break in _LINE_BREAK.finditer(text))
    begin = 0
    for index in sorted(breaks):
        if 0 <= index < last:
            yield range(begin, index + 1)
            begin = index + 1
    if begin <= last:
        yield range(begin, last + 1)
