"""Security headers on every response, and the caching policy of successful GETs.

- Content-Security-Policy allows only the service's own origin for scripts, styles, images,
  fonts and connections; pages carry no inline script or style. ``frame-ancestors`` is
  ``'self'`` except on embed routes, where it is ``EMBED_FRAME_ANCESTORS`` (default ``*``).
- Freshness: a URL that names the current data version (``…/kort.js?v=<data version>``) never
  changes, so it is cached for a year (``immutable``). Everything else whose view did not say
  otherwise is fresh for ``FRESH_SECONDS`` (default 2 s) and may then be served stale for
  ``STALE_SECONDS`` while a cache revalidates in the background, so a proxy or a browser shows a
  new list within seconds of an import, and revalidation costs a 304.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs

IMMUTABLE = "public, max-age=31536000, immutable"


@functools.lru_cache(maxsize=8)
def csp(frame_ancestors: str) -> str:
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


def is_embed(path: str) -> bool:
    return path.startswith("/embed/") and path != "/embed/"


def security_headers(path: str, embed_frame_ancestors: str) -> list[tuple[str, str]]:
    """The headers every response carries, for a request path."""
    embed = is_embed(path)
    headers = [
        ("Content-Security-Policy", csp(embed_frame_ancestors if embed else "'self'")),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ]
    if not embed:
        headers.append(("X-Frame-Options", "SAMEORIGIN"))
    return headers


def names_version(query_string: str, data_version: str) -> bool:
    """Whether the query's ``v`` is the current data version (a versioned, immutable URL)."""
    if "v=" not in query_string:
        return False
    return parse_qs(query_string).get("v") == [data_version]


def revalidating(fresh_seconds: int, stale_seconds: int) -> str:
    return f"public, max-age={fresh_seconds}, stale-while-revalidate={stale_seconds}"


def cache_control(
    view_value: str | None,
    query_string: str,
    data_version: str | None,
    *,
    fresh_seconds: int,
    stale_seconds: int,
) -> str:
    """The Cache-Control of a successful GET.

    A view's own ``no-store``/``private``/``no-cache`` always stands. A URL naming the
    current data version is immutable. Otherwise a view's own value stands, and the default
    is short freshness plus ``stale-while-revalidate``.
    """
    if view_value and any(d in view_value for d in ("no-store", "private", "no-cache")):
        return view_value
    if data_version is not None and names_version(query_string, data_version):
        return IMMUTABLE
    return view_value or revalidating(fresh_seconds, stale_seconds)
