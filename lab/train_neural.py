"""Train the neural entity tagger: `python -m lab.train_neural [options]`.

The dev split is one of the consecutive folds of ANERcorp train (`lab.splits`, `--dev-fold`, default the
last of 5: the last 20% of train in one piece). The network is trained on the rest for a fixed number of
epochs, scored on dev after each,
and the epoch with the best dev F1 is written to `--out` (the shipped model never saw the dev split).
Word vectors: a gensim KeyedVectors file (`--vectors`), or trained here on one unlabelled corpus file
(`--corpus`, skip-gram on one thread: a few minutes for the Wikipedia file). The test split is never read.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch

from lab.corpora import Sentence, read_anercorp
from lab.evaluate import EvaluationReport, format_report, score_spans
from lab.splits import DEFAULT_FOLDS, consecutive_folds
from lab.train_crf import default_train_path, report_dict
from workers.ner.models import METADATA_FILE, NORMALIZER_FIELD, write_checksum
from workers.ner.neural import (
    DEFAULT_MODEL_DIR,
    NEURAL_MODEL_FILE,
    TAG_IDS,
    VOCABULARIES,
    BiLstmCrf,
    Encoder,
    NetworkShape,
    NeuralTagger,
    affixes,
    build_vocabulary,
    token_view,
)
from workers.ner.resources import Resources, load_resources
from workers.ner.spans import bio_spans
from workers.paths import shared_dir
from workers.text.normalize import NORMALIZER_VERSION

logger = logging.getLogger(__name__)

TRAIN_CHUNK = 200
# Skip-gram settings of the shipped model's vectors (trained on arwiki_cmp.txt.xz).
WORD2VEC_SETTINGS: dict[str, int] = {"vector_size": 100, "window": 5, "min_count": 3, "sg": 1, "epochs": 3, "seed": 1}


def train_word_vectors(corpus: Path) -> Any:
    """Skip-gram word2vec over the normalized tokens of one xz corpus file (one thread)."""
    from gensim.models import Word2Vec

    from lab.build_resources import corpus_lines, normalized_tokens, stable_hash

    with tempfile.TemporaryDirectory() as scratch:
        tokens_file = Path(scratch) / "tokens.txt"
        with tokens_file.open("w", encoding="utf-8") as out:
            for line in corpus_lines(corpus):
                tokens = normalized_tokens(line)
                if tokens:
                    out.write(" ".join(tokens) + "\n")
        model = Word2Vec(corpus_file=str(tokens_file), workers=1, hashfxn=stable_hash, **WORD2VEC_SETTINGS)
    return model.wv


def build_encoder(train: Sequence[Sentence], vectors: Any, max_vectors: int, resources: Resources) -> Encoder:
    """Vocabularies: the most frequent pretrained words, plus what the train sentences show."""
    views = [token_view(token, resources) for sentence in train for token in sentence.tokens]
    pretrained = list(vectors.index_to_key[:max_vectors])
    known = set(pretrained)
    seen = build_vocabulary([w for view in views for w in (view.word, view.stem) if w not in known], 2)
    vocabularies = {
        "words": ["<pad>", "<unk>", *pretrained, *seen[2:]],
        "clitics": build_vocabulary(view.clitic for view in views),
        "shapes": build_vocabulary(view.shape for view in views),
        "clusters": build_vocabulary(cluster for ids in resources.clusters.values() for cluster in ids),
        "affixes": build_vocabulary((a for view in views for a in affixes(view.word, view.stem)), 2),
    }
    return Encoder(vocabularies, resources)


def pretrained_matrix(words: Sequence[str], vectors: Any, dim: int, seed: int) -> torch.Tensor:
    """Unit-length pretrained vectors; small random ones for words without a vector; zeros for padding.

    Rounded to float16 here, as the model file stores them (they stay frozen): the model trained is
    exactly the model shipped.
    """
    matrix = np.random.default_rng(seed).normal(0.0, 0.1, (len(words), dim)).astype(np.float32)
    for index, word in enumerate(words):
        if word in vectors.key_to_index:
            vector = vectors[word]
            matrix[index] = vector / (np.linalg.norm(vector) + 1e-8)
    matrix[0] = 0.0
    return torch.from_numpy(matrix).half().float()


def chunks(sentences: Sequence[Sentence], size: int = TRAIN_CHUNK) -> list[Sentence]:
    """Very long sentences cut into pieces for training (ANERcorp has one of 530 tokens)."""
    return [
        Sentence(s.tokens[i : i + size], s.tags[i : i + size]) for s in sentences for i in range(0, len(s.tokens), size)
    ]


def dev_report(tagger: NeuralTagger, dev: Sequence[Sentence]) -> EvaluationReport:
    predicted = tagger.tag_sentences([s.tokens for s in dev])
    by_type, micro = score_spans((bio_spans(s.tags) for s in dev), (bio_spans(tags) for tags in predicted))
    return EvaluationReport(by_type, micro, len(dev), sum(len(s.tokens) for s in dev))


def train_network(
    train: Sequence[Sentence],
    dev: Sequence[Sentence],
    encoder: Encoder,
    network: BiLstmCrf,
    *,
    epochs: int,
    batch_size: int,
    learning_rate: float,
    seed: int,
) -> tuple[dict[str, torch.Tensor], EvaluationReport, int]:
    """Adam over length-bucketed batches; return the best dev epoch's weights, report and number."""
    if epochs < 1:
        raise ValueError("train for at least one epoch")
    rng = random.Random(seed)
    trainable = [p for p in network.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=learning_rate)
    pieces = chunks(train)
    best: tuple[dict[str, torch.Tensor], EvaluationReport, int] | None = None
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        network.train()
        pieces.sort(key=lambda s: len(s.tokens) + rng.random() * 8)
        batches = [pieces[i : i + batch_size] for i in range(0, len(pieces), batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            ids, flags, mask = encoder.batch([s.tokens for s in batch])
            tags = torch.zeros(mask.shape, dtype=torch.long)
            for row, sentence in enumerate(batch):
                tags[row, : len(sentence.tags)] = torch.tensor([TAG_IDS[t] for t in sentence.tags])
            loss = network.loss(ids, flags, mask, tags)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 5.0)
            optimizer.step()
        report = dev_report(NeuralTagger(network, encoder, "training"), dev)
        logger.info("epoch %d: dev F1 %.4f (%.0f s)", epoch, report.micro.f1, time.perf_counter() - started)
        if best is None or report.micro.f1 > best[1].micro.f1:
            best = ({k: v.clone() for k, v in network.state_dict().items()}, report, epoch)
    return best  # type: ignore[return-value]  # set in the first epoch


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="train_neural", description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=None, help="ANERcorp-format train file")
    parser.add_argument("--vectors", type=Path, default=None, help="gensim KeyedVectors file of normalized words")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="xz corpus to train vectors on when --vectors is absent (default: arwiki_cmp.txt.xz)",
    )
    parser.add_argument("--max-vectors", type=int, default=50_000, help="most frequent pretrained words kept")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="consecutive folds of train")
    parser.add_argument("--dev-fold", type=int, default=-1, help="the fold held out as dev (default: the last)")
    parser.add_argument("--init-seed", type=int, default=2, help="network and batch order seed (2 chosen on dev)")
    parser.add_argument("--epochs", type=int, default=35)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--hidden", type=int, default=NetworkShape().hidden)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line: train, keep the best dev epoch, write model, checksum and metadata."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = build_parser().parse_args(argv)
    torch.set_num_threads(1)
    torch.manual_seed(args.init_seed)
    started = time.perf_counter()
    train_path = args.train or default_train_path()
    fold = consecutive_folds(read_anercorp(train_path), args.folds)[args.dev_fold]
    train, dev = fold.train, fold.held_out
    if args.vectors is not None:
        from gensim.models import KeyedVectors

        vectors = KeyedVectors.load(str(args.vectors))
        vector_source: dict[str, Any] = {"file": args.vectors.name}
    else:
        corpus = args.corpus or shared_dir() / "data" / "corpus" / "arwiki_cmp.txt.xz"
        print(f"training word vectors on {corpus.name}", flush=True)
        vectors = train_word_vectors(corpus)
        vector_source = {"corpus": corpus.name, **WORD2VEC_SETTINGS}
    shape = NetworkShape(word_dim=vectors.vector_size, hidden=args.hidden)
    encoder = build_encoder(train, vectors, args.max_vectors, load_resources())
    network = BiLstmCrf({name: encoder.size(name) for name in VOCABULARIES}, shape)
    network.words.weight.data.copy_(
        pretrained_matrix(encoder.vocabularies["words"], vectors, shape.word_dim, args.init_seed)
    )
    print(f"train {len(train)} sentences, dev {len(dev)} sentences", flush=True)
    state, report, epoch = train_network(
        train,
        dev,
        encoder,
        network,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.init_seed,
    )
    network.load_state_dict(state)
    print(f"dev scores (epoch {epoch}):")
    print(format_report(report))
    metadata = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "data": {
            "train": train_path.name,
            "dev": f"train sentences {fold.start}-{fold.stop} (fold {fold.index + 1} of {args.folds}, lab.splits)",
            "final_model_includes_dev": False,
            "sentences": len(train),
        },
        "params": {
            **asdict(shape),
            "epochs": args.epochs,
            "best_epoch": epoch,
            "batch_size": args.batch_size,
            "learning_rate": args.learning_rate,
            "max_vectors": args.max_vectors,
            "init_seed": args.init_seed,
        },
        "vectors": {**vector_source, "words": len(vectors.index_to_key), "kept": args.max_vectors},
        "dev_scores": report_dict(report),
        "train_seconds": round(time.perf_counter() - started),
    }
    digest = save_model(args.out, network, encoder, shape, metadata)
    print(f"wrote {args.out} (sha256 {digest[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def save_model(
    model_dir: Path, network: BiLstmCrf, encoder: Encoder, shape: NetworkShape, metadata: Mapping[str, Any]
) -> str:
    """Write the model (float16 word vectors, to keep the file small), its checksum and metadata
    (with the normalizer version, which loading checks)."""
    model_dir.mkdir(parents=True, exist_ok=True)
    state = {key: value.half() if key == "words.weight" else value for key, value in network.state_dict().items()}
    torch.save(
        {"vocabularies": encoder.vocabularies, "shape": asdict(shape), "state": state}, model_dir / NEURAL_MODEL_FILE
    )
    digest = write_checksum(model_dir / NEURAL_MODEL_FILE)
    (model_dir / METADATA_FILE).write_text(
        json.dumps({NORMALIZER_FIELD: NORMALIZER_VERSION, **metadata, "sha256": digest}, ensure_ascii=False, indent=2)
        + "\n",
        encoding="utf-8",
    )
    return digest
