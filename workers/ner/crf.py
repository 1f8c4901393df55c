"""The CRF entity tagger: a CRFsuite model over the features of `features.py`.

The model directory holds the CRFsuite model, its sha256 checksum (checked at every load, so a
truncated or swapped file fails loudly at start-up rather than tagging nonsense) and a small JSON
file with the training metadata, including which feature set and normalizer the model expects
(both checked by `models.open_model`).

Tagging does what CRFsuite's tagger does, with the same floating-point operations in the same order,
so the tags are CRFsuite's (tests compare them with python-crfsuite): a position's score for each
label starts at zero and adds the weight of each of its features the model knows, one after the
other in the order the features are listed; Viterbi then keeps, for each label, the first best
predecessor. What is done differently is only when: a word's own features come first in every
position's list, so their sum is computed once per word type, and the remaining additions and the
Viterbi steps run as numpy operations over all positions of a batch of sentences at once, instead
of passing about forty feature strings per token through python-crfsuite.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workers.errors import ModelFormatError
from workers.ner.features import (
    BIAS,
    BIGRAM_SEPARATOR,
    BOS,
    EOS,
    LENDERS,
    NEXT_BIGRAM,
    PREVIOUS_BIGRAM,
    WINDOW,
    FeatureExtractor,
    Features,
    Lent,
    entry_word,
    make_extractor,
)
from workers.ner.models import open_model
from workers.text.caches import TAGGER_WORDS

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "model"
MODEL_FILE = "model.crfsuite"

#: Word types the tagger keeps computed; past it, the least recently used are forgotten.
WORD_TABLE_LIMIT = TAGGER_WORDS

Scores = npt.NDArray[np.float64]
Ids = npt.NDArray[np.intp]
AttributeIds = npt.NDArray[np.int32]  # 33k attributes: half the memory of intp in the word table

# CRFsuite's model file (crf1d): a header of magic, size, type, version, feature, label and
# attribute counts, and the offsets of the feature array and of the label and attribute string
# tables; all little-endian.
_HEADER = struct.Struct("<4sI4sIIIIIIIII")
_FEATURE_CHUNK = struct.Struct("<4sII")  # chunk id, size, feature count
_FEATURE = np.dtype([("kind", "<u4"), ("source", "<u4"), ("target", "<u4"), ("weight", "<f8")])
_STATE_FEATURE, _TRANSITION_FEATURE = 0, 1
# A string table (CQDB): chunk id, size, flags, byte-order mark, size and offset of the id → string array.
_STRING_TABLE_HEADER = struct.Struct("<4sIIIII")
_BYTE_ORDER_MARK = 0x62445371


@dataclass(frozen=True, slots=True)
class CrfModel:
    """What tagging needs from a CRFsuite model: its labels, its attributes and their weights."""

    labels: tuple[str, ...]
    attribute_ids: dict[str, int]
    #: One row per attribute id, one column per label; one more row of zeros for "no attribute".
    state_weights: Scores
    #: transition_weights[previous, next], zero where the model has no such transition feature.
    transition_weights: Scores

    #: The bigram features as first word -> {second word: id}: those a word has with the word
    #: before it (PREVIOUS_BIGRAM) and with the word after it (NEXT_BIGRAM).
    previous_bigrams: dict[str, dict[str, int]]
    next_bigrams: dict[str, dict[str, int]]

    @property
    def no_attribute(self) -> int:
        """The row of zeros: adding it changes no score."""
        return len(self.attribute_ids)

    @classmethod
    def read(cls, path: Path) -> CrfModel:
        """Read a model file written by CRFsuite (python-crfsuite's Trainer)."""
        buffer = path.read_bytes()
        if len(buffer) < _HEADER.size:
            raise ModelFormatError(f"{path} is too short for a CRFsuite model")
        magic, _, kind, _, _, labels, attributes, features_at, labels_at, attributes_at, *_ = _HEADER.unpack_from(
            buffer
        )
        if magic != b"lCRF" or kind != b"FOMC":
            raise ModelFormatError(f"{path} is not a CRFsuite linear-chain model")
        label_names = _read_strings(buffer, labels_at, labels)
        attribute_names = _read_strings(buffer, attributes_at, attributes)
        # The header's feature count is left at zero by CRFsuite; the feature chunk has the real one.
        chunk, _, features = _FEATURE_CHUNK.unpack_from(buffer, features_at)
        if chunk != b"FEAT":
            raise ModelFormatError(f"{path} has no feature table where its header says")
        table = np.frombuffer(buffer, _FEATURE, count=features, offset=features_at + _FEATURE_CHUNK.size)
        state = table[table["kind"] == _STATE_FEATURE]
        transition = table[table["kind"] == _TRANSITION_FEATURE]
        state_weights = np.zeros((attributes + 1, labels))
        state_weights[state["source"], state["target"]] = state["weight"]
        transition_weights = np.zeros((labels, labels))
        transition_weights[transition["source"], transition["target"]] = transition["weight"]
        ids = {name: index for index, name in enumerate(attribute_names)}
        return cls(
            tuple(label_names),
            ids,
            state_weights,
            transition_weights,
            _bigram_index(ids, PREVIOUS_BIGRAM),
            _bigram_index(ids, NEXT_BIGRAM),
        )


def _bigram_index(ids: dict[str, int], prefix: str) -> dict[str, dict[str, int]]:
    """a -> {b: id} for the features `<prefix><a>|<b>`, under every reading of where a ends (a word
    may hold «|» itself): the pair (a, b) is in it exactly when `<prefix><a>|<b>` is a feature."""
    index: dict[str, dict[str, int]] = {}
    for name, attribute in ids.items():
        if name.startswith(prefix):
            pair = name[len(prefix) :]
            for cut, char in enumerate(pair):
                if char == BIGRAM_SEPARATOR:
                    index.setdefault(pair[:cut], {})[pair[cut + 1 :]] = attribute
    return index


def _read_strings(buffer: bytes, offset: int, count: int) -> list[str]:
    """Strings 0..count-1 of the string table at `offset`: each record is id, size, bytes, NUL."""
    chunk, _, _, byte_order, _, index_at = _STRING_TABLE_HEADER.unpack_from(buffer, offset)
    if chunk != b"CQDB" or byte_order != _BYTE_ORDER_MARK:
        raise ModelFormatError("damaged string table in the CRFsuite model")
    strings = []
    for record in struct.unpack_from(f"<{count}I", buffer, offset + index_at):
        _, size = struct.unpack_from("<II", buffer, offset + record)
        start = offset + record + 8
        strings.append(buffer[start : start + size - 1].decode("utf-8"))
    return strings


class _WordTable:
    """Per word type, one row: the summed weights of its bias and own features, and the ids of the
    known features it lends to its neighbours (padded with the all-zero row).

    Row 0 stands for "no word" (beyond a sentence's ends): it lends nothing.
    """

    def __init__(self, model: CrfModel, extractor: FeatureExtractor, limit: int) -> None:
        self._model = model
        self._extractor = extractor
        self._rows: dict[str, int] = {}
        self.words: list[str] = [""]
        # Per row, the known bigram features whose first word is its word: second word -> id.
        self.previous_bigrams: list[dict[str, int] | None] = [None]
        self.next_bigrams: list[dict[str, int] | None] = [None]
        self.begins_bigrams = np.zeros(1024, dtype=np.bool_)
        self.own_scores: Scores = np.zeros((1024, len(model.labels)))
        # By offset (features.LENDERS), what the word lends to the position that has it there.
        self.lent: dict[int, AttributeIds] = {
            part.offset: np.full((1024, 1), model.no_attribute, dtype=np.int32) for part in LENDERS
        }
        self.limit = limit
        #: Per row, the number of the last batch that used it (`rows` calls are numbered).
        self._used = np.zeros(1024, dtype=np.int64)
        self._batches = 0

    def rows(self, tokens: Sequence[str]) -> Ids:
        """The row of each token of one batch; the words not seen before are added together (one
        numpy pass for all), first making room for them (`_make_room`)."""
        rows = self._rows
        self._batches += 1
        distinct = dict.fromkeys(tokens)
        unseen = [token for token in distinct if token not in rows]
        if unseen:
            seen = [rows[token] for token in distinct if token in rows]
            self._used[seen] = self._batches  # this batch's words are the most recent: they stay
            self._make_room(len(unseen), len(seen))
            self._add(unseen)
            rows = self._rows
        found = np.fromiter((rows[token] for token in tokens), dtype=np.intp, count=len(tokens))
        self._used[found] = self._batches
        return found

    def _make_room(self, count: int, in_use: int) -> None:
        """If `count` more words would pass the limit, forget the least recently used words: all but
        the most recent half of the limit (fewer for a batch of many new words, never the `in_use`
        words of the current batch). A forgotten word is computed again when it comes back, to the
        same values."""
        held = len(self.words) - 1
        if held + count <= self.limit:
            return
        keep = max(in_use, min(self.limit // 2, self.limit - count))
        recent_first = np.argsort(-self._used[1 : held + 1], kind="stable")
        kept = np.sort(recent_first[:keep]) + 1  # in their old order
        new_row = [0] * (held + 1)
        for row, kept_row in enumerate(kept.tolist(), start=1):
            new_row[kept_row] = row
        end = len(kept) + 1
        self.own_scores[1:end] = self.own_scores[kept]
        for table in self.lent.values():
            table[1:end] = table[kept]
        self.begins_bigrams[1:end] = self.begins_bigrams[kept]
        self._used[1:end] = self._used[kept]
        for per_row in (self.words, self.previous_bigrams, self.next_bigrams):
            per_row[1:] = [per_row[row] for row in kept.tolist()]
        self._rows = {token: new_row[row] for token, row in self._rows.items() if new_row[row]}

    def _add(self, tokens: Sequence[str]) -> None:
        entries = [self._extractor.word_entry(token) for token in tokens]
        first = len(self.words)
        end = first + len(entries)
        self._reserve(end)
        model = self._model
        # Each word's own sum from zero, one feature after the other, as CRFsuite adds them.
        own = _padded([self._known([BIAS, *entry.own]) for entry in entries], model.no_attribute)
        self.own_scores[first:end] = _sum_in_order(model.state_weights, own)
        for offset, table in self.lent.items():
            known = _padded([self._known(entry.lent[offset]) for entry in entries], model.no_attribute)
            if known.shape[1] > table.shape[1]:
                padding = np.full((len(table), known.shape[1] - table.shape[1]), model.no_attribute, table.dtype)
                table = self.lent[offset] = np.concatenate([table, padding], axis=1)
            table[first:end] = model.no_attribute
            table[first:end, : known.shape[1]] = known
        for row, (token, entry) in enumerate(zip(tokens, entries, strict=True), start=first):
            word = entry_word(entry)
            self.words.append(word)
            self.previous_bigrams.append(model.previous_bigrams.get(word))
            self.next_bigrams.append(model.next_bigrams.get(word))
            self.begins_bigrams[row] = word in model.previous_bigrams or word in model.next_bigrams
            self._rows[token] = row

    def _reserve(self, rows: int) -> None:
        """Grow the per-row arrays (doubling) until they hold `rows` rows."""
        capacity = len(self.own_scores)
        if rows <= capacity:
            return
        while capacity < rows:
            capacity *= 2
        capacity = max(rows, min(capacity, self.limit + 1))
        extra = capacity - len(self.own_scores)
        self.own_scores = np.concatenate([self.own_scores, np.zeros((extra, self.own_scores.shape[1]))])
        self.lent = {
            offset: np.concatenate([ids, np.full((extra, ids.shape[1]), self._model.no_attribute, ids.dtype)])
            for offset, ids in self.lent.items()
        }
        self.begins_bigrams = np.concatenate([self.begins_bigrams, np.zeros(extra, dtype=np.bool_)])
        self._used = np.concatenate([self._used, np.zeros(extra, dtype=np.int64)])

    def _known(self, features: Features) -> list[int]:
        """Ids of the features the model knows, in order; the others add nothing to any score."""
        known = self._model.attribute_ids.get
        return [attribute for feature in features if (attribute := known(feature)) is not None]


class CrfTagger:
    """Tags a token sequence with BIO tags over PER, LOC, ORG, MISC.

    Not thread-safe (the word table grows as words are seen): use one instance per thread.
    Features are looked up by their Python strings. CRFsuite itself sees C strings (cut at a NUL)
    and python-crfsuite refuses lone surrogates; neither reaches a tagger from the pipeline
    (cleaning drops NULs, JSON cannot carry lone surrogates), and here such a word is simply unknown.
    """

    name = "crf"

    def __init__(
        self, model: CrfModel, extractor: FeatureExtractor, version: str, word_limit: int = WORD_TABLE_LIMIT
    ) -> None:
        self._model = model
        self._table = _WordTable(model, extractor, word_limit)
        ids = model.attribute_ids
        self._bos = ids.get(BOS, model.no_attribute)
        self._eos = ids.get(EOS, model.no_attribute)
        self.version = version

    @classmethod
    def load(cls, path: Path | None = None, word_limit: int = WORD_TABLE_LIMIT) -> CrfTagger:
        """Load the model in directory `path`; without a path, the shipped model (loaded once, with the
        default word limit)."""
        if path is None:
            return _load_default()
        shipped = open_model(path, MODEL_FILE, "crf")
        model = CrfModel.read(shipped.path)
        extractor = make_extractor(shipped.metadata.get("features", {}))
        logger.info("loaded CRF model %s (sha256 %s)", path, shipped.digest[:12])
        return cls(model, extractor, shipped.version, word_limit)

    @property
    def words_held(self) -> int:
        """How many word types the tagger holds computed (at most its word limit, but for one batch's)."""
        return len(self._table.words) - 1

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """One BIO tag per token."""
        return self.tag_sentences([tokens])[0]

    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """One BIO tag per token of each sentence; one batch of numpy operations for all of them."""
        lengths = np.array([len(sentence) for sentence in sentences], dtype=np.intp)
        if not lengths.any():
            return [[] for _ in sentences]
        labels = _viterbi(self.state_scores(sentences), lengths, self._model.transition_weights)
        names = self._model.labels
        tags = [names[label] for label in labels.tolist()]
        bounds = np.concatenate([[0], np.cumsum(lengths)]).tolist()
        return [tags[start:end] for start, end in pairwise(bounds)]

    def state_scores(self, sentences: Sequence[Sequence[str]]) -> Scores:
        """Each token's score per label (one row per token, sentence after sentence)."""
        lengths = np.array([len(sentence) for sentence in sentences], dtype=np.intp)
        rows = self._table.rows([token for sentence in sentences for token in sentence])
        return self._state_scores(rows, lengths)

    def _state_scores(self, rows: Ids, lengths: Ids) -> Scores:
        """Each position's score per label: its word's own sum, then the parts of `features.WINDOW`
        in their order (that of `FeatureExtractor.sentence_features`)."""
        table, weights = self._table, self._model.state_weights
        position = np.arange(len(rows)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        remaining = np.repeat(lengths, lengths) - position - 1
        scores = table.own_scores[rows]
        for_previous, for_next = self._bigrams(rows, position, remaining)
        bigrams = {-1: for_previous, 1: for_next}  # by the offset of the bigram's other word
        steps: list[npt.NDArray[np.integer[Any]]] = []
        for part in WINDOW:
            if isinstance(part, Lent):
                present = position >= -part.offset if part.offset < 0 else remaining >= part.offset
                steps.append(table.lent[part.offset][_neighbours(rows, part.offset, present)])
            else:
                steps.append(bigrams[part.offset][:, None])
        weights_of_column = np.empty_like(scores)
        for attributes in steps:
            for column in np.ascontiguousarray(attributes.T):
                scores += weights.take(column, axis=0, out=weights_of_column)
        return scores

    def _bigrams(self, rows: Ids, position: Ids, remaining: Ids) -> tuple[Ids, Ids]:
        """Per position, the id of its bigram with the previous word (or BOS) and with the next (or EOS)."""
        table, unknown = self._table, self._model.no_attribute
        for_previous = np.where(position == 0, self._bos, unknown)
        for_next = np.where(remaining == 0, self._eos, unknown)
        words, before, after = table.words, table.previous_bigrams, table.next_bigrams
        row_list = rows.tolist()
        for index in np.flatnonzero(table.begins_bigrams[rows] & (remaining >= 1)).tolist():
            first = row_list[index]
            to_previous, to_next = before[first], after[first]
            following = words[row_list[index + 1]]
            if to_previous is not None:
                for_previous[index + 1] = to_previous.get(following, unknown)
            if to_next is not None:
                for_next[index] = to_next.get(following, unknown)
        return for_previous, for_next


def _padded(id_lists: Sequence[list[int]], padding: int) -> AttributeIds:
    """Lists of attribute ids as one matrix, each row filled up with `padding` (the all-zero row)."""
    width = max(map(len, id_lists), default=0)
    padded = [ids + [padding] * (width - len(ids)) for ids in id_lists]
    return np.array(padded, dtype=np.int32).reshape(len(id_lists), width)


def _sum_in_order(weights: Scores, ids: AttributeIds) -> Scores:
    """Per row of `ids`, the sum of those rows of `weights` from zero, added column after column:
    the order CRFsuite adds a position's features in, so the floating-point sums are its own."""
    sums = np.zeros((len(ids), weights.shape[1]))
    for column in ids.T:
        sums += weights[column]
    return sums


def _neighbours(rows: Ids, offset: int, present: npt.NDArray[np.bool_]) -> Ids:
    """The row of the word `offset` positions away in the same sentence, row 0 where there is none."""
    shifted = np.zeros_like(rows)
    if offset < 0:
        shifted[-offset:] = rows[:offset]
    else:
        shifted[:-offset] = rows[offset:]
    shifted[~present] = 0
    return shifted


def _viterbi(scores: Scores, lengths: Ids, transition: Scores) -> Ids:
    """CRFsuite's Viterbi for every sentence at once: the best label per position, ties to the lowest label.

    Sentences are sorted longest first, so that those still running at step t are the first ones.
    The forward pass keeps only the best scores; the way back recomputes, for the label chosen at
    step t only, which predecessor was best (the same sums, so the same choice CRFsuite stores).
    """
    order = np.argsort(-lengths, kind="stable")
    sorted_lengths = lengths[order]
    count, longest, label_count = len(lengths), int(sorted_lengths[0]), transition.shape[0]
    sentence = np.repeat(np.argsort(order), lengths)  # rank of each position's sentence
    position = np.arange(len(scores)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    best = np.zeros((longest, count, label_count))  # [step, sentence, label]
    best[position, sentence] = scores
    running = np.count_nonzero(sorted_lengths[:, None] > np.arange(longest), axis=0).tolist()
    candidates = np.empty((count, label_count, label_count))  # [sentence, previous, next]
    for step in range(1, longest):
        active = running[step]
        np.add(best[step - 1, :active, :, None], transition, out=candidates[:active])
        best[step, :active] += candidates[:active].max(axis=1)
    ends = sorted_lengths - 1
    labels = np.zeros((longest, count), dtype=np.intp)
    everyone = np.arange(count)
    labels[ends, everyone] = best[ends, everyone].argmax(axis=1)
    into = np.ascontiguousarray(transition.T)  # into[next] = the transitions from every label to next
    for step in range(longest - 1, 0, -1):
        active = running[step]
        labels[step - 1, :active] = (best[step - 1, :active] + into[labels[step, :active]]).argmax(axis=1)
    result: Ids = labels[position, sentence]
    return result


@cache
def _load_default() -> CrfTagger:
    return CrfTagger.load(DEFAULT_MODEL_DIR)
