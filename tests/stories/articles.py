"""Small Arabic articles written for these tests: an original, its republications, and unrelated text
about the same people and places."""

from __future__ import annotations

import subprocess
import sys

ORIGINAL_TITLE = "وزارة الصحة تفتتح مستشفى جديدا للأطفال في الجيزة"
ORIGINAL = [
    "أعلنت وزارة الصحة في القاهرة اليوم الأحد عن افتتاح مستشفى جديد لعلاج الأطفال في محافظة الجيزة .",
    "وقال الوزير أحمد عبد الله إن المستشفى يضم مئتي سرير ويعمل فيه أكثر من خمسمئة طبيب وممرض .",
    "وأضاف أن الحكومة خصصت مبلغ ثلاثة ملايين جنيه لتجهيز الأقسام الجديدة خلال العام المقبل .",
    "وأشار إلى أن المستشفى سيستقبل المرضى من المحافظات المجاورة مجانا لمدة ستة أشهر .",
    "من جهته رحب محافظ الجيزة بالمشروع ووصفه بأنه خطوة مهمة لتحسين الخدمات الصحية في المنطقة .",
    "وكانت الوزارة قد أعلنت في الشهر الماضي عن خطة لبناء عشرة مستشفيات في مختلف أنحاء البلاد .",
    "ويعاني القطاع الصحي في مصر من نقص في عدد الأطباء والتجهيزات الطبية منذ سنوات .",
    "وتأمل الحكومة أن تسهم المشاريع الجديدة في تخفيف الضغط على المستشفيات الكبرى في العاصمة .",
]
#: The same people and places, another event.
UNRELATED_TITLE = "الوزير أحمد عبد الله يتفقد مشروع الطرق في الجيزة"
UNRELATED = [
    "زار الوزير أحمد عبد الله محافظة الجيزة أمس لتفقد سير العمل في مشروع الطرق الجديد .",
    "وتحدث مع المهندسين عن مواعيد تسليم الجسور التي تربط القاهرة بالمدن الجديدة في الصحراء .",
    "وقال إن الأعمال تسير وفق الجدول الزمني المحدد رغم ارتفاع أسعار مواد البناء .",
    "وطالب الشركات المنفذة بزيادة عدد العمال في المواقع لإنهاء المشروع قبل نهاية الصيف .",
    "ويشمل المشروع إنشاء خمسة جسور ونفقين بطول إجمالي يبلغ أربعين كيلومترا .",
]
ENTITIES = ("PER:احمد عبد الله", "LOC:الجيزه", "ORG:وزاره الصحه")


def body(sentences: list[str]) -> str:
    return " ".join(sentences)


def republished() -> tuple[str, str]:
    """The original as another outlet runs it: its own title, a dateline, a sentence dropped, «و» for «ف»,
    hamza and teh marbuta spelt otherwise."""
    sentences = [sentence.replace("وأضاف", "فأضاف").replace("أ", "ا") for sentence in ORIGINAL]
    sentences = [sentence.replace("ة ", "ه ") for sentence in sentences]
    del sentences[5]
    sentences[0] = "القاهرة (رويترز) - " + sentences[0]
    return "عاجل: افتتاح مستشفى للأطفال", body(sentences)


def printed_in_other_processes(code: str) -> set[str]:
    """What `code` prints in two fresh interpreters with other hash seeds (Python's `hash` of a str differs)."""
    return {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
