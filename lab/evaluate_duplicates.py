"""Precision and recall of `duplicate_of`, and the quality of `story_id`, on the set of `lab.duplicates`.

    python -m lab.evaluate_duplicates [--entities pipeline|gold] [--seed N] [--json PATH]

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
from lab.duplicates import SEED, SetArticle, build_set, composition
from workers.stories.entities import salient_entity_keys
from workers.stories.entry import Entry
from workers.stories.index import StoryIndex, StorySettings
from workers.stories.minhash import PERMUTATIONS, Signature, article_signature, signature, similarity
from workers.stories.shingles import SHINGLE_SIZE, shingle_hashes, token_shingle_hashes
from workers.text.tokenize import split_tokens

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


def sweep(prepared: Sequence[Prepared], base: StorySettings) -> list[dict[str, Any]]:
    rows = []
    for threshold in THRESHOLDS:
        settings = replace(
            base,
            duplicate_threshold=threshold,
            story_threshold=min(base.story_threshold, threshold),
            entity_story_threshold=min(base.entity_story_threshold, threshold),
        )
        rows.append({"threshold": threshold, **duplicate_scores(prepared, stream(prepared, settings)).as_dict()})
    return rows


def chosen_threshold(similarities: dict[str, list[float]]) -> float:
    """The tuning rule: midway between the most similar article that is no republication (a follow-up, a hard
    negative, another original) and the 5th percentile of the republications, to the nearest 0.05: a
    threshold on the edge of neither."""
    others = max(max(similarities[kind], default=0.0) for kind in ("follow-up", "hard-negative", "unrelated"))
    republications = sorted(similarities["republication"])
    low = republications[int(0.05 * (len(republications) - 1))]
    return round(round((others + low) / 2 / 0.05) * 0.05, 2)


def story_sweep(prepared: Sequence[Prepared], base: StorySettings) -> list[dict[str, Any]]:
    rows = []
    for story in STORY_THRESHOLDS:
        for entity in ENTITY_STORY_THRESHOLDS:
            settings = replace(base, story_threshold=story, entity_story_threshold=entity)
            scores = story_scores(prepared, stream(prepared, settings))
            f1 = 2 * scores.precision * scores.recall / (scores.precision + scores.recall)
            rows.append({"story": story, "entity": entity, "f1": round(f1, 4), **scores.as_dict()})
    return rows


def edit_recall(prepared: Sequence[Prepared], answers: dict[str, Entry]) -> dict[str, str]:
    """Recall of the republications that carry each edit."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item in prepared:
        if item.article.kind != "republication":
            continue
        hit = answers[item.article.id].duplicate_of == item.article.original
        for edit in set(item.article.edits):
            total[edit] += 1
            found[edit] += hit
    return {edit: f"{found[edit]}/{total[edit]}" for edit in sorted(total)}


