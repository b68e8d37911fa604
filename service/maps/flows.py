"""Tile-free Folium maps of relocation flows and receiving areas.

Built like every other map of the service (:mod:`service.maps.base`): no base tiles, Leaflet from
the service itself, a deterministic map id, and the script served at its own URL so the page
carries no inline script. The layers come from :mod:`geo.relocation.flowlines`, already in
WGS84; only
published counts reach them.
"""

from __future__ import annotations

import math

import folium
import numpy as np
from flask_babel import gettext as _

from geo.maps.layers import MapData
from geo.relocation.analyses import ALL, REASON_LABELS_DA
from service.formats import number
from service.i18n import say
from service.maps.base import BuiltMap, add_outline, new_map, render_map

FLOW_COLOUR = "#7a3b8f"
ORIGIN_COLOUR = "#CC3311"
# ColorBrewer "Oranges", five classes: light = few movers, dark = many.
RECEIVING_COLOURS = ("#feedde", "#fdbe85", "#fd8d3c", "#e6550d", "#a63603")
HIDDEN_COLOUR = "#bdbdbd"


def _fmt(value: int) -> str:
    """A whole number with the page language's separators (``1.400`` / ``1,400``)."""
    return number(value)


def flow_style(width: float) -> dict:
    """Pure style of a flow line: width by movers, one colour, round ends."""
    return {
        "color": FLOW_COLOUR,
        "weight": width,
        "opacity": 0.7,
        "lineCap": "round",
        "className": "omr-flow",
    }


def head_style() -> dict:
    return {
        "color": FLOW_COLOUR,
        "weight": 1,
        "fillColor": FLOW_COLOUR,
        "fillOpacity": 0.9,
        "className": "omr-flow-head",
    }


