"""Printable fact sheets (PDF, A4, Danish or English) for an area and a municipality.

``/omraader/<slug>/faktaark.pdf`` and ``/kommuner/<code>/faktaark.pdf`` (``?sprog=en`` for
English). The facts come from :mod:`geo.factsheet`, the map from :mod:`geo.maps.static` (the
web map's own layers drawn as SVG: no tiles, no browser), the PDF from the service's own HTML
and CSS through WeasyPrint (:mod:`service.pdf`), which is refused every fetch.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, url_for
from markupsafe import Markup

from geo.areas import list_years
from geo.factsheet import FactSheet, area_fact_sheet, municipality_fact_sheet
from geo.maps.layers import area_map_data, municipality_map_data
from geo.maps.static import LayerStyle, render_svg
from indicators.catalogue import CATALOGUE
from indicators.categories import CATEGORIES, label
from indicators.rules import COMPARISONS
from service.formats import date
from service.maps.base import CATEGORY_COLOURS, NOT_LISTED_COLOUR, map_cache
from service.pages.panel import ui_text
from service.params import lang_arg, municipality_arg
from service.pdf import html_to_pdf
from service.store_access import get_flows, get_store, threshold
from service.text import LABELS_EN

bp = Blueprint("factsheets", __name__)

# The sheet's words in both languages (the site is Danish; a sheet may go to English readers).
TEXT = {
    "da": {
        "title": "Faktaark",
        "data_version": "Dataversion",
        "printed": "dannet",
        "municipality_of": "{name} Kommune",
        "latest_list": "Seneste liste, 1. december {year}",
        "no_map": "Ingen placering at tegne (placering ikke oplyst).",
        "other_areas": "Andre områder",
        "municipal_boundary": "Kommunegrænse",
        "boundary": "Afgrænsning",
        "map_note": "Kortet er tegnet af Områdekort fra egne vektorlag (ETRS89 / UTM 32N); "
        "ingen baggrundskort.",
        "history": "Listehistorik",
        "list_year": "Liste",
        "status": "Status",
        "source": "Kilde",
        "listed": "På listen",
        "not_listed": "Ikke på listen",
        "unknown": "Ikke navngivet i de indlæste data (listen er ufuldstændig)",
        "criteria": "Kriterierne mod grænserne",
        "criteria_year": "Listen {year} (regler {rule})",
        "criterion": "Kriterium",
        "value": "Værdi",
        "threshold": "Grænse",
        "met": "Opfyldt",
        "margin": "Afstand til grænsen",
        "yes": "ja",
        "no": "nej",
        "not_published": "ikke oplyst",
        "residents_assumed": "Beboertallet er ikke offentliggjort; området stod på listen, så det "
        "havde mindst 1.000 beboere. Kriteriet er udeladt.",
        "no_criteria": "Ikke oplyst: de indlæste data har ingen offentliggjorte kriterieværdier "
        "for området med listeår.",
        "indicator_values": "Indikatorværdier i de indlæste data",
        "indicator": "Indikator",
        "year": "År",
        "undated": "år ikke oplyst",
        "plan": "Udviklingsplan",
        "fact": "Oplysning",
        "no_plan": "Ikke oplyst: de indlæste data har ingen udviklingsplan for området.",
        "no_plan_municipality": "Ikke oplyst: de indlæste data har ingen udviklingsplaner for "
        "kommunens områder.",
        "flows": "Flytninger (diskretioneret)",
        "synthetic_flows": "Syntetiske eksempeldata: ingen rigtige personer eller flytninger.",
        "movers_total": "Fraflyttere i alt",
        "threshold_note": "Tal under {n} offentliggøres ikke, og heller ikke tal, som de kan "
        "regnes ud fra.",
        "destination": "Hvorhen",
        "movers": "Fraflyttere",
        "share": "Andel",
        "reason": "Årsag",
        "suppressed": "ikke vist",
        "flows_source": "Kilde",
        "no_flows": "Ikke oplyst: de indlæste data har ingen flytninger fra området.",
        "sources": "Kilder",
        "dataset": "Datasæt",
        "what": "Indhold",
        "licence": "Licens",
        "synthetic_label": "syntetiske eksempeldata",
        "list_sources": "Kilder til listerne for området",
        "rules_note": "Kategorierne følger almenboligloven §§ 61 a og 61 b; før 2021 hed "
        "parallelsamfund ghettoområde og omdannelsesområde hårdt ghettoområde.",
        "municipality_code": "Kommunekode",
        "areas_count": "{n} områder i de indlæste data",
        "not_listed_year": "Ikke på listen {year}",
        "map_year": "Kategorier på listen 1. december {year}.",
        "area": "Område",
        "dash_note": "– : ikke navngivet det år.",
    },
    "en": {
        "title": "Fact sheet",
        "data_version": "Data version",
        "printed": "generated",
        "municipality_of": "{name} Municipality",
        "latest_list": "Latest list, 1 December {year}",
        "no_map": "No location to draw (location not published).",
        "other_areas": "Other areas",
        "municipal_boundary": "Municipal boundary",
        "boundary": "Boundary",
        "map_note": "Map drawn by Områdekort from its own vector layers (ETRS89 / UTM 32N); "
        "no background tiles.",
        "history": "List history",
        "list_year": "List",
        "status": "Status",
        "source": "Source",
        "listed": "Listed",
        "not_listed": "Not on the list",
        "unknown": "Not named in the loaded data (the list is incomplete)",
        "criteria": "The criteria against the thresholds",
        "criteria_year": "List of {year} (rules of {rule})",
        "criterion": "Criterion",
        "value": "Value",
        "threshold": "Threshold",
        "met": "Met",
        "margin": "Distance to the threshold",
        "yes": "yes",
        "no": "no",
        "not_published": "not published",
        "residents_assumed": "The number of residents is not published; the area was listed, so "
        "it had at least 1,000 residents. The criterion is left out.",
        "no_criteria": "Not published: the loaded data hold no criterion values with a list "
        "year for this area.",
        "indicator_values": "Indicator values in the loaded data",
        "indicator": "Indicator",
        "year": "Year",
        "undated": "year not stated",
        "plan": "Development plan",
        "fact": "Fact",
        "no_plan": "Not published: the loaded data hold no development plan for this area.",
        "no_plan_municipality": "Not published: the loaded data hold no development plans for "
        "the municipality's areas.",
        "flows": "Relocation (disclosure-controlled)",
        "synthetic_flows": "Synthetic example data: no real persons or moves.",
        "movers_total": "Movers in all",
        "threshold_note": "Counts below {n} are not published, nor any count from which they "
        "could be worked out.",
        "destination": "Destination",
        "movers": "Movers",
        "share": "Share",
        "reason": "Reason",
        "suppressed": "not shown",
        "flows_source": "Source",
        "no_flows": "Not published: the loaded data hold no moves from this area.",
        "sources": "Sources",
        "dataset": "Dataset",
        "what": "Content",
        "licence": "Licence",
        "synthetic_label": "synthetic example data",
        "list_sources": "Sources of this area's list entries",
        "rules_note": "Categories as in the Danish Social Housing Act §§ 61 a and 61 b; before "
        "2021 a parallel society was called a ghetto area and a transformation area a hard "
        "ghetto area.",
        "municipality_code": "Municipality code",
        "areas_count": "{n} areas in the loaded data",
        "not_listed_year": "Not on the list of {year}",
        "map_year": "Categories on the list of 1 December {year}.",
        "area": "Area",
        "dash_note": "– : not named that year.",
    },
}
BOUNDARY_TEXT = {
    "da": {
        "approximate": "omtrentlig placering, ikke officiel afgrænsning",
        "none": "placering ikke oplyst",
        "official": "officiel afgrænsning",
        "user": "afgrænsning indlæst af brugeren",
    },
    "en": {
        "approximate": "approximate location, not an official boundary",
        "none": "location not published",
        "official": "official boundary",
        "user": "boundary imported by the user",
    },
}
OUTLINE = LayerStyle(fill="#efeee9", stroke="#8a8a8a", stroke_width=0.8)
MUNICIPALITY = LayerStyle(fill="#ffffff", fill_opacity=0.6, stroke="#555555", stroke_width=1.6)
SEA = "#dde8ef"


def _fmt(lang: str):
    """Number formatting in the sheet's language (Danish: 1.234,5)."""

    def num(value: float, decimals: int | None = None) -> str:
        if decimals is None:
            decimals = 0 if float(value).is_integer() else 2 if abs(value) < 10 else 1
        text = f"{value:,.{decimals}f}"
        if lang == "da":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text

    def signed(value: float) -> str:
        return ("+" if value > 0 else "") + num(value)

    def pct(share: float) -> str:
        return num(share * 100, 1) + " %"

    return num, signed, pct


