"""The JSON and GeoJSON API (WGS84, RFC 7946), downloads, and OGC API – Features collections.

Every error is ``{"status", "code", "message"}`` (service.errors).
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, Response, jsonify, request, url_for

from geo.areas import (
    all_areas,
    area_history,
    areas_for_year,
    get_area,
    list_years,
    year_summary,
)
from geo.features import (
    COLLECTIONS,
    CRS84,
    SUPPORTED_CRS,
    collection_extent,
    download_tables,
    normalise_crs,
    parse_bbox,
    query_features,
    table_with_centroids,
    to_geojson_bytes,
    to_geopackage_bytes,
)
from geo.maps.simplify import to_web
from geo.naming import municipality_code
from indicators.categories import CATEGORIES, parse_category
from service.api.areas_spec import PATHS, SCHEMAS
from service.downloads import (
    CSV_TYPE,
    TEXT_COLUMNS,
    XLSX_TYPE,
    area_dictionary,
    attachment,
    dialect_arg,
    file_name,
    frame_csv_bytes,
    xlsx_bytes,
)
from service.errors import BadParameter
from service.params import parse_year
from service.serialise import clean
from service.settings import public_url
from service.store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths and schemas (collected by :mod:`service.api.openapi`)."""
    return PATHS, SCHEMAS


APPROXIMATE_NOTE = "omtrentlig placering, ikke officiel afgrænsning"


def _area_properties(row: dict, year: int | None = None) -> dict:
    props = {
        "area_id": row["area_id"],
        "name": row["name"],
        "municipality_code": row["municipality_code"],
        "municipality_name": row["municipality_name"],
        "boundary_source": row["boundary_source"],
        "boundary_note": row["boundary_note"],
        "location_precision": row["location_precision"],
        "uncertainty_m": clean(row["uncertainty_m"]),
        "location_source": clean(row["location_source"]) or None,
        # official boundaries (omraadekort import-parcels): which order, from when, which cadastre
        "boundary_order": clean(row.get("boundary_order")) or None,
        "boundary_valid_from": clean(row.get("boundary_valid_from")) or None,
        "boundary_cadastre_date": clean(row.get("boundary_cadastre_date")) or None,
        "location_source_label": clean(row.get("location_source_label")) or None,
        "location_read_via": clean(row.get("location_read_via")) or None,
        "url": url_for("pages.area_page", slug=row["area_id"], _external=False),
    }
    if year is not None:
        props["year"] = year
        props["categories"] = list(row["categories"])
        props["most_severe_category"] = row["most_severe_category"]
    elif "list_years" in row:
        props["list_years"] = list(row["list_years"])
    return props


def _year_arg() -> int | None:
    raw = request.args.get("year")
    if raw is None:
        return None
    return parse_year(raw, list_years(get_store()), param="year")


@bp.route("/years")
def years():
    store = get_store()
    return jsonify(
        {"years": [{"year": y, "summary": year_summary(store, y)} for y in list_years(store)]}
    )


FORMATS = ("json", "geojson", "csv", "xlsx", "gpkg")
ALL_YEARS = ("alle", "all")


def _format_arg() -> str:
    fmt = request.args.get("format", "json") or "json"
    if fmt not in FORMATS:
        raise BadParameter(f"`format` was {fmt!r} but is expected to be one of {list(FORMATS)}")
    return fmt


def _municipality_filter() -> str | None:
    """``municipality`` (or ``kommune``): a 3- or 4-digit municipality code, or none."""
    name = "municipality" if "municipality" in request.args else "kommune"
    raw = request.args.get(name, "")
    if not raw:
        return None
    try:
        return municipality_code(raw)
    except ValueError:
        raise BadParameter(
            f"`{name}` was {raw!r} but is expected to be a municipality code such as 0751"
        ) from None


def _download_years(store) -> tuple[list[int], str]:
    years = list_years(store)
    raw = request.args.get("year", "")
    if raw in ALL_YEARS:
        return years, "alle-aar"
    year = _year_arg()
    year = years[-1] if year is None else year
    return [year], str(year)


