"""The OpenAPI 3 description of the API, served at ``/api/openapi.json``.

Written by hand so that it says exactly what the service promises; the test suite runs
schemathesis against it (every response must match, no 500s). Each blueprint module that
serves API routes describes them in ``openapi_fragment() -> (paths, schemas)`` with the paths
keyed by *endpoint* (``"api.years"``), so each URL is written once, in its route decorator;
:func:`build_spec` collects the fragments of the registered blueprints (pygeoapi's
``get_oas_30`` per API module) and turns endpoints into paths through the app's URL map.
"""

from __future__ import annotations

import re
import sys

from flask import Flask

ERROR = {"$ref": "#/components/responses/Error"}
YEAR = {
    "name": "year",
    "in": "query",
    "required": False,
    "description": "List year (1 December). Without it: every area / the latest list.",
    "schema": {"type": "integer", "example": 2022},
}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_NUMBER = {"type": "number", "nullable": True}
NULLABLE_INTEGER = {"type": "integer", "nullable": True}
# a yes/no that may be unknown (None): a criterion without a published value
NULLABLE_BOOLEAN = {"type": "boolean", "nullable": True}
STRING_LIST = {"type": "array", "items": {"type": "string"}}


def json_ok(schema_ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def geojson_ok(schema_ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {
            "application/geo+json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}
        },
    }


def error_responses(*codes: int) -> dict:
    return {str(c): ERROR for c in codes}


COMPONENT_SCHEMAS: dict = {
    "Error": {
        "type": "object",
        "required": ["status", "code", "message"],
        "additionalProperties": False,
        "properties": {
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "code": {"type": "string"},
            "message": {"type": "string"},
        },
    },
}

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([A-Za-z_][A-Za-z0-9_]*)>")


def openapi_path(rule: str) -> str:
    """A werkzeug rule (``/api/areas/<slug>``) as an OpenAPI path (``/api/areas/{slug}``)."""
    return _CONVERTER.sub(r"{\1}", rule)


def fragments(app: Flask) -> list[tuple[dict, dict]]:
    """The (paths, schemas) of every registered blueprint module that describes its routes."""
    out = []
    for blueprint in app.blueprints.values():
        module = sys.modules[blueprint.import_name]
        fragment = getattr(module, "openapi_fragment", None)
        if fragment is not None:
            out.append(fragment())
    return out


def described_paths(app: Flask) -> tuple[dict, dict]:
    """Every described route as ``{openapi path: path item}``, and the schemas they use."""
    by_endpoint: dict[str, list[str]] = {}
    for rule in app.url_map.iter_rules():
        by_endpoint.setdefault(rule.endpoint, []).append(rule.rule)
    paths: dict = {}
    schemas: dict = dict(COMPONENT_SCHEMAS)
    for endpoint_items, fragment_schemas in fragments(app):
        schemas.update(fragment_schemas)
        for endpoint, item in endpoint_items.items():
            if endpoint not in by_endpoint:
                raise LookupError(f"OpenAPI fragment describes unknown endpoint {endpoint!r}")
            for rule in by_endpoint[endpoint]:
                paths[openapi_path(rule)] = item
    return dict(sorted(paths.items())), schemas


def build_spec(app: Flask, server_url: str) -> dict:
    """The whole OpenAPI 3 document for ``app``."""
    paths, schemas = described_paths(app)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Områdekort API",
            "version": "1",
            "description": "Denmark's designated social-housing areas: lists, locations, "
            "indicators and relocation flows. Geometry in WGS84 (RFC 7946) unless a collection "
            "is asked for in EPSG:25832. Every error has the shape {status, code, message}. "
            "Counts of persons below the disclosure threshold are never published.",
            "license": {"name": "Data: see /om for each dataset's source and licence"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Error": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
            },
        },
    }
