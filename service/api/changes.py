"""``/api/changes?year=``: a list year against the year before (see :mod:`geo.changes`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from geo.changes import KINDS, change_years, list_changes
from geo.errors import NotFound
from indicators.categories import CATEGORIES
from service.api.openapi import (
    NULLABLE_BOOLEAN,
    NULLABLE_INTEGER,
    NULLABLE_NUMBER,
    NULLABLE_STRING,
    STRING_LIST,
    error_responses,
    json_ok,
)
from service.params import parse_year
from service.store_access import get_store

bp = Blueprint("changes_api", __name__, url_prefix="/api")

_STATUS = {"type": "object", "additionalProperties": NULLABLE_BOOLEAN}

PATHS = {
    "changes_api.changes": {
        "get": {
            "summary": "What changed on 1 December: a list year against the year before",
            "description": "Every area that entered, left or changed category, per category, "
            "with the official counts before and after and, where the published values allow, "
            "the criterion that decided it (rules engine: value, threshold, margin). A status "
            "is true (named), false (known not to be on the list) or null (not named, but "
            "that year's list is incomplete in the store): changes from or to null are "
            "`possibly_entered` / `possibly_left`. Areas tied by a known alias are reported "
            "as `renamed`, `split` or `merged`.",
            "parameters": [
                {
                    "name": "year",
                    "in": "query",
                    "description": "A list year with a list the year before (default: the "
                    "latest list).",
                    "schema": {"type": "string", "pattern": "^[0-9]{4}$"},
                }
            ],
            "responses": {"200": json_ok("ListChanges"), **error_responses(400, 404)},
        }
    },
}

SCHEMAS = {
    "ListChanges": {
        "type": "object",
        "required": ["year", "previous_year", "rule_before", "rule_after", "categories", "areas"],
        "properties": {
            "year": {"type": "integer"},
            "previous_year": {"type": "integer"},
            "rule_before": {"type": "string"},
            "rule_after": {"type": "string"},
            "rules_changed": {"type": "boolean"},
            "change_years": {"type": "array", "items": {"type": "integer"}},
            "categories": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "category",
                        "official_before",
                        "official_after",
                        "entered",
                        "left",
                    ],
                    "properties": {
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                        "official_before": NULLABLE_INTEGER,
                        "official_after": NULLABLE_INTEGER,
                        "named_before": {"type": "integer"},
                        "named_after": {"type": "integer"},
                        "complete_before": {"type": "boolean"},
                        "complete_after": {"type": "boolean"},
                        "entered": STRING_LIST,
                        "left": STRING_LIST,
                        "possibly_entered": STRING_LIST,
                        "possibly_left": STRING_LIST,
                        "renamed": {"type": "array", "items": {"type": "object"}},
                        "stayed": {"type": "integer"},
                    },
                },
            },
            "areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["area_id", "name", "kind", "before", "after"],
                    "properties": {
                        "area_id": {"type": "string"},
                        "name": {"type": "string"},
                        "municipality_code": NULLABLE_STRING,
                        "municipality_name": {"type": "string"},
                        "kind": {"type": "string", "enum": list(KINDS)},
                        "map_class": {"type": "string"},
                        "before": _STATUS,
                        "after": _STATUS,
                        "most_severe_before": NULLABLE_STRING,
                        "most_severe_after": NULLABLE_STRING,
                        "entered": STRING_LIST,
                        "left": STRING_LIST,
                        "possibly_entered": STRING_LIST,
                        "possibly_left": STRING_LIST,
                        "explanations": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["category", "direction", "decided", "reason"],
                                "properties": {
                                    "category": {"type": "string"},
                                    "direction": {"type": "string", "enum": ["entered", "left"]},
                                    "decided": {"type": "boolean"},
                                    "reason": {"type": "string"},
                                    "rule_before": {"type": "string"},
                                    "rule_after": {"type": "string"},
                                    "residents_assumed": {"type": "boolean"},
                                    "criteria": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "key": {"type": "string"},
                                                "label_da": {"type": "string"},
                                                "indicator": {"type": "string"},
                                                "comparison": {"type": "string"},
                                                "threshold": {"type": "number"},
                                                "value_before": NULLABLE_NUMBER,
                                                "value_after": NULLABLE_NUMBER,
                                                "met_before": NULLABLE_BOOLEAN,
                                                "met_after": NULLABLE_BOOLEAN,
                                                "margin": NULLABLE_NUMBER,
                                                "crossed": {"type": "boolean"},
                                                "basis": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                        "sources_before": STRING_LIST,
                        "sources_after": STRING_LIST,
                        "aliases": {"type": "array", "items": {"type": "object"}},
                        "counterparts": {"type": "array", "items": {"type": "object"}},
                    },
                },
            },
        },
    },
}


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths and schemas (collected by :mod:`service.api.openapi`)."""
    return PATHS, SCHEMAS


@bp.route("/changes")
def changes():
    store = get_store()
    years = change_years(store)
    if not years:
        raise NotFound("the store has no two consecutive list years to compare")
    year = parse_year(request.args.get("year"), years, "year")
    body = list_changes(store, year).to_dict()
    body["change_years"] = years
    return jsonify(body)
