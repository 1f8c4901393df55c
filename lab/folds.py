"""Score the CRF's options on consecutive folds of ANERcorp train: `python -m lab.folds [options]`.

For each of k folds (`lab.splits.consecutive_folds`, default 5 × 20%), a CRF with the given options
is trained on the other k−1 folds and scored on the held-out one, as the pipeline runs it (with
`--institutions`, the institution rule layer; with `--document`, the document pass over the held-out
stretch, read as one stream: `workers.ner.document`). Printed: the micro F1 of each fold, their mean,
standard deviation and range, and the same per type. The ANERcorp test split is never read here.

`--models DIR` keeps the fold models and reuses those trained with the same data and options, so
that the rule layers can be compared on the same models without retraining; `--jobs 2` trains two
folds at once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from lab.corpora import Sentence, read_anercorp, read_corpus
from lab.evaluate import MICRO, EvaluationReport, document_rules, score_tags
from lab.splits import DEFAULT_FOLDS, Fold, consecutive_folds
from lab.train_crf import CrfParams, default_train_path, parse_extra, report_dict, write_model
from workers.ner import ENTITY_TYPES, EntityTagger, tag_sentences
from workers.ner.backends import NO_RULE_LAYERS, RuleLayers, with_rule_layers
from workers.ner.crf import MODEL_FILE
from workers.ner.document import DocumentRules, document_tags
from workers.ner.models import read_metadata
from workers.text.normalize import NORMALIZER_VERSION

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FoldOptions:
    """What a fold model is trained with: feature set, L-BFGS settings, extra corpora (never held out)."""

    features: dict[str, Any]
    params: CrfParams = field(default_factory=CrfParams)
    extra: tuple[Sentence, ...] = ()


@dataclass(frozen=True, slots=True)
class FoldResult:
    """One fold's held-out stretch and its scores."""

    index: int
    start: int
    stop: int
    report: EvaluationReport


def _digest(sentences: Sequence[Sentence]) -> str:
    hasher = hashlib.sha256()
    for sentence in sentences:
        hasher.update(json.dumps([sentence.tokens, sentence.tags], ensure_ascii=False).encode())
    return hasher.hexdigest()


def fold_key(fold: Fold[Sentence], options: FoldOptions) -> dict[str, Any]:
    """What identifies a fold model: its training data, options and normalizer."""
    return {
        "fold": fold.index,
        "held_out": [fold.start, fold.stop],
        "train_sha256": _digest(fold.train),
        "extra_sha256": _digest(options.extra),
        "params": asdict(options.params),
        "features": options.features,
        "normalizer": NORMALIZER_VERSION,
    }


def _train_fold(train: list[Sentence], options: FoldOptions, directory: Path, key: dict[str, Any]) -> Path:
    logger.info("fold %d: training on %d sentences", key["fold"] + 1, len(train) + len(options.extra))
    write_model([*train, *options.extra], options.features, options.params, directory, fold=key)
    logger.info("fold %d: trained", key["fold"] + 1)
    return directory


def _reusable(directory: Path, key: dict[str, Any]) -> bool:
    try:
        return bool(read_metadata(directory).get("fold") == key) and (directory / MODEL_FILE).exists()
    except (OSError, ValueError):
        return False


def fold_models(folds: Sequence[Fold[Sentence]], options: FoldOptions, models_dir: Path, jobs: int = 1) -> list[Path]:
    """A model directory per fold under `models_dir`, trained (`jobs` at a time) unless one trained
    with the same key is there."""
    directories = [models_dir / f"fold-{fold.index + 1}-of-{len(folds)}" for fold in folds]
    keys = [fold_key(fold, options) for fold in folds]
    missing = [i for i, (d, key) in enumerate(zip(directories, keys, strict=True)) if not _reusable(d, key)]
    for i in set(range(len(folds))) - set(missing):
        logger.info("fold %d: reusing %s", i + 1, directories[i])
    if jobs <= 1 or len(missing) <= 1:
        for i in missing:
            _train_fold(folds[i].train, options, directories[i], keys[i])
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_train_fold, folds[i].train, options, directories[i], keys[i]) for i in missing]
            for future in futures:
                future.result()
    return directories


def fold_tagger(directory: Path, layers: RuleLayers) -> EntityTagger:
    """The fold model with the rule layers chosen (the pipeline runs them all)."""
    from workers.ner.crf import CrfTagger
    from workers.ner.resources import load_resources

    return with_rule_layers(CrfTagger.load(directory), load_resources(), layers)


def fold_predictions(
    sentences: Sequence[Sentence],
    options: FoldOptions,
    folds: int = DEFAULT_FOLDS,
    *,
    layers: RuleLayers = NO_RULE_LAYERS,
    jobs: int = 1,
    models_dir: Path,
) -> list[tuple[Fold[Sentence], list[list[str]]]]:
    """Each fold with the tags its model (wrapped as asked) predicts on its held-out stretch."""
    split = consecutive_folds(sentences, folds)
    directories = fold_models(split, options, models_dir, jobs)
    predictions = []
    for fold, directory in zip(split, directories, strict=True):
        tagger = fold_tagger(directory, layers)
        predictions.append((fold, tag_sentences(tagger, [s.tokens for s in fold.held_out])))
    return predictions


