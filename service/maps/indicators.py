"""The national map coloured by an indicator (``/kort?aar=2018&indikator=CODE``).

Class breaks come from mapclassify (Fisher–Jenks, the exact natural breaks; each value its own
class when there are five or fewer distinct values), with the legal threshold added as a break
so that no class straddles it. Colours: the colour-blind-safe sequential YlOrBr scheme (Paul
Tol / ColorBrewer); areas without a published value are grey and say "ikke oplyst".
Mapclassify's classes are ``lower < value <= upper`` (the first class includes its lower
bound), as the legend says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import folium
import geopandas as gpd
from flask import url_for
from flask_babel import gettext as _

from geo.i18n import N_
from geo.maps.classes import DISTINCT, FISHER_JENKS, NO_VALUES, classify
from geo.maps.layers import national_map_data
from indicators.catalogue import CATALOGUE, Unit
from indicators.classify import criterion_threshold
from indicators.values import SYNTHETIC_LABEL_DA, read_indicators
from service.formats import number, page_language
from service.i18n import translate
from service.maps.base import (
    APPROXIMATE_DASH,
    BuiltMap,
    add_outline,
    boundary_tooltip,
    html_text,
    map_cache,
    new_map,
    render_map,
)
from service.maps.charts import comparison_words, fmt_number, fmt_value

# -- the indicator wording in the page's language ---------------------------------------------
# Danish pages keep the wording of service.maps.charts exactly; English pages get the
# catalogue's texts through the translation catalogue and Babel's numbers.

COMPARISON_EN = {"gt": "over", "ge": "at least", "lt": "under", "le": "at most"}


def number_text(value: float | None, unit: Unit, decimals: int | None = None) -> str:
    """A number of ``unit`` without the unit (``41,5`` / ``41.5``); "ikke oplyst" when missing."""
    digits = unit.decimals if decimals is None else decimals
    if page_language() == "da":
        return fmt_number(value, digits, whole=unit.whole)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("ikke oplyst")
    return number(round(value) if unit.whole else value, 0 if unit.whole else digits)


def with_unit(number_words: str, unit: Unit) -> str:
    """``41.5%``, ``55% of the regional average``, ``3.04 times the national average``."""
    label = translate(unit.label_da) or ""
    if page_language() == "da" or not label.startswith("%"):
        return f"{number_words} {label}"
    return f"{number_words}{label}"


def value_text(value: float | None, code: str) -> str:
    """:func:`service.maps.charts.fmt_value` in the page's language."""
    if page_language() == "da":
        return fmt_value(value, code)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _("ikke oplyst")
    unit = CATALOGUE[code].unit_info
    return with_unit(number_text(value, unit), unit)


def threshold_words(comparison: str, threshold: float, unit: Unit) -> str:
    """:func:`service.maps.charts.comparison_words` in the page's language."""
    if page_language() == "da":
        return comparison_words(comparison, threshold, unit)
    words = number(round(threshold), 0) if unit.whole else number(threshold)
    return f"{COMPARISON_EN[comparison]} {with_unit(words, unit)}"


# YlOrBr, 5 of Tol's 9 steps (light to dark), without the palest ones: the areas are small
# at the national zoom and must stand out against the land colour.
PALETTE = ("#FEC44F", "#FB9A29", "#EC7014", "#CC4C02", "#662506")
MISSING_COLOUR = "#BBBBBB"
MAX_CLASSES = 5


@dataclass
class Legend:
    code: str
    label: str
    period: str  # "2018" or "uden årstal" (in the page's language)
    classes: list[dict]  # colour, lower, upper, text, count, threshold_here
    missing: int
    threshold_text: str | None
    scheme: str
    synthetic: bool
    synthetic_label: str = SYNTHETIC_LABEL_DA
    period_value: str = ""  # "2018" or "uden", for links


@dataclass
class Overlay:
    built: BuiltMap
    legend: Legend
    script_url: str


def _threshold(code: str, year: int | None) -> tuple[float, str] | None:
    return None if year is None else criterion_threshold(code, year)


SCHEME_DA = {
    DISTINCT: N_("hver værdi sin klasse"),
    FISHER_JENKS: N_("Fisher–Jenks (naturlige brud)"),
    NO_VALUES: N_("ingen værdier"),
}


def _classify(values: dict[str, float], code: str, year: int | None):
    unit = CATALOGUE[code].unit_info
    threshold = _threshold(code, year)
    found = classify(values, threshold[0] if threshold else None)
    if not found.bins:
        return {}, [], translate(SCHEME_DA[NO_VALUES]), threshold
    palette = _palette(len(found.bins))
    classes = []
    lower = found.minimum
    for i, upper in enumerate(found.bins):
        low_text = number_text(lower if i == 0 else found.bins[i - 1], unit)
        high_text = number_text(upper, unit)
        classes.append(
            {
                "colour": palette[i],
                "swatch": f"c{PALETTE.index(palette[i])}",
                "text": high_text
                if i == 0 and lower == upper
                else (
                    f"{low_text}–{high_text}"
                    if i == 0
                    else _("over %(low)s til %(high)s", low=low_text, high=high_text)
                ),
                "count": found.counts[i],
                "threshold_here": threshold is not None and math.isclose(upper, threshold[0]),
                "index": i,
            }
        )
    return found.membership, classes, translate(SCHEME_DA[found.scheme]), threshold


def _palette(n: int) -> tuple[str, ...]:
    """``n`` colours (n <= 5) spread over the whole ramp so neighbours stay distinguishable."""
    if n <= 1:
        return PALETTE[2:3]
    step = (len(PALETTE) - 1) / (n - 1)
    return tuple(PALETTE[round(i * step)] for i in range(n))


