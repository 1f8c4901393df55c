"""An evaluation set for near-duplicates and stories, built at run time from ANERcorp train.

ANERcorp is newswire, so runs of its consecutive sentences read like articles (as in the benchmark,
`lab.bench.articles`). The corpus is split in two halves of consecutive sentences: the tuning half,
on which the thresholds, the shingle size and the bands were chosen, and the held-out half, on which
they are reported. Within a half, every other run of 8 to 16 sentences is an original article and
the runs between them are donors, whose sentences build the negatives. A sentence that the corpus
repeats (it holds one article twice) is kept once, so no two originals share text by accident.

Each original brings:
- republications (the truth: `duplicate_of` is the original), each with one to four of the edits that
  republishing makes (EDITS): a changed title, an added dateline or agency line, a dropped paragraph or
  sentences, the tail cut, sentences or paragraphs reordered, proclitics changed, spelling variants
  (hamza forms, teh marbuta / heh, alef maksura / ya and tatweel, which the normalizer folds, and
  Arabic-Indic digits, which it does not); now and then a republication of a republication;
- a hard negative: an unrelated article about the same entities, built from donor sentences that name
  the original's entities (a story of its own, no original);
- for every second original, a follow-up: two sentences to a third of the original as background, and five
  to eight donor sentences about its entities (the original's story, but no duplicate).

Nothing of the corpus is written anywhere: the set is rebuilt, identically for a seed, every run.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from lab.corpora import Sentence
from workers.ner.spans import bio_spans
from workers.stories.shingles import word_form

SEED = 15
PARTS = ("tune", "test")
MIN_SENTENCES, MAX_SENTENCES = 8, 16
PARAGRAPH = 4
TITLE_TOKENS = 10
#: Seconds between originals, and the spans after an original within which its relatives appear.
ORIGINAL_SPACING = 600.0
REPUBLISHED_WITHIN = 4 * 3600.0
FOLLOW_UP_AFTER = (3600.0, 5 * 3600.0)
NEGATIVE_WITHIN = 3 * 3600.0
ENTITY_KEYS = 5

CITIES = ("القاهرة", "بيروت", "دبي", "عمان", "الرباط", "بغداد", "الدوحة", "تونس", "الرياض", "غزة")
AGENCIES = ("رويترز", "أ ف ب", "د ب أ", "وكالات", "الأناضول", "واس", "أ ش أ")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_HAMZA_FREE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})


@dataclass(frozen=True, slots=True)
class Draft:
    """An article being edited: its title and its sentences (paragraphs of PARAGRAPH sentences)."""

    title: str
    sentences: tuple[str, ...]

    @property
    def body(self) -> str:
        paragraphs = [
            " ".join(self.sentences[start : start + PARAGRAPH]) for start in range(0, len(self.sentences), PARAGRAPH)
        ]
        return "\n".join(paragraphs)


@dataclass(frozen=True, slots=True)
class SetArticle:
    """One article of the set, with its truth."""

    id: str
    part: str
    #: original, republication, follow-up, hard-negative.
    kind: str
    edits: tuple[str, ...]
    title: str
    body: str
    time: float
    #: The truth of `duplicate_of`: the original's id for a republication, else None.
    original: str | None
    #: The truth of `story_id`: the original's id for it, its republications and follow-ups.
    story: str
    #: `TYPE:form` of the gold entities of the article's sentences, most mentioned first.
    entities: tuple[str, ...]


def _words(sentence: str) -> list[str]:
    return sentence.split(" ")


def change_title(draft: Draft, rng: random.Random) -> Draft:
    """An outlet's own headline: a breaking-news prefix, or the start of another sentence."""
    if rng.random() < 0.4:
        return replace(draft, title=rng.choice(("عاجل: ", "بالفيديو: ", "تقرير: ")) + draft.title)
    other = rng.choice(draft.sentences[1:] or draft.sentences)
    return replace(draft, title=" ".join(_words(other)[:TITLE_TOKENS]))


