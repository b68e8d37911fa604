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