def _cat_label(lang: str):
    def cat_label(category: str | None, year: int | None = None) -> str:
        if category is None:
            return TEXT[lang]["not_listed"]
        if category == "ghettoomraade":
            return "Ghettoområde (regler før 2018)" if lang == "da" else "Ghetto area (pre-2018)"
        return label(category, year) if lang == "da" else LABELS_EN[category]

    return cat_label


def _criterion_label(lang: str):
    def criterion_label(c: dict) -> str:
        if lang == "da":
            return c["label_da"]
        indicator = CATALOGUE.get(c["indicator"])
        return indicator.label_en if indicator is not None else c["indicator"]

    return criterion_label


def _indicator_label(lang: str):
    def indicator_label(code: str) -> str:
        indicator = CATALOGUE.get(code)
        if indicator is None:
            return code
        return indicator.label_da if lang == "da" else indicator.label_en

    return indicator_label


_UNITS_EN = {"homes": "homes", "pct": "%", "areas": "areas"}


def _plan_figure(lang: str, num):
    def plan_figure(fact: dict) -> str:
        if lang == "da":
            return fact["figure_da"]
        if fact.get("number") is None:  # the figure in the source's words: Danish as published
            return Markup('<span lang="da">{}</span>').format(fact["figure_da"])
        approx = "approx. " if fact.get("approximate") else ""
        return f"{approx}{num(fact['number'])} {_UNITS_EN.get(fact.get('unit') or '', '')}".strip()

    return plan_figure


