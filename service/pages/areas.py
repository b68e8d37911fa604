"""The site's pages (Danish; English with ``?sprog=en``): the national map, area pages, the area
index, the municipalities and the data sources."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from geo.areas import (
    all_areas,
    areas_for_year,
    boundary_versions,
    get_municipality,
    list_years,
    municipality_names,
    municipality_status,
    year_summary,
)
from geo.i18n import N_
from indicators.categories import (
    CATEGORIES,
    label,
    labels_for,
)
from service.errors import NotFoundError
from service.i18n import translate
from service.maps.base import (
    CATEGORY_COLOURS,
    MapOptions,
    script_response,
)
from service.maps.built import area_built, municipality_built, national_built
from service.maps.plan_charts import area_plan_context
from service.pages.panel import area_panel
from service.params import lang_arg, municipality_arg, year_arg
from service.store_access import get_store, has_flows_from
from service.text import (
    and_join,
    boundary_html,
    boundary_text,
    category_label,
    category_labels,
    category_plurals,
    day_text,
)

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _page_language_helpers() -> dict:
    """For every template: ``da_lang`` (` lang="da"` on an English page, for names and texts
    quoted in Danish) and ``boundary_text``. (``lang_args`` comes from :mod:`service.i18n`.)"""
    lang = g.get("lang", "da")
    return {
        "da_lang": Markup(' lang="da"') if lang != "da" else "",
        "boundary_text": lambda area: boundary_text(area, lang),
        "boundary_html": lambda area: boundary_html(area, lang),
        "day_text": lambda iso: day_text(iso, lang),
        "and_join": lambda words: and_join(list(words), lang),
    }


STATUS_DA = {
    "not_listed": N_("Ikke på listen"),
    "unknown": N_("Ikke navngivet i de indlæste data"),
}


def _history_rows(history, lang: str) -> list[dict]:
    """The area's list history, with the words of each year in ``lang``: ``also`` (the other
    categories of a listed year, in the term of that year's law) and ``incomplete_words``."""
    plural = category_plurals(lang, None)
    rows = history.to_dict("records")
    for h in rows:
        others = list(h["categories"])[:-1] if h["status"] == "listed" else []
        h["also"] = [category_label(c, lang, h["year"]).lower() for c in reversed(others)]
        incomplete = h.get("incomplete_categories")
        incomplete = list(incomplete) if isinstance(incomplete, list | tuple) else []
        h["incomplete_words"] = [plural[c] for c in incomplete]
    return rows


def _in_language() -> dict:
    """``sprog=en`` for a URL the English page loads (its map script); nothing in Danish."""
    return {"sprog": g.lang} if g.lang != "da" else {}


def _label_in(lang: str):
    """``label(category, year)`` in ``lang`` (Danish: indicators.categories.label)."""
    if lang == "da":
        return label
    return lambda category, year=None: category_label(category, lang, year)


@bp.route("/")
@bp.route("/kort")
def national_page():
    store = get_store()
    years = list_years(store)
    year = year_arg(years)
    areas = areas_for_year(store, year)  # raises NotFound for a year without a list
    summary = year_summary(store, year)
    built = national_built(year, MapOptions(lang=g.lang))
    in_lang = {"sprog": g.lang} if g.lang != "da" else {}
    script_url = url_for("pages.national_script", year=year, v=store.data_version, **in_lang)
    indicator_overlay = None
    if request.args.get("indikator"):  # colour the areas by an indicator (service/indicator_map)
        from service.maps.indicators import national_overlay

        indicator_overlay = national_overlay(store, year, request.args["indikator"], request.args)
        built, script_url = indicator_overlay.built, indicator_overlay.script_url
    return render_template(
        "pages/national.html",
        year=year,
        years=years,
        areas=areas.drop(columns="geometry").to_dict("records"),
        located=int((~areas.geometry.isna()).sum()),
        summary=summary,
        built=built,
        script_url=script_url,
        indicator_overlay=indicator_overlay,
        colours=CATEGORY_COLOURS,
        labels=category_labels(g.lang, year),
        plural=category_plurals(g.lang, year),
        label=label,
    )


