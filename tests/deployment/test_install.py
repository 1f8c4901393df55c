"""The install stays lean: no torch or transformers by default or for development, camel-tools at one
pinned version wherever it is installed, and nothing that the worker imports pulls torch in; and it is
whole: every package that the runtime imports is declared, by the dependencies or by the extra of the
optional backend that imports it."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from lab.camel import CAMEL_TOOLS_REQUIREMENT

ROOT = Path(__file__).resolve().parents[2]
HEAVY_PACKAGES = {"torch", "transformers", "camel-tools"}
CAMEL_TOOLS_PIN = re.compile(r"camel[-_]tools==(?P<version>[\w.]+)")
# Modules that only the optional taggers' training and model code import; they need the neural extra.
TORCH_MODULES = {"workers.ner.neural", "lab.train_neural"}
# The optional taggers' modules, and the extra that brings what each imports beyond the dependencies.
BACKEND_EXTRAS = {"workers/ner/neural.py": "neural", "workers/ner/bert.py": "bert"}


def project() -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return table


def requirements_of(extra: str) -> list[str]:
    """An extra's requirements, with the extras it names (`khabar[...]`) expanded."""
    requirements = []
    for requirement in project()["optional-dependencies"][extra]:
        named = re.fullmatch(r"khabar\[(?P<extras>[\w,-]+)\]", requirement)
        if named:
            requirements += [nested for name in named["extras"].split(",") for nested in requirements_of(name)]
        else:
            requirements.append(requirement)
    return requirements


def package_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def normalized(distribution: str) -> str:
    """A distribution's name as pip compares names (camel_tools and camel-tools are one)."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def third_party_imports(source: str) -> set[str]:
    """Top-level names of the modules that `source` imports, anywhere in it, that are neither of the
    standard library nor of the package itself (nor relative)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module is not None:
            names.add(node.module)
    return {name.partition(".")[0] for name in names} - set(sys.stdlib_module_names) - {"workers"}


@pytest.mark.parametrize("group", ["default", "dev"])
def test_default_and_development_installs_hold_no_torch_transformers_or_camel_tools(group: str) -> None:
    requirements = project()["dependencies"] if group == "default" else requirements_of("dev")

    assert not package_names(requirements) & HEAVY_PACKAGES


def test_neural_extra_pins_torch_and_bert_adds_camel_tools_with_its_dependencies() -> None:
    neural, bert = requirements_of("neural"), requirements_of("bert")

    assert package_names(neural) == {"torch"}
    assert set(neural) < set(bert)
    assert CAMEL_TOOLS_REQUIREMENT in bert


def test_only_the_neural_and_bert_extras_bring_torch() -> None:
    """The Dockerfile reads the CPU torch index for exactly these two."""
    with_torch = {
        extra for extra in project()["optional-dependencies"] if "torch" in package_names(requirements_of(extra))
    }

    assert with_torch == {"neural", "bert"}


def test_camel_tools_is_pinned_to_one_version_everywhere() -> None:
    mentioned = {
        path.relative_to(ROOT).as_posix(): {
            match["version"] for match in CAMEL_TOOLS_PIN.finditer(path.read_text("utf-8"))
        }
        for path in [
            ROOT / "Makefile",
            ROOT / "Dockerfile",
            ROOT / "pyproject.toml",
            ROOT / "README.md",
            *(ROOT / "docs").glob("*.md"),
            *(ROOT / "workers").rglob("*.py"),
        ]
    }
    version = CAMEL_TOOLS_REQUIREMENT.removeprefix("camel-tools==")

    # The image installs none of its own (tests/deployment/test_deployment.py): the bert extra brings it.
    assert {name for name in ("Makefile", "pyproject.toml") if mentioned[name] == {version}} == {
        "Makefile",
        "pyproject.toml",
    }
    assert {name: versions for name, versions in mentioned.items() if versions - {version}} == {}


def test_makefile_installs_camel_tools_without_its_dependencies() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")

    assert re.search(r"^CAMEL_TOOLS := " + re.escape(CAMEL_TOOLS_REQUIREMENT) + "$", makefile, re.MULTILINE)
    assert re.search(r"pip install .*--no-deps \$\(CAMEL_TOOLS\)$", makefile, re.MULTILINE)
    assert not re.search(r"pip install .*\btorch\b", makefile)


def test_nothing_the_worker_imports_pulls_in_torch_or_transformers() -> None:
    """Every module of the package (but the neural tagger's), and the default pipeline loaded as at startup."""
    script = f"""
import importlib, json, pkgutil, sys
import workers
from workers.cli.commands import load_pipeline
from workers.settings import Settings
for module in pkgutil.walk_packages(workers.__path__, "workers."):
    if module.name not in {sorted(TORCH_MODULES)!r} and not module.name.endswith(".__main__"):
        importlib.import_module(module.name)
load_pipeline(Settings.from_env())
print(json.dumps(sorted({{name.partition(".")[0] for name in sys.modules}} & {{"torch", "transformers"}})))
"""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("KHABAR_")}

    completed = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, timeout=300, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.splitlines()[-1]) == []


def test_the_import_walk_finds_every_third_party_import_and_only_those() -> None:
    source = """
import os.path, numpy as np
from kafka.errors import KafkaError
from . import sibling
from workers.text import clean
import workers.ner
def load() -> None:
    import torch
    from camel_tools.ner import NERecognizer
"""
    assert third_party_imports(source) == {"numpy", "kafka", "torch", "camel_tools"}


def test_every_package_the_runtime_imports_is_declared() -> None:
    """By `[project.dependencies]`, or for an optional backend's module by the extra it needs: a module
    imported but not declared works in a development install, which has it for another reason, and
    fails in a deployment, which has only what is declared."""
    distributions_of = importlib.metadata.packages_distributions()
    dependencies = project()["dependencies"]
    undeclared: dict[str, set[str]] = {}
    backend_imports: dict[str, set[str]] = {}
    for path in sorted((ROOT / "workers").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        extra = BACKEND_EXTRAS.get(relative)
        declared = {
            normalized(name) for name in package_names(dependencies + (requirements_of(extra) if extra else []))
        }
        modules = third_party_imports(path.read_text(encoding="utf-8"))
        if extra:
            backend_imports[relative] = modules
        for module in modules:
            # A module of an extra that is not installed here (torch in a development install) is taken to
            # come from the distribution of its own name.
            if not {normalized(name) for name in distributions_of.get(module, [module])} & declared:
                undeclared.setdefault(relative, set()).add(module)

    assert undeclared == {}
    # The backends' rule is the one exercised: each imports a package that the dependencies leave out.
    assert "torch" in backend_imports["workers/ner/neural.py"]
    assert {"torch", "camel_tools"} <= backend_imports["workers/ner/bert.py"]
