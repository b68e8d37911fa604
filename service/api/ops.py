"""Operations: ``/healthz`` for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from geo.areas import list_years
from service.api.openapi import error_responses, json_ok

bp = Blueprint("ops", __name__)

PATHS = {
    "ops.health": {
        "get": {
            "summary": "Health: the store can be read",
            "responses": {"200": json_ok("Health"), **error_responses(503)},
        }
    },
}


SCHEMAS = {
    "Health": {
        "type": "object",
        "required": ["status", "data_version"],
        "properties": {
            "status": {"type": "string", "enum": ["ok"]},
            "data_version": {"type": "string"},
            "list_years": {"type": "array", "items": {"type": "integer"}},
        },
    },
}


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths and schemas (collected by :mod:`service.api.openapi`)."""
    return PATHS, SCHEMAS


@bp.route("/healthz")
def health():
    """Liveness and readiness: 200 with the data version when the store passes its check
    (every required layer readable, with its columns; counts not negative), else 503 naming
    what is wrong."""
    store = current_app.extensions["omraadekort.store"]
    problems = store.check()  # every required layer, its columns and counts
    try:
        if not problems:
            version = store.data_version
            years = list_years(store)
    except Exception as exc:  # any failure to read the store means not ready
        problems = [str(exc)]
    if problems:
        # which layers are wrong, without the store's path
        message = "; ".join(p.replace(str(store.path), "the store") for p in problems)
        response = jsonify({"status": 503, "code": "store_unavailable", "message": message})
        response.status_code = 503
        response.headers["Cache-Control"] = "no-store"
        return response
    response = jsonify({"status": "ok", "data_version": version, "list_years": years})
    response.headers["Cache-Control"] = "no-store"
    return response
