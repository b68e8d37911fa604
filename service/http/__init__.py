"""HTTP behaviour shared by every route: security headers, caching, compression, access logs.

Two paths answer a request, with the same bytes and headers:

- **the fast path** (:mod:`service.http.fastpath`), a WSGI layer in front of Flask, answers a
  cached response itself: identity or gzip, 200 or 304, GET or HEAD;
- **the Flask path** (this module's hooks) renders everything else, adds the security headers
  (:mod:`service.http.headers`), the Cache-Control policy and an ETag, stores a successful GET
  in the response cache (:mod:`service.http.cache`: memory per process, files per namespace
  on disk, shared by every worker), then gzips it when the client accepts gzip
  (:mod:`service.http.negotiation`) and answers ``If-None-Match`` with 304 (werkzeug's
  ``make_conditional``).

While a URL is being rendered its build lock is held, so a URL missing from the cache (after an
import, or when a proxy's copy expires) is rendered by one request while the others wait for
it. A new namespace (an import by any process) starts a warm-up in one worker
(:mod:`service.http.warm`).
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from flask import Flask, Response, g, request

from service.http import headers as policy
from service.http.access_log import access_logger, emit, line
from service.http.cache import DiskCache, Entry, ResponseCache
from service.http.fastpath import FastPath, Namespace, request_key
from service.http.negotiation import accepts_gzip

# Never cached: answers about the process itself.
UNCACHED_PATHS = frozenset({"/healthz"})
MAX_ENTRY_BYTES = 16 * 1024 * 1024
# Settings that change what a page shows; part of the cache namespace.
OUTPUT_SETTINGS = (
    "MIN_PUBLISHED_COUNT",
    "EMBED_FRAME_ANCESTORS",
    "PUBLIC_BASE_URL",
    "FRESH_SECONDS",
    "STALE_SECONDS",
    "NEGOTIATE_LANGUAGE",
)


def cache_dir(app: Flask) -> Path:
    """Where the response cache keeps its files: ``RESPONSE_CACHE_DIR``, else ``cache/``
    beside the store."""
    configured = app.config.get("RESPONSE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(app.config["STORE_PATH"]).resolve().parent / "cache"


def init_app(app: Flask) -> None:
    app.config.setdefault("FRESH_SECONDS", 2)
    app.config.setdefault("STALE_SECONDS", 60)
    app.config.setdefault("PUBLIC_BASE_URL", None)
    app.config.setdefault("NEGOTIATE_LANGUAGE", False)
    app.config.setdefault("RESPONSE_CACHE_SIZE", 256)
    # Tests get a fresh cache per app unless they ask for the shared one on disk.
    app.config.setdefault("RESPONSE_CACHE_DISK", not app.testing)
    app.config.setdefault("WARM_ON_NEW_VERSION", not app.testing)
    disk = (
        DiskCache(cache_dir(app), app.config.get("RESPONSE_CACHE_DISK_ENTRIES", 5000))
        if app.config["RESPONSE_CACHE_DISK"]
        else None
    )
    cache = ResponseCache(app.config["RESPONSE_CACHE_SIZE"], disk)
    settings = tuple((name, app.config.get(name)) for name in OUTPUT_SETTINGS)
    namespace = Namespace(app.extensions["omraadekort.store"], settings)
    include_host = not app.config["PUBLIC_BASE_URL"]
    negotiate_language = bool(app.config["NEGOTIATE_LANGUAGE"])
    log = access_logger() if app.config.get("ACCESS_LOG", True) else None
    app.extensions["omraadekort.responses"] = cache
    app.extensions["omraadekort.namespace"] = namespace

    on_namespace = None
    if app.config["WARM_ON_NEW_VERSION"] and disk is not None:
        from service.http.warm import warm_in_background

        def on_namespace(name: str, environ: dict) -> None:
            warm_in_background(app, name, environ)

    app.config.setdefault("FAST_PATH", True)
    if app.config["FAST_PATH"]:
        fast = FastPath(
            app.wsgi_app,
            cache,
            namespace,
            include_host=include_host,
            negotiate_language=negotiate_language,
            log=log,
            on_namespace=on_namespace,
        )
        app.wsgi_app = fast  # type: ignore[method-assign]
        app.extensions["omraadekort.fastpath"] = fast

    def _key() -> tuple[str, str, str] | None:
        """(namespace, data version, request key) of a cacheable request, else None."""
        if request.method not in ("GET", "HEAD") or request.path in UNCACHED_PATHS:
            return None
        try:
            name, version = namespace.current()
        except Exception:  # a missing store is answered by the error handler, uncached
            return None
        key = request_key(
            request.environ, include_host=include_host, negotiate_language=negotiate_language
        )
        return name, version, key

    @app.before_request
    def _start():
        g.started = time.perf_counter()
        found = _key()
        g.cache_key = found
        if found is None or disk is None:
            return None
        name, _version, key = found
        # One renderer per URL across every process; the others wait, then read its file.
        g.build_lock = disk.building(name, key)
        if not g.build_lock.__enter__():
            return None
        hit = cache.get(name, key)
        if hit is not None:  # rendered by another process while this one waited
            g.cached_entry = hit[0]
            return Response(status=200)  # replaced by the entry in _finish
        return None

    @app.teardown_request
    def _release(_exc):
        lock = g.pop("build_lock", None)
        if lock is not None:
            lock.__exit__(None, None, None)

    @app.after_request
    def _finish(response: Response) -> Response:
        for name, value in policy.security_headers(
            request.path, app.config["EMBED_FRAME_ANCESTORS"]
        ):
            response.headers[name] = value
        cache_state = "none"
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            found = g.get("cache_key")
            entry = g.get("cached_entry")
            if entry is None:
                entry = _entry(response, found[1] if found else None)
                if found is not None and _storable(response, entry):
                    cache.put(found[0], found[2], entry)
                cache_state = "miss" if found is not None else "none"
            else:
                cache_state = "disk"
            response = _represent(entry)
        if log is not None and not request.environ.get("omraadekort.warm"):
            sent = response.calculate_content_length()
            if request.method == "HEAD" or response.status_code == 304:
                sent = 0
            emit(
                log,
                line(
                    request.method,
                    request.path,
                    request.query_string.decode("latin-1"),
                    response.status_code,
                    sent,
                    g.get("started"),
                    cache_state,
                ),
            )
        return response

    def _entry(response: Response, version: str | None) -> Entry:
        body = response.get_data()
        response.headers["Cache-Control"] = policy.cache_control(
            response.headers.get("Cache-Control"),
            request.query_string.decode("latin-1"),
            version,
            fresh_seconds=app.config["FRESH_SECONDS"],
            stale_seconds=app.config["STALE_SECONDS"],
        )
        etag = response.get_etag()[0] or hashlib.sha256(body).hexdigest()[:32]
        return Entry.build(
            tuple(response.headers.items()),
            body,
            f'"{etag}"',
            response.headers.get("Vary"),
        )

    def _storable(response: Response, entry: Entry) -> bool:
        directives = response.headers.get("Cache-Control", "")
        return (
            "Set-Cookie" not in response.headers
            and not any(d in directives for d in ("no-store", "private", "no-cache"))
            and len(entry.body) <= MAX_ENTRY_BYTES
        )

    def _represent(entry: Entry) -> Response:
        """The Flask path's answer from an entry, through werkzeug (the reference for the
        fast path): the negotiated representation, made conditional."""
        gzip_ok = entry.packed is not None and accepts_gzip(request.headers.get("Accept-Encoding"))
        body = entry.packed.body if gzip_ok else entry.body  # type: ignore[union-attr]
        response = Response(body, status=entry.status, headers=list(entry.headers))
        for value in (entry.vary or "").split(","):
            if value.strip():
                response.vary.add(value.strip())
        if entry.packed is not None:
            response.vary.add("Accept-Encoding")
        if gzip_ok:
            response.headers["Content-Encoding"] = "gzip"
        response.set_etag(entry.variant(gzip_ok).etag.strip('"'))
        response.make_conditional(request)
        return response
