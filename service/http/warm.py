"""Warm-up: render every page once per namespace, so no user request pays a cold build.

The crawl starts at the site's entry pages, follows every same-origin link to a page without
a query string (each area, municipality, origin and embed page) and fetches the map scripts a
page loads (at their versioned URLs). Nothing else is fetched: no PDF fact sheet, download,
API answer or static file (a fact sheet costs seconds to render; each of these is rendered on
its first request and cached then). Each response goes through the whole service, so it lands
in the response cache and, on disk, is shared by every worker.

It runs after ``serve`` starts, after each import (the import commands call it), and in one
worker when a worker sees a new namespace (an import by any other process); a lock file per
namespace keeps it to one warm-up at a time, and a marker file to one per namespace.
"""

from __future__ import annotations

import fcntl
import html
import logging
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask

SEEDS = (
    "/",
    "/kort",
    "/omraader",
    "/kommuner",
    "/flytninger",
    "/flytninger/modtagere",
    "/sammenlign",
    "/embed",
    "/embed/national",
    "/om",
)
SKIP_PREFIXES = ("/healthz", "/api/", "/static/")
_LINK = re.compile(r'<(?:a\s[^>]*?href|iframe\s[^>]*?src)="([^"]+)"')
_SCRIPT = re.compile(r'<script[^>]*?\ssrc="([^"]+)"')
log = logging.getLogger("omraadekort.warm")


@dataclass
class WarmReport:
    urls: int = 0
    seconds: float = 0.0
    reached: list[str] = field(default_factory=list)
    failed: list[tuple[str, int]] = field(default_factory=list)


def _same_origin(url: str, host: str) -> str | None:
    parts = urlsplit(html.unescape(url))
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != host:
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_page(path: str) -> bool:
    """Whether a same-origin path is a page the warm-up follows: not under
    :data:`SKIP_PREFIXES` and with no file extension in its last segment (``faktaark.pdf``,
    ``omraader.csv`` and ``kort.js`` are not pages)."""
    path = path.split("?", 1)[0]
    return not path.startswith(SKIP_PREFIXES) and "." not in path.rsplit("/", 1)[-1]


def is_map_script(path: str) -> bool:
    """Whether a script a page loads is one of the service's map scripts (``…/kort.js?v=…``),
    not a static file."""
    path = path.split("?", 1)[0]
    return path.endswith(".js") and not path.startswith(SKIP_PREFIXES)


def warm(app: Flask, base_url: str, *, max_urls: int = 2000) -> WarmReport:
    """Request every page reachable from :data:`SEEDS` once (see the module docstring)."""
    host = urlsplit(base_url).netloc
    client = app.test_client()
    report = WarmReport()
    started = time.perf_counter()
    queue = list(SEEDS)
    seen = set(queue)
    while queue and report.urls < max_urls:
        url = queue.pop(0)
        response = client.get(url, base_url=base_url, environ_overrides={"omraadekort.warm": True})
        report.urls += 1
        if response.status_code != 200:
            report.failed.append((url, response.status_code))
            continue
        report.reached.append(url)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        found = [(link, is_page) for link in _LINK.findall(page)]
        found += [(script, is_map_script) for script in _SCRIPT.findall(page)]
        for link, wanted in found:
            target = _same_origin(link, host)
            if target is None or target in seen or not wanted(target):
                continue
            if "?" in target and wanted is is_page:
                continue  # links with a query are variants, built when first asked for
            seen.add(target)
            queue.append(target)
    report.seconds = time.perf_counter() - started
    return report


def warm_namespace(app: Flask, namespace: str, base_url: str) -> WarmReport | None:
    """Warm one namespace unless another process is at it or has done it; prune older
    namespaces afterwards. Returns None when it did nothing."""
    cache = app.extensions["omraadekort.responses"]
    if cache.disk is None:
        return warm(app, base_url)
    directory = cache.disk.directory(namespace)
    directory.mkdir(parents=True, exist_ok=True)
    done = directory / ".warmed"
    if done.exists():
        return None
    with open(directory / ".warm.lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return None
        if done.exists():
            return None
        report = warm(app, base_url)
        done.write_text(f"{report.urls} urls in {report.seconds:.1f} s\n")
        cache.disk.prune(keep=namespace, older_than=600)
        return report


def base_url_of(app: Flask, environ: dict | None) -> str:
    configured = app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if environ is not None:
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "localhost")
        return f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
    return "http://127.0.0.1:8000"


def warm_in_background(app: Flask, namespace: str, environ: dict) -> None:
    """Start :func:`warm_namespace` in a daemon thread of this worker."""
    base_url = base_url_of(app, environ)

    def run() -> None:
        try:
            report = warm_namespace(app, namespace, base_url)
        except Exception:  # a warm-up must never take a worker down; say why it stopped
            log.exception("warm-up of %s failed", namespace)
            return
        if report is not None:
            log.warning("warmed %s: %d URLs in %.1f s", namespace, report.urls, report.seconds)

    threading.Thread(target=run, name="omraadekort-warm", daemon=True).start()
