"""JSON for the development plans, the reports and the glossary: /api/plans,
/api/plans/<slug>, /api/reports and /api/glossary, with their OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify

from indicators import glossary
from indicators.plans import FACT_TYPES, all_plans, national_facts, plan_facts
from indicators.reports import TRACKS, filter_reports, read_reports, report_records
from service.api.openapi import (
    NULLABLE_INTEGER,
    NULLABLE_NUMBER,
    NULLABLE_STRING,
    STRING_LIST,
    error_responses,
    json_ok,
)
from service.params import optional_area, optional_choice, optional_year
from service.store_access import get_store

bp = Blueprint("plan_api", __name__)


def _fact_types() -> dict:
    return {
        code: {"label_da": f.label_da, "label_en": f.label_en, "unit": f.unit}
        for code, f in FACT_TYPES.items()
    }


@bp.route("/api/plans")
def plans():
    store = get_store()
    return jsonify(
        {
            "areas": [p.as_dict() for p in all_plans(store)],
            "national": [f.as_dict() for f in national_facts(store)],
            "fact_types": _fact_types(),
        }
    )


@bp.route("/api/plans/<slug>")
def plan(slug: str):
    # An unknown slug raises geo.errors.NotFound: 404 with the one error shape.
    return jsonify(plan_facts(get_store(), slug).as_dict())


@bp.route("/api/reports")
def reports():
    store = get_store()
    track = optional_choice("track", TRACKS)
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    area_id = optional_area("area", names)
    year = optional_year("year")
    chosen = filter_reports(read_reports(store), track=track, area_id=area_id, year=year)
    return jsonify(
        {
            "reports": report_records(chosen, names),
            "tracks": {
                code: {"label_da": t.label_da, "label_en": t.label_en} for code, t in TRACKS.items()
            },
        }
    )


@bp.route("/api/glossary")
def glossary_terms():
    return jsonify({"terms": [t.as_dict() for t in glossary.terms()]})


# -- OpenAPI ---------------------------------------------------------------------------------

POINT = {
    "type": "object",
    "nullable": True,
    "required": ["year", "value", "source"],
    "properties": {
        "year": {"type": "integer"},
        "value": {"type": "number", "minimum": 0, "maximum": 100},
        "source": {"type": "string"},
    },
}
SCHEMAS = {
    "PlanFact": {
        "type": "object",
        "required": ["fact_id", "fact_type", "value", "source_url", "figure_da"],
        "properties": {
            "fact_id": {"type": "string"},
            "fact_type": {"type": "string", "enum": list(FACT_TYPES)},
            "label_da": {"type": "string"},
            "part": NULLABLE_STRING,
            "value": NULLABLE_NUMBER,
            "approximate": {"type": "boolean"},
            "unit": {"type": "string", "nullable": True, "enum": ["homes", "pct", "areas", None]},
            "text": NULLABLE_STRING,
            "figure_da": {"type": "string"},
            "date": NULLABLE_STRING,
            "decided_by": NULLABLE_STRING,
            "source_url": {"type": "string"},
            "evidence_quote": NULLABLE_STRING,
            "note": NULLABLE_STRING,
            "note_en": NULLABLE_STRING,
            "conflict": NULLABLE_STRING,
            "conflict_note": NULLABLE_STRING,
            "conflict_note_en": NULLABLE_STRING,
            "shared_with": STRING_LIST,
            "other_areas": STRING_LIST,
        },
    },
    "AreaPlan": {
        "type": "object",
        "required": ["area_id", "name", "facts", "rows", "share_path"],
        "properties": {
            "area_id": {"type": "string"},
            "name": {"type": "string"},
            "municipality_code": {"type": "string"},
            "omdannelsesomraade_years": {"type": "array", "items": {"type": "integer"}},
            "facts": {"type": "array", "items": {"$ref": "#/components/schemas/PlanFact"}},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["key", "label_da", "fact_ids"],
                    "properties": {
                        "key": {"type": "string"},
                        "label_da": {"type": "string"},
                        "fact_ids": STRING_LIST,
                    },
                },
            },
            "share_path": {
                "type": "object",
                "required": ["baseline", "values", "target", "missing_years"],
                "properties": {
                    "baseline": POINT,
                    "values": {"type": "array", "items": POINT},
                    "target": {
                        "type": "object",
                        "required": ["year", "value", "date", "kind"],
                        "properties": {
                            "year": {"type": "integer"},
                            "value": {"type": "number"},
                            "source": {"type": "string"},
                            "date": {"type": "string"},
                            "kind": {"type": "string", "enum": ["law", "plan", "dispensation"]},
                        },
                    },
                    "missing_years": {"type": "array", "items": {"type": "integer"}},
                },
            },
        },
    },
    "Plans": {
        "type": "object",
        "required": ["areas", "national", "fact_types"],
        "properties": {
            "areas": {"type": "array", "items": {"$ref": "#/components/schemas/AreaPlan"}},
            "national": {"type": "array", "items": {"$ref": "#/components/schemas/PlanFact"}},
            "fact_types": {"type": "object"},
        },
    },
    "Report": {
        "type": "object",
        "required": ["id", "title", "track", "year", "areas", "url"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "track": {"type": "string", "enum": list(TRACKS)},
            "track_label_da": {"type": "string"},
            "publisher": NULLABLE_STRING,
            "year": NULLABLE_INTEGER,
            "areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                },
            },
            "url": NULLABLE_STRING,
            "summary": NULLABLE_STRING,
            "summary_en": NULLABLE_STRING,
            "source": NULLABLE_STRING,
        },
    },
    "Reports": {
        "type": "object",
        "required": ["reports", "tracks"],
        "properties": {
            "reports": {"type": "array", "items": {"$ref": "#/components/schemas/Report"}},
            "tracks": {"type": "object"},
        },
    },
    "Glossary": {
        "type": "object",
        "required": ["terms"],
        "properties": {
            "terms": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "term", "definition_da", "source"],
                    "properties": {
                        "id": {"type": "string"},
                        "term": {"type": "string"},
                        "forms": STRING_LIST,
                        "term_en": {"type": "string"},
                        "definition_da": {"type": "string"},
                        "definition_en": {"type": "string"},
                        "law": NULLABLE_STRING,
                        "law_en": NULLABLE_STRING,
                        "source": {"type": "string"},
                        "source_url": NULLABLE_STRING,
                    },
                },
            }
        },
    },
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def openapi_fragment() -> tuple[dict, dict]:
    """The paths (keyed by endpoint) and schemas of this module's routes."""
    paths = {
        "plan_api.plans": {
            "get": {
                "summary": "Every development plan: facts with sources, the 40 % path per area",
                "description": "One entry per area that has been an omdannelsesområde or has "
                "plan facts. Each fact has its source and the source's words; facts whose "
                "sources disagree share a `conflict` key. A row without facts is not published "
                '("ikke oplyst").',
                "responses": {"200": json_ok("Plans"), **error_responses(503)},
            }
        },
        "plan_api.plan": {
            "get": {
                "summary": "One area's development plan",
                "parameters": [
                    {
                        "name": "slug",
                        "in": "path",
                        "required": True,
                        "description": "Area id (slug)",
                        "schema": {"type": "string", "example": "vollsmose"},
                    }
                ],
                "responses": {"200": json_ok("AreaPlan"), **error_responses(404, 503)},
            }
        },
        "plan_api.reports": {
            "get": {
                "summary": "Reports of the evaluation and the programme evaluations",
                "parameters": [
                    _query(
                        "track",
                        "fysisk, socialt, programmer or myndighed",
                        {"type": "string", "enum": list(TRACKS)},
                    ),
                    _query(
                        "area",
                        "Reports naming this area (area id); 404 for an unknown area",
                        {"type": "string", "example": "vollsmose"},
                    ),
                    _query(
                        "year",
                        "Publication year; reports without a known year are left out",
                        {"type": "string", "example": "2022"},
                    ),
                ],
                "responses": {"200": json_ok("Reports"), **error_responses(400, 404, 503)},
            }
        },
        "plan_api.glossary_terms": {
            "get": {
                "summary": "The glossary: legal and evaluation terms, law references, sources",
                "responses": {"200": json_ok("Glossary")},
            }
        },
    }
    return paths, SCHEMAS
