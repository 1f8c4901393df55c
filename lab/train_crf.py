"""Train the CRF entity tagger: `python -m lab.train_crf [options]`.

The model is trained on all ANERcorp train sentences (and any `--extra` corpora) and written to
`--out`. Its options are judged on consecutive folds of train (`lab.splits`, `python -m lab.folds`);
`--folds K` runs them first and records their scores in the model's metadata. The ANERcorp test
split is never read here.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pycrfsuite

from lab.corpora import CorpusFormat, Sentence, read_anercorp, read_corpus
from lab.evaluate import EvaluationReport
from workers.ner.crf import DEFAULT_MODEL_DIR, MODEL_FILE
from workers.ner.features import FeatureExtractor, feature_config, make_extractor
from workers.ner.models import METADATA_FILE, NORMALIZER_FIELD, write_checksum
from workers.paths import shared_dir
from workers.text.normalize import NORMALIZER_VERSION

logger = logging.getLogger(__name__)


def default_train_path() -> Path:
    return shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt"


@dataclass(frozen=True, slots=True)
class CrfParams:
    """L-BFGS training settings (the defaults are the shipped model's)."""

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 300
    min_feature_freq: float = 1.0


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


def write_model(
    sentences: Sequence[Sentence], features: dict[str, Any], params: CrfParams, directory: Path, **metadata: Any
) -> str:
    """Train on `sentences` and write a loadable model directory (model, checksum, metadata); return
    the model's sha256."""
    directory.mkdir(parents=True, exist_ok=True)
    train_crf(sentences, make_extractor(features), params, directory / MODEL_FILE)
    digest = write_checksum(directory / MODEL_FILE)
    record = {NORMALIZER_FIELD: NORMALIZER_VERSION, "sha256": digest, **metadata, "params": asdict(params)}
    record["features"] = features
    (directory / METADATA_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return digest


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
        help="additional training corpus, e.g. wikiann:/path/train.tsv (repeatable; never held out)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory to write")
    parser.add_argument("--c1", type=float, default=defaults.c1)
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--max-iterations", type=int, default=defaults.max_iterations)
    parser.add_argument(
        "--resources",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="add cluster, gazetteer and frequency features from the entity resources",
    )
    parser.add_argument(
        "--lend-proclitics", action="store_true", help="words lend their proclitics (pre=) to their neighbours"
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=0,
        metavar="K",
        help="first score the options on K consecutive folds of train (python -m lab.folds) and record the "
        "scores in the metadata; 0: none (default)",
    )
    parser.add_argument("--jobs", type=int, default=1, help="folds trained at once with --folds")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line: (optionally score the folds,) train on all of train, write model, checksum and metadata."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = build_parser().parse_args(argv)
    params = CrfParams(args.c1, args.c2, args.max_iterations)
    features = feature_config(args.resources, args.lend_proclitics)
    train_path = args.train or default_train_path()
    train = read_anercorp(train_path)
    extra = [sentence for fmt, path in args.extra for sentence in read_corpus(path, fmt)]
    data: dict[str, Any] = {
        "train": train_path.name,
        "extra": [f"{fmt.value}:{path.name}" for fmt, path in args.extra],
        "sentences": len(train) + len(extra),
    }
    metadata: dict[str, Any] = {"trained": datetime.now(UTC).strftime("%Y-%m-%d"), "data": data}
    if args.folds:
        from lab.folds import FoldOptions, fold_summary, format_folds, run_folds

        results = run_folds(train, FoldOptions(features, params, extra=tuple(extra)), args.folds, jobs=args.jobs)
        print(format_folds(results))
        data["dev"] = f"{args.folds} consecutive folds of the train sentences (lab.splits), the model alone"
        metadata["fold_scores"] = fold_summary(results)
    print(f"train {len(train)} + extra {len(extra)} sentences")
    digest = write_model([*train, *extra], features, params, args.out, **metadata)
    print(f"wrote {args.out / MODEL_FILE} (sha256 {digest[:12]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
