"""OpenAPI description of the area, designation and OGC API – Features endpoints
(:mod:`service.api.areas`), keyed by endpoint."""

from __future__ import annotations

from indicators.categories import CATEGORIES
from service.api.openapi import (
    NULLABLE_NUMBER,
    NULLABLE_STRING,
    YEAR,
    error_responses,
    geojson_ok,
    json_ok,
)

SCHEMAS: dict = {
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
                "radius is its uncertainty — not an official boundary; official: the union of "
                "the cadastral parcels the order lists for the area (see boundary_order); "
                "imported: polygons a user imported",
            },
            "boundary_note": {"type": "string"},
            "location_precision": NULLABLE_STRING,
            "uncertainty_m": NULLABLE_NUMBER,
            "location_source": NULLABLE_STRING,
            "boundary_order": {
                **NULLABLE_STRING,
                "description": "official boundaries: the order whose Bilag 1 lists the parcels, "
                "e.g. 'BEK nr. 1365 af 29/11/2018'",
            },
            "boundary_valid_from": {
                **NULLABLE_STRING,
                "description": "official boundaries: the date (ISO) this boundary is in force "
                "from; a list year is drawn with the boundary in force on 1 December",
            },
            "boundary_cadastre_date": {
                **NULLABLE_STRING,
                "description": "official boundaries: the date (ISO) of the cadastre the parcels "
                "were taken from",
            },
            "location_source_label": NULLABLE_STRING,
            "location_read_via": NULLABLE_STRING,
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
    "api.years": {
        "get": {
            "summary": "List years with official and named counts per category",
            "responses": {"200": json_ok("Years")},
        }
    },
    "api.areas": {
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
    "api.areas_geojson": {
        "get": {
            "summary": "Areas as an RFC 7946 FeatureCollection (WGS84)",
            "parameters": [YEAR],
            "responses": {"200": geojson_ok("FeatureCollection"), **error_responses(400, 404)},
        }
    },
    "api.area": {
        "get": {
            "summary": "One area with its status on every list year",
            "parameters": [
                {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": {"200": json_ok("AreaDetail"), **error_responses(404)},
        }
    },
    "api.designations": {
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
    "api.conformance": {
        "get": {
            "summary": "OGC API conformance classes",
            "responses": {"200": json_ok("Conformance")},
        }
    },
    "api.collections": {
        "get": {"summary": "Feature collections", "responses": {"200": json_ok("Collections")}}
    },
    "api.collection": {
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
    "api.collection_items": {
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
            "responses": {"200": geojson_ok("FeatureCollection"), **error_responses(400, 404)},
        }
    },
    "api.collection_item": {
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
            "responses": {"200": geojson_ok("Feature"), **error_responses(400, 404)},
        }
    },
}