@bp.route("/kort/<int:year>/kort.js")
def national_script(year: int):
    store = get_store()
    if year not in list_years(store):
        areas_for_year(store, year)  # raises the 404 with the list of years
    return script_response(national_built(year, MapOptions(lang=lang_arg())).script)


@bp.route("/omraader")
def area_index():
    store = get_store()
    areas = all_areas(store)
    return render_template(
        "pages/areas.html",
        areas=areas.drop(columns="geometry").to_dict("records"),
        years=list_years(store),
    )


@bp.route("/omraader/<slug>")
def area_page(slug: str):
    info, history, built = area_built(slug, MapOptions(lang=g.lang))
    store = get_store()
    panel = area_panel(
        store,
        slug,
        year_arg=request.args.get("indikatoraar"),
        synthetic=request.args.get("data") == "syntetisk",
        lang=g.lang,
    )
    return render_template(
        "pages/area.html",
        area=info,
        versions=boundary_versions(store, slug),
        years=list_years(store),
        has_flows=has_flows_from(slug),
        panel=panel,
        history=_history_rows(history, g.lang),
        built=built,
        script_url=built
        and url_for("pages.area_script", slug=slug, v=store.data_version, **_in_language()),
        colours=CATEGORY_COLOURS,
        labels=category_labels(g.lang, None),
        statuses={k: translate(v) for k, v in STATUS_DA.items()},
        label=_label_in(g.lang),
        categories=CATEGORIES,
        plan_section=area_plan_context(store, slug),
    )


@bp.route("/omraader/<slug>/kort.js")
def area_script(slug: str):
    _info, _history, built = area_built(slug, MapOptions(lang=lang_arg()))
    if built is None:
        raise NotFoundError(f"area {slug!r} has no location to draw")
    return script_response(built.script)


@bp.route("/kommuner")
def municipality_index():
    store = get_store()
    areas = all_areas(store)
    per = areas.groupby("municipality_code")["area_id"].count()
    names = municipality_names(store)
    rows = [
        {"code": code, "name": names.get(code, _("ikke oplyst")), "areas": int(per.get(code, 0))}
        for code in sorted(set(names) | set(per.index))
    ]
    rows = [r for r in rows if r["areas"]] + [r for r in rows if not r["areas"]]
    return render_template("pages/municipalities.html", municipalities=rows)


@bp.route("/kommuner/<code>")
def municipality_page(code: str):
    store = get_store()
    code = municipality_arg(code)
    municipality = get_municipality(store, code)
    years = list_years(store)
    year = year_arg(years)
    status = municipality_status(store, code)
    every = all_areas(store)
    here = every[every["municipality_code"] == code]
    drawable = bool((here["boundary_source"] != "none").any())
    built = municipality_built(code, year, MapOptions(lang=g.lang))
    return render_template(
        "pages/municipality.html",
        municipality=municipality,
        year=year,
        years=years,
        status=status.to_dict("records"),
        built=built if drawable else None,
        drawable=drawable,
        script_url=url_for(
            "pages.municipality_script", code=code, aar=year, v=store.data_version, **_in_language()
        ),
        label=_label_in(g.lang),
        labels=labels_for(year),
    )


@bp.route("/kommuner/<code>/kort.js")
def municipality_script(code: str):
    store = get_store()
    code = municipality_arg(code)
    get_municipality(store, code)
    year = year_arg(list_years(store))
    areas_for_year(store, year)  # 404 for a year without a list
    return script_response(municipality_built(code, year, MapOptions(lang=lang_arg())).script)


@bp.route("/om")
def about():
    store = get_store()
    provenance = store.read("provenance").to_dict("records")
    return render_template(
        "pages/about.html",
        provenance=provenance,
        meta=store.meta(),
        disclosure_losses=_disclosure_losses(),
    )


def _disclosure_losses() -> list:
    """Cells and persons hidden per view of the relocation flows (empty without moves)."""
    from geo.relocation.publication import flow_views, information_loss
    from service.store_access import get_flows

    flows = get_flows(required=False)
    if flows is None:
        return []
    cube = flows.protection.cube
    return information_loss(cube, flows.protection.suppressed, flow_views(cube.dims))
