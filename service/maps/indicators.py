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

from geo.maps.classes import DISTINCT, FISHER_JENKS, NO_VALUES, classify
from geo.maps.layers import national_map_data
from indicators.catalogue import CATALOGUE
from indicators.classify import criterion_threshold
from indicators.values import SYNTHETIC_LABEL_DA, read_indicators
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

# YlOrBr, 5 of Tol's 9 steps (light to dark), without the palest ones: the areas are small
# at the national zoom and must stand out against the land colour.
PALETTE = ("#FEC44F", "#FB9A29", "#EC7014", "#CC4C02", "#662506")
MISSING_COLOUR = "#BBBBBB"
MAX_CLASSES = 5


@dataclass
class Legend:
    code: str
    label: str
    period: str  # "2018" or "uden årstal"
    classes: list[dict]  # colour, lower, upper, text, count, threshold_here
    missing: int
    threshold_text: str | None
    scheme: str
    synthetic: bool
    synthetic_label: str = SYNTHETIC_LABEL_DA


@dataclass
class Overlay:
    built: BuiltMap
    legend: Legend
    script_url: str


def _threshold(code: str, year: int | None) -> tuple[float, str] | None:
    return None if year is None else criterion_threshold(code, year)


SCHEME_DA = {
    DISTINCT: "hver værdi sin klasse",
    FISHER_JENKS: "Fisher–Jenks (naturlige brud)",
    NO_VALUES: "ingen værdier",
}


def _classify(values: dict[str, float], code: str, year: int | None):
    unit = CATALOGUE[code].unit_info
    threshold = _threshold(code, year)
    found = classify(values, threshold[0] if threshold else None)
    if not found.bins:
        return {}, [], SCHEME_DA[NO_VALUES], threshold
    palette = _palette(len(found.bins))
    classes = []
    lower = found.minimum
    for i, upper in enumerate(found.bins):
        low_text = fmt_number(
            lower if i == 0 else found.bins[i - 1], unit.decimals, whole=unit.whole
        )
        high_text = fmt_number(upper, unit.decimals, whole=unit.whole)
        classes.append(
            {
                "colour": palette[i],
                "swatch": f"c{PALETTE.index(palette[i])}",
                "text": high_text
                if i == 0 and lower == upper
                else (f"{low_text}–{high_text}" if i == 0 else f"over {low_text} til {high_text}"),
                "count": found.counts[i],
                "threshold_here": threshold is not None and math.isclose(upper, threshold[0]),
                "index": i,
            }
        )
    return found.membership, classes, SCHEME_DA[found.scheme], threshold


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
    m = new_map(f"national_{year}_{code}", data)
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
            "tooltip": [boundary_tooltip(r, "da") for _, r in areas.iterrows()],
            "popup": [
                f"<strong>{html_text(n)}</strong><br>{html_text(ind.short_da)}: "
                f"{html_text(fmt_value(values.get(a), code))}"
                + (f" ({SYNTHETIC_LABEL_DA})" if synthetic else "")
                + f'<br><a href="{html_text(url_for("pages.area_page", slug=a))}">'
                "Gå til områdets side</a>"
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
        name=f"{ind.short_da}",
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
        label=ind.label_da,
        period="uden årstal" if period is None else str(period),
        classes=classes,
        missing=int(sum(a not in assigned for a in areas["area_id"])),
        threshold_text=None
        if threshold is None
        else comparison_words(threshold[1], threshold[0], ind.unit_info),
        scheme=scheme,
        synthetic=synthetic,
    )
    return render_map(m), legend


def indicator_map_for(store, year: int, code: str, args) -> tuple[BuiltMap, Legend, dict]:
    """The (cached) map and legend for the query arguments of the page or its script.

    Returns the map, its legend and the query parameters that select them again.
    """
    from service.params import parse_code, parse_dataset, parse_indicator_year

    parse_code(code, param="indikator")
    synthetic = parse_dataset(args.get("data"), param="data")
    period = parse_indicator_year(args.get("indikatoraar"), param="indikatoraar")
    cache = map_cache("indicators")
    key = ("national-indicator", year, code, period, synthetic, store.data_version)
    built, legend = cache.get_or_build(
        key,
        lambda: national_indicator_map(store, year, code, period=period, synthetic=synthetic),
    )
    params: dict = {}
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