def misses(prepared: Sequence[Prepared], answers: dict[str, Entry], by_id: dict[str, Prepared]) -> list[str]:
    """One line for each wrong `duplicate_of`: the article, its kind and edits, the answer and the similarity."""
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
    """µs per article: shingles + signature of news-sized articles (20 ANERcorp sentences), and one
    decide + add in an index already holding `filler` entries (random signatures, then the articles)."""
    articles = build_articles(sentences, len(sentences) // SENTENCES_PER_ARTICLE)
    tokens = statistics.median(len((article["title"] + " " + article["body"]).split()) for article in articles)
    cold_started = time.perf_counter()
    signed = [article_signature(article["title"], article["body"]) for article in articles]
    cold = (time.perf_counter() - cold_started) / len(articles)
    passes = []
    for _ in range(5):
        started = time.perf_counter()
        for article in articles:
            article_signature(article["title"], article["body"])
        passes.append((time.perf_counter() - started) / len(articles))
    split = [[split_tokens(article["title"]).texts, split_tokens(article["body"]).texts] for article in articles]
    started = time.perf_counter()
    for fields in split:
        signature(token_shingle_hashes(fields))
    from_tokens = (time.perf_counter() - started) / len(articles)
    rng = np.random.default_rng(SEED)
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
    started = time.perf_counter()
    for article, (sig, count) in zip(articles, signed, strict=True):
        index.observe(article["id"], sig, 3600.0, ("LOC:1", "PER:1", "ORG:1"), count)
    lookup = (time.perf_counter() - started) / len(articles)
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


def evaluate(entities: str, seed: int) -> dict[str, Any]:
    sentences = load_sentences()
    halves = build_set(sentences, seed)
    keys = pipeline_entities() if entities == "pipeline" else lambda article: article.entities
    cached = {part: {article.id: keys(article) for article in articles} for part, articles in halves.items()}

    def entity_keys(article: SetArticle) -> tuple[str, ...]:
        return cached[article.part][article.id]

    defaults = StorySettings()
    results: dict[str, Any] = {
        "corpus": "ANERcorp train (CAMeL Lab split), distinct sentences, halves of consecutive sentences",
        "seed": seed,
        "entities": entities,
        "defaults": {
            "shingle_size": SHINGLE_SIZE,
            "permutations": PERMUTATIONS,
            **{name: getattr(defaults, name) for name in defaults.__dataclass_fields__},
        },
    }
    tune = halves["tune"]
    by_size = {}
    for size in SHINGLE_SIZES:
        prepared = prepare(tune, entity_keys, size)
        similarities = pair_similarities(prepared)
        threshold = chosen_threshold(similarities)
        at_chosen = replace(
            defaults, duplicate_threshold=threshold, story_threshold=min(threshold, defaults.story_threshold)
        )
        by_size[size] = {
            "chosen_threshold": threshold,
            "at_chosen": duplicate_scores(prepared, stream(prepared, at_chosen)).as_dict(),
            "similarities": {kind: summary(values) for kind, values in similarities.items()},
        }
    results["tune_shingle_sizes"] = by_size
    prepared_tune = prepare(tune, entity_keys)
    results["tune_threshold_sweep"] = sweep(prepared_tune, defaults)
    results["tune_chosen_threshold"] = by_size[SHINGLE_SIZE]["chosen_threshold"]
    results["tune_story_sweep"] = story_sweep(prepared_tune, defaults)
    results["tune_bandings"] = {
        f"{bands}x{rows}{' bands only' if postings == 0 else ''}": {
            "duplicates": duplicate_scores(prepared_tune, answers := stream(prepared_tune, settings)).as_dict(),
            "stories": story_scores(prepared_tune, answers).as_dict(),
        }
        for bands, rows in BANDINGS
        for postings in (defaults.max_postings, 0)
        for settings in [replace(defaults, bands=bands, rows=rows, max_postings=postings)]
    }
    for part, articles in halves.items():
        prepared = prepare(articles, entity_keys)
        answers = stream(prepared, defaults)
        by_id = {item.article.id: item for item in prepared}
        results[part] = {
            "articles": len(articles),
            "composition": composition(articles),
            "duplicates": duplicate_scores(prepared, answers).as_dict(),
            "family_precision": round(family_precision(prepared, answers), 4),
            "stories": story_scores(prepared, answers).as_dict(),
            "stories_count": {
                "truth": len({a.story for a in articles}),
                "answered": len({e.story_id for e in answers.values()}),
            },
            "recall_by_edit": edit_recall(prepared, answers),
            "similarities": {kind: summary(values) for kind, values in pair_similarities(prepared).items()},
            "wrong": misses(prepared, answers, by_id),
        }
    results["test"]["threshold_sweep"] = sweep(prepare(halves["test"], entity_keys), defaults)
    results["timing"] = timing(sentences, defaults, filler=20_000)
    return results


def _line(row: dict[str, Any]) -> str:
    return f"P {row['precision']:.4f}  R {row['recall']:.4f}  (tp {row['tp']}, fp {row['fp']}, fn {row['fn']})"


def report(results: dict[str, Any]) -> str:
    out = [
        f"Near-duplicate evaluation: {results['corpus']}; seed {results['seed']}; salient entities from "
        f"{'the shipped pipeline' if results['entities'] == 'pipeline' else 'the gold tags'}",
        f"defaults: {results['defaults']}",
        "",
        "TUNING half (the defaults were chosen here):",
        "  shingle size: chosen threshold, scores there; similarity to the original (median / p05 for "
        "republications, p95 / max for the others)",
    ]
    for size, row in results["tune_shingle_sizes"].items():
        sims = row["similarities"]
        out.append(
            f"    k={size}: t={row['chosen_threshold']:.2f} {_line(row['at_chosen'])}; republication "
            f"{sims['republication']['median']}/{sims['republication']['p05']}, follow-up "
            f"{sims['follow-up'].get('p95')}/{sims['follow-up'].get('max')}, hard negative "
            f"{sims['hard-negative'].get('p95')}/{sims['hard-negative'].get('max')}, unrelated originals "
            f"{sims['unrelated']['p95']}/{sims['unrelated']['max']}"
        )
    out.append(f"  threshold sweep (k={results['defaults']['shingle_size']}), duplicate_of in the stream:")
    out += [f"    {row['threshold']:.2f}: {_line(row)}" for row in results["tune_threshold_sweep"]]
    out.append(
        "  chosen by the rule (midway between the most similar non-republication and the 5th percentile of the "
        f"republications): {results['tune_chosen_threshold']:.2f}; the default is "
        f"{results['defaults']['duplicate_threshold']:.2f}"
    )
    out.append("  story thresholds (text; with shared entities), story_id pairwise:")
    out += [
        f"    {row['story']:.2f}; {row['entity']:.2f}: F1 {row['f1']:.4f} {_line(row)}"
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
            f"  story_id, pairwise: {_line(result['stories'])}; stories {result['stories_count']}",
            f"  recall by edit: {result['recall_by_edit']}",
            "  similarity to the original: "
            + "; ".join(f"{kind} {summary_row}" for kind, summary_row in result["similarities"].items()),
        ]
        out += [f"  wrong: {line}" for line in result["wrong"][:20]]
        if len(result["wrong"]) > 20:
            out.append(f"  … and {len(result['wrong']) - 20} more")
    out.append("  held-out threshold sweep (for reading only, not for choosing):")
    out += [f"    {row['threshold']:.2f}: {_line(row)}" for row in results["test"]["threshold_sweep"]]
    out += ["", f"timing (one process, this machine): {results['timing']}"]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lab.evaluate_duplicates", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--entities", choices=("pipeline", "gold"), default="pipeline", help="where salient entities come from"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the set's edits and times")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    arguments = parser.parse_args(argv)
    results = evaluate(arguments.entities, arguments.seed)
    print(report(results))
    if arguments.json:
        arguments.json.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
