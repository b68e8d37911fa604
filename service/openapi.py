"""The OpenAPI 3 description of the API, served at ``/api/openapi.json``.

Written by hand so that it says exactly what the service promises; the test suite runs
schemathesis against it (every response must match, no 500s).
"""

from __future__ import annotations

from indicators.categories import CATEGORIES

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


def json_ok(schema_ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}},
    }


def _geojson(schema_ref: str, description: str = "OK") -> dict:
    return {
        "description": description,
        "content": {
            "application/geo+json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}
        },
    }


def error_responses(*codes: int) -> dict:
    return {str(c): ERROR for c in codes}


SCHEMAS: dict = {
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
    "Summary": {
        "type": "object",
        "required": ["category", "official", "named", "most_severe_official", "complete"],
        "properties": {
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "official": {"type": "integer", "minimum": 0},
            "named": {"type": "integer", "minimum": 0},
            "most_severe_official": {"type": "integer", "minimum": 0},
            "complete": {"type": "boolean"},
        },
    },
    "Years": {
        "type": "object",
        "required": ["years"],
        "properties": {
            "years": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["year", "summary"],
                    "properties": {
                        "year": {"type": "integer"},
                        "summary": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Summary"},
                        },
                    },
                },
            }
        },
    },
    "AreaProperties": {
        "type": "object",
        "required": [
            "area_id",
            "name",
            "municipality_code",
            "municipality_name",
            "boundary_source",
            "boundary_note",
            "url",
        ],
        "properties": {
            "area_id": {"type": "string"},
            "name": {"type": "string"},
            "municipality_code": {"type": "string", "pattern": "^[0-9]{4}$"},
            "municipality_name": {"type": "string"},
            "boundary_source": {
                "type": "string",
                "enum": ["approximate", "imported", "official", "none"],
                "description": "approximate: a disc around the best known location whose "
                "radius is its uncertainty — not an official boundary",
            },
            "boundary_note": {"type": "string"},
            "location_precision": NULLABLE_STRING,
            "uncertainty_m": NULLABLE_NUMBER,
            "location_source": NULLABLE_STRING,
            "url": {"type": "string"},
            "year": {"type": "integer"},
            "categories": {"type": "array", "items": {"type": "string", "enum": list(CATEGORIES)}},
            "most_severe_category": {"type": "string", "enum": list(CATEGORIES)},
            "list_years": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "AreaList": {
        "type": "object",
        "required": ["year", "count", "areas"],
        "properties": {
            "year": {"type": "integer", "nullable": True},
            "summary": {"type": "array", "items": {"$ref": "#/components/schemas/Summary"}},
            "count": {"type": "integer", "minimum": 0},
            "areas": {"type": "array", "items": {"$ref": "#/components/schemas/AreaProperties"}},
        },
    },
    "AreaDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/AreaProperties"},
            {
                "type": "object",
                "required": ["history"],
                "properties": {
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["year", "status", "categories"],
                            "properties": {
                                "year": {"type": "integer"},
                                "status": {
                                    "type": "string",
                                    "enum": ["listed", "not_listed", "unknown"],
                                },
                                "categories": {"type": "array", "items": {"type": "string"}},
                                "most_severe_category": NULLABLE_STRING,
                            },
                        },
                    }
                },
            },
        ]
    },
    "Geometry": {
        "type": "object",
        "nullable": True,
        "required": ["type", "coordinates"],
        "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array"},
        },
    },
    "Feature": {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string"},
            "geometry": {"$ref": "#/components/schemas/Geometry"},
            "properties": {"type": "object"},
        },
    },
    "FeatureCollection": {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
            "year": {"type": "integer"},
        },
    },
    "Link": {
        "type": "object",
        "required": ["href", "rel"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
        },
    },
    "Designations": {
        "type": "object",
        "required": ["count", "designations"],
        "properties": {
            "count": {"type": "integer"},
            "designations": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["area_id", "year", "category", "basis", "source"],
                    "properties": {
                        "area_id": {"type": "string"},
                        "year": {"type": "integer"},
                        "category": {"type": "string", "enum": list(CATEGORIES)},
                        "basis": {"type": "string"},
                        "source": {"type": "string"},
                    },
                },
            },
        },
    },
    "Conformance": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "storageCrs": {"type": "string"},
            "extent": {"type": "object"},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "Collections": {
        "type": "object",
        "required": ["collections", "links"],
        "properties": {
            "collections": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Collection"},
            },
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/Link"}},
        },
    },
    "OEmbed": {
        "type": "object",
        "required": ["version", "type", "html", "width", "height"],
        "properties": {
            "version": {"type": "string", "enum": ["1.0"]},
            "type": {"type": "string", "enum": ["rich"]},
            "provider_name": {"type": "string"},
            "provider_url": {"type": "string"},
            "title": {"type": "string"},
            "html": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "cache_age": {"type": "integer"},
        },
    },
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

CRS_PARAM = {
    "name": "crs",
    "in": "query",
    "required": False,
    "description": "Output CRS: CRS84 (WGS84 lon/lat, default) or EPSG:25832.",
    "schema": {
        "type": "string",
        "enum": [
            "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            "http://www.opengis.net/def/crs/EPSG/0/25832",
        ],
    },
}

