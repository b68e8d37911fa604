"""The command line's `serve` finds its server without an activated virtualenv."""

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import cli


@pytest.mark.parametrize(
    ("options", "program", "app"),
    [
        ([], "uwsgi", "service.wsgi:application"),
        (["--server", "uwsgi"], "uwsgi", "service.wsgi:application"),
        (["--server", "granian"], "granian", "service:create_app"),
        (["--server", "gunicorn-gthread"], "gunicorn", "service:create_app()"),
        (["--server", "gunicorn-sync"], "gunicorn", "service:create_app()"),
    ],
)
def test_serve_execs_the_server_beside_this_python(monkeypatch, store_path, options, program, app):
    called = {}

    def fake_execvp(file, args):
        called["file"], called["args"] = file, args

    monkeypatch.setattr(os, "execvp", fake_execvp)
    monkeypatch.setenv("PATH", "/nonexistent")  # as from a shell without the venv activated
    result = CliRunner().invoke(
        cli, ["serve", "--store", str(store_path), "--port", "8123", "--no-warm", *options]
    )
    assert result.exit_code == 0, result.output
    assert Path(called["file"]).is_file(), called["file"]
    assert Path(called["file"]).name == program
    line = " ".join(called["args"])
    assert (
        "--bind 127.0.0.1:8123" in line
        or "--host 127.0.0.1 --port 8123" in line
        or "--http11-socket 127.0.0.1:8123" in line
    )
    assert app in called["args"]
    if not options:  # the default: uWSGI, whose reload re-executes this venv's Python
        assert called["args"][called["args"].index("--binary-path") + 1] == sys.executable
