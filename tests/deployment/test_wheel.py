"""The wheel is whole: built from what the Docker image copies (pyproject.toml, README.md, schemas/ and
workers/), installed into a fresh virtual environment, it loads the production pipeline, enriches an
Arabic article and checks the records against the schemas it carries, run far from any checkout.

How `workers` is made to come from the wheel and not from the checkout: the new venv has no system site
packages, and the wheel goes into it with `pip install --no-deps --no-index` (not editable). Only the
third-party dependencies come from the development venv: a .pth file in the new venv appends that venv's
site-packages to `sys.path`. A directory appended that way is not a site directory, so the .pth files in
it are not run, among them the editable install's hook that maps `workers` to the checkout; and it comes
after the new venv's own site-packages. The script run in the new venv checks the outcome: `workers` and
its schemas are inside the new venv, and `lab` cannot be imported at all.

The build needs PyPI (or a mirror): pip builds the wheel in an isolated environment, with the setuptools
that `[build-system]` asks for.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path
from typing import Any, get_args

from workers.contract.schemas import SchemaName

ROOT = Path(__file__).resolve().parents[2]
#: What the Dockerfile copies into its build context before `pip install .`.
BUILD_CONTEXT = ("pyproject.toml", "README.md", "schemas", "workers")

ENRICH_ONE_ARTICLE = """
import importlib.util, json
from importlib.resources import files

import workers
from workers.cli.commands import load_pipeline
from workers.contract.records import RawArticle
from workers.contract.schemas import schema_errors
from workers.contract.wire import decode_raw
from workers.settings import Settings

article = decode_raw(
    json.dumps({
        "id": "wheel-1",
        "title": "اجتماع أمني في سرت",
        "body": "قال العميد خالد المحجوب مدير أمن سرت إن وزارة الداخلية في طرابلس أرسلت قوة إلى المدينة.",
        "source": "wheel-test",
    }).encode(),
    1 << 20,
)
assert isinstance(article, RawArticle), article
enriched = load_pipeline(Settings.from_env()).enrich(article)
print(json.dumps({
    "workers": workers.__file__,
    "schemas": str(files("workers.contract") / "data"),
    "lab_importable": importlib.util.find_spec("lab") is not None,
    "language": enriched.article["language"]["code"],
    "entities": len(enriched.article["entities"]),
    "mentions": len(enriched.mentions),
    "errors": schema_errors("article.enriched.v1.1", enriched.article)
    + [error for mention in enriched.mentions for error in schema_errors("entity-mention.v1.1", mention)],
}))
"""


def run(command: list[str | Path], cwd: Path, timeout: float) -> str:
    """Run `command`, fail the test with its output if it fails, return its standard output."""
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    environment = {name: value for name, value in environment.items() if not name.startswith("KHABAR_")}
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, f"{command}\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    return completed.stdout


def build_wheel(tmp_path: Path) -> Path:
    """The wheel of a copy of the Docker build context (links kept), so the checkout gets no build files."""
    context = tmp_path / "context"
    context.mkdir()
    for name in BUILD_CONTEXT:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, context / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, context / name)
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, context], tmp_path, 600)
    (wheel,) = dist.glob("khabar-*.whl")
    return wheel


def fresh_venv_with(wheel: Path, tmp_path: Path) -> Path:
    """A new venv holding the wheel, with the development venv's third-party packages appended to its path."""
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, 120)
    python = venv / "bin" / "python"
    run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--quiet", wheel],
        tmp_path,
        300,
    )
    site_packages = Path(
        run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], tmp_path, 60).strip()
    )
    development = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site_packages / "development-dependencies.pth").write_text("".join(f"{path}\n" for path in sorted(development)))
    return python


def test_the_installed_wheel_enriches_an_article_with_its_own_schemas_and_without_the_lab(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    packaged = zipfile.ZipFile(wheel).namelist()
    assert {f"workers/contract/data/{name}.json" for name in get_args(SchemaName)} <= set(packaged)
    assert [name for name in packaged if name.startswith("lab/")] == []

    python = fresh_venv_with(wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result: dict[str, Any] = json.loads(run([python, "-c", ENRICH_ONE_ARTICLE], elsewhere, 300).splitlines()[-1])

    venv = python.parents[1]
    assert Path(result["workers"]).is_relative_to(venv)
    assert Path(result["schemas"]).is_relative_to(venv)
    assert result["lab_importable"] is False
    assert result["language"] == "ar"
    assert result["entities"] == result["mentions"] > 0
    assert result["errors"] == []
