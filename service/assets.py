"""Third-party browser assets, served by the service itself (never from a CDN).

Leaflet comes from the XStatic-Leaflet package on PyPI; no other library is needed by the
maps. Files are immutable per package version, so they are cached for a year.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path

from flask import Blueprint, Response, url_for
from xstatic.pkg import leaflet

bp = Blueprint("assets", __name__)
OWN_STATIC = Path(__file__).resolve().parent / "static"

VENDORED = {"leaflet": (leaflet.BASE_DIR, leaflet.VERSION)}


def vendor_url(package: str, filename: str) -> str:
    """URL of a vendored file; the version is part of the path, so caches never go stale."""
    return url_for(
        "assets.vendor", package=package, version=VENDORED[package][1], filename=filename
    )


@bp.route("/static/vendor/<package>/<version>/<path:filename>")
def vendor(package: str, version: str, filename: str):
    from service.errors import NotFoundError

    if package not in VENDORED or VENDORED[package][1] != version:
        raise NotFoundError(f"no vendored package {package!r} version {version!r}")
    body, mimetype = _read(package, filename)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def own_static(filename: str):
    """The service's own CSS, JS and icons, kept in memory so they can be compressed."""
    body, mimetype = _read_file(str(OWN_STATIC), filename)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _read(package: str, filename: str) -> tuple[bytes, str]:
    return _read_file(VENDORED[package][0], filename)


@functools.lru_cache(maxsize=128)
def _read_file(base_dir: str, filename: str) -> tuple[bytes, str]:
    """Static files are read once and kept in memory (they are small and immutable)."""
    from service.errors import NotFoundError

    shown = filename if len(filename) <= 100 else filename[:100] + "…"
    # a NUL or other control character, or a name no file system holds, is simply not there
    if len(filename) > 255 or any(ord(c) < 0x20 or ord(c) == 0x7F for c in filename):
        raise NotFoundError(f"no static file {shown!r}")
    base = Path(base_dir).resolve()
    try:
        path = (base / filename).resolve()
        found = base in path.parents and path.is_file()
    except (OSError, ValueError):
        found = False
    if not found:
        raise NotFoundError(f"no static file {shown!r}")
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mimetype == "application/javascript":
        mimetype = "text/javascript"
    return path.read_bytes(), mimetype
