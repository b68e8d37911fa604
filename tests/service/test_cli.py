"""The command line's `serve` finds gunicorn without an activated virtualenv."""

import os
from pathlib import Path

from click.testing import CliRunner

from service.cli import cli


def test_serve_execs_the_gunicorn_beside_this_python(monkeypatch, store_path):
    called = {}

    def fake_execvp(file, args):
        called["file"], called["args"] = file, args

    monkeypatch.setattr(os, "execvp", fake_execvp)
    monkeypatch.setenv("PATH", "/nonexistent")  # as from a shell without the venv activated
    result = CliRunner().invoke(
        cli, ["serve", "--store", str(store_path), "--port", "8123", "--no-warm"]
    )
    assert result.exit_code == 0, result.output
    assert Path(called["file"]).is_file(), called["file"]
    assert Path(called["file"]).name == "gunicorn"
    assert "127.0.0.1:8123" in called["args"]
    assert "service:create_app()" in called["args"]