def _download(fmt: str) -> Response:
    store = get_store()
    years, year_part = _download_years(store)
    municipality = _municipality_filter()
    dialect = dialect_arg(request.args) if fmt == "csv" else "excel"
    frame = download_tables(store, years, municipality)
    place = None
    if municipality is not None:
        place = municipality
        if len(frame):
            place = f"{frame['municipality_name'].iloc[0]}-{municipality}"
    name = ("omraader", year_part, place)
    if fmt == "csv":
        body = frame_csv_bytes(table_with_centroids(frame), dialect)
        extra = None if dialect == "excel" else dialect
        return attachment(body, CSV_TYPE, file_name(*name, extra, ext="csv"))
    if fmt == "xlsx":
        table = table_with_centroids(frame)
        body = xlsx_bytes(
            [
                ("Områder", table),
                ("Dataordbog", area_dictionary(table.columns)),
                ("Kilder", _sources_sheet(store)),
            ],
            text_columns=TEXT_COLUMNS,
        )
        return attachment(body, XLSX_TYPE, file_name(*name, ext="xlsx"))
    if fmt == "gpkg":
        layer = f"omraader_{year_part.replace('-', '_')}"
        body = to_geopackage_bytes(frame, layer)
        return attachment(body, "application/geopackage+sqlite3", file_name(*name, ext="gpkg"))
    return attachment(
        to_geojson_bytes(frame), "application/geo+json", file_name(*name, ext="geojson")
    )


def _sources_sheet(store) -> pd.DataFrame:
    provenance = store.read("provenance")
    keep = [c for c in ("dataset", "description", "source", "licence") if c in provenance]
    sheet = provenance[keep].rename(
        columns={
            "dataset": "datasæt",
            "description": "beskrivelse",
            "source": "kilde",
            "licence": "licens",
        }
    )
    return sheet.reset_index(drop=True)


@bp.route("/areas")
def areas():
    store = get_store()
    fmt = _format_arg()
    if fmt != "json":
        return _download(fmt)
    year = _year_arg()
    municipality = _municipality_filter()
    if year is None:
        frame = all_areas(store)
        body = {"year": None}
    else:
        frame = areas_for_year(store, year)
        body = {"year": year, "summary": year_summary(store, year)}
    if municipality is not None:
        frame = frame[frame["municipality_code"] == municipality]
        body["municipality"] = municipality
    records = frame.drop(columns="geometry").to_dict("records")
    body["count"] = len(records)
    body["areas"] = [_area_properties(r, year) for r in records]
    return jsonify(body)


@bp.route("/areas.geojson")
def areas_geojson():
    store = get_store()
    year = _year_arg()
    frame = all_areas(store) if year is None else areas_for_year(store, year)
    web = to_web(frame, precision=1e-6)
    features = []
    for (_, row), geom in zip(web.iterrows(), web.geometry, strict=True):
        features.append(
            {
                "type": "Feature",
                "id": row["area_id"],
                "properties": _area_properties(row.to_dict(), year),
                "geometry": None if geom is None else geom.__geo_interface__,
            }
        )
    body = {"type": "FeatureCollection", "features": features}
    if year is not None:
        body["year"] = year
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    return response


@bp.route("/areas/<slug>")
def area(slug: str):
    store = get_store()
    row = get_area(store, slug).to_dict()
    history = area_history(store, slug)
    props = _area_properties(row)
    props["history"] = history.where(history.notna(), None).to_dict("records")
    return jsonify(props)


@bp.route("/designations")
def designations():
    """List rows with their basis and source, filtered by year, category and area."""
    store = get_store()
    frame = store.read("designations")
    year = _year_arg()
    if year is not None:
        areas_for_year(store, year)  # 404 for a year without a list
        frame = frame[frame["year"] == year]
    raw_category = request.args.get("category")
    if raw_category is not None:
        category = parse_category(raw_category)
        if category is None:
            raise BadParameter(
                f"`category` was {raw_category!r} but is expected to be one of {list(CATEGORIES)}"
            )
        frame = frame[frame["category"] == category]
    area_id = request.args.get("area")
    if area_id is not None:
        get_area(store, area_id)
        frame = frame[frame["area_id"] == area_id]
    rows = frame.sort_values(["year", "category", "area_id"]).to_dict("records")
    return jsonify(
        {
            "count": len(rows),
            "designations": [
                {
                    "area_id": r["area_id"],
                    "year": int(r["year"]),
                    "category": r["category"],
                    "basis": r["basis"],
                    "source": r["source"],
                }
                for r in rows
            ],
        }
    )


# -- OGC API – Features ------------------------------------------------------------------------

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
MAX_LIMIT = 1000


@bp.route("/conformance")
def conformance():
    return jsonify({"conformsTo": CONFORMANCE})


