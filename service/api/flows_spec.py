"""OpenAPI description of the relocation-flow endpoints, added to ``/api/openapi.json``
(:func:`service.api.openapi.register`)."""

from __future__ import annotations

from service.api.openapi import NULLABLE_INTEGER, NULLABLE_STRING, error_responses, json_ok

COUNT = {"type": "integer", "minimum": 0, "nullable": True}
SHARE = {"type": "number", "minimum": 0, "maximum": 1, "nullable": True}


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


YEAR = _query(
    "year",
    "Year of the moves; empty or 'all' for all years. 404 for a year without moves.",
    {"type": "string", "example": "2021"},
)
REASON = _query(
    "reason",
    "planned (planned rehousing), other, unknown, or all (default)",
    {"type": "string", "enum": ["planned", "other", "unknown", "all"]},
)
LEVEL = _query(
    "level",
    "area-area (default), area-municipality or municipality-municipality",
    {"type": "string", "enum": ["area-area", "area-municipality", "municipality-municipality"]},
)
ORIGIN = _query(
    "origin",
    "Only the flows from this origin area (area id); levels area-area and area-municipality",
    {"type": "string", "example": "gellerupparken-toveshoej"},
)

META = {
    "synthetic": {"type": "boolean"},
    "synthetic_label": {"type": "string", "enum": ["syntetiske eksempeldata"]},
    "threshold": {"type": "integer", "minimum": 3},
    "years": {"type": "array", "items": {"type": "integer"}},
    "reasons": {"type": "array", "items": {"type": "string"}},
    "stale": {"type": "boolean"},
    "notes": {"type": "array", "items": {"type": "string"}},
    "suppression_note": {"type": "string"},
}
META_REQUIRED = ["synthetic", "threshold", "years", "reasons", "stale"]
COUNTED = {"movers": COUNT, "suppressed": {"type": "boolean"}}

SCHEMAS = {
    "ReceivingYear": {
        "type": "object",
        "required": ["year", "inflow", "at_least", "suppressed", "residents", "rate"],
        "properties": {
            "year": {"type": "integer"},
            "inflow": COUNT,
            "at_least": {"type": "boolean"},
            "suppressed": {"type": "boolean"},
            "residents": NULLABLE_INTEGER,
            "rate": {
                "type": "number",
                "nullable": True,
                "description": "inflow / residents of that year",
            },
            "rate_note": NULLABLE_STRING,
        },
    },
    "FlowSeries": {
        "type": "object",
        "required": [*META_REQUIRED, "origin", "series"],
        "properties": {
            **META,
            "origin": NULLABLE_STRING,
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "reason", "movers", "suppressed"],
                    "properties": {
                        "year": NULLABLE_INTEGER,
                        "reason": {"type": "string"},
                        "label": {"type": "string"},
                        **COUNTED,
                    },
                },
            },
        },
    },
    "FlowProfiles": {
        "type": "object",
        "required": [*META_REQUIRED, "origin", "profiles"],
        "properties": {
            **META,
            "origin": NULLABLE_STRING,
            "reason": NULLABLE_STRING,
            "profiles": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["attribute", "value", "movers", "suppressed", "share"],
                    "properties": {
                        "attribute": {
                            "type": "string",
                            "enum": ["age_band", "labour_status", "household_type"],
                        },
                        "attribute_label": {"type": "string"},
                        "value": {"type": "string"},
                        "label": {"type": "string"},
                        **COUNTED,
                        "share": SHARE,
                    },
                },
            },
        },
    },
    "Flow": {
        "type": "object",
        "required": ["origin_id", "dest_id", "movers", "suppressed"],
        "properties": {
            "year": NULLABLE_INTEGER,
            "reason": NULLABLE_STRING,
            "origin_id": {"type": "string"},
            "origin_name": {"type": "string"},
            "origin_kind": {"type": "string"},
            "dest_id": {"type": "string"},
            "dest_name": {"type": "string"},
            "dest_kind": {"type": "string"},
            **COUNTED,
        },
    },
    "FlowTotal": {
        "type": "object",
        "required": ["origin_id", "movers", "suppressed"],
        "properties": {
            "origin_id": {"type": "string"},
            "origin_name": {"type": "string"},
            "origin_kind": {"type": "string"},
            **COUNTED,
        },
    },
    "Flows": {
        "type": "object",
        "required": [*META_REQUIRED, "level", "count", "flows", "totals"],
        "properties": {
            **META,
            "level": {"type": "string"},
            "year": NULLABLE_INTEGER,
            "reason": NULLABLE_STRING,
            "origin": NULLABLE_STRING,
            "count": {"type": "integer", "minimum": 0},
            "flows": {"type": "array", "items": {"$ref": "#/components/schemas/Flow"}},
            "totals": {"type": "array", "items": {"$ref": "#/components/schemas/FlowTotal"}},
        },
    },
    "FlowOrigins": {
        "type": "object",
        "required": [*META_REQUIRED, "count", "origins"],
        "properties": {
            **META,
            "count": {"type": "integer"},
            "origins": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["area_id", "name", "movers", "suppressed"],
                    "properties": {
                        "area_id": {"type": "string"},
                        "name": {"type": "string"},
                        **COUNTED,
                    },
                },
            },
        },
    },
    "FlowOrigin": {
        "type": "object",
        "required": [*META_REQUIRED, "area_id", "destinations", "distances", "reasons_split"],
        "properties": {
            **META,
            "area_id": {"type": "string"},
            "name": {"type": "string"},
            "year": NULLABLE_INTEGER,
            "reason": NULLABLE_STRING,
            "destinations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["measure", "class", "movers", "suppressed", "share"],
                    "properties": {
                        "measure": {
                            "type": "string",
                            "enum": ["class", "same_municipality", "total"],
                        },
                        "class": {"type": "string"},
                        "label": {"type": "string"},
                        **COUNTED,
                        "share": SHARE,
                        "at_least": {
                            "type": "boolean",
                            "description": "some parts are suppressed: the count is the sum "
                            "of the published parts ('mindst')",
                        },
                    },
                },
            },
            "distances": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["band", "movers", "suppressed", "share"],
                    "properties": {
                        "band": {"type": "string"},
                        "label": {"type": "string"},
                        **COUNTED,
                        "share": SHARE,
                    },
                },
            },
            "reasons_split": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["reason", "movers", "suppressed", "share"],
                    "properties": {
                        "reason": {"type": "string"},
                        "label": {"type": "string"},
                        **COUNTED,
                        "share": SHARE,
                    },
                },
            },
        },
    },
    "ReceivingAreas": {
        "type": "object",
        "required": [*META_REQUIRED, "count", "areas"],
        "properties": {
            **META,
            "year": NULLABLE_INTEGER,
            "count": {"type": "integer"},
            "areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": [
                        "area_id",
                        "inflow_from_omdannelse",
                        "at_least",
                        "suppressed",
                        "warning",
                    ],
                    "properties": {
                        "area_id": {"type": "string"},
                        "name": {"type": "string"},
                        "category": NULLABLE_STRING,
                        "category_label": {"type": "string"},
                        "inflow_from_omdannelse": COUNT,
                        "at_least": {"type": "boolean"},
                        "suppressed": {"type": "boolean"},
                        "inflow_total": COUNT,
                        "movers": COUNT,
                        "first_inflow_year": NULLABLE_INTEGER,
                        "per_year": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/ReceivingYear"},
                        },
                        "baseline_list_year": NULLABLE_INTEGER,
                        "baseline_note": NULLABLE_STRING,
                        "latest_values_year": NULLABLE_INTEGER,
                        "criteria_changes": {"type": "array", "items": {"type": "object"}},
                        "warning_reason": NULLABLE_STRING,
                        "warning": {"type": "boolean", "nullable": True},
                    },
                },
            },
        },
    },
}

