"""Områdekort web service: pages, JSON/GeoJSON API and tile-free Folium maps.

Use :func:`create_app`; nothing is created at import time. The service reads the store and
calls ``geo``, ``boundaries`` and ``indicators``; it does no geometry work of its own.

Sub-packages by role: ``pages/`` (Danish HTML, one blueprint per module), ``api/`` (JSON and
GeoJSON, each module describing its routes for OpenAPI), ``embeds/`` (iframe maps and the static
export), ``maps/`` (Folium maps and SVG charts), ``http/`` (headers, caching, compression, access
log), ``cli/`` (the ``omraadekort`` command). Blueprint modules never import one another; what
they share lives in ``params``, ``serialise``, ``store_access``, ``text`` and ``maps``.
"""

from __future__ import annotations

import os
from importlib import import_module
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from service import settings

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STORE = REPO_ROOT / "var" / "omraadekort.gpkg"

# Every blueprint of the service, in registration order: one list, one style.
BLUEPRINT_MODULES = (
    "service.assets",
    "service.pages.areas",
    "service.pages.indicators",
    "service.pages.flows",
    "service.pages.changes",
    "service.pages.factsheets",
    "service.pages.plans",
    "service.pages.search",
    "service.api.areas",
    "service.api.indicators",
    "service.api.flows",
    "service.api.changes",
    "service.api.plans",
    "service.api.ops",
    "service.api.docs",
    "service.embeds.views",
)


class AsciiIntegerConverter(IntegerConverter):
    """``<int:year>`` that matches the digits 0–9 only, at most nine of them."""

    regex = r"[0-9]{1,9}"


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory.

    Configuration, later entries winning: defaults, ``OMRAADEKORT_*`` environment variables
    (``OMRAADEKORT_STORE`` is the store path), then ``test_config``; validated by
    :func:`service.settings.validate` (raises :class:`service.settings.SettingsError`).
    """
    app = Flask(__name__, static_folder=None)
    # <int:…> in routes: ASCII digits only (werkzeug's \d also matches "٢٠٢٢" and "２０２２")
    app.url_map.converters["int"] = AsciiIntegerConverter
    app.config.from_mapping(
        STORE_PATH=str(DEFAULT_STORE),
        MIN_PUBLISHED_COUNT=5,
        # Who may put the embeds in an <iframe>: a CSP frame-ancestors source list.
        EMBED_FRAME_ANCESTORS="*",
        # The service's public address, for absolute URLs (embed snippets, oEmbed, OGC links);
        # never taken from the request's Host header.
        PUBLIC_BASE_URL=settings.DEFAULT_PUBLIC_BASE_URL,
        ACCESS_LOG=True,
        JSON_SORT_KEYS=False,
        # The page language follows Accept-Language when the URL has no ?sprog= (service/i18n).
        NEGOTIATE_LANGUAGE=True,
    )
    app.config.from_prefixed_env("OMRAADEKORT")
    if "OMRAADEKORT_STORE" in os.environ:
        app.config["STORE_PATH"] = os.environ["OMRAADEKORT_STORE"]
    if test_config:
        app.config.update(test_config)
    settings.validate(app.config)  # SettingsError naming the variable, before any request
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from service import assets, errors, formats, http, i18n, params, store_access, templating

    store_access.init_app(app)
    errors.init_app(app)
    http.init_app(app)
    templating.init_app(app)
    formats.init_app(app)
    i18n.init_app(app)
    params.init_app(app)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=assets.own_static)
    return app