PATHS: dict = {
    "/api/years": {
        "get": {
            "summary": "List years with official and named counts per category",
            "responses": {"200": json_ok("Years")},
        }
    },
    "/api/areas": {
        "get": {
            "summary": "Areas of a list year (JSON), or a download as GeoJSON, CSV or GeoPackage",
            "parameters": [
                YEAR,
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "description": "json (default) or a download: geojson, csv (UTF-8, with "
                    "BOM), gpkg (EPSG:25832). Downloads hold the areas of the year with their "
                    "designations and indicator values.",
                    "schema": {"type": "string", "enum": ["json", "geojson", "csv", "gpkg"]},
                },
            ],
            "responses": {
                "200": {
                    "description": "Areas",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/AreaList"}},
                        "application/geo+json": {
                            "schema": {"$ref": "#/components/schemas/FeatureCollection"}
                        },
                        "text/csv": {"schema": {"type": "string"}},
                        "application/geopackage+sqlite3": {
                            "schema": {"type": "string", "format": "binary"}
                        },
                    },
                },
                **error_responses(400, 404),
            },
        }
    },
    "/api/areas.geojson": {
        "get": {
            "summary": "Areas as an RFC 7946 FeatureCollection (WGS84)",
            "parameters": [YEAR],
            "responses": {"200": _geojson("FeatureCollection"), **error_responses(400, 404)},
        }
    },
    "/api/areas/{slug}": {
        "get": {
            "summary": "One area with its status on every list year",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": json_ok("AreaDetail"), **error_responses(404)},
        }
    },
    "/api/designations": {
        "get": {
            "summary": "List rows with their basis and source",
            "parameters": [
                YEAR,
                {
                    "name": "category",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(CATEGORIES)},
                },
                {"name": "area", "in": "query", "required": False, "schema": {"type": "string"}},
            ],
            "responses": {"200": json_ok("Designations"), **error_responses(400, 404)},
        }
    },
    "/api/conformance": {
        "get": {
            "summary": "OGC API conformance classes",
            "responses": {"200": json_ok("Conformance")},
        }
    },
    "/api/collections": {
        "get": {"summary": "Feature collections", "responses": {"200": json_ok("Collections")}}
    },
    "/api/collections/{cid}": {
        "get": {
            "summary": "One feature collection",
            "parameters": [
                {
                    "name": "cid",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["areas", "municipalities"]},
                }
            ],
            "responses": {"200": json_ok("Collection"), **error_responses(404)},
        }
    },
    "/api/collections/{cid}/items": {
        "get": {
            "summary": "Features of a collection (OGC API – Features)",
            "parameters": [
                {
                    "name": "cid",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["areas", "municipalities"]},
                },
                YEAR,
                {
                    "name": "bbox",
                    "in": "query",
                    "required": False,
                    "style": "form",
                    "explode": False,
                    "description": "minx,miny,maxx,maxy in bbox-crs",
                    "schema": {
                        "type": "array",
                        "minItems": 4,
                        "maxItems": 4,
                        "items": {"type": "number"},
                    },
                },
                {**CRS_PARAM, "name": "bbox-crs"},
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                },
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 0, "default": 0},
                },
                CRS_PARAM,
            ],
            "responses": {"200": _geojson("FeatureCollection"), **error_responses(400, 404)},
        }
    },
    "/api/collections/{cid}/items/{fid}": {
        "get": {
            "summary": "One feature",
            "parameters": [
                {
                    "name": "cid",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["areas", "municipalities"]},
                },
                {"name": "fid", "in": "path", "required": True, "schema": {"type": "string"}},
                CRS_PARAM,
            ],
            "responses": {"200": _geojson("Feature"), **error_responses(400, 404)},
        }
    },
    "/oembed": {
        "get": {
            "summary": "oEmbed 1.0 for a page or embed URL of the service",
            "parameters": [
                {"name": "url", "in": "query", "required": True, "schema": {"type": "string"}},
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "xml"]},
                },
                {
                    "name": "maxwidth",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                },
                {
                    "name": "maxheight",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer"},
                },
            ],
            "responses": {"200": json_ok("OEmbed"), **error_responses(400, 404, 501)},
        }
    },
    "/healthz": {
        "get": {
            "summary": "Health: the store can be read",
            "responses": {"200": json_ok("Health"), **error_responses(503)},
        }
    },
}

# Other blueprints add their paths and schemas here at import time (see register()).
EXTRA_PATHS: dict = {}
EXTRA_SCHEMAS: dict = {}


def register(paths: dict, schemas: dict | None = None) -> None:
    """Add the description of another blueprint's endpoints."""
    EXTRA_PATHS.update(paths)
    EXTRA_SCHEMAS.update(schemas or {})


def build_spec(server_url: str) -> dict:
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
        "paths": {**PATHS, **EXTRA_PATHS},
        "components": {
            "schemas": {**SCHEMAS, **EXTRA_SCHEMAS},
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
