"""Third-party browser assets, served by the service itself (never from a CDN).

Leaflet comes from the XStatic-Leaflet package on PyPI; no other library is needed by the
maps. Files are immutable per package version, so they are cached for a year.
"""

from __future__ import annotations

from flask import Blueprint, send_from_directory, url_for
from xstatic.pkg import leaflet

bp = Blueprint("assets", __name__)

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
    base, _version = VENDORED[package]
    response = send_from_directory(base, filename, max_age=31536000)
    response.cache_control.immutable = True
    return response
