"""OpenAPI description of the indicator endpoints, added to ``/api/openapi.json``
(:func:`service.api.openapi.register`)."""

from __future__ import annotations

from indicators.catalogue import CATALOGUE
from indicators.rules import VERSIONS
from service.api.openapi import (
    NULLABLE_BOOLEAN,
    NULLABLE_INTEGER,
    NULLABLE_NUMBER,
    error_responses,
    json_ok,
)

TRISTATE = NULLABLE_BOOLEAN


DATASET = {
    "name": "dataset",
    "in": "query",
    "required": False,
    "description": "real (default) or synthetic: the synthetic example data, labelled in the "
    "response and never mixed with real values",
    "schema": {"type": "string", "enum": ["real", "synthetic"]},
}
SYNTHETIC_PROPERTIES = {
    "synthetic": {"type": "boolean"},
    "synthetic_label": {"type": "string", "enum": ["syntetiske eksempeldata"]},
}
OVERRIDE_KEYS = sorted(
    {c.key for rule in VERSIONS.values() for c in rule.criteria()}
    | {"min_residents", "min_met", "omdannelse_years", "forebyggelse_min_met"}
)

SCHEMAS = {
    "CriterionResult": {
        "type": "object",
        "required": ["key", "group", "indicator", "value", "threshold", "comparison", "met"],
        "properties": {
            "key": {"type": "string"},
            "group": {"type": "string"},
            "label_da": {"type": "string"},
            "indicator": {"type": "string"},
            "value": NULLABLE_NUMBER,
            "threshold": {"type": "number"},
            "comparison": {"type": "string", "enum": ["gt", "ge", "lt", "le"]},
            "met": TRISTATE,
            "margin": NULLABLE_NUMBER,
            "decisive": {"type": "boolean"},
            "basis": {"type": "string"},
        },
    },
    "Verdict": {
        "type": "object",
        "required": ["area_id", "year", "rule", "categories", "undetermined", "criteria"],
        "properties": {
            "area_id": {"type": "string"},
            "year": {"type": "integer"},
            "rule": {"type": "string", "enum": list(VERSIONS)},
            "categories": {"type": "array", "items": {"type": "string"}},
            "undetermined": {"type": "array", "items": {"type": "string"}},
            "status": {"type": "object", "additionalProperties": TRISTATE},
            "criteria": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CriterionResult"},
            },
            "met_count": {"type": "object", "additionalProperties": {"type": "integer"}},
            "required": {"type": "object", "additionalProperties": {"type": "integer"}},
            "omdannelse": {
                "type": "object",
                "nullable": True,
                "properties": {
                    "required_years": {"type": "integer"},
                    "consecutive_years": {"type": "integer"},
                    "at_least": {"type": "boolean"},
                    "met": TRISTATE,
                },
            },
            "uncertainties": {"type": "array", "items": {"type": "string"}},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "AreaIndicators": {
        "type": "object",
        "required": ["area_id", "name", "values", "verdicts", "synthetic"],
        "properties": {
            "area_id": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string"},
            "values": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "code", "value", "source"],
                    "properties": {
                        "year": NULLABLE_INTEGER,
                        "code": {"type": "string", "enum": list(CATALOGUE)},
                        "label_da": {"type": "string"},
                        "unit": {"type": "string"},
                        "value": NULLABLE_NUMBER,
                        "source": {"type": "string"},
                        "note": {"type": "string"},
                        "dataset": {"type": "string"},
                    },
                },
            },
            "verdicts": {"type": "array", "items": {"$ref": "#/components/schemas/Verdict"}},
            **SYNTHETIC_PROPERTIES,
        },
    },
    "IndicatorTable": {
        "type": "object",
        "required": ["code", "year", "count", "published", "areas", "synthetic"],
        "properties": {
            "code": {"type": "string", "enum": list(CATALOGUE)},
            "label_da": {"type": "string"},
            "label_en": {"type": "string"},
            "unit": {"type": "string"},
            "year": NULLABLE_INTEGER,
            "years_with_values": {"type": "array", "items": {"type": "integer"}},
            "has_undated_values": {"type": "boolean"},
            "count": {"type": "integer", "minimum": 0},
            "published": {"type": "integer", "minimum": 0},
            "areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["area_id", "name", "value", "rank"],
                    "properties": {
                        "area_id": {"type": "string"},
                        "name": {"type": "string"},
                        "value": {
                            **NULLABLE_NUMBER,
                            "description": "null = not published ('ikke oplyst'), never 0",
                        },
                        "rank": NULLABLE_INTEGER,
                        "source": {"type": "string"},
                        "note": {"type": "string"},
                    },
                },
            },
            **SYNTHETIC_PROPERTIES,
        },
    },
    "Classification": {
        "type": "object",
        "required": ["rule", "year", "thresholds", "overrides", "summary", "areas", "synthetic"],
        "properties": {
            "rule": {"type": "string", "enum": list(VERSIONS)},
            "rule_applied_that_year": {"type": "boolean"},
            "year": {"type": "integer"},
            "thresholds": {"type": "object", "additionalProperties": {"type": "number"}},
            "overrides": {"type": "object", "additionalProperties": {"type": "number"}},
            "summary": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["category", "computed", "undetermined", "enters", "leaves"],
                    "properties": {
                        "category": {"type": "string"},
                        "label_da": {"type": "string"},
                        "computed": {"type": "integer"},
                        "undetermined": {"type": "integer"},
                        "official_named": {"type": "integer"},
                        "enters": {"type": "array", "items": {"type": "string"}},
                        "leaves": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "areas": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["area_id", "categories", "undetermined", "changes", "verdict"],
                    "properties": {
                        "area_id": {"type": "string"},
                        "name": {"type": "string"},
                        "has_values": {"type": "boolean"},
                        "categories": {"type": "array", "items": {"type": "string"}},
                        "undetermined": {"type": "array", "items": {"type": "string"}},
                        "official": {"type": "array", "items": {"type": "string"}},
                        "baseline": {"type": "object", "additionalProperties": TRISTATE},
                        "changes": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "string",
                                "enum": ["enters", "leaves", "uncertain"],
                            },
                        },
                        "verdict": {"$ref": "#/components/schemas/Verdict"},
                    },
                },
            },
            **SYNTHETIC_PROPERTIES,
        },
    },
    "IndicatorCatalogue": {
        "type": "object",
        "required": ["indicators"],
        "properties": {
            "indicators": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "label_da", "label_en", "unit", "valid_range", "source"],
                    "properties": {
                        "code": {"type": "string"},
                        "label_da": {"type": "string"},
                        "label_en": {"type": "string"},
                        "unit": {"type": "string"},
                        "valid_range": {
                            "type": "array",
                            "items": {"type": "number"},
                            "minItems": 2,
                            "maxItems": 2,
                        },
                        "source": {"type": "string"},
                        "better": {"type": "string", "nullable": True},
                        "criterion": {"type": "string", "nullable": True},
                    },
                },
            }
        },
    },
    "Rules": {
        "type": "object",
        "required": ["rules"],
        "properties": {
            "rules": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "list_years", "categories", "criteria"],
                    "properties": {
                        "name": {"type": "string"},
                        "list_years": {"type": "array", "items": NULLABLE_INTEGER},
                        "categories": {"type": "array", "items": {"type": "string"}},
                        "criteria": {"type": "array", "items": {"type": "object"}},
                        "omdannelse_years": NULLABLE_INTEGER,
                    },
                },
            }
        },
    },
}

