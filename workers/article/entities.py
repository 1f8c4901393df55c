"""An article's mentions grouped into distinct entities, each named by the fullest form it is given.

News names a person in full once («العميد خالد المحجوب») and by a part later («المحجوب»), and an
institution by its full name and its short one («وزارة الداخلية», «الداخلية»). A shorter form joins
a longer one of the same type when the article makes that clear:

- a person's shorter form is the first or the last words of exactly one longer name of the article
  («المحجوب» of «خالد المحجوب»; with «خالد المحجوب» and «خالد المنصوري» both, «خالد» stays apart);
- an organisation's shorter form is exactly one longer name without its institution noun
  («الداخلية» of «وزارة الداخلية», not of «وزارة الداخلية» and «مديرية الداخلية» both);
- places and other names join only their identical forms.

Forms are compared as normalized words (`normalized` of each mention), so spelling variants the
normalizer folds («إدارة», «اداره») are one form.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from workers.contract.records import EntityType
from workers.ner.institutions import INSTITUTION_NOUNS

#: A form: an entity type and its normalized words.
Form = tuple[EntityType, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Group:
    """The mentions (indexes into the article's `entities`) of one distinct entity, in reading order,
    and the mention whose text names it."""

    mentions: tuple[int, ...]
    canonical: int


def group_mentions(mentions: Sequence[tuple[EntityType, str]]) -> list[Group]:
    """The distinct entities of an article whose mentions, in reading order, have these types and
    normalized forms; in the order of their first mention."""
    forms: dict[Form, list[int]] = {}
    for index, (kind, normalized) in enumerate(mentions):
        forms.setdefault((kind, tuple(normalized.split())), []).append(index)
    fuller_forms: dict[Form, set[Form]] = {}
    for form in forms:
        for short in _short_forms(form):
            fuller_forms.setdefault(short, set()).add(form)
    parent = {form: form for form in forms}

    def root(form: Form) -> Form:
        while parent[form] != form:
            form = parent[form]
        return form

    # Longest first: when a form is placed, every longer form has found its entity, so a short form
    # that fits several longer forms of one entity («حفتر»: «خليفة حفتر», «المشير خليفة حفتر») joins it.
    for form in sorted(forms, key=lambda form: -len(form[1])):
        owners = {root(longer) for longer in fuller_forms.get(form, ())}
        if len(owners) == 1:
            parent[form] = owners.pop()

    members: dict[Form, list[Form]] = {}
    for form in forms:
        members.setdefault(root(form), []).append(form)
    groups = []
    for group_forms in members.values():
        indexes = tuple(sorted(index for form in group_forms for index in forms[form]))
        fullest = max(group_forms, key=lambda form: (len(form[1]), len(forms[form]), -forms[form][0]))
        groups.append(Group(indexes, canonical=forms[fullest][0]))
    return sorted(groups, key=lambda group: group.mentions[0])


def _short_forms(form: Form) -> Iterator[Form]:
    """The shorter forms by which an article may name the entity `form` names (see the module docstring)."""
    kind, words = form
    if kind == "PER":
        for length in range(1, len(words)):
            yield kind, words[:length]
            yield kind, words[-length:]
    elif kind == "ORG" and len(words) > 1 and words[0] in INSTITUTION_NOUNS:
        yield kind, words[1:]