def _values(store, code: str, period: int | None, synthetic: bool) -> dict[str, float]:
    frame = read_indicators(store, synthetic=synthetic)
    rows = frame[(frame["code"] == code) & frame["value"].notna()]
    rows = rows[rows["year"].isna()] if period is None else rows[rows["year"] == period]
    return {a: float(v) for a, v in zip(rows["area_id"], rows["value"], strict=True)}


def national_indicator_map(
    store, year: int, code: str, *, period: int | None | str = "", synthetic: bool = False
) -> tuple[BuiltMap, Legend]:
    """The national map of ``year`` with its areas coloured by ``code``.

    ``period`` is the indicator year (default: ``year`` when it has values, else the undated
    values); ``None`` selects the undated values.
    """
    if period == "":
        period = year if _values(store, code, year, synthetic) else None
    values = _values(store, code, period, synthetic)
    data = national_map_data(store, year)
    areas = data.layers["areas"]
    assigned, classes, scheme, threshold = _classify(
        {a: v for a, v in values.items() if a in set(areas["area_id"])}, code, period
    )
    ind = CATALOGUE[code]
    lang = page_language()
    short = translate(ind.short_da)
    synthetic_note = f" ({translate(SYNTHETIC_LABEL_DA)})" if synthetic else ""
    name_lang = "" if lang == "da" else ' lang="da"'  # area names are Danish
    m = new_map(f"national_{year}_{code}", data, lang=lang)
    add_outline(m, data.layers["outline"])
    frame = gpd.GeoDataFrame(
        {
            "area_id": areas["area_id"],
            "name": areas["name"],
            "colour": [
                classes[assigned[a]]["colour"] if a in assigned else MISSING_COLOUR
                for a in areas["area_id"]
            ],
            "klass": [
                f"omr-ind-class-{assigned[a]}" if a in assigned else "omr-ind-missing"
                for a in areas["area_id"]
            ],
            "approximate": areas["boundary_source"] == "approximate",
            "tooltip": [boundary_tooltip(r, lang) for _i, r in areas.iterrows()],
            "popup": [
                f"<strong{name_lang}>{html_text(n)}</strong><br>{html_text(short)}: "
                f"{html_text(value_text(values.get(a), code))}"
                + synthetic_note
                + f'<br><a href="{html_text(area_link(a, lang))}">'
                + html_text(_("Gå til områdets side"))
                + "</a>"
                for a, n in zip(areas["area_id"], areas["name"], strict=True)
            ],
        },
        geometry=areas.geometry,
        crs=areas.crs,
    )
    # Areas without a value first, so a coloured area is never hidden under a grey one.
    frame = frame.iloc[
        sorted(range(len(frame)), key=lambda i: frame["klass"].iloc[i] != "omr-ind-missing")
    ]
    folium.GeoJson(
        frame.__geo_interface__,
        name=short,
        style_function=lambda f: {
            # A wide stroke in the class colour keeps small areas visible, as on the
            # category map.
            "color": f["properties"]["colour"],
            "fillColor": f["properties"]["colour"],
            "fillOpacity": 0.85,
            "weight": 4,
            "dashArray": APPROXIMATE_DASH if f["properties"]["approximate"] else None,
            "className": f"omr-area omr-ind {f['properties']['klass']}",
        },
        highlight_function=lambda _f: {"weight": 4},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
    ).add_to(m)
    m.fit_bounds(data.bounds)
    legend = Legend(
        code=code,
        label=translate(ind.label_da) or ind.label_da,
        period=_("uden årstal") if period is None else str(period),
        classes=classes,
        missing=int(sum(a not in assigned for a in areas["area_id"])),
        threshold_text=None
        if threshold is None
        else threshold_words(threshold[1], threshold[0], ind.unit_info),
        scheme=scheme,
        synthetic=synthetic,
        synthetic_label=translate(SYNTHETIC_LABEL_DA) or SYNTHETIC_LABEL_DA,
        period_value="uden" if period is None else str(period),
    )
    return render_map(m), legend


def area_link(area_id: str, lang: str) -> str:
    """The area's page, in ``lang``."""
    if lang == "da":
        return url_for("pages.area_page", slug=area_id)
    return url_for("pages.area_page", slug=area_id, sprog=lang)


def indicator_map_for(store, year: int, code: str, args) -> tuple[BuiltMap, Legend, dict]:
    """The (cached) map and legend for the query arguments of the page or its script.

    Returns the map, its legend and the query parameters that select them again.
    """
    from service.params import parse_code, parse_dataset, parse_indicator_year

    parse_code(code, param="indikator")
    synthetic = parse_dataset(args.get("data"), param="data")
    period = parse_indicator_year(args.get("indikatoraar"), param="indikatoraar")
    cache = map_cache("indicators")
    key = ("national-indicator", year, code, period, synthetic, page_language(), store.data_version)
    built, legend = cache.get_or_build(
        key,
        lambda: national_indicator_map(store, year, code, period=period, synthetic=synthetic),
    )
    params: dict = {}
    if page_language() != "da":
        params["sprog"] = page_language()
    if period != "":
        params["indikatoraar"] = "uden" if period is None else period
    if synthetic:
        params["data"] = "syntetisk"
    return built, legend, params


def national_overlay(store, year: int, code: str, args) -> Overlay:
    """The map, legend and script URL of the national page with ``?indikator=CODE``."""
    built, legend, params = indicator_map_for(store, year, code, args)
    return Overlay(
        built=built,
        legend=legend,
        script_url=url_for(
            "indicator_pages.indicator_map_script",
            year=year,
            code=code,
            v=store.data_version,
            **params,
        ),
    )
