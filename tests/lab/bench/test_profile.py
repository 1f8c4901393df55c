"""py-spy's raw samples summarised: shares of all samples, running and on the stack."""

from __future__ import annotations

import pytest

from lab.bench.profile import frame_name, summarize

MAIN = "_run_module_as_main (<frozen runpy>:198);run (/work/main/workers/stream/worker.py:40)"
THREAD = "_bootstrap (/usr/lib/python3.11/threading.py:1002);_route (/work/main/workers/stream/agents.py:190)"
RAW = f"""\
{MAIN};select (/usr/lib/python3.11/selectors.py:468) 6
{THREAD};tag (/work/main/workers/ner/crf.py:250) 3
{THREAD} 1
"""


def test_a_frame_is_named_by_function_and_module_path_without_line_or_prefix() -> None:
    assert frame_name("tag (/work/main/workers/ner/crf.py:250)") == "tag (ner/crf.py)"
    assert (
        frame_name("send (/x/.venv/lib/python3.11/site-packages/aiokafka/producer.py:9)")
        == "send (aiokafka/producer.py)"
    )


def test_shares_are_of_all_samples() -> None:
    summary = summarize(RAW)
    assert summary["samples"] == 10
    assert summary["self"][0] == ("select (selectors.py)", 0.6)
    assert dict(summary["self"])["tag (ner/crf.py)"] == pytest.approx(0.3)
    inclusive = dict(summary["inclusive"])
    assert inclusive["_route (stream/agents.py)"] == pytest.approx(0.4)
    assert inclusive["_bootstrap (threading.py)"] == pytest.approx(0.4)


def test_a_frame_name_with_a_line_break_is_one_frame_of_one_sample() -> None:
    broken = f"{THREAD};<module> (The lexicon: words and what is known of each.\nMore of it.) 4\n"
    summary = summarize(RAW + broken)
    assert summary["samples"] == 14
    assert dict(summary["self"])["<module> (The lexicon: words and what is known of each.\nMore of it.)"] == 4 / 14


def test_no_samples_summarise_to_nothing() -> None:
    assert summarize("") == {"samples": 0, "self": [], "inclusive": []}
