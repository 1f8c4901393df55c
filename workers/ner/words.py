"""The closed word classes the rule layers and the document pass read, normalized, each listed once:
function words, words of time, ranks and titles of persons (`institutions` ends a name at any of
them; `titles` finds the person after a rank; `document` never tags the function words alone)."""

from __future__ import annotations

#: Prepositions, relative and demonstrative pronouns, particles.
FUNCTION_WORDS = frozenset(
    {
        "في", "من", "علي", "الي", "عن", "مع", "بين", "حتي", "منذ", "عند", "لدي", "تحت", "فوق", "حول",
        "خلال", "ضد", "نحو", "التي", "الذي", "الذين", "اللذين", "اللتين", "اللواتي", "اللاتي", "هذا",
        "هذه", "ذلك", "تلك", "ان", "او", "ثم", "قد", "كما",
    }
)  # fmt: skip
#: Words never tagged as a name on their own by the document pass: the function words, and more
#: particles, pronouns and verbs (some normalize to a name: «على» and «علي» are both «علي»).
NEVER_NAMES = FUNCTION_WORDS | frozenset(
    {"ام", "بعد", "قبل", "قال", "كان", "كانت", "كل", "لا", "لم", "لن", "ما", "هو", "هي"}
)
#: Words of time («... اليوم», «... الماضي») and the days of the week.
TIME_WORDS = frozenset(
    {
        "اليوم", "الان", "الماضي", "المقبل", "الجاري", "السبت", "الاحد", "الاثنين", "الثلاثاء",
        "الاربعاء", "الخميس", "الجمعه",
    }
)  # fmt: skip
#: Military and police ranks: a name follows them directly.
RANKS = frozenset({"العميد", "اللواء", "العقيد", "الرائد", "المقدم", "النقيب", "الملازم", "المشير"})
#: Civil and honorific titles (with «الفريق», a rank that is also «the team»): an adjective may
#: come between them and the name («الرئيس الامريكي»).
TITLES = frozenset(
    {
        "الفريق", "المستشار", "الوزير", "الرئيس", "السيد", "الشيخ", "الدكتور", "المهندس", "الاستاذ",
        "الامير", "الملك", "النائب", "السفير",
    }
)  # fmt: skip
