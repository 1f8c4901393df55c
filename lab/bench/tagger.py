"""Tagger speed on one core: the CRF against camel-tools BERT, sentence by sentence as the pipeline tags.

`python -m lab.bench.tagger [--sentences N] [--bert-sentences M] [--json PATH]`

BERT runs on a bert-base model with random weights built in a temporary directory: it computes
exactly what the released `ner-arabert` model computes (same architecture; camel-tools pads every
segment to 256 word pieces), so its speed is that of the real model while needing no download.
Give `--bert-model DIR` to time an installed model instead. Both taggers run on one thread (CRFsuite
is single-threaded; torch is set to one thread), after a warm-up on the first sentences; of several
timed passes the fastest is kept, and its CPU time is reported beside wall time, since the machine
may be shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from lab.corpora import Sentence, read_anercorp
from lab.untrained_bert import build_untrained_model
from workers.ner import EntityTagger
from workers.ner.bert import CamelBertTagger
from workers.ner.crf import CrfTagger
from workers.paths import shared_dir

WARMUP_SENTENCES = 5


@dataclass(frozen=True, slots=True)
class Throughput:
    """How fast one tagger tagged a list of sentences."""

    tagger: str
    version: str
    model: str
    load_seconds: float
    passes: int
    sentences: int
    tokens: int
    wall_seconds: float
    cpu_seconds: float

    @property
    def sentences_per_second(self) -> float:
        return self.sentences / self.wall_seconds

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.wall_seconds

    @property
    def sentences_per_cpu_second(self) -> float:
        """Less disturbed than wall time by other processes on a shared machine."""
        return self.sentences / self.cpu_seconds

    def as_json(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "sentences_per_second": self.sentences_per_second,
            "tokens_per_second": self.tokens_per_second,
            "sentences_per_cpu_second": self.sentences_per_cpu_second,
        }


def default_corpus() -> Path:
    return shared_dir() / "data" / "ner" / "anercorp" / "ANERCorp_CamelLab_test.txt"


def spread_sample(sentences: Sequence[Sentence], count: int) -> list[Sentence]:
    """`count` sentences evenly spread over the corpus, so a short sample keeps its length mix."""
    if count >= len(sentences):
        return list(sentences)
    step = len(sentences) / count
    return [sentences[int(index * step)] for index in range(count)]


def timed_pass(tagger: EntityTagger, sentences: Sequence[Sentence]) -> tuple[float, float]:
    """Wall and CPU seconds to tag `sentences` one by one."""
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    for sentence in sentences:
        tagger.tag(sentence.tokens)
    return time.perf_counter() - wall_start, time.process_time() - cpu_start


def measure(
    tagger: EntityTagger, sentences: Sequence[Sentence], model: str, load_seconds: float, passes: int
) -> Throughput:
    """Warm up on a few sentences, then keep the fastest of `passes` passes (the least disturbed one)."""
    for sentence in sentences[:WARMUP_SENTENCES]:
        tagger.tag(sentence.tokens)
    wall_seconds, cpu_seconds = min(timed_pass(tagger, sentences) for _ in range(passes))
    tokens = sum(len(sentence.tokens) for sentence in sentences)
    return Throughput(
        tagger.name, tagger.version, model, load_seconds, passes, len(sentences), tokens, wall_seconds, cpu_seconds
    )


def measure_loaded(
    load: Callable[[], EntityTagger], sentences: Sequence[Sentence], model: str, passes: int
) -> Throughput:
    """Time `load()`, then the tagging of `sentences` by the tagger it returns."""
    start = time.perf_counter()
    tagger = load()
    return measure(tagger, sentences, model, time.perf_counter() - start, passes)


def measure_bert(
    model_dir: Path | None, size: Literal["tiny", "base"], sentences: Sequence[Sentence], passes: int
) -> Throughput:
    """Time camel-bert on `model_dir`, or on an untrained model of `size` built for the occasion."""
    if model_dir is not None:
        return measure_loaded(lambda: CamelBertTagger.load(model_dir), sentences, str(model_dir), passes)
    with tempfile.TemporaryDirectory(prefix="khabar-bench-bert-") as directory:
        words = [token for sentence in sentences for token in sentence.tokens]
        untrained_dir = build_untrained_model(Path(directory) / f"untrained-bert-{size}", size, words)
        model = f"untrained bert-{size}, random weights"
        return measure_loaded(lambda: CamelBertTagger.load(untrained_dir), sentences, model, passes)


def processor_name() -> str:
    """The CPU model, since the speeds depend on it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or platform.machine()


