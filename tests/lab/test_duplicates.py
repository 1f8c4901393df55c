from __future__ import annotations

import random
from collections import Counter

import pytest

from lab.bench.articles import default_corpus, load_sentences
from lab.corpora import Sentence
from lab.duplicates import (
    PARAGRAPH,
    Draft,
    add_dateline,
    build_part,
    build_set,
    change_proclitics,
    change_spelling,
    composition,
    cut_tail,
    distinct_sentences,
    drop_paragraph,
    reorder,
)
from lab.evaluate_duplicates import (
    Prepared,
    Scores,
    chosen_threshold,
    duplicate_scores,
    f_half,
    prepare,
    story_scores,
    stream,
)
from workers.stories.entry import Entry
from workers.stories.index import StorySettings
from workers.stories.shingles import words

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
NAMES = (("خالد", "المحجوب"), ("سعاد", "الفيتوري"), ("كمال", "الدين"), ("هدى", "السنوسي"))
PLACES = ("سرت", "بنغازي", "طبرق", "درنة", "مصراتة")


def corpus(count: int = 240, seed: int = 3) -> list[Sentence]:
    """Made-up sentences: twelve random words, a person and a place from small pools, tagged as ANERcorp is."""
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        person, place = rng.choice(NAMES), rng.choice(PLACES)
        tokens = ["".join(rng.choice(LETTERS) for _ in range(5)) for _ in range(12)]
        tags = ["O"] * 12
        tokens[2:2], tags[2:2] = list(person), ["B-PER", "I-PER"]
        tokens[8:8], tags[8:8] = [place], ["B-LOC"]
        sentences.append(Sentence((*tokens, "."), (*tags, "O")))
    return sentences


def draft(sentences: int = 12) -> Draft:
    return Draft("عنوان الخبر", tuple(" ".join(sentence.tokens) for sentence in corpus(sentences)))


def test_the_set_is_the_same_for_a_seed_and_another_for_another() -> None:
    sentences = corpus()
    assert build_part("tune", sentences, seed=1) == build_part("tune", sentences, seed=1)
    assert build_part("tune", sentences, seed=1) != build_part("tune", sentences, seed=2)


def test_every_kind_with_its_truth() -> None:
    articles = build_part("tune", corpus())
    by_id = {article.id: article for article in articles}
    kinds = Counter(article.kind for article in articles)
    assert set(kinds) == {"original", "republication", "hard-negative", "follow-up"}
    for article in articles:
        if article.kind == "republication":
            assert article.original is not None
            assert by_id[article.original].kind == "original"
            assert article.story == article.original
            assert article.time > by_id[article.original].time
        elif article.kind in ("original", "hard-negative"):
            assert (article.original, article.story) == (None, article.id)
        else:
            assert article.original is None
            assert by_id[article.story].kind == "original"
    assert [article.time for article in articles] == sorted(article.time for article in articles)
    assert composition(articles)["original"] == kinds["original"]


def test_a_hard_negative_names_its_originals_entities_but_shares_none_of_its_sentences() -> None:
    articles = build_part("tune", corpus())
    by_id = {article.id: article for article in articles}
    negatives = [article for article in articles if article.kind == "hard-negative"]
    assert negatives
    for negative in negatives:
        original = by_id[negative.id.removesuffix("-n")]
        assert set(negative.entities) & set(original.entities)
        sentences = set(original.body.replace("\n", " ").split(" . "))
        assert not sentences & set(negative.body.replace("\n", " ").split(" . "))


def test_the_halves_come_from_disjoint_sentences() -> None:
    halves = build_set(corpus(400))
    originals = {
        part: {word for article in articles if article.kind == "original" for word in article.body.split()}
        for part, articles in halves.items()
    }
    # Names, places and the full stop are shared; the random words are not.
    assert originals["tune"] & originals["test"] <= {".", *PLACES, *(name for names in NAMES for name in names)}


def test_repeated_sentences_are_kept_once() -> None:
    sentences = corpus(5)
    assert distinct_sentences([*sentences, sentences[0], sentences[3]]) == sentences


