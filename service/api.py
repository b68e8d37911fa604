"""The JSON and GeoJSON API (WGS84, RFC 7946)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from geo.areas import (
    all_areas,
    area_history,
    areas_for_year,
    get_area,
    list_years,
    year_summary,
)
from geo.web import to_web
from service.params import parse_year
from service.store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")

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
        "uncertainty_m": None
        if row["uncertainty_m"] != row["uncertainty_m"]
        else row["uncertainty_m"],
        "location_source": row["location_source"] or None,
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


@bp.route("/areas")
def areas():
    store = get_store()
    year = _year_arg()
    if year is None:
        frame = all_areas(store)
        body = {"year": None}
    else:
        frame = areas_for_year(store, year)
        body = {"year": year, "summary": year_summary(store, year)}
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


ops = Blueprint("ops", __name__)


@ops.route("/healthz")
def health():
    """Liveness and readiness: 200 with the data version when the store can be read."""
    store = get_store()
    try:
        version = store.data_version
        years = list_years(store)
    except Exception as exc:  # any failure to read the store means not ready
        response = jsonify({"status": 503, "code": "store_unavailable", "message": str(exc)})
        response.status_code = 503
        response.headers["Cache-Control"] = "no-store"
        return response
    response = jsonify({"status": "ok", "data_version": version, "list_years": years})
    response.headers["Cache-Control"] = "no-store"
    return response
