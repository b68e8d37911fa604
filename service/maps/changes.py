"""The changes map: every area whose status changed between two lists, by what happened."""

from __future__ import annotations

from collections.abc import Callable

import folium
import geopandas as gpd
from flask_babel import gettext as _

from geo.i18n import N_
from geo.maps.layers import MapData
from service.maps.base import (
    APPROXIMATE_DASH,
    BuiltMap,
    add_outline,
    html_text,
    new_map,
    render_map,
)

# Paul Tol's "bright" scheme (colour-vision safe), distinct from the category colours.
CHANGE_COLOURS = {
    "entered": "#AA3377",
    "left": "#228833",
    "changed": "#CCBB44",
    "renamed": "#4477AA",
}
CHANGE_LABELS_DA = {
    "entered": N_("Kom på en liste"),
    "left": N_("Forlod en liste"),
    "changed": N_("Skiftede kategori"),
    "renamed": N_("Omdøbt eller delt"),
}


def _style(map_class: str, certain: bool, approximate: bool) -> dict:
    """Colour by what happened; faint when not fully known; dashed when only approximate."""
    colour = CHANGE_COLOURS[map_class]
    return {
        "color": "#333333" if map_class == "changed" else colour,
        "fillColor": colour,
        "fillOpacity": 0.6 if certain else 0.2,
        "weight": 3,
        "dashArray": APPROXIMATE_DASH if approximate else None,
        "className": f"omr-area omr-change-{map_class}",
    }


def changes_map(
    data: MapData, year: int, area_url: Callable[[str], str], lang: str = "da"
) -> BuiltMap:
    """Outline plus the changed areas, one toggleable layer per kind of change; its texts in
    the language of the request (``lang`` is the map controls' language)."""
    m = new_map(f"changes_{year}", data, lang=lang)
    add_outline(m, data.layers["outline"])
    areas: gpd.GeoDataFrame = data.layers["areas"]
    for map_class, label_da in CHANGE_LABELS_DA.items():
        label = _(label_da)
        subset = areas[areas["map_class"] == map_class]
        if subset.empty:
            continue
        not_certain = " " + _("(ikke helt oplyst)")
        go_to = html_text(_("Gå til områdets side"))
        popups = [
            f"<strong>{html_text(r['name'])}</strong><br>{html_text(label)}"
            + ("" if r["certain"] else not_certain)
            + f'<br><a href="{html_text(area_url(r["area_id"]))}">{go_to}</a>'
            for _i, r in subset.iterrows()
        ]
        frame = gpd.GeoDataFrame(
            {
                "name": subset["name"],
                "map_class": subset["map_class"],
                "certain": subset["certain"].astype(bool),
                "approximate": subset["boundary_source"] == "approximate",
                "popup": popups,
            },
            geometry=subset.geometry,
            crs=subset.crs,
        )
        group = folium.FeatureGroup(name=f"{label} ({len(subset)})")
        folium.GeoJson(
            frame.__geo_interface__,
            style_function=lambda f: _style(
                f["properties"]["map_class"],
                f["properties"]["certain"],
                f["properties"]["approximate"],
            ),
            highlight_function=lambda _f: {"weight": 6, "fillOpacity": 0.7},
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
        ).add_to(group)
        group.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m)
