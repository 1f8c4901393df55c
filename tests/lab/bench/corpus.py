"""A tiny CoNLL corpus (sentences written for these tests) so the benchmark tests need no ../shared."""

from __future__ import annotations

import lzma
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


#: Paragraphs for the Wikipedia-like articles: (number, sentence) makes each one different.
PARAGRAPH = "الفقرة {number} من مقال عن {sentence}"


def write_wikipedia(directory: Path, paragraphs: int = 4000) -> Path:
    """An xz file of one paragraph a line, as the unlabelled corpus is, with no paragraph repeated."""
    path = directory / "wikipedia.txt.xz"
    lines = (
        PARAGRAPH.format(number=number, sentence=SENTENCES[number % len(SENTENCES)]) for number in range(paragraphs)
    )
    with lzma.open(path, "wt", encoding="utf-8") as corpus:
        corpus.write("\n".join(lines) + "\n")
    return path
