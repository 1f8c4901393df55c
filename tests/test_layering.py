"""The runtime stands alone: importing its entry points, in a fresh interpreter, loads no module of the lab
or of its heavy libraries, and the text pipeline loads no Kafka client. (The import contracts of `make
lint` check the import statements; these tests check what actually gets loaded.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = (
    "workers.pipeline",
    "workers.routing",
    "workers.cli",
    "workers.cli.commands",
    "workers.stream.agents",
    "workers.ner.backends",
)
LAB_AND_HEAVY = {"lab", "gensim", "sklearn", "torch", "transformers", "camel_tools", "pycrfsuite"}
KAFKA = {"kafka", "aiokafka", "faust"}


def loaded_after_importing(modules: list[str], watched: set[str]) -> list[str]:
    """The packages of `watched` that a fresh interpreter has loaded after importing `modules` (and, for
    a package ending in `.*`, all its submodules), run from the checkout, where `lab` is importable."""
    script = f"""
import importlib, json, pkgutil, sys
for name in {modules!r}:
    if name.endswith(".*"):
        package = importlib.import_module(name[:-2])
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    else:
        importlib.import_module(name)
print(json.dumps(sorted({{name.partition(".")[0] for name in sys.modules}} & set({sorted(watched)!r}))))
"""
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, completed.stderr
    loaded: list[str] = json.loads(completed.stdout.splitlines()[-1])
    return loaded


def test_the_runtime_entry_points_load_nothing_of_the_lab_or_its_heavy_libraries() -> None:
    assert loaded_after_importing(list(ENTRY_POINTS), LAB_AND_HEAVY) == []


@pytest.mark.parametrize("modules", [["workers.text.*"], ["workers.pipeline"]], ids=["text", "pipeline"])
def test_the_text_pipeline_loads_no_kafka_client(modules: list[str]) -> None:
    assert loaded_after_importing(modules, KAFKA) == []


def test_the_check_sees_what_an_import_loads() -> None:
    """What the tests above would report if the pipeline imported the lab's camel-tools oracle and the stream."""
    assert loaded_after_importing(["workers.pipeline", "lab.camel"], LAB_AND_HEAVY) == ["camel_tools", "lab"]
    # The stream layer is Faust over aiokafka (whether it also loads kafka-python is its own business).
    assert {"aiokafka", "faust"} <= set(loaded_after_importing(["workers.pipeline", "workers.stream.app"], KAFKA))