PATHS = {
    "flows_api.flows_json": {
        "get": {
            "summary": "Origin–destination flows of movers (disclosure-controlled)",
            "parameters": [LEVEL, YEAR, REASON, ORIGIN],
            "responses": {"200": json_ok("Flows"), **error_responses(400, 404)},
        }
    },
    "flows_api.flows_csv": {
        "get": {
            "summary": "The same flows as CSV (suppressed counts empty)",
            "parameters": [LEVEL, YEAR, REASON, ORIGIN],
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                **error_responses(400, 404),
            },
        }
    },
    "flows_api.origins_json": {
        "get": {
            "summary": "Origin areas with their movers",
            "responses": {"200": json_ok("FlowOrigins"), **error_responses(404)},
        }
    },
    "flows_api.origin_json": {
        "get": {
            "summary": "One origin area: destinations by kind, distances, reasons",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                YEAR,
                REASON,
            ],
            "responses": {"200": json_ok("FlowOrigin"), **error_responses(400, 404)},
        }
    },
    "flows_api.series_json": {
        "get": {
            "summary": "Movers per year and reason (planned rehousing, other), and all years",
            "parameters": [
                _query(
                    "origin",
                    "One origin area (area id); all origins when empty",
                    {"type": "string"},
                )
            ],
            "responses": {"200": json_ok("FlowSeries"), **error_responses(404)},
        }
    },
    "flows_api.profiles_json": {
        "get": {
            "summary": "Movers (all years) by age band, labour-market status, household type",
            "parameters": [
                _query(
                    "origin",
                    "One origin area (area id); all origins when empty",
                    {"type": "string"},
                ),
                REASON,
            ],
            "responses": {"200": json_ok("FlowProfiles"), **error_responses(400, 404)},
        }
    },
    "flows_api.receiving_json": {
        "get": {
            "summary": "Receiving areas: inflow from omdannelsesområder, early-warning list",
            "parameters": [YEAR],
            "responses": {"200": json_ok("ReceivingAreas"), **error_responses(400, 404)},
        }
    },
}
