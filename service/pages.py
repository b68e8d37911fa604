"""Danish HTML pages: the national map, area pages, the area index and the data sources."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from geo.areas import (
    all_areas,
    area_history,
    areas_for_year,
    get_area,
    list_years,
    year_summary,
)
from geo.mapdata import area_map_data, national_map_data
from indicators.categories import CATEGORIES, LABELS_DA, PLURAL_DA, label
from service.errors import BadParameter, NotFoundError
from service.maps import CATEGORY_COLOURS, MapCache, area_map, national_map
from service.store_access import get_store

bp = Blueprint("pages", __name__)

STATUS_DA = {
    "not_listed": "Ikke på listen",
    "unknown": "Ikke navngivet i de indlæste data",
}


def _cache() -> MapCache:
    ext = current_app.extensions
    if "omraadekort.maps" not in ext:
        ext["omraadekort.maps"] = MapCache()
    return ext["omraadekort.maps"]


def parse_year(raw: str | None, years: list[int], param: str = "aar") -> int:
    """The list year asked for, or the latest; 400 for a value that is not a year."""
    if raw is None or raw == "":
        return years[-1]
    if not raw.isdigit() or len(raw) != 4:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as {years[-1]}"
        )
    return int(raw)


def _area_url(area_id: str) -> str:
    return url_for("pages.area_page", slug=area_id)


def _national(year: int):
    store = get_store()
    key = ("national", year, store.data_version)
    return _cache().get(key, lambda: national_map(national_map_data(store, year), year, _area_url))


def _area(slug: str):
    store = get_store()
    area = get_area(store, slug)
    history = area_history(store, slug)
    latest = history[history["status"] == "listed"].tail(1)
    info = area.to_dict()
    info["most_severe_category"] = latest["most_severe_category"].iloc[0] if len(latest) else None
    key = ("area", slug, store.data_version)
    data = area_map_data(store, slug)
    built = None if data is None else _cache().get(key, lambda: area_map(data, info, _area_url))
    return info, history, built


@bp.route("/")
@bp.route("/kort")
def national_page():
    store = get_store()
    years = list_years(store)
    year = parse_year(request.args.get("aar"), years)
    areas = areas_for_year(store, year)  # raises NotFound for a year without a list
    summary = year_summary(store, year)
    built = _national(year)
    return render_template(
        "national.html",
        year=year,
        years=years,
        areas=areas.drop(columns="geometry").to_dict("records"),
        located=int((~areas.geometry.isna()).sum()),
        summary=summary,
        built=built,
        script_url=url_for("pages.national_script", year=year, v=store.data_version),
        colours=CATEGORY_COLOURS,
        labels=LABELS_DA,
        plural=PLURAL_DA,
        label=label,
    )


@bp.route("/kort/<int:year>/kort.js")
def national_script(year: int):
    store = get_store()
    if year not in list_years(store):
        areas_for_year(store, year)  # raises the 404 with the list of years
    return _script(_national(year).script)


@bp.route("/omraader")
def area_index():
    store = get_store()
    areas = all_areas(store)
    return render_template(
        "areas.html",
        areas=areas.drop(columns="geometry").to_dict("records"),
        years=list_years(store),
    )


@bp.route("/omraader/<slug>")
def area_page(slug: str):
    info, history, built = _area(slug)
    store = get_store()
    return render_template(
        "area.html",
        area=info,
        history=history.to_dict("records"),
        built=built,
        script_url=built and url_for("pages.area_script", slug=slug, v=store.data_version),
        colours=CATEGORY_COLOURS,
        labels=LABELS_DA,
        plural=PLURAL_DA,
        status_da=STATUS_DA,
        label=label,
        categories=CATEGORIES,
    )


@bp.route("/omraader/<slug>/kort.js")
def area_script(slug: str):
    _info, _history, built = _area(slug)
    if built is None:
        raise NotFoundError(f"area {slug!r} has no location to draw")
    return _script(built.script)


@bp.route("/om")
def about():
    store = get_store()
    provenance = store.read("provenance").to_dict("records")
    return render_template("about.html", provenance=provenance, meta=store.meta())


def _script(body: str) -> Response:
    response = Response(body + "\n", mimetype="text/javascript")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