def _collection_info(cid: str) -> dict:
    store = get_store()
    extent = collection_extent(store, cid)
    info = {
        "id": cid,
        "title": COLLECTIONS[cid],
        "itemType": "feature",
        "crs": sorted(SUPPORTED_CRS),
        "storageCrs": "http://www.opengis.net/def/crs/EPSG/0/25832",
        "links": [
            {
                "rel": "self",
                "type": "application/json",
                "href": public_url("api.collection", cid=cid),
            },
            {
                "rel": "items",
                "type": "application/geo+json",
                "href": public_url("api.collection_items", cid=cid),
            },
        ],
    }
    if extent is not None:
        info["extent"] = {"spatial": {"bbox": [extent], "crs": CRS84}}
    return info


def _require_collection(cid: str) -> None:
    if cid not in COLLECTIONS:
        from service.errors import NotFoundError

        raise NotFoundError(f"no collection {cid!r}; the collections are {sorted(COLLECTIONS)}")


@bp.route("/collections")
def collections():
    return jsonify(
        {
            "collections": [_collection_info(cid) for cid in COLLECTIONS],
            "links": [
                {
                    "rel": "self",
                    "type": "application/json",
                    "href": public_url("api.collections"),
                }
            ],
        }
    )


@bp.route("/collections/<cid>")
def collection(cid: str):
    _require_collection(cid)
    return jsonify(_collection_info(cid))


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not low <= int(raw) <= high:
        raise BadParameter(
            f"`{name}` was {raw!r} but is expected to be a whole number from {low} to {high}"
        )
    return int(raw)


def _crs_arg(name: str) -> str:
    try:
        return normalise_crs(request.args.get(name))
    except ValueError as exc:
        raise BadParameter(f"`{name}`: {exc}") from None


def _feature(row, geom, cid: str, year: int | None) -> dict:
    if cid == "areas":
        fid = row["area_id"]
        props = _area_properties(row, year)
    else:
        fid = row["code"]
        props = {"code": row["code"], "name": row["name"]}
    return {
        "type": "Feature",
        "id": fid,
        "properties": props,
        "geometry": None if geom is None else geom.__geo_interface__,
    }


def _geojson(body: dict, crs_uri: str) -> Response:
    response = jsonify(body)
    response.mimetype = "application/geo+json"
    response.headers["Content-Crs"] = f"<{crs_uri}>"
    return response


@bp.route("/collections/<cid>/items")
def collection_items(cid: str):
    _require_collection(cid)
    store = get_store()
    year = _year_arg() if cid == "areas" else None
    limit = _int_arg("limit", 100, 1, MAX_LIMIT)
    offset = _int_arg("offset", 0, 0, 10**9)
    crs = _crs_arg("crs")
    bbox_crs = _crs_arg("bbox-crs")
    bbox = None
    if request.args.get("bbox"):
        try:
            bbox = parse_bbox(request.args["bbox"])
        except ValueError as exc:
            raise BadParameter(f"`bbox`: {exc}") from None
    page = query_features(
        store, cid, year=year, bbox=bbox, bbox_crs=bbox_crs, limit=limit, offset=offset, crs=crs
    )
    frame = page.features
    features = [
        _feature(row, geom, cid, year)
        for (_, row), geom in zip(frame.iterrows(), frame.geometry, strict=True)
    ]
    args = {k: v for k, v in request.args.items() if k != "offset"}
    links = [
        {
            "rel": "self",
            "type": "application/geo+json",
            "href": public_url("api.collection_items", cid=cid, offset=offset, **args),
        }
    ]
    if offset + limit < page.number_matched:
        links.append(
            {
                "rel": "next",
                "type": "application/geo+json",
                "href": public_url("api.collection_items", cid=cid, offset=offset + limit, **args),
            }
        )
    if offset > 0:
        links.append(
            {
                "rel": "prev",
                "type": "application/geo+json",
                "href": public_url(
                    "api.collection_items", cid=cid, offset=max(0, offset - limit), **args
                ),
            }
        )
    return _geojson(
        {
            "type": "FeatureCollection",
            "features": features,
            "numberMatched": page.number_matched,
            "numberReturned": len(features),
            "links": links,
        },
        page.crs_uri,
    )


@bp.route("/collections/<cid>/items/<fid>")
def collection_item(cid: str, fid: str):
    _require_collection(cid)
    store = get_store()
    crs = _crs_arg("crs")
    page = query_features(store, cid, crs=crs, area_id=fid, limit=1)
    row = page.features.iloc[0]
    return _geojson(_feature(row, page.features.geometry.iloc[0], cid, None), page.crs_uri)
