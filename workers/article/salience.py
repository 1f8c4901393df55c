"""How much an article is about each of its entities: a salience score in [0, 1].

News puts what it is about in the title and the lead, names it often and keeps coming back to it.
The score weighs those four signals, each in [0, 1]:

    salience = 0.40 × title + 0.25 × lead + 0.25 × frequency + 0.10 × spread

- title: 1 when the entity is named in the title, else 0;
- lead: how early the body first names it, 1 − (first start ÷ body length), 0 if the body never does;
- frequency: its mentions ÷ the mentions of the article's most mentioned entity;
- spread: how far apart its first and last mentions in the body are, as a share of the body length.

The weights were set by reading the seed articles' rankings, not fitted: an entity of the title and
the lead outranks any that is only frequent, and between two entities of the body the earlier and
more frequent ranks first.
"""

from __future__ import annotations

from collections.abc import Sequence

from workers.article.entities import Group
from workers.contract.records import Field

TITLE_WEIGHT = 0.40
LEAD_WEIGHT = 0.25
FREQUENCY_WEIGHT = 0.25
SPREAD_WEIGHT = 0.10
#: Scores are rounded so that records are stable and short.
DIGITS = 4


def salience(groups: Sequence[Group], positions: Sequence[tuple[Field, int]], body_length: int) -> list[float]:
    """The salience of each group of an article's mentions, which are at `positions` (field, start)
    of an article whose body has `body_length` characters, by the formula of this module."""
    most_mentions = max((len(group.mentions) for group in groups), default=1)
    length = max(body_length, 1)
    scores = []
    for group in groups:
        mentions = [positions[index] for index in group.mentions]
        in_body = [start for field, start in mentions if field == "body"]
        title = any(field == "title" for field, _ in mentions)
        lead = 1 - min(in_body) / length if in_body else 0.0
        spread = (max(in_body) - min(in_body)) / length if in_body else 0.0
        score = (
            TITLE_WEIGHT * title
            + LEAD_WEIGHT * lead
            + FREQUENCY_WEIGHT * len(mentions) / most_mentions
            + SPREAD_WEIGHT * spread
        )
        scores.append(round(min(max(score, 0.0), 1.0), DIGITS))
    return scores