def score_folds(
    predictions: Sequence[tuple[Fold[Sentence], list[list[str]]]], document: DocumentRules | None = None
) -> list[FoldResult]:
    """Score each fold's predictions, after the document pass over its held-out stretch when given."""
    results = []
    for fold, tags in predictions:
        tokens = [s.tokens for s in fold.held_out]
        final = document_tags(tokens, tags, document) if document is not None else tags
        results.append(FoldResult(fold.index, fold.start, fold.stop, score_tags(fold.held_out, final)))
    return results


def run_folds(
    sentences: Sequence[Sentence],
    options: FoldOptions,
    folds: int = DEFAULT_FOLDS,
    *,
    layers: RuleLayers = NO_RULE_LAYERS,
    document: DocumentRules | None = None,
    jobs: int = 1,
    models_dir: Path | None = None,
) -> list[FoldResult]:
    """Train and score every fold (see the module's docstring)."""
    with tempfile.TemporaryDirectory() as scratch:
        predictions = fold_predictions(
            sentences, options, folds, layers=layers, jobs=jobs, models_dir=models_dir or Path(scratch)
        )
    return score_folds(predictions, document)


@dataclass(frozen=True, slots=True)
class Spread:
    """Mean, sample standard deviation and range of one score over the folds."""

    mean: float
    sd: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return cls(statistics.fmean(values), sd, min(values), max(values))

    def __str__(self) -> str:
        return f"{self.mean:.4f} ± {self.sd:.4f} ({self.low:.4f}–{self.high:.4f})"


def spreads(results: Sequence[FoldResult]) -> dict[str, Spread]:
    """F1 over the folds, per type and micro."""
    rows = {name: [r.report.by_type[name].f1 for r in results] for name in ENTITY_TYPES}
    rows[MICRO] = [r.report.micro.f1 for r in results]
    return {name: Spread.of(values) for name, values in rows.items()}


def fold_summary(results: Sequence[FoldResult]) -> dict[str, Any]:
    """The folds' scores as plain numbers (for a model's metadata)."""
    return {
        "folds": [{"held_out": [r.start, r.stop], "scores": report_dict(r.report)} for r in results],
        "f1": {name: asdict(spread) for name, spread in spreads(results).items()},
    }


def format_folds(results: Sequence[FoldResult]) -> str:
    """One row per fold (micro P, R, F1 and F1 per type), then mean ± sd (min–max) of each F1."""
    header = f"{'fold':<5} {'sentences':>11} {'P':>7} {'R':>7} {'F1':>7} " + " ".join(
        f"{name:>7}" for name in ENTITY_TYPES
    )
    lines = [header]
    for r in results:
        micro = r.report.micro
        lines.append(
            f"{r.index + 1:<5} {f'{r.start}-{r.stop}':>11} {micro.precision:>7.4f} {micro.recall:>7.4f} "
            f"{micro.f1:>7.4f} " + " ".join(f"{r.report.by_type[name].f1:>7.4f}" for name in ENTITY_TYPES)
        )
    lines.append("F1 over the folds: mean ± sd (min–max)")
    for name, spread in spreads(results).items():
        lines.append(f"  {name:<6} {spread}")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    defaults = CrfParams()
    parser = argparse.ArgumentParser(prog="python -m lab.folds", description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=None, help="ANERcorp-format train file")
    parser.add_argument("--folds", type=int, default=DEFAULT_FOLDS, help="number of consecutive folds")
    parser.add_argument("--jobs", type=int, default=1, help="folds trained at once (one core each)")
    parser.add_argument("--models", type=Path, default=None, help="keep (and reuse) the fold models here")
    parser.add_argument("--extra", type=parse_extra, action="append", default=[], metavar="FORMAT:PATH")
    parser.add_argument("--c1", type=float, default=defaults.c1)
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--max-iterations", type=int, default=defaults.max_iterations)
    parser.add_argument("--resources", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--lend-proclitics", action="store_true", help="words lend their proclitics (pre=) to their neighbours"
    )
    parser.add_argument("--institutions", action="store_true", help="with the institution rule layer")
    parser.add_argument("--titles", action="store_true", help="with the layer of persons after ranks")
    parser.add_argument("--places", action="store_true", help="with the layer of places after place nouns")
    parser.add_argument(
        "--document",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="with the document pass (workers.ner.document; its shipped rules unless changed below)",
    )
    parser.add_argument("--window", type=int, default=None, help="document pass: sentences either side")
    parser.add_argument("--json", type=Path, default=None, help="also write the scores as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Command line: train and score the folds, print the table."""
    from workers.ner.features import feature_config

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = build_parser().parse_args(argv)
    sentences = read_anercorp(args.train or default_train_path())
    extra = tuple(sentence for fmt, path in args.extra for sentence in read_corpus(path, fmt))
    options = FoldOptions(
        feature_config(args.resources, args.lend_proclitics),
        CrfParams(args.c1, args.c2, args.max_iterations),
        extra=extra,
    )
    document = document_rules(args.document, args.window)
    chosen = RuleLayers(titles=args.titles, places=args.places, institutions=args.institutions)
    results = run_folds(
        sentences,
        options,
        args.folds,
        layers=chosen,
        document=document,
        jobs=args.jobs,
        models_dir=args.models,
    )
    layers = chosen.names + [f"document {document}"] * (document is not None)
    print(
        f"{len(sentences)} train sentences, {args.folds} consecutive folds; CRF {asdict(options.params)}"
        f"{' + ' + ' + '.join(layers) if layers else ''}"
    )
    print(format_folds(results))
    if args.json is not None:
        args.json.write_text(json.dumps(fold_summary(results), indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
