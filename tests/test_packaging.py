"""pyproject.toml (pip) and environment.yml (conda-forge) must name the same runtime set."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# conda-only entries that are not Python runtime dependencies of the package
CONDA_ONLY = {"python", "pip", "nodejs"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _environment_names() -> set[str]:
    names, in_deps = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.strip()
        if not line.startswith(" "):
            in_deps = stripped == "dependencies:"
            continue
        if not in_deps:
            continue
        if stripped.startswith("- pip:"):
            continue
        if not stripped.startswith("- "):
            continue
        item = stripped[2:].strip()
        if item.startswith("-e"):
            continue
        names.add(_name(item))
    return names - CONDA_ONLY


def test_pyproject_and_environment_name_the_same_dependencies():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = {_name(r) for r in pyproject["project"]["dependencies"]}
    assert declared == _environment_names()
    assert {"geopandas", "shapely", "pyogrio", "pyproj", "flask", "folium", "gunicorn"} <= declared


@pytest.mark.slow  # asks npm
def test_outline_source_is_a_registry_package_not_a_committed_file():
    import json

    package = json.loads((ROOT / "package.json").read_text())
    assert "world-atlas" in package["dependencies"]
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert "node_modules/world-atlas" in lock["packages"]
    committed = {p.name for p in ROOT.rglob("countries-10m.json") if "node_modules" not in p.parts}
    assert committed == set()
