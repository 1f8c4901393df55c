"""The neural entity tagger: a BiLSTM-CRF over frozen word2vec vectors and lexical resource features.

Each token contributes the pretrained vectors of its normalized form and of its clitic-free stem
(frozen, so words never seen in the labelled data keep their place among the words seen there),
its proclitics, shape, word clusters, gazetteer types and a bag of affixes. The model directory
holds the PyTorch file, its sha256 and a JSON file with training metadata (both checked at every
load by `models.open_model`).
Everything that depends on one token alone is computed once per distinct token and cached.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from workers.ner.features import affix_features, word_shape
from workers.ner.models import open_model
from workers.ner.resources import Resources, load_resources
from workers.text.normalize import normalize_arabic_word

logger = logging.getLogger(__name__)

DEFAULT_MODEL_DIR = Path(__file__).parent / "neural_model"
NEURAL_MODEL_FILE = "model.pt"

TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC")
TAG_IDS = {tag: index for index, tag in enumerate(TAGS)}
GAZETTEER_TYPES = ("PER_first", "PER_last", "PER", "LOC", "ORG")
CLUSTER_LEVELS = 3
PADDING, UNKNOWN = 0, 1
MAX_WORD_CHARS = 32
CACHE_LIMIT = 200_000
INFERENCE_BATCH = 128
# Ids per token: word, stem, clitic, shape, one cluster id per level, then the affixes.
VOCABULARIES = ("words", "clitics", "shapes", "clusters", "affixes")
#: The names of `features.AFFIXES` in the vocabulary of the shipped model (stem ones: ss2, sp2).
AFFIX_NAMES = ("p2", "p3", "s1", "s2", "s3", "ss2", "sp2")
AFFIX_COUNT = len(AFFIX_NAMES)
ID_COLUMNS = 4 + CLUSTER_LEVELS + AFFIX_COUNT


def affixes(word: str, stem: str) -> tuple[str, ...]:
    """The CRF's affix templates (`features.AFFIXES`) under this model's names (AFFIX_NAMES)."""
    return tuple(affix_features(word, stem, AFFIX_NAMES))


@dataclass(frozen=True, slots=True)
class TokenView:
    """What the model reads of one token, before mapping to ids."""

    word: str
    stem: str
    clitic: str
    shape: str
    clusters: tuple[str, ...]
    gazetteer: tuple[float, ...]


def token_view(token: str, resources: Resources) -> TokenView:
    """Normalize a token and look it up in the lexical resources (by its stem, as the CRF does)."""
    word = normalize_arabic_word(token[: MAX_WORD_CHARS * 4])[:MAX_WORD_CHARS]
    clitic, stem = resources.split_proclitic(word)
    clusters = resources.clusters.get(stem, ("",) * CLUSTER_LEVELS)
    types = resources.gazetteer_types(stem)
    return TokenView(
        word, stem, clitic, word_shape(word), clusters, tuple(1.0 if name in types else 0.0 for name in GAZETTEER_TYPES)
    )


def build_vocabulary(items: Iterable[str], min_count: int = 1) -> list[str]:
    """Padding, unknown, then the items seen at least `min_count` times, most frequent first."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    kept = sorted((item for item, count in counts.items() if count >= min_count), key=lambda i: -counts[i])
    return ["<pad>", "<unk>", *kept]


