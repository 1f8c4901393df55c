"""Entity-level evaluation by the conlleval rules: an entity counts only if type and span match exactly.

`python -m lab.evaluate CONLL [--format anercorp|wikiann|aqmar] [--model DIR] [--institutions] [--document]`
prints per-type and micro-averaged precision, recall and F1.

With `--document`, the document pass of the pipeline (`workers.ner.document`) runs over the tags. The
corpora have no document boundaries, so the whole file is read as one stream and each sentence sees the
entities predicted in the sentences within the pass's window (±`DocumentRules.window`), the same
window the pipeline applies inside an article; `lab.folds` reads each held-out stretch the same way.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from lab.corpora import CorpusFormat, Sentence, read_corpus
from workers.ner import ENTITY_TYPES, EntityTagger, tag_sentences
from workers.ner.document import DocumentRules, document_tags
from workers.ner.spans import EntitySpan, bio_spans

MICRO = "micro"


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of one entity type and the scores they give (0 where undefined, as conlleval)."""

    correct: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Per-type scores, the micro average over all types, and how much was evaluated."""

    by_type: dict[str, Score]
    micro: Score
    sentences: int
    tokens: int
    seconds: float = field(default=0.0, compare=False)


def score_spans(
    gold: Iterable[Sequence[EntitySpan]], predicted: Iterable[Sequence[EntitySpan]]
) -> tuple[dict[str, Score], Score]:
    """Compare gold and predicted spans sentence by sentence; return per-type and micro scores."""
    counts: dict[str, list[int]] = {}
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        gold_set, predicted_set = set(gold_spans), set(predicted_spans)
        for span in gold_set:
            counts.setdefault(span.type, [0, 0, 0])[2] += 1
        for span in predicted_set:
            entry = counts.setdefault(span.type, [0, 0, 0])
            entry[1] += 1
            entry[0] += span in gold_set
    types = [*ENTITY_TYPES, *sorted(set(counts) - set(ENTITY_TYPES))]
    by_type = {name: Score(*counts.get(name, [0, 0, 0])) for name in types}
    micro = Score(*(sum(score[i] for score in counts.values()) for i in range(3)))
    return by_type, micro


def score_tags(
    sentences: Sequence[Sentence], predicted_tags: Sequence[Sequence[str]], seconds: float = 0.0
) -> EvaluationReport:
    """Score predicted tags, one list per sentence, against the sentences' gold tags."""
    by_type, micro = score_spans(
        (bio_spans(sentence.tags) for sentence in sentences), (bio_spans(tags) for tags in predicted_tags)
    )
    tokens = sum(len(sentence.tokens) for sentence in sentences)
    return EvaluationReport(by_type, micro, len(sentences), tokens, seconds)


def evaluate(
    tagger: EntityTagger, sentences: Sequence[Sentence], document: DocumentRules | None = None
) -> EvaluationReport:
    """Tag every sentence and score the entities against the gold tags; with `document`, after the
    document pass over all the sentences read as one stream (its window keeps it local)."""
    start = time.perf_counter()
    tokens = [sentence.tokens for sentence in sentences]
    predicted_tags = tag_sentences(tagger, tokens)
    if document is not None:
        predicted_tags = document_tags(tokens, predicted_tags, document)
    return score_tags(sentences, predicted_tags, time.perf_counter() - start)


def document_rules(enabled: bool, window: int | None = None) -> DocumentRules | None:
    """The document pass's rules for a command line: the shipped ones, another window if given."""
    if not enabled:
        return None
    rules = DocumentRules()
    return rules if window is None else replace(rules, window=window)


def format_report(report: EvaluationReport) -> str:
    """A plain-text table: one row per type, then the micro average."""
    lines = [f"{'type':<6} {'precision':>9} {'recall':>7} {'f1':>7} {'gold':>6} {'pred':>6} {'correct':>7}"]
    rows = [*report.by_type.items(), (MICRO, report.micro)]
    for name, score in rows:
        lines.append(
            f"{name:<6} {score.precision:>9.4f} {score.recall:>7.4f} {score.f1:>7.4f} "
            f"{score.gold:>6} {score.predicted:>6} {score.correct:>7}"
        )
    lines.append(f"{report.sentences} sentences, {report.tokens} tokens")
    if report.seconds:
        lines.append(f"tagged in {report.seconds:.2f} s ({report.sentences / report.seconds:,.0f} sentences/s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: evaluate the CRF model on a labelled corpus file."""
    from workers.ner.backends import RuleLayers, with_rule_layers
    from workers.ner.crf import CrfTagger
    from workers.ner.resources import load_resources

    parser = argparse.ArgumentParser(prog="python -m lab.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="labelled file (or AQMAR directory)")
    parser.add_argument("--format", choices=[f.value for f in CorpusFormat], default="anercorp")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: shipped)")
    parser.add_argument(
        "--institutions",
        action="store_true",
        help="score the tagger with the institution rule layer, as the pipeline runs it "
        "(ANERcorp leaves ministries and directorates untagged, so this lowers ANERcorp scores)",
    )
    parser.add_argument("--titles", action="store_true", help="with the layer of persons after ranks")
    parser.add_argument("--places", action="store_true", help="with the layer of places after place nouns")
    parser.add_argument(
        "--rules",
        action="store_true",
        help="with every rule layer and the document pass, as the pipeline tags",
    )
    parser.add_argument(
        "--document",
        action="store_true",
        help="with the document pass of the pipeline (the file read as one stream, ±window sentences)",
    )
    parser.add_argument("--window", type=int, default=None, help="the document pass's window, in sentences")
    args = parser.parse_args(argv)
    sentences = read_corpus(args.corpus, args.format)
    layers = RuleLayers(
        titles=args.titles or args.rules, places=args.places or args.rules, institutions=args.institutions or args.rules
    )
    tagger = with_rule_layers(CrfTagger.load(args.model), load_resources(), layers)
    document = document_rules(args.document or args.rules, args.window)
    passes = f" + document pass {document}" if document is not None else ""
    print(f"model {tagger.name} {tagger.version}{passes} on {args.corpus}")
    print(format_report(evaluate(tagger, sentences, document)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
