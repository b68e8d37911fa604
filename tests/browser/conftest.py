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
    """gunicorn on ``port`` serving ``store_path``; its log goes to a file beside the store.

    The log must not go to a pipe nobody reads: once the pipe's buffer is full, every worker
    blocks on its next log line and the pages time out. The warm-up crawl is off here
    (tests/service/test_fastpath.py tests it): on a two-core runner it would compete with
    the pages under test.
    """
    env = {
        **os.environ,
        "OMRAADEKORT_STORE": str(store_path),
        "OMRAADEKORT_WARM_ON_NEW_VERSION": "false",
        **(env_extra or {}),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log_path = Path(store_path).with_name(f"gunicorn-{port}.log")
    log = open(log_path, "ab")  # noqa: SIM115 (closed in stop_gunicorn)
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
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_file = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/years", timeout=2):
                return proc
        except OSError:
            if proc.poll() is not None:
                log.close()
                raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-3000:]}") from None
            time.sleep(0.2)
    proc.kill()
    proc.wait()
    log.close()
    raise RuntimeError(f"gunicorn did not answer within 30 s: {log_path.read_text()[-3000:]}")


def stop_gunicorn(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log_file.close()


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
