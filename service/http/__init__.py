"""HTTP behaviour shared by every route: security headers, caching, compression, access logs.

- Content-Security-Policy allows only the service's own origin for scripts, styles, images,
  fonts and connections; pages carry no inline script or style. ``frame-ancestors`` is
  ``'self'`` except on embed routes, where it is ``EMBED_FRAME_ANCESTORS`` (default ``*``).
- Every successful GET of a page, map script, API response or asset gets an ETag and
  Cache-Control, and a matching ``If-None-Match`` is answered with 304.
- Text responses (HTML, JSON, GeoJSON, JS, CSS, SVG) are gzip-compressed when the client
  accepts it; the compressed bytes are kept per ETag, so a hot response is compressed once.
- Whole responses of cacheable GET routes are kept per (URL, data version): a repeated request
  for an embed or map is answered without rendering. An import changes the data version, so a
  cached response is never served for data it was not built from.
- One JSON line per request on the ``omraadekort.access`` logger (no client addresses).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import sys
import time
from dataclasses import dataclass

from flask import Flask, Response, g, request

from geo.cache import LRU
from service.store_access import get_store

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/vnd.oai.openapi+json",
    "image/svg+xml",
    "text/csv",
}
MIN_COMPRESS_BYTES = 512
# Routes whose responses depend only on the URL and the store's data version.
CACHEABLE_PREFIXES = ("/kort", "/omraader", "/kommuner", "/embed", "/api/", "/oembed")
CACHEABLE_EXACT = {"/", "/om", "/embed"}


def _csp(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


@dataclass(frozen=True)
class CachedResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str


def _is_embed(path: str) -> bool:
    return path.startswith("/embed/") and path != "/embed/"


def _cacheable(path: str) -> bool:
    return path in CACHEABLE_EXACT or path.startswith(CACHEABLE_PREFIXES)


def _accepts_gzip() -> bool:
    return "gzip" in request.headers.get("Accept-Encoding", "").lower()


def _access_logger() -> logging.Logger:
    logger = logging.getLogger("omraadekort.access")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def init_app(app: Flask) -> None:
    responses = LRU(app.config.get("RESPONSE_CACHE_SIZE", 512))
    compressed = LRU(app.config.get("GZIP_CACHE_SIZE", 512))
    app.extensions["omraadekort.responses"] = responses
    log = _access_logger() if app.config.get("ACCESS_LOG", True) else None

    def _cache_key() -> tuple | None:
        if request.method not in ("GET", "HEAD") or not _cacheable(request.path):
            return None
        try:
            version = get_store().data_version
        except Exception:  # a missing store is answered by the error handler, uncached
            return None
        return (request.full_path, version)

    @app.before_request
    def _serve_cached():
        g.started = time.perf_counter()
        key = _cache_key()
        g.cache_key = key
        if key is None:
            return None
        hit = responses.get(key)
        if hit is None:
            return None
        g.cache_hit = True
        response = Response(hit.body, status=hit.status, headers=list(hit.headers))
        response.set_etag(hit.etag)
        return response

    @app.after_request
    def _finish(response: Response) -> Response:
        path = request.path
        frame_ancestors = app.config["EMBED_FRAME_ANCESTORS"] if _is_embed(path) else "'self'"
        response.headers["Content-Security-Policy"] = _csp(frame_ancestors)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not _is_embed(path):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"

        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
        ):
            body = response.get_data()
            if not response.get_etag()[0]:
                response.set_etag(hashlib.sha256(body).hexdigest()[:32])
            if "Cache-Control" not in response.headers:
                response.headers["Cache-Control"] = "public, max-age=60"
            key = getattr(g, "cache_key", None)
            if key is not None and not getattr(g, "cache_hit", False):
                responses.put(
                    key,
                    CachedResponse(
                        status=200,
                        headers=tuple(
                            (k, v)
                            for k, v in response.headers.items()
                            if k.lower()
                            not in ("content-length", "etag", "content-encoding", "vary")
                        ),
                        body=body,
                        etag=response.get_etag()[0],
                    ),
                )
            _compress(response, compressed)
            response.make_conditional(request)
        _log(response)
        return response

    def _log(response: Response) -> None:
        if log is None:
            return
        started = getattr(g, "started", None)
        log.info(
            json.dumps(
                {
                    "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "method": request.method,
                    "path": request.path,
                    "query": request.query_string.decode("latin-1")[:200],
                    "status": response.status_code,
                    "bytes": response.calculate_content_length(),
                    "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
                    "cache": "hit" if getattr(g, "cache_hit", False) else "miss",
                },
                ensure_ascii=False,
            )
        )


def _compress(response: Response, cache: LRU) -> None:
    mimetype = response.mimetype or ""
    response.vary.add("Accept-Encoding")
    if (
        response.status_code != 200
        or mimetype not in COMPRESSIBLE
        or "Content-Encoding" in response.headers
        or not _accepts_gzip()
    ):
        return
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return
    etag = response.get_etag()[0]
    packed = cache.get(etag) if etag else None
    if packed is None:
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        if etag:
            cache.put(etag, packed)
    response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"
    # A different representation needs its own validator (RFC 9110 § 8.8.3).
    if etag:
        response.set_etag(etag + "-gz")