def run(
    corpus: Path,
    sentence_count: int | None,
    bert_sentence_count: int,
    crf_model: Path | None = None,
    bert_model: Path | None = None,
    bert_size: Literal["tiny", "base"] = "base",
    passes: int = 3,
) -> dict[str, Any]:
    """Benchmark both taggers on `corpus`; the result is what `--json` writes."""
    import torch

    sentences = read_anercorp(corpus)
    crf_sentences = sentences[:sentence_count]
    crf = measure_loaded(lambda: CrfTagger.load(crf_model), crf_sentences, str(crf_model or "shipped"), passes)
    bert = measure_bert(bert_model, bert_size, spread_sample(sentences, bert_sentence_count), passes)
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "torch_threads": torch.get_num_threads(),
        "machine": {"processor": processor_name(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "taggers": [crf.as_json(), bert.as_json()],
        "crf_to_bert": {
            "sentences_per_second": crf.sentences_per_second / bert.sentences_per_second,
            "tokens_per_second": crf.tokens_per_second / bert.tokens_per_second,
            "sentences_per_cpu_second": crf.sentences_per_cpu_second / bert.sentences_per_cpu_second,
        },
    }


def format_table(result: dict[str, Any]) -> str:
    """The result as a plain-text table with the speed ratios under it."""
    lines = [
        f"{'tagger':<11} {'sentences':>9} {'tokens':>7} {'wall s':>8} {'cpu s':>8} {'sent/s':>9} {'tokens/s':>9}  model"
    ]
    for row in result["taggers"]:
        lines.append(
            f"{row['tagger']:<11} {row['sentences']:>9} {row['tokens']:>7} {row['wall_seconds']:>8.2f} "
            f"{row['cpu_seconds']:>8.2f} {row['sentences_per_second']:>9.1f} {row['tokens_per_second']:>9.1f}  "
            f"{row['version']} ({row['model']})"
        )
    ratio = result["crf_to_bert"]
    lines.append(
        f"CRF/BERT speed: {ratio['sentences_per_second']:,.0f}x in sentences/s, "
        f"{ratio['tokens_per_second']:,.0f}x in tokens/s, {ratio['sentences_per_cpu_second']:,.0f}x in "
        "sentences per CPU second (one thread each)"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table, optionally write the JSON."""
    try:
        from transformers.utils import logging as transformers_logging
    except ModuleNotFoundError as error:
        raise SystemExit(
            f"bench: {error.name} is not installed; the BERT side needs: pip install 'khabar[bert]'"
        ) from error

    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=None, help="ANERcorp-format file (default: CAMeL Lab test)")
    parser.add_argument("--sentences", type=int, default=None, help="CRF: first N sentences (default: all)")
    parser.add_argument("--bert-sentences", type=int, default=50, help="BERT: M sentences spread over the corpus")
    parser.add_argument("--crf-model", type=Path, default=None, help="CRF model directory (default: shipped)")
    parser.add_argument("--bert-model", type=Path, default=None, help="installed camel-tools BERT model directory")
    parser.add_argument("--bert-size", choices=["tiny", "base"], default="base", help="size of the untrained BERT")
    parser.add_argument("--passes", type=int, default=3, help="timed passes per tagger; the fastest is kept")
    parser.add_argument("--json", type=Path, default=None, help="also write the result to this JSON file")
    args = parser.parse_args(argv)

    transformers_logging.disable_progress_bar()
    result = run(
        args.corpus or default_corpus(),
        args.sentences,
        args.bert_sentences,
        crf_model=args.crf_model,
        bert_model=args.bert_model,
        bert_size=args.bert_size,
        passes=args.passes,
    )
    result["command"] = " ".join(["python -m lab.bench.tagger", *(sys.argv[1:] if argv is None else argv)])
    print(format_table(result))
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
