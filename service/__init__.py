"""Områdekort web service: pages, JSON/GeoJSON API and tile-free Folium maps.

Use :func:`create_app`; nothing is created at import time. The service reads the store and
calls ``geo``, ``boundaries`` and ``indicators``; it does no geometry work of its own.
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_STORE = REPO_ROOT / "var" / "omraadekort.gpkg"


def create_app(test_config: dict | None = None) -> Flask:
    """Application factory.

    Configuration, later entries winning: defaults, ``OMRAADEKORT_*`` environment variables
    (``OMRAADEKORT_STORE`` is the store path), then ``test_config``.
    """
    app = Flask(__name__, static_folder=None)
    app.config.from_mapping(
        STORE_PATH=str(DEFAULT_STORE),
        MIN_PUBLISHED_COUNT=5,
        # Who may put the embeds in an <iframe>: a CSP frame-ancestors source list.
        EMBED_FRAME_ANCESTORS="*",
        ACCESS_LOG=True,
        JSON_SORT_KEYS=False,
    )
    app.config.from_prefixed_env("OMRAADEKORT")
    if "OMRAADEKORT_STORE" in os.environ:
        app.config["STORE_PATH"] = os.environ["OMRAADEKORT_STORE"]
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from service import api, assets, embeds, errors, http, pages, store_access

    app.jinja_env.globals["vendor_url"] = assets.vendor_url
    app.jinja_env.filters["source_items"] = _source_items
    app.jinja_env.filters["source_host"] = _source_host
    store_access.init_app(app)
    errors.init_app(app)
    http.init_app(app)
    app.register_blueprint(assets.bp)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=assets.own_static)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(embeds.bp)
    app.register_blueprint(api.ops)
    from service import indicator_web

    indicator_web.init_app(app)
    from service import flows_api, flows_pages

    app.register_blueprint(flows_pages.bp)
    app.register_blueprint(flows_api.bp)
    return app


def _source_items(sources: list[str]) -> list[str]:
    """Split '|' or ';' separated source strings into unique items, in order."""
    items: list[str] = []
    for text in sources:
        for part in str(text).replace(";", "|").split("|"):
            part = part.strip()
            if part and part not in items:
                items.append(part)
    return items


def _source_host(url: str) -> str:
    """A short label for a source URL: its host without ``www.``."""
    host = url.split("/")[2] if "//" in url else url
    return host.removeprefix("www.")