def test_edits() -> None:
    rng = random.Random(0)
    original = draft()
    dated = add_dateline(original, rng)
    assert dated.sentences[0].endswith(original.sentences[0])
    assert dated.sentences[0].split(" (")[0] and " - " in dated.sentences[0]
    dropped = drop_paragraph(original, rng)
    assert len(dropped.sentences) == len(original.sentences) - PARAGRAPH
    assert dropped.sentences[0] == original.sentences[0]
    cut = cut_tail(original, rng)
    assert original.sentences[: len(cut.sentences)] == cut.sentences
    assert len(cut.sentences) < len(original.sentences)
    moved = reorder(original, rng)
    assert sorted(moved.sentences) == sorted(original.sentences)
    assert moved.sentences != original.sentences
    assert moved.sentences[0] == original.sentences[0]


def test_spelling_and_proclitic_edits_change_the_text_and_not_its_word_forms() -> None:
    rng = random.Random(1)
    original = Draft("أعلنت الوزارة", ("وقال الوزير إن المستشفى في المدينة جديد .", "وأضاف أنه مستشفى كبير ."))
    for edit in (change_spelling, change_proclitics):
        edited = edit(original, rng)
        for before, after in zip(original.sentences, edited.sentences, strict=True):
            kept = [word for word in words(before) if word != "في"]
            assert [word for word in words(after) if word != "في"] == kept
    assert any(change_spelling(original, random.Random(seed)).body != original.body for seed in range(5))


def test_no_hard_negative_is_called_a_duplicate_and_republications_are_found() -> None:
    articles = build_part("tune", corpus())
    prepared = prepare(articles, lambda article: article.entities)
    answers = stream(prepared, StorySettings())
    for item in prepared:
        if item.article.kind in ("hard-negative", "follow-up", "original"):
            assert answers[item.article.id].duplicate_of is None
    single = [item for item in prepared if item.article.kind == "republication" and len(item.article.edits) == 1]
    found = sum(answers[item.article.id].duplicate_of == item.article.original for item in single)
    assert found >= 0.9 * len(single)


def entry(article_id: str, story: str) -> Entry:
    return Entry(article_id, 0.0, None, 0, (), story)  # type: ignore[arg-type]


def test_story_scores_count_pairs() -> None:
    articles = build_part("tune", corpus())[:4]
    prepared = [Prepared(article, None, 0, ()) for article in articles]  # type: ignore[arg-type]
    truth_story = {article.id: article.story for article in articles}
    # Every article alone: no pair answered, every true pair missed.
    alone = story_scores(prepared, {key: entry(key, key) for key in truth_story})
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth_story.values()).values())
    assert alone == Scores(0, 0, true_pairs)
    # All in one story: every pair answered.
    together = story_scores(prepared, {key: entry(key, "one") for key in truth_story})
    assert together.true_positives == true_pairs
    assert together.false_positives == 6 - true_pairs


def row(threshold: float, precision: float, recall: float) -> dict[str, float]:
    return {"threshold": threshold, "precision": precision, "recall": recall}


def test_the_threshold_rule_weighs_precision_twice() -> None:
    assert f_half(1.0, 1.0) == 1.0
    assert f_half(0.99, 0.9) > f_half(0.9, 0.99)
    rows = [row(0.3, 0.97, 0.99), row(0.35, 0.99, 0.98), row(0.4, 0.995, 0.9)]
    assert chosen_threshold(rows) == 0.35
    # A tie goes to the higher threshold.
    assert chosen_threshold([row(0.3, 1.0, 1.0), row(0.4, 1.0, 1.0)]) == 0.4


@pytest.mark.thorough
def test_the_goal_holds_on_the_held_out_half_of_anercorp_train_in_shared() -> None:
    """The issue's goal, precision ≥ 0.98 and recall ≥ 0.9 at the default threshold, on one seed of the held-out
    half (gold entities: the duplicate answers use the text alone)."""
    path = default_corpus()
    if not path.exists():
        pytest.skip(f"{path} is not here")
    held_out = build_set(load_sentences(path))["test"]
    prepared = prepare(held_out, lambda article: article.entities)
    scores = duplicate_scores(prepared, stream(prepared, StorySettings()))
    assert scores.true_positives + scores.false_negatives > 200
    assert scores.precision >= 0.98
    assert scores.recall >= 0.9
