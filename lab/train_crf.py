"""Train the CRF entity tagger: `python -m lab.train_crf [options]`.

A seeded share of the ANERcorp train sentences is held out as the dev split; a model trained on
the rest is scored on it (the dev scores printed and stored), then, unless `--no-refit`, the model
is retrained with the same settings on all training sentences and written to `--out`. The ANERcorp
test split is never read here.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycrfsuite

from lab.corpora import CorpusFormat, Sentence, read_anercorp, read_corpus
from lab.evaluate import EvaluationReport, evaluate, format_report
from workers.ner.crf import DEFAULT_MODEL_DIR, MODEL_FILE, CrfTagger
from workers.ner.features import FeatureExtractor, feature_config, make_extractor
from workers.ner.models import METADATA_FILE, NORMALIZER_FIELD, write_checksum
from workers.paths import shared_dir
from workers.text.normalize import NORMALIZER_VERSION

logger = logging.getLogger(__name__)

DEV_BLOCK = 25


def default_train_path() -> Path:
    return shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt"


@dataclass(frozen=True, slots=True)
class CrfParams:
    """L-BFGS training settings (the values chosen on the dev split are the defaults)."""

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 300
    min_feature_freq: float = 1.0


def split_dev(
    sentences: Sequence[Sentence], fraction: float, seed: int, block: int = DEV_BLOCK
) -> tuple[list[Sentence], list[Sentence]]:
    """Hold out a seeded random `fraction` of the sentences: (train, dev), each in corpus order.

    Whole blocks of `block` consecutive sentences are held out, not single sentences: a news story
    repeats its names, and a dev sentence whose neighbours are in train would overstate the score
    on unseen text (the test split is a later, separate part of the corpus).
    """
    block_count = -(-len(sentences) // block)
    dev_blocks = set(random.Random(seed).sample(range(block_count), round(block_count * fraction)))
    train = [s for i, s in enumerate(sentences) if i // block not in dev_blocks]
    dev = [s for i, s in enumerate(sentences) if i // block in dev_blocks]
    return train, dev


def train_crf(sentences: Sequence[Sentence], extractor: FeatureExtractor, params: CrfParams, model_path: Path) -> None:
    """Fit a CRF on `sentences` and write it to `model_path`."""
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for sentence in sentences:
        trainer.append(extractor.sentence_features(sentence.tokens), list(sentence.tags))
    trainer.set_params(
        {
            "c1": params.c1,
            "c2": params.c2,
            "max_iterations": params.max_iterations,
            "feature.minfreq": params.min_feature_freq,
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(model_path))


def dev_score(
    train: Sequence[Sentence], dev: Sequence[Sentence], features: dict[str, Any], params: CrfParams
) -> EvaluationReport:
    """Train on `train` in a scratch directory and evaluate on `dev`."""
    with tempfile.TemporaryDirectory() as scratch:
        model_dir = Path(scratch)
        train_crf(train, make_extractor(features), params, model_dir / MODEL_FILE)
        write_checksum(model_dir / MODEL_FILE)
        metadata = {NORMALIZER_FIELD: NORMALIZER_VERSION, "features": features}
        (model_dir / METADATA_FILE).write_text(json.dumps(metadata), encoding="utf-8")
        return evaluate(CrfTagger.load(model_dir), dev)


def report_dict(report: EvaluationReport) -> dict[str, dict[str, float]]:
    """Scores as plain numbers for the metadata file."""
    rows = {**report.by_type, "micro": report.micro}
    return {
        name: {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4)}
        for name, s in rows.items()
    }


def parse_extra(value: str) -> tuple[CorpusFormat, Path]:
    """`FORMAT:PATH` for an additional training corpus."""
    corpus_format, _, path = value.partition(":")
    return CorpusFormat(corpus_format), Path(path)


def build_parser() -> argparse.ArgumentParser:
    defaults = CrfParams()
    parser = argparse.ArgumentParser(prog="train", description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=None, help="ANERcorp-format train file")
    parser.add_argument(
        "--extra",
        type=parse_extra,
        action="append",
        default=[],
        metavar="FORMAT:PATH",
        help="additional training corpus, e.g. wikiann:/path/train.tsv (repeatable; never used for dev)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory to write")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--dev-fraction", type=float, default=0.1)
    parser.add_argument("--dev-block", type=int, default=DEV_BLOCK, help="consecutive sentences per dev block")
    parser.add_argument("--c1", type=float, default=defaults.c1)
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--max-iterations", type=int, default=defaults.max_iterations)
    parser.add_argument("--no-refit", action="store_true", help="ship the model trained without the dev split")
    parser.add_argument(
        "--resources",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="add cluster, gazetteer and frequency features from the entity resources",
    )
    parser.add_argument("--dev-only", action="store_true", help="print the dev scores and write no model")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line: train, score on dev, write the model, its checksum and metadata."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = build_parser().parse_args(argv)
    params = CrfParams(args.c1, args.c2, args.max_iterations)
    features = feature_config(args.resources)
    train_path = args.train or default_train_path()
    train, dev = split_dev(read_anercorp(train_path), args.dev_fraction, args.seed, args.dev_block)
    extra = [sentence for fmt, path in args.extra for sentence in read_corpus(path, fmt)]
    print(f"train {len(train)} + extra {len(extra)} sentences, dev {len(dev)} sentences")

    report = dev_score([*train, *extra], dev, features, params)
    print("dev scores:")
    print(format_report(report))
    if args.dev_only:
        return 0

    final = [*train, *extra] if args.no_refit else [*train, *dev, *extra]
    args.out.mkdir(parents=True, exist_ok=True)
    train_crf(final, make_extractor(features), params, args.out / MODEL_FILE)
    digest = write_checksum(args.out / MODEL_FILE)
    metadata = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        NORMALIZER_FIELD: NORMALIZER_VERSION,
        "sha256": digest,
        "data": {
            "train": train_path.name,
            "extra": [f"{fmt.value}:{path.name}" for fmt, path in args.extra],
            "dev": f"{args.dev_fraction:.0%} of the train sentences, blocks of {args.dev_block}, seed {args.seed}",
            "final_model_includes_dev": not args.no_refit,
            "sentences": len(final),
        },
        "params": asdict(params),
        "features": features,
        "dev_scores": report_dict(report),
    }
    (args.out / METADATA_FILE).write_text(json.dumps(metadata, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out / MODEL_FILE} (sha256 {digest[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
