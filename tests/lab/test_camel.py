"""camel-tools comes without its dependencies: its text utilities need only what Khabar declares, and a
missing camel-tools is one error that gives the install command."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab.camel import CAMEL_TOOLS_INSTALL_COMMAND
from workers.errors import MissingDependencyError

ROOT = Path(__file__).resolve().parents[2]
# What camel-tools' charsets, dediac, normalize and word tokenizer import beyond the standard library.
TEXT_UTILITY_DEPENDENCIES = {"emoji", "regex", "six"}


def hide_camel_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every import of camel_tools fail as if it were not installed, and forget lab.camel."""
    for name in [name for name in sys.modules if name.partition(".")[0] == "camel_tools"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "camel_tools", None)
    monkeypatch.delitem(sys.modules, "lab.camel", raising=False)


def test_missing_camel_tools_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    hide_camel_tools(monkeypatch)

    with pytest.raises(MissingDependencyError, match="camel-tools is not installed") as raised:
        importlib.import_module("lab.camel")

    assert str(raised.value).endswith(CAMEL_TOOLS_INSTALL_COMMAND)
    assert CAMEL_TOOLS_INSTALL_COMMAND == "pip install --no-deps camel-tools==1.6.0"


def test_the_runtime_enriches_without_camel_tools(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['camel_tools'] = None; from workers.cli import main; "
        f"sys.exit(main(['enrich', {str(ROOT / 'seeds' / 'articles.jsonl')!r}, '--out', {str(tmp_path / 'out')!r}]))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )

    assert completed.returncode == 0, completed.stderr
    assert len((tmp_path / "out").read_bytes().splitlines()) == 13


def test_text_utilities_import_only_declared_packages() -> None:
    """camel-tools is installed with --no-deps, so anything else its utilities import would be missing."""
    script = (
        "import json, sys; before = set(sys.modules); import lab.camel; "
        "print(json.dumps(sorted({name.partition('.')[0] for name in set(sys.modules) - before})))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ}, capture_output=True, text=True, timeout=120, check=True
    )

    imported = set(json.loads(completed.stdout)) - set(sys.stdlib_module_names) - {"workers", "lab", "camel_tools"}
    assert imported <= TEXT_UTILITY_DEPENDENCIES