class Encoder:
    """Maps token sequences to the id and feature arrays of a batch, caching per distinct token."""

    def __init__(self, vocabularies: Mapping[str, Sequence[str]], resources: Resources) -> None:
        self.vocabularies = {name: list(vocabularies[name]) for name in VOCABULARIES}
        self._index = {name: {item: i for i, item in enumerate(items)} for name, items in self.vocabularies.items()}
        self._resources = resources
        self._cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def size(self, name: str) -> int:
        return len(self.vocabularies[name])

    def _id(self, name: str, item: str) -> int:
        return self._index[name].get(item, UNKNOWN)

    def _row(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        row = self._cache.get(token)
        if row is None:
            view = token_view(token, self._resources)
            ids = [
                self._id("words", view.word),
                self._id("words", view.stem),
                self._id("clitics", view.clitic),
                self._id("shapes", view.shape),
                *(self._id("clusters", cluster) for cluster in view.clusters),
                *(self._id("affixes", affix) for affix in affixes(view.word, view.stem)),
            ]
            row = (np.array(ids, dtype=np.int64), np.array(view.gazetteer, dtype=np.float32))
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[token] = row
        return row

    def batch(self, sentences: Sequence[Sequence[str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(ids [B, T, ID_COLUMNS], gazetteer flags [B, T, 5], mask [B, T]) for non-empty sentences."""
        longest = max(len(tokens) for tokens in sentences)
        ids = np.zeros((len(sentences), longest, ID_COLUMNS), dtype=np.int64)
        flags = np.zeros((len(sentences), longest, len(GAZETTEER_TYPES)), dtype=np.float32)
        mask = np.zeros((len(sentences), longest), dtype=bool)
        for row, tokens in enumerate(sentences):
            rows = [self._row(token) for token in tokens]
            ids[row, : len(tokens)] = np.stack([r[0] for r in rows])
            flags[row, : len(tokens)] = np.stack([r[1] for r in rows])
            mask[row, : len(tokens)] = True
        return torch.from_numpy(ids), torch.from_numpy(flags), torch.from_numpy(mask)


class LinearChainCrf(nn.Module):
    """Tag transition scores over BiLSTM emissions: keeps I- tags after a B-/I- of their type."""

    def __init__(self, tag_count: int) -> None:
        super().__init__()
        self.transitions = nn.Parameter(torch.zeros(tag_count, tag_count))
        self.start = nn.Parameter(torch.zeros(tag_count))
        self.end = nn.Parameter(torch.zeros(tag_count))

    def negative_log_likelihood(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Summed over the batch: log partition minus the gold path score (masked positions skipped)."""
        gold = self.start[tags[:, 0]] + emissions[:, 0].gather(1, tags[:, :1]).squeeze(1)
        alpha = self.start + emissions[:, 0]
        for step in range(1, emissions.shape[1]):
            live = mask[:, step]
            step_score = self.transitions[tags[:, step - 1], tags[:, step]]
            step_score = step_score + emissions[:, step].gather(1, tags[:, step : step + 1]).squeeze(1)
            gold = gold + step_score * live
            moved = torch.logsumexp(alpha.unsqueeze(2) + self.transitions + emissions[:, step].unsqueeze(1), dim=1)
            alpha = torch.where(live.unsqueeze(1), moved, alpha)
        last = tags.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1)
        gold = gold + self.end[last]
        return (torch.logsumexp(alpha + self.end, dim=1) - gold).sum()

    def decode(self, emissions: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
        """Best tag path per sentence (Viterbi); positions past a sentence's end are meaningless.

        In NumPy: on a few tags per step its small-array operations cost a fraction of torch's.
        """
        scores, live = emissions.numpy(), mask.numpy()[:, :, None]
        transitions, end = self.transitions.detach().numpy(), self.end.detach().numpy()
        batch, steps, tag_count = scores.shape
        score = self.start.detach().numpy() + scores[:, 0]
        stay = np.broadcast_to(np.arange(tag_count), (batch, tag_count))
        backpointers = []
        for step in range(1, steps):
            candidates = score[:, :, None] + transitions
            previous = candidates.argmax(1)
            score = np.where(live[:, step], candidates.max(1) + scores[:, step], score)
            backpointers.append(np.where(live[:, step], previous, stay))
        path = np.empty((batch, steps), dtype=np.int64)
        path[:, -1] = (score + end).argmax(1)
        rows = np.arange(batch)
        for step in range(steps - 1, 0, -1):
            path[:, step - 1] = backpointers[step - 1][rows, path[:, step]]
        return path


@dataclass(frozen=True, slots=True)
class NetworkShape:
    """Sizes that fix the network's parameters (stored with the model)."""

    word_dim: int = 100
    hidden: int = 100
    clitic_dim: int = 8
    shape_dim: int = 8
    cluster_dim: int = 24
    affix_dim: int = 32
    dropout: float = 0.5


class BiLstmCrf(nn.Module):
    """Token features → BiLSTM → per-tag emissions → CRF."""

    def __init__(self, sizes: Mapping[str, int], shape: NetworkShape) -> None:
        super().__init__()
        self.words = nn.Embedding(sizes["words"], shape.word_dim, padding_idx=PADDING)
        self.words.weight.requires_grad_(False)
        self.clitics = nn.Embedding(sizes["clitics"], shape.clitic_dim)
        self.shapes = nn.Embedding(sizes["shapes"], shape.shape_dim)
        self.clusters = nn.Embedding(sizes["clusters"], shape.cluster_dim)
        self.affixes = nn.EmbeddingBag(sizes["affixes"], shape.affix_dim, mode="sum")
        width = (
            2 * shape.word_dim
            + shape.clitic_dim
            + shape.shape_dim
            + CLUSTER_LEVELS * shape.cluster_dim
            + shape.affix_dim
            + len(GAZETTEER_TYPES)
        )
        self.dropout = nn.Dropout(shape.dropout)
        self.lstm = nn.LSTM(width, shape.hidden, batch_first=True, bidirectional=True)
        self.emit = nn.Linear(2 * shape.hidden, len(TAGS))
        self.crf = LinearChainCrf(len(TAGS))

    def emissions(self, ids: torch.Tensor, flags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, steps, _ = ids.shape
        clusters = self.clusters(ids[:, :, 4 : 4 + CLUSTER_LEVELS]).flatten(2)
        affix_bag = self.affixes(ids[:, :, 4 + CLUSTER_LEVELS :].reshape(batch * steps, -1)).view(batch, steps, -1)
        features = torch.cat(
            [
                self.words(ids[:, :, 0]),
                self.words(ids[:, :, 1]),
                self.clitics(ids[:, :, 2]),
                self.shapes(ids[:, :, 3]),
                clusters,
                affix_bag,
                flags,
            ],
            -1,
        )
        features = self.dropout(features)
        if bool(mask.all()):  # no padding (a single sentence): packing would only cost time
            hidden, _ = self.lstm(features)
        else:
            packed = nn.utils.rnn.pack_padded_sequence(features, mask.sum(1), batch_first=True, enforce_sorted=False)
            hidden, _ = self.lstm(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True, total_length=steps)
        emitted: torch.Tensor = self.emit(self.dropout(hidden))
        return emitted

    def loss(self, ids: torch.Tensor, flags: torch.Tensor, mask: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
        """Mean negative log-likelihood per sentence."""
        return self.crf.negative_log_likelihood(self.emissions(ids, flags, mask), tags, mask) / ids.shape[0]

    def predict(self, ids: torch.Tensor, flags: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
        return self.crf.decode(self.emissions(ids, flags, mask), mask)


class NeuralTagger:
    """Tags token sequences with BIO tags over PER, LOC, ORG, MISC; `tag_sentences` batches for speed.

    Runs on one torch thread (set by the caller: `torch.set_num_threads(1)` in a worker).
    """

    name = "neural"

    def __init__(self, network: BiLstmCrf, encoder: Encoder, version: str) -> None:
        self._network = network.eval()
        self._encoder = encoder
        self.version = version

    @classmethod
    def load(cls, path: Path | None = None) -> NeuralTagger:
        """Load the model in directory `path`; without a path, the shipped model (loaded once)."""
        if path is None:
            return _load_default()
        shipped = open_model(path, NEURAL_MODEL_FILE, "neural")
        stored = torch.load(shipped.path, weights_only=True)
        encoder = Encoder(stored["vocabularies"], load_resources())
        network = BiLstmCrf({name: encoder.size(name) for name in VOCABULARIES}, NetworkShape(**stored["shape"]))
        network.load_state_dict({key: value.float() for key, value in stored["state"].items()})
        logger.info("loaded neural entity model %s (sha256 %s)", path, shipped.digest[:12])
        return cls(network, encoder, shipped.version)

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """One BIO tag per token."""
        return self.tag_sentences([tokens])[0]

    @torch.no_grad()
    def tag_sentences(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """Tags for many sentences, batched by length (much faster than one `tag` call each)."""
        results: list[list[str]] = [[] for _ in sentences]
        order = sorted((i for i, tokens in enumerate(sentences) if tokens), key=lambda i: len(sentences[i]))
        for start in range(0, len(order), INFERENCE_BATCH):
            chosen = order[start : start + INFERENCE_BATCH]
            paths = self._network.predict(*self._encoder.batch([sentences[i] for i in chosen]))
            for row, index in enumerate(chosen):
                results[index] = [TAGS[tag] for tag in paths[row, : len(sentences[index])].tolist()]
        return results


@cache
def _load_default() -> NeuralTagger:
    return NeuralTagger.load(DEFAULT_MODEL_DIR)