def flow_map(data: MapData, key: str, lang: str = "da", names: dict | None = None) -> BuiltMap:
    """Curved flow lines (width by movers, arrowhead at the destination) and the origins,
    named in the request's language (``lang`` names the controls; ``names``, the flows'
    node → name, gives municipalities and places as phrases to translate)."""
    names = names or {}
    m = new_map(key, data, min_zoom=5, max_zoom=14, lang=lang)
    add_outline(m, data.layers["outline"])
    origins = data.layers["origins"]
    if len(origins):
        folium.GeoJson(
            origins[["name", "geometry"]].__geo_interface__,
            name=_("Fraflytningsområde"),
            style_function=lambda _f: {
                "color": ORIGIN_COLOUR,
                "fillColor": ORIGIN_COLOUR,
                "fillOpacity": 0.35,
                "weight": 2,
                "className": "omr-flow-origin",
            },
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(m)
    lines = data.layers["lines"]
    if len(lines):
        frame = lines[["origin_id", "dest_id", "movers", "width", "geometry"]].copy()
        frame["label"] = [
            # plain text: render_map escapes it
            _(
                "%(origin)s → %(dest)s: %(n)s flyttere",
                origin=say(names.get(o, o), data=True),
                dest=say(names.get(d, d), data=True),
                n=_fmt(int(n)),
            )
            for o, d, n in zip(frame["origin_id"], frame["dest_id"], frame["movers"], strict=True)
        ]
        # Widest first, so that thin flows are drawn on top and stay reachable.
        frame = frame.sort_values("width", ascending=False)
        group = folium.FeatureGroup(name=_("Flytninger (%(n)s)", n=len(frame)))
        folium.GeoJson(
            frame[["label", "width", "geometry"]].__geo_interface__,
            style_function=lambda f: flow_style(f["properties"]["width"]),
            highlight_function=lambda _f: {"opacity": 1.0},
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(group)
        heads = data.layers["heads"]
        if len(heads):
            folium.GeoJson(
                heads[["geometry"]].__geo_interface__,
                style_function=lambda _f: head_style(),
                interactive=False,
            ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m)


def inflow_classes(movers: list[int | None]) -> tuple[list[int | None], list[int]]:
    """Quantile classes (0–4) of the published inflows; None for suppressed ones.

    Returns the class per value and the upper bounds of the classes (for the legend).
    """
    published = np.array([v for v in movers if v is not None], dtype=float)
    if len(published) == 0:
        return [None] * len(movers), []
    bounds = sorted(set(np.quantile(published, [0.2, 0.4, 0.6, 0.8, 1.0]).round().astype(int)))
    classes = [
        None if v is None else min(int(np.searchsorted(bounds, v, side="left")), 4) for v in movers
    ]
    return classes, [int(b) for b in bounds]


def receiving_style(klass: int | None) -> dict:
    """Pure style of a receiving area: its inflow class, or grey and dashed when hidden."""
    if klass is None:
        return {
            "color": "#555555",
            "fillColor": HIDDEN_COLOUR,
            "fillOpacity": 0.6,
            "weight": 1,
            "dashArray": "4 3",
            "className": "omr-recv omr-recv-hidden",
        }
    return {
        "color": "#444444",
        "fillColor": RECEIVING_COLOURS[klass],
        "fillOpacity": 0.85,
        "weight": 1,
        "className": f"omr-recv omr-recv-c{klass}",
    }


def receiving_map(
    data: MapData, key: str, lang: str = "da", names: dict | None = None
) -> tuple[BuiltMap, list[int]]:
    """A choropleth of the receiving areas (or municipalities) by published inflow; ``names``
    as for :func:`flow_map`."""
    names = names or {}
    m = new_map(key, data, min_zoom=5, max_zoom=14, lang=lang)
    add_outline(m, data.layers["outline"])
    layer = data.layers["receiving"]
    bounds: list[int] = []
    if len(layer):
        values = [None if v is None or v != v else int(v) for v in layer["movers"].astype(object)]
        classes, bounds = inflow_classes(values)
        frame = layer[["dest_id", "name", "geometry"]].copy()
        frame["name"] = [
            say(names.get(d, n), data=True)
            for d, n in zip(frame["dest_id"], frame["name"], strict=True)
        ]
        frame["klass"] = [-1 if c is None else c for c in classes]
        frame["label"] = [
            _("%(name)s: %(n)s tilflyttere", name=n, n=_fmt(v))
            if v is not None
            else _("%(name)s: skjult", name=n)
            for n, v in zip(frame["name"], values, strict=True)
        ]
        folium.GeoJson(
            frame[["label", "klass", "geometry"]].__geo_interface__,
            name=_("Tilflytning"),
            style_function=lambda f: receiving_style(
                None if f["properties"]["klass"] < 0 else f["properties"]["klass"]
            ),
            tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
        ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m), bounds


PLANNED_COLOUR = "#0077BB"  # Paul Tol "vibrant": distinguishable with colour-vision deficiencies
OTHER_COLOUR = "#EE7733"
UNKNOWN_COLOUR = "#BBBBBB"
REASON_COLOURS = {"planned": PLANNED_COLOUR, "other": OTHER_COLOUR, "unknown": UNKNOWN_COLOUR}


def reason_chart(rows: list[dict], reasons: list[str], *, width: int = 560) -> dict:
    """Grouped bars: movers per year, one bar per reason (the rows of ``reason_series``).

    Geometry only, drawn by the template as SVG with presentation attributes. A suppressed
    count has no bar: it is marked "skjult" at the base line, as in the table beside it.
    Labels are in the request's language.
    """
    names = reason_names()
    years = [r["year"] for r in rows if r["year"] is not None and r["reason"] == "*"]
    shown = [r for r in rows if r["year"] is not None and r["reason"] in reasons]
    top = max([r["movers"] for r in shown if r["movers"] is not None] or [0])
    step = _nice_step(top)
    ceiling = max(step, math.ceil(top / step) * step) if top else 1
    left, right, top_pad, bottom = 48, 8, 10, 36
    height = 220
    plot_h = height - top_pad - bottom
    group = (width - left - right) / max(1, len(years))
    bar = min(22.0, group * 0.8 / max(1, len(reasons)))
    bars = []
    for i, year in enumerate(years):
        x0 = left + i * group + (group - bar * len(reasons)) / 2
        for j, reason in enumerate(reasons):
            row = next(r for r in shown if r["year"] == year and r["reason"] == reason)
            x = x0 + j * bar
            if row["movers"] is None:
                bars.append(
                    {
                        "x": round(x, 1),
                        "y": None,
                        "w": round(bar - 1, 1),
                        "h": 0,
                        "colour": REASON_COLOURS[reason],
                        "hidden": row["suppressed"],
                        "label": _("%(year)s, %(reason)s: skjult", year=year, reason=names[reason]),
                    }
                )
                continue
            h = plot_h * row["movers"] / ceiling
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(top_pad + plot_h - h, 1),
                    "w": round(bar - 1, 1),
                    "h": round(h, 1),
                    "colour": REASON_COLOURS[reason],
                    "hidden": False,
                    "label": _(
                        "%(year)s, %(reason)s: %(n)s",
                        year=year,
                        reason=names[reason],
                        n=_fmt(row["movers"]),
                    ),
                }
            )
    ticks = (
        [
            {"value": _fmt(v), "y": round(top_pad + plot_h - plot_h * v / ceiling, 1)}
            for v in range(0, int(ceiling) + 1, int(step))
        ]
        if top
        else []
    )
    labels = [
        {"text": str(y), "x": round(left + (i + 0.5) * group, 1)} for i, y in enumerate(years)
    ]
    return {
        "width": width,
        "height": height,
        "left": left,
        "base": top_pad + plot_h,
        "ticks": ticks,
        "bars": bars,
        "labels": labels,
        "legend": [{"label": names[r], "colour": REASON_COLOURS[r]} for r in reasons],
    }


def reason_names() -> dict[str, str]:
    """The reasons' names inside a sentence or a chart label, in the request's language: the
    one vocabulary (:data:`~geo.relocation.analyses.REASON_LABELS_DA`), in lower case."""
    return {code: _(label).lower() for code, label in REASON_LABELS_DA.items() if code != ALL}


def _nice_step(top: float) -> float:
    if top <= 0:
        return 1
    raw = top / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power  # pragma: no cover