def _render(template: str, sheet: FactSheet, lang: str, **context) -> bytes:
    num, signed, pct = _fmt(lang)
    now = dt.datetime.now(dt.UTC)
    printed = f"{now:%d.%m.%Y}" if lang == "da" else date(now.date(), lang)
    html = render_template(
        template,
        sheet=sheet,
        lang=lang,
        t=TEXT[lang],
        printed=printed,
        printed_iso=now.isoformat(timespec="seconds"),
        colours={**CATEGORY_COLOURS, None: NOT_LISTED_COLOUR},
        cat_label=_cat_label(lang),
        criterion_label=_criterion_label(lang),
        indicator_label=_indicator_label(lang),
        comparison=lambda code: (
            {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}[code] if code in COMPARISONS else code
        ),
        num=num,
        signed=signed,
        pct=pct,
        plan_figure=_plan_figure(lang, num),
        ui=lambda text: ui_text(text, lang),
        **context,
    )
    return html_to_pdf(html)


def _pdf_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _area_svg(slug: str, title: str, colour: str) -> str | None:
    store = get_store()

    def build():
        data = area_map_data(store, slug)
        if data is None:
            return None
        return render_svg(
            data,
            [
                ("outline", OUTLINE),
                ("municipality", MUNICIPALITY),
                (
                    "neighbours",
                    LayerStyle(
                        fill="#c8c8c8",
                        stroke="#777777",
                        fill_opacity=0.8,
                        dash_by="boundary_source",
                        label="name",
                        label_size=9,
                    ),
                ),
                (
                    "area",
                    LayerStyle(
                        fill=colour,
                        stroke=colour,
                        stroke_width=2.5,
                        fill_opacity=0.45,
                        dash_by="boundary_source",
                        label="name",
                        label_size=12,
                        label_weight="bold",
                    ),
                ),
            ],
            width=680,
            height=360,
            title=title,
            background=SEA if len(data.layers["outline"]) else "#ffffff",
        ).svg

    return map_cache("site").get_or_build(("sheet-map", slug, colour, store.data_version), build)