def add_dateline(draft: Draft, rng: random.Random) -> Draft:
    """«القاهرة (رويترز) -» before the first sentence."""
    line = f"{rng.choice(CITIES)} ({rng.choice(AGENCIES)}) - "
    return replace(draft, sentences=(line + draft.sentences[0], *draft.sentences[1:]))


def add_agency_line(draft: Draft, rng: random.Random) -> Draft:
    """A closing line naming the source."""
    line = rng.choice(("المصدر: ", "نقلا عن ", "(خدمة ")) + rng.choice(AGENCIES)
    return replace(draft, sentences=(*draft.sentences, line))


def drop_paragraph(draft: Draft, rng: random.Random) -> Draft:
    """One paragraph out, never the first."""
    paragraphs = range(1, (len(draft.sentences) + PARAGRAPH - 1) // PARAGRAPH)
    if not paragraphs:
        return drop_sentences(draft, rng)
    start = rng.choice(paragraphs) * PARAGRAPH
    return replace(draft, sentences=draft.sentences[:start] + draft.sentences[start + PARAGRAPH :])


def drop_sentences(draft: Draft, rng: random.Random) -> Draft:
    """One or two sentences out, never the first."""
    dropped = set(rng.sample(range(1, len(draft.sentences)), min(rng.randint(1, 2), len(draft.sentences) - 1)))
    return replace(draft, sentences=tuple(s for i, s in enumerate(draft.sentences) if i not in dropped))


def cut_tail(draft: Draft, rng: random.Random) -> Draft:
    """The last quarter to third of the sentences cut, as a shorter outlet does."""
    keep = max(2, round(len(draft.sentences) * rng.uniform(0.67, 0.75)))
    return replace(draft, sentences=draft.sentences[:keep])


def reorder(draft: Draft, rng: random.Random) -> Draft:
    """Two paragraphs after the first swapped, or one sentence moved."""
    sentences = list(draft.sentences)
    paragraphs = [sentences[start : start + PARAGRAPH] for start in range(0, len(sentences), PARAGRAPH)]
    if len(paragraphs) >= 3 and rng.random() < 0.5:
        first, second = rng.sample(range(1, len(paragraphs)), 2)
        paragraphs[first], paragraphs[second] = paragraphs[second], paragraphs[first]
        return replace(draft, sentences=tuple(s for paragraph in paragraphs for s in paragraph))
    moved = sentences.pop(rng.randrange(1, len(sentences)))
    sentences.insert(rng.randrange(1, len(sentences) + 1), moved)
    return replace(draft, sentences=tuple(sentences))


def change_proclitics(draft: Draft, rng: random.Random) -> Draft:
    """«و» → «ف» on some words, «و» added to some sentence starts, «في ال…» → «بال…»."""

    def edit(sentence: str) -> str:
        words = _words(sentence)
        for index, word in enumerate(words):
            if word.startswith("و") and len(word) > 3 and rng.random() < 0.3:
                words[index] = "ف" + word[1:]
            elif word == "في" and index + 1 < len(words) and words[index + 1].startswith("ال") and rng.random() < 0.5:
                words[index], words[index + 1] = "", "ب" + words[index + 1]
        if not words[0].startswith(("و", "ف")) and rng.random() < 0.3:
            words[0] = "و" + words[0]
        return " ".join(word for word in words if word)

    return replace(draft, sentences=tuple(map(edit, draft.sentences)))


def change_spelling(draft: Draft, rng: random.Random) -> Draft:
    """Hamza forms, final teh marbuta / heh and alef maksura / ya, tatweel; Arabic-Indic digits at times."""
    digits = rng.random() < 0.5

    def edit(word: str) -> str:
        if rng.random() < 0.4:
            word = word.translate(_HAMZA_FREE)
        if word.endswith("ة") and rng.random() < 0.5:
            word = word[:-1] + "ه"
        elif word.endswith("ى") and rng.random() < 0.5:
            word = word[:-1] + "ي"
        elif word.endswith("ي") and rng.random() < 0.3:
            word = word[:-1] + "ى"
        if len(word) > 4 and rng.random() < 0.02:
            word = word[:2] + "ـ" + word[2:]
        return word.translate(_ARABIC_INDIC) if digits else word

    def sentence(text: str) -> str:
        return " ".join(map(edit, _words(text)))

    return Draft(sentence(draft.title), tuple(map(sentence, draft.sentences)))


Edit = Callable[[Draft, random.Random], Draft]
EDITS: dict[str, Edit] = {
    "title": change_title,
    "dateline": add_dateline,
    "agency-line": add_agency_line,
    "drop-paragraph": drop_paragraph,
    "drop-sentences": drop_sentences,
    "cut-tail": cut_tail,
    "reorder": reorder,
    "proclitics": change_proclitics,
    "spelling": change_spelling,
}
# Applied in this order, as an outlet would: cut first, then reword, then frame.
_EDIT_ORDER = (
    "cut-tail",
    "drop-paragraph",
    "drop-sentences",
    "reorder",
    "proclitics",
    "spelling",
    "title",
    "dateline",
    "agency-line",
)


def republish(draft: Draft, edits: Sequence[str], rng: random.Random) -> Draft:
    """The draft with `edits` applied in the order an outlet would (the agency line last)."""
    for name in sorted(edits, key=_EDIT_ORDER.index):
        draft = EDITS[name](draft, rng)
    return draft


def _sentence_text(sentence: Sentence) -> str:
    return " ".join(sentence.tokens)


def entity_keys(sentence: Sentence) -> list[str]:
    """`TYPE:form` of each gold entity of a sentence, in the shingles' word forms."""
    return [
        f"{span.type}:" + " ".join(word_form(token) for token in sentence.tokens[span.start : span.end])
        for span in bio_spans(sentence.tags)
    ]


def _salient(sentences: Sequence[Sentence]) -> tuple[str, ...]:
    counts = Counter(key for sentence in sentences for key in entity_keys(sentence))
    return tuple(key for key, _ in counts.most_common(ENTITY_KEYS))


def distinct_sentences(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The corpus without the sentences it repeats (the first of each kept)."""
    seen: set[str] = set()
    kept = []
    for sentence in sentences:
        text = _sentence_text(sentence)
        if text not in seen:
            seen.add(text)
            kept.append(sentence)
    return kept


class _Donors:
    """Donor sentences by gold entity, each given out once."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = list(sentences)
        self.used: set[int] = set()
        self.by_key: dict[str, list[int]] = defaultdict(list)
        for index, sentence in enumerate(self.sentences):
            for key in dict.fromkeys(entity_keys(sentence)):
                self.by_key[key].append(index)

    def about(self, keys: Sequence[str], count: int, rng: random.Random) -> list[Sentence]:
        """Up to `count` unused sentences naming the most of `keys`, in corpus order; none if fewer than half."""
        shared: Counter[int] = Counter()
        for key in keys:
            shared.update(index for index in self.by_key.get(key, ()) if index not in self.used)
        ranked = sorted(shared, key=lambda index: (-shared[index], rng.random()))[:count]
        if len(ranked) < count // 2:
            return []
        self.used.update(ranked)
        return [self.sentences[index] for index in sorted(ranked)]


def build_part(part: str, sentences: Sequence[Sentence], seed: int = SEED, start_time: float = 0.0) -> list[SetArticle]:
    """The set of one half: originals with their republications, follow-ups and hard negatives, by time."""
    rng = random.Random(f"{seed}-{part}")
    runs: list[Sequence[Sentence]] = []
    position = 0
    while position + MIN_SENTENCES <= len(sentences):
        length = rng.randint(MIN_SENTENCES, MAX_SENTENCES)
        runs.append(sentences[position : position + length])
        position += length
    originals, donors = runs[0::2], _Donors([sentence for run in runs[1::2] for sentence in run])
    articles: list[SetArticle] = []
    for number, run in enumerate(originals):
        base = f"{part}-{number:04d}"
        time = start_time + number * ORIGINAL_SPACING
        texts = tuple(map(_sentence_text, run))
        keys = _salient(run)
        draft = Draft(" ".join(run[0].tokens[:TITLE_TOKENS]), texts)
        articles.append(SetArticle(base, part, "original", (), draft.title, draft.body, time, None, base, keys))
        republished = []
        for copy, edit_count in enumerate((1, 2, rng.randint(3, 4))):
            edits = tuple(sorted(rng.sample(sorted(EDITS), edit_count)))
            copied = republish(draft, edits, rng)
            when = time + rng.uniform(60.0, REPUBLISHED_WITHIN)
            republished.append((copied, edits, when))
            articles.append(
                SetArticle(
                    f"{base}-r{copy}", part, "republication", edits, copied.title, copied.body, when, base, base, keys
                )
            )
        if rng.random() < 0.3:
            parent, parent_edits, parent_time = republished[rng.randrange(len(republished))]
            edits = tuple(sorted(rng.sample(sorted(EDITS), 2)))
            copied = republish(parent, edits, rng)
            when = parent_time + rng.uniform(60.0, 3600.0)
            chained = ("chained", *parent_edits, *edits)
            articles.append(
                SetArticle(
                    f"{base}-rr", part, "republication", chained, copied.title, copied.body, when, base, base, keys
                )
            )
        negative = donors.about(keys, rng.randint(MIN_SENTENCES - 2, MIN_SENTENCES + 2), rng)
        if negative:
            title = " ".join(negative[0].tokens[:TITLE_TOKENS])
            body = Draft(title, tuple(map(_sentence_text, negative))).body
            when = time + rng.uniform(0.0, NEGATIVE_WITHIN)
            negative_id = f"{base}-n"
            articles.append(
                SetArticle(
                    negative_id, part, "hard-negative", (), title, body, when, None, negative_id, _salient(negative)
                )
            )
        if number % 2 == 0:
            new = donors.about(keys, rng.randint(5, 8), rng)
            if new:
                # Background of up to a third of the original: more would make it a republication.
                kept = rng.randint(2, max(2, len(texts) // 3))
                background = rng.randrange(0, len(texts) - kept + 1)
                follow = Draft(
                    " ".join(new[0].tokens[:TITLE_TOKENS]),
                    (*map(_sentence_text, new), *texts[background : background + kept]),
                )
                when = time + rng.uniform(*FOLLOW_UP_AFTER)
                articles.append(
                    SetArticle(
                        f"{base}-f",
                        part,
                        "follow-up",
                        (),
                        follow.title,
                        follow.body,
                        when,
                        None,
                        base,
                        _salient([*new, *run[background : background + kept]]),
                    )
                )
    return sorted(articles, key=lambda article: (article.time, article.id))


def build_set(sentences: Sequence[Sentence], seed: int = SEED) -> dict[str, list[SetArticle]]:
    """Both halves of the set: `tune` from the first half of the corpus's distinct sentences, `test` from the second."""
    kept = distinct_sentences(sentences)
    middle = len(kept) // 2
    return {"tune": build_part("tune", kept[:middle], seed), "test": build_part("test", kept[middle:], seed)}


def composition(articles: Sequence[SetArticle]) -> dict[str, int]:
    """How many articles of each kind, republications by edit count, and chained ones."""
    counts: Counter[str] = Counter(article.kind for article in articles)
    for article in articles:
        if article.kind == "republication":
            edits = [edit for edit in article.edits if edit != "chained"]
            counts["chained republication" if "chained" in article.edits else f"republication, {len(edits)} edits"] += 1
            for edit in set(edits):
                counts[f"edit {edit}"] += 1
    return dict(sorted(counts.items()))
