"""One place for each place name of an article: the candidate its population and the article's other
places make likeliest, or none.

For the names n_1 … n_m of one article, each with its candidates C_i (`Gazetteer.candidates`):

- prior: p_i(c) = (population(c) + 1) / Σ over C_i of (population + 1), so that a country outweighs a
  town of its name («لبنان»: Lebanon, not Lebanon, Ohio) and Tripoli, Libya (1.3 M) outweighs
  Tripoli, Lebanon (0.23 M) when nothing else is known;
- evidence of name i for country k: e_i(k) = Σ of q_i(c) over the candidates c of C_i in country k,
  so a name with candidates in one country only («صيدا», «لبنان») counts 1 for it, and an ambiguous
  name counts for each of its countries as much as it is believed to be there;
- support of a candidate c of name j: s_j(c) = Σ over the other names i ≠ j of e_i(country(c));
  continents belong to no country and neither give nor get support;
- confidence: q_j(c) = p_j(c) · exp(CONTEXT_WEIGHT · s_j(c)) / Σ over C_j of the same.

q starts as p and is recomputed CONTEXT_ROUNDS times, so that ambiguous names settle one another.
With CONTEXT_WEIGHT 3, one other place in Lebanon makes «طرابلس» Tripoli, Lebanon with confidence 0.78;
two make it 0.99. The best candidate is returned when its confidence reaches MIN_CONFIDENCE; below
it the name is left unresolved (None) rather than guessed. The order of the names changes nothing.
The constants were chosen on the dev part of the labelled place set (`lab/evaluate_places.py`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from workers.geo.gazetteer import Gazetteer, Place

#: Resolutions below this confidence are not given: a wrong pin on a map is worse than none.
MIN_CONFIDENCE = 0.6
#: How strongly one other place of the article in a country pulls a name to that country (a factor
#: of exp(3) ≈ 20 on the candidate's odds).
CONTEXT_WEIGHT = 3.0
#: Rounds of re-estimating the names' beliefs from one another.
CONTEXT_ROUNDS = 2


@dataclass(frozen=True, slots=True)
class Resolution:
    """The place a name was resolved to, and the confidence of that choice, in (0, 1]."""

    place: Place
    confidence: float


def resolve_places(names: Sequence[str], gazetteer: Gazetteer) -> list[Resolution | None]:
    """For each of an article's distinct place names (normal forms), its place or None (unknown to
    the gazetteer, or no candidate reaching MIN_CONFIDENCE); see the module docstring."""
    candidates = [gazetteer.candidates(name) for name in names]
    priors = [_prior(places) for places in candidates]
    beliefs = priors
    for _ in range(CONTEXT_ROUNDS):
        evidence = [_country_evidence(places, belief) for places, belief in zip(candidates, beliefs, strict=True)]
        total: defaultdict[str, float] = defaultdict(float)
        for name_evidence in evidence:
            for country, weight in name_evidence.items():
                total[country] += weight
        beliefs = [
            _posterior(places, prior, {country: total[country] - own.get(country, 0.0) for country in total})
            for places, prior, own in zip(candidates, priors, evidence, strict=True)
        ]
    return [_best(places, belief) for places, belief in zip(candidates, beliefs, strict=True)]


def _prior(places: Sequence[Place]) -> list[float]:
    """Population shares of the candidates."""
    weights = [place.population + 1 for place in places]
    total = sum(weights)
    return [weight / total for weight in weights]


def _country_evidence(places: Sequence[Place], belief: Sequence[float]) -> dict[str, float]:
    """How much one name says the article is about each country (e_i)."""
    evidence: defaultdict[str, float] = defaultdict(float)
    for place, share in zip(places, belief, strict=True):
        if place.country_code:
            evidence[place.country_code] += share
    return evidence


def _posterior(places: Sequence[Place], prior: Sequence[float], support: dict[str, float]) -> list[float]:
    """The candidates' confidences given the support of the other names (computed in the log domain,
    as an article of many places in one country gives large supports)."""
    if not places:
        return []
    logits = [
        math.log(share) + CONTEXT_WEIGHT * support.get(place.country_code, 0.0)
        for place, share in zip(places, prior, strict=True)
    ]
    top = max(logits)
    weights = [math.exp(logit - top) for logit in logits]
    total = sum(weights)
    return [weight / total for weight in weights]


def _best(places: Sequence[Place], belief: Sequence[float]) -> Resolution | None:
    """The likeliest candidate when it is likely enough (the first of equals, in gazetteer order)."""
    if not places:
        return None
    confidence, index = max((share, -index) for index, share in enumerate(belief))
    return Resolution(places[-index], confidence) if confidence >= MIN_CONFIDENCE else None
