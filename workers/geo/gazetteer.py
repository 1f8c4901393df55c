"""The place gazetteer: GeoNames places under the normal forms of their Arabic names.

`places.tsv` (built by `python -m lab.build_gazetteer`, see docs/RESOURCES.md) has one place a line:

    geonames_id  name  country_code  latitude  longitude  feature_class  population  key|key|...

where a key is the normal form an entity with that name gets in Khabar's output (the `normalized`
field: `workers.ner.normal_form` over `workers.text.normalize`). The file is under 1 MB; loading reads
it once, checks its sha256 and the normalizer version of its manifest, and keeps each line as a string
that is parsed into a `Place` only when a lookup returns it, so that loading costs a few tens of ms.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from workers.ner.models import check_normalizer, read_json_object, verify_checksum

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"
PLACES_FILE = "places.tsv"
MANIFEST_FILE = "manifest.json"
_KEY_SEPARATOR = "|"
#: GeoNames feature classes of the gazetteer's places: country, populated place, area (the continents).
COUNTRY, CITY, CONTINENT = "A", "P", "L"


@dataclass(frozen=True, slots=True)
class Place:
    """One GeoNames place."""

    geonames_id: int
    #: GeoNames' name (English or the local name in Latin letters): «Sirte», «Al Burayqah».
    name: str
    #: ISO 3166-1 alpha-2; "" for a continent.
    country_code: str
    latitude: float
    longitude: float
    #: GeoNames feature class: "P" populated place, "A" country, "L" continent.
    feature_class: str
    population: int


def format_row(place: Place, keys: Sequence[str]) -> str:
    """A place's line of `places.tsv` (without the newline)."""
    fields = (place.geonames_id, place.name, place.country_code, place.latitude, place.longitude)
    return "\t".join(map(str, (*fields, place.feature_class, place.population, _KEY_SEPARATOR.join(keys))))


def parse_row(row: str) -> Place:
    """The place of a `places.tsv` line (its keys are ignored)."""
    geonames_id, name, country, latitude, longitude, feature_class, population, _ = row.split("\t")
    return Place(int(geonames_id), name, country, float(latitude), float(longitude), feature_class, int(population))


class Gazetteer:
    """Places by normal form: `candidates("طرابلس")` gives both Tripolis."""

    def __init__(self, rows: Sequence[str], names: Mapping[str, tuple[int, ...]]) -> None:
        """`rows` are `places.tsv` lines; `names` maps a key to the indexes of its places' rows."""
        self._rows = rows
        self._names = names
        self._parsed: dict[int, Place] = {}

    @classmethod
    def from_rows(cls, rows: Sequence[str]) -> Gazetteer:
        """Index `places.tsv` lines by their keys."""
        names: dict[str, tuple[int, ...]] = {}
        for index, row in enumerate(rows):
            for key in row[row.rindex("\t") + 1 :].split(_KEY_SEPARATOR):
                names[key] = (*names.get(key, ()), index)
        return cls(rows, names)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Read `places.tsv` from `path` (a directory; None: the shipped one), refusing a file that does
        not match its sha256 (ModelIntegrityError) or that is keyed by another normalizer
        (NormalizerMismatchError)."""
        directory = DEFAULT_DATA_DIR if path is None else path
        places = directory / PLACES_FILE
        verify_checksum(places)
        check_normalizer(read_json_object(directory / MANIFEST_FILE), directory / MANIFEST_FILE)
        return cls.from_rows(places.read_text(encoding="utf-8").splitlines())

    def __len__(self) -> int:
        """How many places."""
        return len(self._rows)

    def candidates(self, normalized_name: str) -> tuple[Place, ...]:
        """The places called `normalized_name` (an entity's normal form), in file order; () when none."""
        return tuple(self._place(index) for index in self._names.get(normalized_name, ()))

    def _place(self, index: int) -> Place:
        """The place of row `index`, parsed on its first lookup."""
        place = self._parsed.get(index)
        if place is None:
            place = self._parsed[index] = parse_row(self._rows[index])
        return place


@functools.cache
def shipped_gazetteer() -> Gazetteer:
    """The gazetteer shipped in `workers/geo/data/`, read on the first call."""
    return Gazetteer.load()
