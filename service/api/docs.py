"""The API's own description: ``/api/openapi.json`` and the readable ``/api/`` page."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template

from service.api.openapi import build_spec
from service.settings import public_base

bp = Blueprint("api_docs", __name__, url_prefix="/api")


@bp.route("/openapi.json")
def openapi_json():
    """The OpenAPI 3 description of every API route."""
    response = jsonify(build_spec(current_app, public_base()))
    response.mimetype = "application/vnd.oai.openapi+json"
    return response


@bp.route("/")
def api_docs():
    """The same description as a readable page."""
    spec = build_spec(current_app, public_base())
    return render_template("api/api_docs.html", spec=spec)
