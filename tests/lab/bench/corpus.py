"""A tiny CoNLL corpus (sentences written for these tests) so the benchmark tests need no ../shared."""

from __future__ import annotations

from pathlib import Path

SENTENCES = [
    "قال محمد في بيروت إن الاجتماع انتهى .",
    "زار الوزير القاهرة أمس مع وفد من الأمم المتحدة .",
    "أعلنت الشركة عن نتائجها السنوية في دبي .",
    "بدأ المؤتمر صباح اليوم في تونس .",
]


def write_corpus(directory: Path) -> Path:
    """One `token O` line per token, a blank line after each sentence."""
    path = directory / "corpus.txt"
    path.write_text(
        "\n\n".join("\n".join(f"{token} O" for token in sentence.split()) for sentence in SENTENCES) + "\n",
        encoding="utf-8",
    )
    return path