PATHS = {
    "indicator_api.catalogue": {
        "get": {
            "summary": "The indicator catalogue: codes, labels, units and valid ranges, sources",
            "responses": {"200": json_ok("IndicatorCatalogue")},
        }
    },
    "indicator_api.rules": {
        "get": {
            "summary": "The legal rule versions since 2010 as data, in plain Danish too",
            "responses": {"200": json_ok("Rules")},
        }
    },
    "indicator_api.area_indicators": {
        "get": {
            "summary": "An area's indicator values and the verdict of every year with values",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
                DATASET,
            ],
            "responses": {"200": json_ok("AreaIndicators"), **error_responses(400, 404)},
        }
    },
    "indicator_api.indicators": {
        "get": {
            "summary": "One indicator in one year for every area (null = not published)",
            "parameters": [
                {
                    "name": "code",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "enum": list(CATALOGUE)},
                },
                {
                    "name": "year",
                    "in": "query",
                    "required": False,
                    "description": "A year, or 'undated' for values whose source states no "
                    "year; default: the latest year with values",
                    "schema": {"type": "string", "example": "2018"},
                },
                DATASET,
            ],
            "responses": {"200": json_ok("IndicatorTable"), **error_responses(400, 404)},
        }
    },
    "indicator_api.classify_api": {
        "get": {
            "summary": "Evaluate every area of a year under a rule version, optionally with "
            "the user's thresholds (what-if): which areas enter or leave the lists",
            "parameters": [
                {
                    "name": "rule",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(VERSIONS)},
                },
                {
                    "name": "year",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "example": 2022},
                },
                DATASET,
                *(
                    {
                        "name": key,
                        "in": "query",
                        "required": False,
                        "description": "threshold override (what-if)",
                        "schema": {"type": "number"},
                    }
                    for key in OVERRIDE_KEYS
                ),
            ],
            "responses": {"200": json_ok("Classification"), **error_responses(400, 404)},
        }
    },
}
