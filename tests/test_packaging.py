"""The version is written once, in pyproject.toml, and the package reads it from its metadata."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import permitflow

ROOT = Path(__file__).resolve().parents[1]


def test_the_version_is_the_installed_distributions() -> None:
    assert permitflow.__version__ == metadata.version("permitflow")
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+|rc\d+)?", permitflow.__version__)


def test_pyproject_is_the_only_place_the_version_is_written() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["version"] == permitflow.__version__
    literal = re.compile(rf"""["']{re.escape(project["version"])}["']""")
    written = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "src").rglob("*.py")
        if literal.search(path.read_text("utf-8"))
    ]
    assert written == []


def test_the_metadata_names_its_licence_authors_and_classifiers() -> None:
    meta = metadata.metadata("permitflow")
    assert meta["License-Expression"] == "MIT"
    assert meta["Author"]
    assert meta.get_all("Classifier")
    assert "Typing :: Typed" in meta.get_all("Classifier")
    assert (ROOT / "LICENSE").read_text("utf-8").startswith("MIT License")