@bp.route("/omraader/<slug>/faktaark.pdf")
def area_sheet(slug: str):
    lang = lang_arg()
    store = get_store()
    sheet = area_fact_sheet(store, slug, get_flows(required=False))
    listed = [h for h in sheet.history if h["status"] == "listed"]
    latest = listed[-1] if listed else None
    colour = (
        CATEGORY_COLOURS.get(latest["most_severe_category"], NOT_LISTED_COLOUR)
        if latest
        else NOT_LISTED_COLOUR
    )
    title = sheet.name
    svg = _area_svg(slug, title, colour)
    list_sources: list[str] = []
    for h in sheet.history:
        for s in h["sources"]:
            for part in str(s).replace(";", "|").split("|"):
                part = part.strip()
                if part and part not in list_sources:
                    list_sources.append(part)
    boundary = BOUNDARY_TEXT[lang].get(
        str(sheet.area.get("boundary_source")), str(sheet.area.get("boundary_note") or "")
    )
    body = _render(
        "factsheets/area.html",
        sheet,
        lang,
        latest=latest,
        map_svg=svg,
        area_colour=colour,
        has_municipality=bool(
            store.read("municipalities")["code"].eq(sheet.municipality_code).any()
        )
        if len(store.read("municipalities"))
        else False,
        boundary_text=boundary,
        list_sources=list_sources,
        plan_notes=list(
            dict.fromkeys(p["conflict_note"] for p in sheet.plan if p["conflict_note"])
        ),
        page_url=url_for("pages.area_page", slug=slug, _external=True),
    )
    return _pdf_response(body, f"faktaark-{slug}.pdf")


@bp.route("/kommuner/<code>/faktaark.pdf")
def municipality_sheet(code: str):
    lang = lang_arg()
    store = get_store()
    code = municipality_arg(code)
    flows = get_flows(required=False)
    sheet = municipality_fact_sheet(store, code, flows)
    year = list_years(store)[-1]

    def build():
        data = municipality_map_data(store, code, year)
        if data.layers["areas"].empty and data.layers["boundary"].empty:
            return None  # nothing with a known location: the sheet says so instead of a map
        palette = tuple((c, CATEGORY_COLOURS[c]) for c in CATEGORIES) + (("", NOT_LISTED_COLOUR),)
        return render_svg(
            data,
            [
                ("outline", OUTLINE),
                ("boundary", MUNICIPALITY),
                (
                    "areas",
                    LayerStyle(
                        fill_by="most_severe_category",
                        palette=palette,
                        stroke_width=1.5,
                        fill_opacity=0.5,
                        dash_by="boundary_source",
                        label="name",
                        label_size=9,
                    ),
                ),
            ],
            width=680,
            height=400,
            title=sheet.name,
            background=SEA if len(data.layers["outline"]) else "#ffffff",
        ).svg

    svg = map_cache("site").get_or_build(("sheet-map-k", code, year, store.data_version), build)
    has_boundary = sheet.area.get("has_boundary")
    boundary_text = (
        ("Kommunegrænse: indlæst. " if lang == "da" else "Municipal boundary: imported. ")
        if has_boundary
        else (
            "Kommunegrænsen er ikke indlæst; kortet viser områdernes udstrækning"
            if lang == "da"
            else "The municipal boundary is not loaded; the map shows the areas' extent"
        )
    )
    legend = [
        c for c in reversed(CATEGORIES) if any(a["years"].get(year) == c for a in sheet.areas)
    ]
    body = _render(
        "factsheets/municipality.html",
        sheet,
        lang,
        map_svg=svg,
        year=year,
        legend=legend,
        boundary_text=boundary_text,
        synthetic_flows=bool(flows and flows.synthetic),
        threshold=threshold(),
        page_url=url_for("pages.municipality_page", code=code, _external=True),
    )
    return _pdf_response(body, f"faktaark-kommune-{code}.pdf")
