"""The layout's rules, checked: layers, no web framework below service/, independent blueprint
modules, no private name used across modules (docs/ARCHITECTURE.md explains them)."""

from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from service import BLUEPRINT_MODULES

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "indicators", "boundaries", "service")
WEB = ("flask", "werkzeug", "jinja2", "folium", "gunicorn", "markupsafe")


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph(*PACKAGES, include_external_packages=True)


def test_import_linter_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("package", ["geo", "indicators", "boundaries"])
def test_no_module_below_service_imports_a_web_framework(graph, package):
    offenders = {
        (module, imported)
        for module in graph.find_descendants(package) | {package}
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] in WEB
    }
    assert offenders == set()


def test_the_check_above_can_fail(graph):
    # service/ does import Flask: the same query finds it there.
    found = {
        imported
        for module in graph.find_descendants("service")
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.split(".")[0] == "flask"
    }
    assert found == {"flask"}


# service.assets serves the static files and gives every map its Leaflet URL: shared
# infrastructure, not a surface. Every other blueprint module is a surface (pages, API, embeds).
SURFACES = [name for name in BLUEPRINT_MODULES if name != "service.assets"]


def test_blueprint_modules_never_import_one_another(graph):
    chains = {
        (a, b): graph.find_shortest_chain(importer=a, imported=b)
        for a, b in itertools.permutations(SURFACES, 2)
    }
    assert {pair: chain for pair, chain in chains.items() if chain} == {}


def _private_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in PACKAGES:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    where = path.relative_to(ROOT)
                    found.append(f"{where}: from {node.module} import {alias.name}")
    return found


def test_no_private_name_is_imported_from_another_module():
    offenders = [
        line
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in _private_imports(path)
    ]
    assert offenders == []


def test_every_blueprint_module_is_registered_in_the_one_list():
    declared = set()
    for path in (ROOT / "service").rglob("*.py"):
        source = path.read_text()
        if "Blueprint(" in source and "import Blueprint" in source:
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            declared.add(module)
    assert declared == set(BLUEPRINT_MODULES)
