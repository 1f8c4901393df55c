"""One place for each place name of an article: the candidate its population and the article's other
places make likeliest, or none.

For the names n_1 … n_m of one article, each with its candidates C_i (`Gazetteer.candidates`), plus
one more outcome, "unlisted": the name means something the gazetteer does not hold (a region, a
village, a person the tagger took for a place, a football club):

- prior: p_i(c) ∝ population(c) + 1, and p_i(unlisted) ∝ UNLISTED_POPULATION, so that Tripoli,
  Libya (1.3 M) outweighs Tripoli, Lebanon (0.23 M) when nothing else is known, and a small town that
  nothing else in the article points to is not trusted (Arua, Uganda, 72,000 people, for «آروا»,
  Aarau); towns named after a country are not under its name at all (`lab.build_gazetteer`);
- evidence of name i for country k: e_i(k) = Σ of q_i(c) over the candidates c of C_i in country k,
  so a name with all its candidates in one country («صيدا», «لبنان») counts about 1 for it, and an
  ambiguous name counts for each of its countries as much as it is believed to be there;
- support of a candidate c of name j: s_j(c) = Σ over the other names i ≠ j of e_i(country(c));
  continents belong to no country and neither give nor get support, nor does "unlisted";
- belief: q_j(c) ∝ p_j(c) · (1 + CONTEXT_WEIGHT · s_j(c) / (s_j(c) + 1)), q_j(unlisted) ∝ p_j(unlisted),
  summing to 1: one other place of the country multiplies a candidate's weight by 21, many by at most 41.

q starts as p and is recomputed CONTEXT_ROUNDS times, so that ambiguous names settle one another.
A country takes the belief of its own cities of the same name: «الكويت», «الجزائر», «هونغ كونغ»
resolve to the country, not to its capital. The confidence is the chosen candidate's belief; a name
whose best candidate is below MIN_CONFIDENCE is left unresolved (None) rather than guessed. With these
constants «سرت» alone has confidence 0.68 and «البريقه» alone 0.39 (None), both above 0.9 side by side;
«طرابلس» alone is Tripoli, Libya (0.82), and Tripoli, Lebanon (0.78) beside one other place in Lebanon.
The order of the names changes nothing. The constants were chosen on the dev part of the labelled place
set (`python -m lab.evaluate_places`, which also shows precision and coverage at other thresholds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from workers.geo.gazetteer import CITY, COUNTRY, Gazetteer, Place

#: Resolutions below this confidence are not given: a wrong pin on a map is worse than none.
MIN_CONFIDENCE = 0.6
#: The population-equivalent weight of "the name means a place or thing the gazetteer lacks".
UNLISTED_POPULATION = 50_000
#: How strongly the article's other places in a country pull a name to that country: at most this many
#: times the candidate's own weight, half of it for one place. It saturates because the places of one
#: article are not independent evidence: ten places in the United States must not make «باريس»
#: Paris, Texas (24,000 people) rather than Paris, France (2.1 M).
CONTEXT_WEIGHT = 40.0
#: Rounds of re-estimating the names' beliefs from one another.
CONTEXT_ROUNDS = 2


@dataclass(frozen=True, slots=True)
class Resolution:
    """The place a name was resolved to, and the confidence of that choice, in (0, 1]."""

    place: Place
    confidence: float


def resolve_places(
    names: Sequence[str], gazetteer: Gazetteer, *, min_confidence: float = MIN_CONFIDENCE
) -> list[Resolution | None]:
    """For each of an article's distinct place names (normal forms), its place or None (unknown to
    the gazetteer, or no candidate reaching `min_confidence`); see the module docstring."""
    candidates = [gazetteer.candidates(name) for name in names]
    beliefs = [_belief(places, {}) for places in candidates]
    for _ in range(CONTEXT_ROUNDS):
        evidence = [_country_evidence(places, belief) for places, belief in zip(candidates, beliefs, strict=True)]
        total: defaultdict[str, float] = defaultdict(float)
        for name_evidence in evidence:
            for country, weight in name_evidence.items():
                total[country] += weight
        beliefs = [
            _belief(places, {country: total[country] - own.get(country, 0.0) for country in total})
            for places, own in zip(candidates, evidence, strict=True)
        ]
    return [_best(places, belief, min_confidence) for places, belief in zip(candidates, beliefs, strict=True)]


def _belief(places: Sequence[Place], support: dict[str, float]) -> list[float]:
    """q of each candidate given the support of the other names; "unlisted" has the rest."""
    weights = [(place.population + 1) * _context_factor(support.get(place.country_code, 0.0)) for place in places]
    total = sum(weights) + UNLISTED_POPULATION
    return [weight / total for weight in weights]


def _context_factor(support: float) -> float:
    """1 + CONTEXT_WEIGHT · s / (s + 1): half the weight for one place of the country, at most all of it."""
    return 1.0 + CONTEXT_WEIGHT * support / (support + 1.0)


def _country_evidence(places: Sequence[Place], belief: Sequence[float]) -> dict[str, float]:
    """How much one name says the article is about each country (e_i)."""
    evidence: defaultdict[str, float] = defaultdict(float)
    for place, share in zip(places, belief, strict=True):
        if place.country_code:
            evidence[place.country_code] += share
    return evidence


def _best(places: Sequence[Place], belief: Sequence[float], min_confidence: float) -> Resolution | None:
    """The likeliest candidate when it is likely enough (the first of equals, in gazetteer order),
    each country having taken the belief of its same-named cities."""
    if not places:
        return None
    merged = list(belief)
    for index, place in enumerate(places):
        if place.feature_class == COUNTRY:
            for other, city in enumerate(places):
                if city.feature_class == CITY and city.country_code == place.country_code:
                    merged[index] += merged[other]
                    merged[other] = 0.0
    confidence, index = max((share, -index) for index, share in enumerate(merged))
    return Resolution(places[-index], confidence) if confidence >= min_confidence else None
