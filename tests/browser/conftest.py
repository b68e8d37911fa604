"""Browser tests: Debian's Chromium driven by Playwright against a live gunicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from geo.seed import build_default_store
from geo.store import Store

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(store_path: Path, port: int, env_extra: dict | None = None):
    env = {**os.environ, "OMRAADEKORT_STORE": str(store_path), **(env_extra or {})}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "2",
            "service:create_app()",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/years", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {proc.stderr.read().decode()}") from None
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    proc.stderr.close()
    raise RuntimeError("gunicorn did not answer within 30 s")


def stop_gunicorn(proc) -> None:
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    store_path = tmp_path_factory.mktemp("live") / "store.gpkg"
    build_default_store(Store(store_path))
    port = _free_port()
    proc = start_gunicorn(store_path, port)
    yield f"http://127.0.0.1:{port}"
    stop_gunicorn(proc)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail(
            "Debian's chromium is not installed: `make test` installs it (apt-get install chromium)"
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RecordedPage:
    """A page that records every request it makes and every script error."""

    def __init__(self, page):
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )

    def hosts(self) -> set[str]:
        from urllib.parse import urlsplit

        return {urlsplit(u).netloc for u in self.requests if not u.startswith("data:")}


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    recorded = RecordedPage(context.new_page())
    yield recorded
    context.close()
