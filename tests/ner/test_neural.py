"""The neural tagger: a tiny training run, the saved model's round trip, tag shape, checksum check,
and the shipped model on one news sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the neural tagger needs torch: pip install 'khabar[neural]'")

import numpy as np
from gensim.models import KeyedVectors

from lab.corpora import Sentence
from lab.train_neural import build_encoder, pretrained_matrix, save_model, train_network
from workers.errors import ModelIntegrityError
from workers.ner import BatchTagger
from workers.ner.neural import (
    NEURAL_MODEL_FILE,
    TAGS,
    VOCABULARIES,
    BiLstmCrf,
    NetworkShape,
    NeuralTagger,
)
from workers.ner.resources import load_resources
from workers.ner.spans import bio_spans
from workers.text.tokenize import tokenize

SENTENCES = [
    Sentence(("زار", "محمد", "القاهرة", "امس"), ("O", "B-PER", "B-LOC", "O")),
    Sentence(("قالت", "وزارة", "الخارجية", "في", "بيروت"), ("O", "B-ORG", "I-ORG", "O", "B-LOC")),
    Sentence(("وصل", "احمد", "علي", "الى", "دمشق", "."), ("O", "B-PER", "I-PER", "O", "B-LOC", "O")),
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[NeuralTagger, Path]:
    """A model trained for two epochs on three sentences, with made-up 8-dimensional vectors:
    the tagger in memory, and the directory it was saved to."""
    torch.manual_seed(0)
    words = ["محمد", "القاهره", "وزاره", "في", "الي", "دمشق"]
    vectors = KeyedVectors(vector_size=8)
    vectors.add_vectors(words, np.random.default_rng(0).normal(size=(len(words), 8)).astype(np.float32))
    encoder = build_encoder(SENTENCES, vectors, max_vectors=100, resources=load_resources())
    shape = NetworkShape(word_dim=8, hidden=8)
    network = BiLstmCrf({name: encoder.size(name) for name in VOCABULARIES}, shape)
    network.words.weight.data.copy_(pretrained_matrix(encoder.vocabularies["words"], vectors, 8, seed=0))
    state, _, _ = train_network(
        SENTENCES, SENTENCES[:1], encoder, network, epochs=2, batch_size=2, learning_rate=1e-2, seed=0
    )
    network.load_state_dict(state)
    directory = tmp_path_factory.mktemp("neural")
    digest = save_model(directory, network, encoder, shape, {"note": "test"})
    return NeuralTagger(network, encoder, f"neural-{digest[:12]}"), directory


@pytest.fixture(scope="module")
def model_dir(trained: tuple[NeuralTagger, Path]) -> Path:
    return trained[1]


@pytest.mark.thorough
def test_tags_one_bio_tag_per_token(model_dir: Path) -> None:
    tagger = NeuralTagger.load(model_dir)
    for sentence in SENTENCES:
        tags = tagger.tag(sentence.tokens)
        assert len(tags) == len(sentence.tokens)
        assert set(tags) <= set(TAGS)


@pytest.mark.thorough
def test_identity_names_the_checksum(model_dir: Path) -> None:
    tagger = NeuralTagger.load(model_dir)
    assert tagger.name == "neural"
    digest = (model_dir / "model.pt.sha256").read_text(encoding="utf-8").split()[0]
    assert tagger.version == f"neural-{digest[:12]}"


@pytest.mark.thorough
def test_the_pipeline_tags_it_in_batches_and_batched_tags_equal_one_by_one_tags(model_dir: Path) -> None:
    tagger = NeuralTagger.load(model_dir)
    assert isinstance(tagger, BatchTagger)
    sentences = [s.tokens for s in SENTENCES] + [(), ("غير", "معروف")]
    assert tagger.tag_sentences(sentences) == [tagger.tag(tokens) for tokens in sentences]


@pytest.mark.thorough
def test_empty_sentence_gives_no_tags(model_dir: Path) -> None:
    assert NeuralTagger.load(model_dir).tag([]) == []


@pytest.mark.thorough
def test_loaded_model_tags_as_the_trained_one(trained: tuple[NeuralTagger, Path]) -> None:
    in_memory, directory = trained
    tokens = [s.tokens for s in SENTENCES] + [("كلمة", "لم", "ترها", "الشبكة")]
    loaded = NeuralTagger.load(directory)
    assert loaded.version == in_memory.version
    assert loaded.tag_sentences(tokens) == in_memory.tag_sentences(tokens)


@pytest.mark.thorough
def test_changed_model_file_is_refused(model_dir: Path, tmp_path: Path) -> None:
    for name in ("model.pt", "model.pt.sha256", "model.json"):
        (tmp_path / name).write_bytes((model_dir / name).read_bytes())
    with (tmp_path / NEURAL_MODEL_FILE).open("ab") as model_file:
        model_file.write(b"\0")
    with pytest.raises(ModelIntegrityError):
        NeuralTagger.load(tmp_path)


def test_missing_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelIntegrityError):
        NeuralTagger.load(tmp_path)


def test_shipped_model_finds_a_person_and_a_place() -> None:
    tagger = NeuralTagger.load()
    tokens = [token.text for token in tokenize("وصل الرئيس الفرنسي إيمانويل ماكرون إلى القاهرة أمس")]
    found = [(span.type, " ".join(tokens[span.start : span.end])) for span in bio_spans(tagger.tag(tokens))]
    assert found == [("PER", "إيمانويل ماكرون"), ("LOC", "القاهرة")]
    assert NeuralTagger.load() is tagger
