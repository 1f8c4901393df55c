"""Precision and recall of `duplicate_of`, and the quality of `story_id`, on the set of `lab.duplicates`.

    python -m lab.evaluate_duplicates [--entities pipeline|gold] [--seeds 15,16,17] [--json PATH]

Each half of the set is streamed through a `StoryIndex` in time order, as a worker would see it:
every article is decided, then added. `duplicate_of` is right when it names the article's original
(a republication) or is empty (anything else); precision counts the answers given, recall the
republications. `story_id` is scored over pairs of articles: two in one story by truth and by answer.
The shingle size, the thresholds and the bands were chosen on the tuning half (the sweeps below are
printed for it); the held-out half is reported at the runtime's defaults.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from lab.bench.articles import SENTENCES_PER_ARTICLE, build_articles, load_sentences
from lab.duplicates import PARTS, SetArticle, build_set, composition
from workers.stories.entities import salient_entity_keys
from workers.stories.entry import Entry
from workers.stories.index import StoryIndex, StorySettings
from workers.stories.minhash import PERMUTATIONS, Signature, article_signature, signature, similarity
from workers.stories.shingles import SHINGLE_SIZE, shingle_hashes, token_shingle_hashes
from workers.text.tokenize import split_tokens

#: Each seed builds the set anew from the same halves (other article boundaries, edits and times): the
#: counts below are summed over them. The sets of two seeds share their sentences, so they are not
#: independent samples.
SEEDS = (15, 16, 17)
THRESHOLDS = tuple(round(0.2 + 0.05 * step, 2) for step in range(13))
SHINGLE_SIZES = (1, 2, 3, 4, 5)
BANDINGS = ((64, 2), (48, 2), (42, 3), (32, 4), (16, 8))
STORY_THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3)
ENTITY_STORY_THRESHOLDS = (0.03, 0.05, 0.1)


@dataclass(frozen=True, slots=True)
class Prepared:
    """An article of the set with what the index needs: its signature, shingle count and entity keys."""

    article: SetArticle
    signature: Signature
    shingles: int
    entities: tuple[str, ...]


Runs = Sequence[Sequence["Prepared"]]


@dataclass(frozen=True, slots=True)
class Scores:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        given = self.true_positives + self.false_positives
        return self.true_positives / given if given else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    def __add__(self, other: Scores) -> Scores:
        return Scores(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "tp": self.true_positives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
        }


def prepare(
    articles: Sequence[SetArticle], entities: Callable[[SetArticle], tuple[str, ...]], size: int = SHINGLE_SIZE
) -> list[Prepared]:
    prepared = []
    for article in articles:
        hashes = shingle_hashes([article.title, article.body], size)
        prepared.append(Prepared(article, signature(hashes), len(hashes), entities(article)))
    return prepared


def stream(prepared: Sequence[Prepared], settings: StorySettings) -> dict[str, Entry]:
    """Every article decided then added, in time order: the entries the index gave."""
    index = StoryIndex(settings)
    return {
        item.article.id: index.observe(item.article.id, item.signature, item.article.time, item.entities, item.shingles)
        for item in sorted(prepared, key=lambda item: (item.article.time, item.article.id))
    }


def duplicate_scores(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> Scores:
    tp = fp = fn = 0
    for item in prepared:
        truth, answer = item.article.original, answers[item.article.id].duplicate_of
        if answer is not None and answer == truth:
            tp += 1
        else:
            fp += answer is not None
            fn += truth is not None
    return Scores(tp, fp, fn)


def family_precision(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> float:
    """The share of `duplicate_of` answers that name the original or another republication of it (a
    republication that missed its original becomes the one its siblings find)."""
    by_id = {item.article.id: item.article for item in prepared}
    given = [(item.article, answers[item.article.id].duplicate_of) for item in prepared]
    named = [(article, by_id[answer]) for article, answer in given if answer is not None]
    right = sum(
        article.kind == "republication"
        and answer.story == article.story
        and answer.kind in ("original", "republication")
        for article, answer in named
    )
    return right / len(named) if named else 1.0


def story_scores(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> Scores:
    """Pairwise: a pair is positive when both articles are in one story."""

    def pairs(counts: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    truth = Counter(item.article.story for item in prepared)
    answer = Counter(answers[item.article.id].story_id for item in prepared)
    both = Counter((item.article.story, answers[item.article.id].story_id) for item in prepared)
    agreed = pairs(both)
    return Scores(agreed, pairs(answer) - agreed, pairs(truth) - agreed)


def pair_similarities(prepared: Sequence[Prepared]) -> dict[str, list[float]]:
    """Estimated similarity of each article to its original (the story's first article), by kind."""
    by_id = {item.article.id: item for item in prepared}
    found: dict[str, list[float]] = {"republication": [], "hard-negative": [], "follow-up": [], "unrelated": []}
    originals = [item for item in prepared if item.article.kind == "original"]
    for item in prepared:
        kind = item.article.kind
        if kind == "republication" and item.article.original is not None:
            found[kind].append(similarity(item.signature, by_id[item.article.original].signature))
        elif kind == "follow-up":
            found[kind].append(similarity(item.signature, by_id[item.article.story].signature))
        elif kind == "hard-negative":
            origin = by_id[item.article.id.removesuffix("-n")]
            found[kind].append(similarity(item.signature, origin.signature))
    stacked = np.stack([item.signature for item in originals])
    for first in range(len(originals)):
        equal = np.count_nonzero(stacked[first + 1 :] == stacked[first], axis=1) / PERMUTATIONS
        found["unrelated"].extend(equal.tolist())
    return found


def summary(values: Sequence[float]) -> dict[str, float | int]:
    if not values:
        return {"pairs": 0}
    ordered = sorted(values)
    return {
        "pairs": len(ordered),
        "min": round(ordered[0], 3),
        "p05": round(ordered[int(0.05 * (len(ordered) - 1))], 3),
        "median": round(statistics.median(ordered), 3),
        "p95": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "max": round(ordered[-1], 3),
    }


def scored(runs: Runs, settings: StorySettings) -> tuple[Scores, Scores]:
    """`duplicate_of` and `story_id` scores summed over the runs (each set streamed through an index of its own)."""
    duplicates, stories = Scores(0, 0, 0), Scores(0, 0, 0)
    for prepared in runs:
        answers = stream(prepared, settings)
        duplicates += duplicate_scores(prepared, answers)
        stories += story_scores(prepared, answers)
    return duplicates, stories


def pooled_similarities(runs: Runs) -> dict[str, list[float]]:
    pooled: dict[str, list[float]] = {}
    for prepared in runs:
        for kind, values in pair_similarities(prepared).items():
            pooled.setdefault(kind, []).extend(values)
    return pooled


def sweep(runs: Runs, base: StorySettings) -> list[dict[str, Any]]:
    rows = []
    for threshold in THRESHOLDS:
        settings = replace(
            base,
            duplicate_threshold=threshold,
            story_threshold=min(base.story_threshold, threshold),
            entity_story_threshold=min(base.entity_story_threshold, threshold),
        )
        rows.append({"threshold": threshold, **scored(runs, settings)[0].as_dict()})
    return rows


def f_half(precision: float, recall: float) -> float:
    """F0.5: precision weighs twice recall. A wrong `duplicate_of` hides an article from a consumer that drops
    duplicates; a missed one only shows a repeat."""
    return 1.25 * precision * recall / (0.25 * precision + recall) if precision + recall else 0.0


def chosen_threshold(rows: Sequence[dict[str, Any]]) -> float:
    """The tuning rule: the threshold of the best F0.5 in a sweep; a tie goes to the higher threshold."""
    best = max(rows, key=lambda row: (round(f_half(row["precision"], row["recall"]), 6), row["threshold"]))
    return float(best["threshold"])


def story_sweep(runs: Runs, base: StorySettings) -> list[dict[str, Any]]:
    rows = []
    for story in STORY_THRESHOLDS:
        for entity in ENTITY_STORY_THRESHOLDS:
            scores = scored(runs, replace(base, story_threshold=story, entity_story_threshold=entity))[1]
            rows.append(
                {"story": story, "entity": entity, "f_half": round(f_half(scores.precision, scores.recall), 4)}
                | scores.as_dict()
            )
    return rows


def edit_recall(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> dict[str, tuple[int, int]]:
    """(found, republications) for the republications that carry each edit."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in prepared:
        if item.article.kind != "republication":
            continue
        hit = answers[item.article.id].duplicate_of == item.article.original
        for edit in set(item.article.edits):
            total[edit] += 1
            found[edit] += hit
    return {edit: (found[edit], total[edit]) for edit in sorted(total)}


def misses(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> list[str]:
    """One line for each wrong `duplicate_of`: the article, its kind and edits, the answer and the similarity."""
    by_id = {item.article.id: item for item in prepared}
    lines = []
    for item in prepared:
        truth, answer = item.article.original, answers[item.article.id].duplicate_of
        if answer == truth:
            continue
        compared = truth if answer is None else answer
        value = similarity(item.signature, by_id[compared].signature) if compared in by_id else float("nan")
        lines.append(
            f"{item.article.id} ({item.article.kind} {','.join(item.article.edits)}): answered {answer}, "
            f"truth {truth}, similarity to {compared} {value:.3f}"
        )
    return lines


def timing(sentences: Sequence[Any], settings: StorySettings, filler: int) -> dict[str, Any]:
    """CPU µs per article (process time: the machine may be shared): shingles + signature of news-sized
    articles (20 ANERcorp sentences), from the text and from the pipeline's tokens, and one decide + add
    in an index already holding `filler` entries (random signatures, then the articles)."""
    articles = build_articles(sentences, len(sentences) // SENTENCES_PER_ARTICLE)
    tokens = statistics.median(len((article["title"] + " " + article["body"]).split()) for article in articles)
    cold_started = time.process_time()
    signed = [article_signature(article["title"], article["body"]) for article in articles]
    cold = (time.process_time() - cold_started) / len(articles)
    passes = []
    for _ in range(5):
        started = time.process_time()
        for article in articles:
            article_signature(article["title"], article["body"])
        passes.append((time.process_time() - started) / len(articles))
    split = [[split_tokens(article["title"]).texts, split_tokens(article["body"]).texts] for article in articles]
    started = time.process_time()
    for fields in split:
        signature(token_shingle_hashes(fields))
    from_tokens = (time.process_time() - started) / len(articles)
    rng = np.random.default_rng(SEEDS[0])
    index = StoryIndex(settings)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for number in range(filler):
        random_signature = rng.integers(0, 2**32, PERMUTATIONS, dtype=np.uint64).astype(np.uint32)
        # Popular entities, so that the postings the lookups read are full.
        entities = (f"LOC:{number % 7}", f"PER:{number % 11}", f"ORG:{number % 13}")
        index.add(Entry(f"filler-{number}", float(number % 3600), random_signature, 100, entities, ""))
    per_entry = (tracemalloc.get_traced_memory()[0] - before) / max(1, filler)
    tracemalloc.stop()
    started = time.process_time()
    for article, (sig, count) in zip(articles, signed, strict=True):
        index.observe(article["id"], sig, 3600.0, ("LOC:1", "PER:1", "ORG:1"), count)
    lookup = (time.process_time() - started) / len(articles)
    return {
        "articles": len(articles),
        "median_tokens": tokens,
        "signature_us_first_pass": round(cold * 1e6, 1),
        "signature_us_warm_median": round(statistics.median(passes) * 1e6, 1),
        "signature_us_from_tokens": round(from_tokens * 1e6, 1),
        "index_entries": len(index),
        "decide_and_add_us": round(lookup * 1e6, 1),
        "bytes_per_entry": round(per_entry),
    }


def pipeline_entities() -> Callable[[SetArticle], tuple[str, ...]]:
    """Salient entity keys as the worker will take them: the shipped pipeline's `distinct_entities`."""
    from workers.cli.commands import load_pipeline
    from workers.contract.records import RawArticle
    from workers.settings import Settings

    pipeline = load_pipeline(Settings.from_env())

    def keys(article: SetArticle) -> tuple[str, ...]:
        enriched = pipeline.enrich(RawArticle({"id": article.id, "title": article.title, "body": article.body}))
        return salient_entity_keys(enriched.article["distinct_entities"])

    return keys


def evaluate(entities: str, seeds: Sequence[int]) -> dict[str, Any]:
    sentences = load_sentences()
    sets = {seed: build_set(sentences, seed) for seed in seeds}
    keys = pipeline_entities() if entities == "pipeline" else lambda article: article.entities
    defaults = StorySettings()
    results: dict[str, Any] = {
        "corpus": "ANERcorp train (CAMeL Lab split), distinct sentences, halves of consecutive sentences",
        "seeds": list(seeds),
        "entities": entities,
        "defaults": {
            "shingle_size": SHINGLE_SIZE,
            "permutations": PERMUTATIONS,
            **{name: getattr(defaults, name) for name in defaults.__dataclass_fields__},
        },
    }
    cached = {
        (seed, article.id): keys(article) for seed, halves in sets.items() for part in PARTS for article in halves[part]
    }

    def runs(part: str, size: int = SHINGLE_SIZE) -> list[list[Prepared]]:
        return [
            prepare(halves[part], lambda article, seed=seed: cached[(seed, article.id)], size)  # type: ignore[misc]
            for seed, halves in sets.items()
        ]

    by_size = {}
    for size in SHINGLE_SIZES:
        tune_runs = runs("tune", size)
        rows = sweep(tune_runs, defaults)
        threshold = chosen_threshold(rows)
        at_chosen = next(row for row in rows if row["threshold"] == threshold)
        by_size[str(size)] = {
            "chosen_threshold": threshold,
            "at_chosen": at_chosen,
            "f_half": round(f_half(at_chosen["precision"], at_chosen["recall"]), 4),
            "similarities": {kind: summary(values) for kind, values in pooled_similarities(tune_runs).items()},
        }
    results["tune_shingle_sizes"] = by_size
    tune_runs = runs("tune")
    results["tune_threshold_sweep"] = sweep(tune_runs, defaults)
    results["tune_chosen_threshold"] = by_size[str(SHINGLE_SIZE)]["chosen_threshold"]
    results["tune_story_sweep"] = story_sweep(tune_runs, defaults)
    results["tune_bandings"] = {
        f"{bands}x{rows}{' bands only' if postings == 0 else ''}": dict(
            zip(("duplicates", "stories"), (scores.as_dict() for scores in scored(tune_runs, settings)), strict=True)
        )
        for bands, rows in BANDINGS
        for postings in (defaults.max_postings, 0)
        for settings in [replace(defaults, bands=bands, rows=rows, max_postings=postings)]
    }
    for part in PARTS:
        part_runs = runs(part)
        duplicates, stories = scored(part_runs, defaults)
        per_seed = []
        wrong: list[str] = []
        by_edit: dict[str, list[int]] = {}
        for seed, prepared in zip(sets, part_runs, strict=True):
            answers = stream(prepared, defaults)
            per_seed.append({"seed": seed, "articles": len(prepared), **duplicate_scores(prepared, answers).as_dict()})
            wrong += [f"seed {seed}: {line}" for line in misses(prepared, answers)]
            for edit, (found, total) in edit_recall(prepared, answers).items():
                counts = by_edit.setdefault(edit, [0, 0])
                counts[0] += found
                counts[1] += total
        articles = [article for halves in sets.values() for article in halves[part]]
        results[part] = {
            "articles": len(articles),
            "composition": composition(articles),
            "duplicates": duplicates.as_dict(),
            "per_seed": per_seed,
            "family_precision": round(statistics.fmean(family_precision(p, stream(p, defaults)) for p in part_runs), 4),
            "stories": stories.as_dict(),
            "recall_by_edit": {edit: f"{found}/{total}" for edit, (found, total) in sorted(by_edit.items())},
            "similarities": {kind: summary(values) for kind, values in pooled_similarities(part_runs).items()},
            "wrong": wrong,
        }
    results["test"]["threshold_sweep"] = sweep(runs("test"), defaults)
    results["timing"] = timing(sentences, defaults, filler=20_000)
    return results


def _line(row: dict[str, Any]) -> str:
    return f"P {row['precision']:.4f}  R {row['recall']:.4f}  (tp {row['tp']}, fp {row['fp']}, fn {row['fn']})"


def report(results: dict[str, Any]) -> str:
    out = [
        f"Near-duplicate evaluation: {results['corpus']}; sets of seeds {results['seeds']}, counts summed; "
        "salient entities from "
        f"{'the shipped pipeline' if results['entities'] == 'pipeline' else 'the gold tags'}",
        f"defaults: {results['defaults']}",
        "",
        "TUNING half (the defaults were chosen here):",
        "  shingle size: the threshold of the best F0.5 (precision weighs twice recall), scores there; similarity to "
        "the original (median / p05 for republications, p95 / max for the others)",
    ]
    for size, row in results["tune_shingle_sizes"].items():
        sims = row["similarities"]
        out.append(
            f"    k={size}: t={row['chosen_threshold']:.2f} F0.5 {row['f_half']:.4f} {_line(row['at_chosen'])}; "
            "republication "
            f"{sims['republication']['median']}/{sims['republication']['p05']}, follow-up "
            f"{sims['follow-up'].get('p95')}/{sims['follow-up'].get('max')}, hard negative "
            f"{sims['hard-negative'].get('p95')}/{sims['hard-negative'].get('max')}, unrelated originals "
            f"{sims['unrelated']['p95']}/{sims['unrelated']['max']}"
        )
    out.append(f"  threshold sweep (k={results['defaults']['shingle_size']}), duplicate_of in the stream:")
    out += [f"    {row['threshold']:.2f}: {_line(row)}" for row in results["tune_threshold_sweep"]]
    out.append(
        f"  chosen by the rule (best F0.5): {results['tune_chosen_threshold']:.2f}; the default is "
        f"{results['defaults']['duplicate_threshold']:.2f}"
    )
    out.append("  story thresholds (text; with shared entities), story_id pairwise:")
    out += [
        f"    {row['story']:.2f}; {row['entity']:.2f}: F0.5 {row['f_half']:.4f} {_line(row)}"
        for row in results["tune_story_sweep"]
    ]
    out.append(
        "  bands × rows at the defaults (bands only: no candidates from the entity postings): duplicates | stories"
    )
    for name, row in results["tune_bandings"].items():
        out.append(f"    {name}: {_line(row['duplicates'])} | {_line(row['stories'])}")
    for part, title in (("tune", "TUNING half"), ("test", "HELD-OUT half (reported)")):
        result = results[part]
        out += [
            "",
            f"{title}: {result['articles']} articles: {result['composition']}",
            f"  duplicate_of at the default threshold: {_line(result['duplicates'])}; precision counting an answer "
            f"that names a sibling republication as right: {result['family_precision']:.4f}",
            "  per seed: "
            + "; ".join(f"{row['seed']}: P {row['precision']:.4f} R {row['recall']:.4f}" for row in result["per_seed"]),
            f"  story_id, pairwise: {_line(result['stories'])}",
            f"  recall by edit: {result['recall_by_edit']}",
            "  similarity to the original: "
            + "; ".join(f"{kind} {summary_row}" for kind, summary_row in result["similarities"].items()),
        ]
        out += [f"  wrong: {line}" for line in result["wrong"][:20]]
        if len(result["wrong"]) > 20:
            out.append(f"  … and {len(result['wrong']) - 20} more")
    out.append("  held-out threshold sweep (for reading only, not for choosing):")
    out += [f"    {row['threshold']:.2f}: {_line(row)}" for row in results["test"]["threshold_sweep"]]
    out += ["", f"timing (CPU µs of one process, this machine): {results['timing']}"]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.evaluate_duplicates", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--entities", choices=("pipeline", "gold"), default="pipeline", help="where salient entities come from"
    )
    parser.add_argument(
        "--seeds",
        type=lambda text: [int(part) for part in text.split(",")],
        default=list(SEEDS),
        help="comma-separated seeds of the sets (article boundaries, edits, times); default %(default)s",
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    arguments = parser.parse_args(argv)
    results = evaluate(arguments.entities, arguments.seeds)
    print(report(results))
    if arguments.json:
        arguments.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
