"""Docs as tests: every command and endpoint has a README entry."""

from pathlib import Path

from service import create_app
from service.cli import cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_cli_command_is_documented():
    missing = [name for name in cli.commands if f"omraadekort {name}" not in README]
    assert missing == []


def test_every_route_is_documented(tmp_path):
    app = create_app({"STORE_PATH": str(tmp_path / "none.gpkg")})
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in ("static", "assets.vendor")
    }
    missing = sorted(r for r in routes if f"`{r}" not in README)
    assert missing == []


def test_readme_has_the_two_commands_and_performance_section():
    assert "make run" in README and "make test" in README
    assert "## Performance" in README


ARCHITECTURE = (Path(__file__).resolve().parents[1] / "docs" / "ARCHITECTURE.md").read_text()
ROOT = Path(__file__).resolve().parents[1]


def _table_rows(text: str) -> dict[str, str]:
    """First cell (without backticks) → the whole row, for every table row of the document."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            first = line.split("|")[1].strip().strip("`")
            rows[first] = line
    return rows


def test_architecture_names_the_file_of_every_route(tmp_path):
    import sys

    app = create_app({"STORE_PATH": str(tmp_path / "none.gpkg")})
    rows = _table_rows(ARCHITECTURE)
    wrong = []
    for rule in app.url_map.iter_rules():
        module = sys.modules[app.view_functions[rule.endpoint].__module__]
        path = Path(module.__file__).resolve().relative_to(ROOT).as_posix()
        row = rows.get(rule.rule)
        if row is None or f"`{path}`" not in row:
            wrong.append(f"{rule.rule} → {path}")
    assert wrong == []


def test_architecture_names_the_file_of_every_command():
    import sys

    rows = _table_rows(ARCHITECTURE)
    wrong = []
    for name, command in cli.commands.items():
        module = sys.modules[command.callback.__module__]
        path = Path(module.__file__).resolve().relative_to(ROOT).as_posix()
        row = rows.get(f"omraadekort {name}")
        if row is None or f"`{path}`" not in row:
            wrong.append(f"omraadekort {name} → {path}")
    assert wrong == []


def test_every_file_architecture_names_exists():
    import re

    named = set(re.findall(r"`([a-z_/]+\.py)`", ARCHITECTURE))
    assert named and sorted(n for n in named if not (ROOT / n).is_file()) == []
