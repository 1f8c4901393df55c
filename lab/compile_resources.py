"""Compile the entity resources' text files into the lexicon the runtime maps (`workers.ner.lexicon`).

    python -m lab.compile_resources [--data-dir workers/ner/data]

`lab.build_resources` writes the resources as gzip TSV (readable, diffable, the build's record) and
then runs this; run it alone after editing those files. The output is a function of the files'
content, so compiling twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workers.ner.lexicon import ARRAYS, EMPTY_SLOT, METADATA_FILE, NO_CLUSTER, array_name, slot_of
from workers.ner.models import NORMALIZER_FIELD, read_json_object
from workers.ner.resources import DEFAULT_DATA_DIR
from workers.text.mapped import save_arrays

WORD_COUNTS_FILE = "word_counts.tsv.gz"
CLUSTERS_FILE = "clusters.tsv.gz"
GAZETTEER_FILE = "gazetteer.tsv.gz"
#: What the builder recorded: seed, normalizer, settings, sources, timings.
MANIFEST_FILE = "manifest.json"
#: The order of the gazetteer type bits; a type outside it is added after these.
GAZETTEER_TYPES = ("PER_first", "PER_last", "PER", "LOC", "ORG")


def tsv_rows(path: Path) -> Iterator[list[str]]:
    """Tab-separated fields of each line of a gzip text file."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield line.rstrip("\n").split("\t")


def read_word_counts(path: Path) -> dict[str, int]:
    return {word: int(count) for word, count in tsv_rows(path)}


def read_clusters(path: Path) -> tuple[tuple[str, ...], dict[str, tuple[int, ...]]]:
    """The cluster columns named in the header ("k100", ...) and word → cluster ids, coarse to fine."""
    rows = tsv_rows(path)
    columns = tuple(next(rows)[1:])
    return columns, {word: tuple(int(cluster) for cluster in ids) for word, *ids in rows}


def read_gazetteer(path: Path) -> dict[str, set[str]]:
    """Entry → the set of its types over all sources (empty without the file)."""
    types: dict[str, set[str]] = {}
    if path.exists():
        for entry, entry_type, _source in tsv_rows(path):
            types.setdefault(entry, set()).add(entry_type)
    return types


def resources_fingerprint(directory: Path) -> str:
    """sha256 over the content of the resource files (the uncompressed text, so recompressing the same
    files changes nothing); a model records it to tell when its resources were rebuilt. A missing
    gazetteer adds nothing."""
    digest = hashlib.sha256()
    for name in (CLUSTERS_FILE, GAZETTEER_FILE, WORD_COUNTS_FILE):
        if name == GAZETTEER_FILE and not (directory / name).exists():
            continue
        with gzip.open(directory / name) as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def hash_slots(keys: Sequence[bytes]) -> np.ndarray:
    """The lexicon's open-addressing table: a power of two at least twice the keys, linear probing."""
    slot_count = 1 << max(1, (2 * len(keys) - 1).bit_length())
    slots = np.full(slot_count, EMPTY_SLOT, dtype=np.int32)
    mask = slot_count - 1
    for row, key in enumerate(keys):
        slot = slot_of(key, slot_count)
        while slots[slot] != EMPTY_SLOT:
            slot = (slot + 1) & mask
        slots[slot] = row
    return slots


def write_lexicon(
    directory: Path,
    word_counts: Mapping[str, int],
    cluster_columns: Sequence[str],
    clusters: Mapping[str, Sequence[int]],
    gazetteer: Mapping[str, set[str]],
    metadata: Mapping[str, object],
) -> None:
    """Write the lexicon's arrays and `lexicon.json` (with `metadata`: normalizer, fingerprint)."""
    words = sorted(set(word_counts) | set(clusters) | set(gazetteer), key=lambda word: word.encode("utf-8"))
    encoded = [word.encode("utf-8") for word in words]
    types = [*GAZETTEER_TYPES, *sorted({name for names in gazetteer.values() for name in names} - set(GAZETTEER_TYPES))]
    if len(types) > 8:
        raise ValueError(f"at most 8 gazetteer types fit the lexicon's bit mask, got {types}")
    bit = {name: 1 << position for position, name in enumerate(types)}
    no_cluster = (NO_CLUSTER,) * len(cluster_columns)
    arrays: dict[str, np.ndarray[Any, Any]] = {
        "keys": np.frombuffer(b"".join(encoded), dtype=np.uint8),
        "offsets": np.cumsum([0, *map(len, encoded)], dtype=np.uint64).astype(np.uint32),
        "slots": hash_slots(encoded),
        "counts": np.array([word_counts.get(word, 0) for word in words], dtype=np.uint32),
        "clusters": np.array([clusters.get(word, no_cluster) for word in words], dtype=np.int16).reshape(
            len(words), len(cluster_columns)
        ),
        "gazetteer": np.array([sum(bit[name] for name in gazetteer.get(word, ())) for word in words], dtype=np.uint8),
    }
    description = {
        **metadata,
        "keys": len(words),
        "cluster_columns": list(cluster_columns),
        "gazetteer_types": types,
        "longest_entry": max((entry.count(" ") + 1 for entry in gazetteer), default=0),
    }
    save_arrays(directory, METADATA_FILE, {array_name(name): arrays[name] for name in ARRAYS}, description)


def compile_resources(directory: Path) -> None:
    """The lexicon of the resource files in `directory`, written beside them."""
    columns, clusters = read_clusters(directory / CLUSTERS_FILE)
    manifest = read_json_object(directory / MANIFEST_FILE)
    metadata: dict[str, object] = {"resources_sha256": resources_fingerprint(directory)}
    if NORMALIZER_FIELD in manifest:
        metadata[NORMALIZER_FIELD] = manifest[NORMALIZER_FIELD]
    write_lexicon(
        directory,
        read_word_counts(directory / WORD_COUNTS_FILE),
        columns,
        clusters,
        read_gazetteer(directory / GAZETTEER_FILE),
        metadata,
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="the resource files' directory")
    args = parser.parse_args(argv)
    compile_resources(args.data_dir)
    print(f"lexicon written to {args.data_dir}")


if __name__ == "__main__":
    main()
