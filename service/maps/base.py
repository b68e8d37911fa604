"""Tile-free Folium maps.

Each map is built from :mod:`geo.maps.layers` layers (already simplified and in WGS84) into two
parts: the map's ``<div>`` for the page, and its script, served by the service at its own URL
so pages carry no inline script. Map ids are derived from the route, so a page rendered by
one worker and a script rendered by another agree. Leaflet is the only library loaded, from
the service itself; Folium's default CDN links are never emitted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import folium
import folium.map
import geopandas as gpd
import jinja2
from flask import Response, current_app
from markupsafe import escape

from geo.cache import LRU
from geo.maps.labels import LABEL_ZOOMS
from geo.maps.layers import MapData
from indicators.categories import CATEGORIES, SEVERITY
from service.text import category_label, text

# Paul Tol's "vibrant" scheme: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = {
    "omdannelsesomraade": "#CC3311",
    "parallelsamfund": "#EE7733",
    "udsat": "#0077BB",
    "forebyggelsesomraade": "#009988",
}
NOT_LISTED_COLOUR = "#777777"
OUTLINE_STYLE = {"fillColor": "#efeee9", "color": "#8a8a8a", "weight": 1, "fillOpacity": 1.0}
MUNICIPALITY_STYLE = {
    "fillColor": "#ffffff",
    "color": "#555555",
    "weight": 2,
    "fillOpacity": 0.5,
    "dashArray": None,
}
APPROXIMATE_DASH = "5 4"


@dataclass(frozen=True)
class MapOptions:
    """How a map is built: for a page or an embed (links open a new tab), and its language."""

    embed: bool = False
    lang: str = "da"

    @property
    def prefix(self) -> str:
        return ("embed_" if self.embed else "") + ("" if self.lang == "da" else f"{self.lang}_")


@dataclass(frozen=True)
class BuiltMap:
    div_id: str
    html: str
    script: str


def _area_style(category: str, approximate: bool, *, weight: float) -> dict:
    """Pure style of an area shape: colour by category, dashed when only approximate."""
    colour = CATEGORY_COLOURS.get(category, NOT_LISTED_COLOUR)
    return {
        "color": colour,
        "fillColor": colour,
        "fillOpacity": 0.35,
        "weight": weight,
        "dashArray": APPROXIMATE_DASH if approximate else None,
        "className": f"omr-area omr-cat-{category}",
    }


CONTROL_TEXTS = {
    "da": {"zoom_in": "Zoom ind", "zoom_out": "Zoom ud", "layers": "Lag"},
    "en": {"zoom_in": "Zoom in", "zoom_out": "Zoom out", "layers": "Layers"},
}


class _LocalControls(folium.MacroElement):
    """Leaflet's zoom and layer controls named in the page's language (Leaflet says English)."""

    _template = jinja2.Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.zoomControl.remove();
        L.control.zoom({zoomInTitle: {{ this.texts.zoom_in|tojson }},
            zoomOutTitle: {{ this.texts.zoom_out|tojson }}}).addTo({{ this._parent.get_name() }});
        setTimeout(function () {
          var map = {{ this._parent.get_name() }};
          map.getContainer().querySelectorAll(".leaflet-control-layers-toggle").forEach(
            function (a) {
              a.title = {{ this.texts.layers|tojson }};
              a.setAttribute("aria-label", {{ this.texts.layers|tojson }});
            });
          // every shape a keyboard can reach gets its area's name as its accessible name
          map.eachLayer(function (layer) {
            var p = layer.feature && layer.feature.properties;
            if (p && p.name && layer._path) {
              // a shape that opens its popup is a button; a name needs a role to be valid
              var clickable = layer._path.classList.contains("leaflet-interactive");
              layer._path.setAttribute("role", clickable ? "button" : "img");
              layer._path.setAttribute("aria-label", p.name);
            }
          });
        }, 0);
        {% endmacro %}"""
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "LocalControls"
        self.texts = CONTROL_TEXTS.get(lang, CONTROL_TEXTS["da"])


class _PlaceZoom(folium.MacroElement):
    """Marks the map's container ``omr-below-<k>`` for every label zoom ``k`` above the current
    zoom, so the CSS (places.css) hides each place name below the zoom its label fits at."""

    _template = jinja2.Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
          function mark() {
            var zoom = map.getZoom(), marks = map.getContainer().classList;
            for (var k = {{ this.first }}; k <= {{ this.last }}; k++) {
              marks.toggle("omr-below-" + k, zoom < k);
            }
          }
          map.on("zoomend", mark);
          mark();
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self._name = "PlaceZoom"
        self.first, self.last = LABEL_ZOOMS[1], LABEL_ZOOMS[-1]


class _Attribution(folium.MacroElement):
    """Leaflet's attribution control with the sources of what the map draws (no prefix)."""

    _template = jinja2.Template(
        """{% macro script(this, kwargs) %}
        L.control.attribution({prefix: false})
            .addAttribution({{ this.html|tojson }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Attribution"
        self.html = html


def _place_label(name: str, size: int, min_zoom: int) -> folium.DivIcon:
    """A place name as text only: a dot at the place (CSS) and the name beside it."""
    return folium.DivIcon(
        html=f'<span class="omr-place-name">{html_text(name)}</span>',
        icon_size=(6, 6),
        class_name=f"omr-place omr-place-s{size} omr-place-z{min_zoom}",
    )


def add_place_labels(m: folium.Map, places: gpd.GeoDataFrame | None, opts: MapOptions) -> None:
    """The place names of :mod:`geo.maps.labels` as their own layer (the layer control hides
    them): not interactive, not focusable; the CSS lets clicks through to the shapes below."""
    if places is None or places.empty:
        return
    group = folium.FeatureGroup(name=text(opts.lang, "place_names"))
    for row in places.itertuples():
        folium.Marker(
            location=[row.geometry.y, row.geometry.x],
            icon=_place_label(row.name, row.size, row.min_zoom),
            interactive=False,
            keyboard=False,
        ).add_to(group)
    group.add_to(m)
    _PlaceZoom().add_to(m)
    target = ' target="_blank" rel="noopener"' if opts.embed else ' rel="noopener"'
    _Attribution(
        f"{html_text(text(opts.lang, 'place_names'))}: "
        f'<a href="https://www.geonames.org/"{target}>GeoNames</a> (CC BY 4.0)'
    ).add_to(m)


def new_map(
    key: str, data: MapData, *, min_zoom: int = 5, max_zoom: int = 17, lang: str = "da"
) -> folium.Map:
    from service.assets import vendor_url

    m = folium.Map(
        location=[
            (data.bounds[0][0] + data.bounds[1][0]) / 2,
            (data.bounds[0][1] + data.bounds[1][1]) / 2,
        ],
        zoom_start=data.zoom,
        tiles=None,
        min_zoom=min_zoom,
        max_zoom=max_zoom,
        control_scale=True,
        attribution_control=False,
    )
    # Deterministic id: the page and its script may come from different workers.
    m._id = key
    m.default_js = [("leaflet", vendor_url("leaflet", "leaflet.js"))]
    m.default_css = [("leaflet_css", vendor_url("leaflet", "leaflet.css"))]
    _LocalControls(lang).add_to(m)
    return m


def add_outline(m: folium.Map, outline: gpd.GeoDataFrame, name: str = "Danmark") -> None:
    if outline.empty:
        return
    folium.GeoJson(
        outline[["geometry"]].__geo_interface__,
        name=name,
        style_function=lambda _f: OUTLINE_STYLE,
        interactive=False,
        control=False,
    ).add_to(m)


def _municipal_boundary(m: folium.Map, layer: gpd.GeoDataFrame | None, opts: MapOptions) -> None:
    """The municipal boundary for context, when boundaries are loaded (not interactive)."""
    if layer is None or layer.empty:
        return
    folium.GeoJson(
        layer[["geometry"]].__geo_interface__,
        name=text(opts.lang, "boundary"),
        style_function=lambda _f: MUNICIPALITY_STYLE,
        interactive=False,
    ).add_to(m)


def boundary_label(row, lang: str) -> str | None:
    """What an area's shape is, in words: an approximate location or an official boundary
    (with its order), for popups, tooltips and tables; None for other shapes."""
    source = row.get("boundary_source")
    if source == "approximate":
        return text(lang, "approximate")
    order = row.get("boundary_order")
    if source == "official" and isinstance(order, str) and order:
        return text(lang, "official", order=order)
    return None


def boundary_tooltip(row, lang: str) -> str:
    """An area's name, and what its shape is when :func:`boundary_label` says."""
    label = boundary_label(row, lang)
    return f"{row['name']}: {label}" if label else str(row["name"])


def _popup_html(row, area_url: Callable[[str], str], year: int | None, opts: MapOptions) -> str:
    lang = opts.lang
    cats = row.get("categories") or []
    parts = [
        f"<strong>{html_text(row['name'])}</strong>",
        f"{html_text(row['municipality_name'])} {html_text(text(lang, 'municipality_suffix'))}",
    ]
    if year:
        ordered = sorted(cats, key=SEVERITY.__getitem__, reverse=True)
        label = ", ".join(category_label(c, lang, year) for c in ordered) or category_label(
            None, lang
        )
        parts.append(f"{html_text(label)} ({year})")
    label = boundary_label(row, lang)
    if label:
        parts.append(f"<em>{html_text(label)}</em>")
    target = ' target="_blank" rel="noopener"' if opts.embed else ""
    parts.append(
        f'<a href="{html_text(area_url(row["area_id"]))}"{target}>'
        f"{html_text(text(lang, 'go_to_area'))}</a>"
    )
    return "<br>".join(parts)


def _areas_geojson(areas: gpd.GeoDataFrame, area_url, year, opts: MapOptions) -> dict:
    frame = gpd.GeoDataFrame(
        {
            "area_id": areas["area_id"],
            "name": areas["name"],
            "category": areas["most_severe_category"].where(
                areas["most_severe_category"].notna(), "none"
            ),
            "approximate": areas["boundary_source"] == "approximate",
            "tooltip": [boundary_tooltip(r, opts.lang) for _, r in areas.iterrows()],
            "popup": [_popup_html(r, area_url, year, opts) for _, r in areas.iterrows()],
        },
        geometry=areas.geometry,
        crs=areas.crs,
    )
    return frame.__geo_interface__


def _add_area_groups(
    m: folium.Map, areas: gpd.GeoDataFrame, area_url, year, opts: MapOptions, *, weight: float
) -> None:
    """One toggleable layer per category (and one for areas not on this year's list)."""
    for category in (*reversed(CATEGORIES), None):
        if category is None:
            subset = areas[areas["most_severe_category"].isna()]
        else:
            subset = areas[areas["most_severe_category"] == category]
        if subset.empty:
            continue
        name = category_label(category, opts.lang, year)
        group = folium.FeatureGroup(name=f"{name} ({len(subset)})")
        folium.GeoJson(
            _areas_geojson(subset, area_url, year, opts),
            style_function=lambda f: _area_style(
                f["properties"]["category"], f["properties"]["approximate"], weight=weight
            ),
            highlight_function=lambda _f: {"weight": weight + 3, "fillOpacity": 0.6},
            tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False),
        ).add_to(group)
        group.add_to(m)


# Feature properties that the map code builds as HTML itself (every piece of data in them
# passed through html_text); every other string property is plain text.
HTML_PROPERTIES = frozenset({"popup"})
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")


def html_text(value: object) -> str:
    """Text made safe for the places Folium and Leaflet put it: HTML (tooltips, popups and the
    layer control are ``innerHTML``) inside JavaScript template literals (``folium.Tooltip``).

    Besides ``& < > " '``, the backtick, ``$`` and the backslash become character references,
    so the text shows as typed and can neither create an element nor end or interpolate a
    JavaScript string.
    """
    return (
        str(escape(str(value))).replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")
    )


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _sanitise(m: folium.Map) -> None:
    """Escape every user-supplied string before Folium writes it into the script: the string
    properties of GeoJSON features (tooltips show them as HTML), tooltip texts and layer
    names (the layer control shows them as HTML). Properties in :data:`HTML_PROPERTIES` are
    built by this package from escaped parts and left as they are."""
    for element in _walk(m):
        if isinstance(element, folium.GeoJson) and isinstance(element.data, dict):
            for feature in element.data.get("features", []):
                properties = feature.get("properties") or {}
                for key, value in properties.items():
                    if isinstance(value, str) and key not in HTML_PROPERTIES:
                        properties[key] = html_text(value)
        elif isinstance(element, folium.Tooltip):
            element.text = html_text(element.text)
        if isinstance(element, folium.map.Layer) and element.layer_name:
            element.layer_name = html_text(element.layer_name)


def render_map(m: folium.Map) -> BuiltMap:
    """Render a map into its ``<div>`` and its script, the same bytes in every process.

    Escapes user-supplied text (:func:`_sanitise`) and replaces Folium's random element ids
    (``geo_json_<32 hex>``) by ids numbered in order of appearance, so every worker serves
    the same script and one ETag.
    """
    _sanitise(m)
    root = m.get_root()
    root.render()
    html, script = root.html.render().strip(), root.script.render().strip()
    numbering: dict[str, str] = {}

    def stable(match: re.Match[str]) -> str:
        return numbering.setdefault(match.group(0), f"{len(numbering) + 1:032x}")

    script = _FOLIUM_ID.sub(stable, script)
    html = _FOLIUM_ID.sub(stable, html)
    return BuiltMap(div_id=m.get_name(), html=html, script=script)


def national_map(
    data: MapData, year: int, area_url: Callable[[str], str], opts: MapOptions | None = None
) -> BuiltMap:
    """Outline plus every located area of the list, one toggleable layer per category."""
    opts = opts or MapOptions()
    m = new_map(f"{opts.prefix}national_{year}", data, lang=opts.lang)
    add_outline(m, data.layers["outline"])
    _add_area_groups(m, data.layers["areas"], area_url, year, opts, weight=4)
    add_place_labels(m, data.layers.get("places"), opts)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m)


def municipality_map(
    data: MapData,
    code: str,
    year: int,
    area_url: Callable[[str], str],
    opts: MapOptions | None = None,
) -> BuiltMap:
    """A municipality's areas, coloured by their category on the list of ``year``."""
    opts = opts or MapOptions()
    m = new_map(
        f"{opts.prefix}kommune_{code}_{year}", data, min_zoom=6, max_zoom=18, lang=opts.lang
    )
    add_outline(m, data.layers.get("outline", gpd.GeoDataFrame()))
    _municipal_boundary(m, data.layers.get("boundary"), opts)
    _add_area_groups(m, data.layers["areas"], area_url, year, opts, weight=3)
    add_place_labels(m, data.layers.get("places"), opts)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m)


def area_map(
    data: MapData, area: dict, area_url: Callable[[str], str], opts: MapOptions | None = None
) -> BuiltMap:
    """One area, with its municipality, neighbouring areas and coastline for context."""
    opts = opts or MapOptions()
    m = new_map(
        f"{opts.prefix}area_{area['area_id'].replace('-', '_')}",
        data,
        min_zoom=6,
        max_zoom=18,
        lang=opts.lang,
    )
    add_outline(m, data.layers.get("outline", gpd.GeoDataFrame()))
    _municipal_boundary(m, data.layers.get("municipality"), opts)
    neighbours = data.layers.get("neighbours")
    if neighbours is not None and not neighbours.empty:
        folium.GeoJson(
            gpd.GeoDataFrame(
                {
                    "name": [boundary_tooltip(r, opts.lang) for _, r in neighbours.iterrows()],
                    "approximate": neighbours["boundary_source"] != "official",
                },
                geometry=neighbours.geometry,
                crs=neighbours.crs,
            ).__geo_interface__,
            name=text(opts.lang, "other_areas"),
            style_function=lambda f: {
                "color": "#666666",
                "weight": 1,
                "fillOpacity": 0.1,
                # neighbours without an official boundary keep the dashed edge
                "dashArray": APPROXIMATE_DASH if f["properties"]["approximate"] else None,
                "className": "omr-neighbour",
            },
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ).add_to(m)
    shape = data.layers.get("area")
    if shape is not None and not shape.empty:
        category = area.get("most_severe_category") or "udsat"
        approximate = area["boundary_source"] == "approximate"
        colour = CATEGORY_COLOURS.get(category, "#444444")
        folium.GeoJson(
            gpd.GeoDataFrame(
                {"name": [area["name"]]}, geometry=shape.geometry.values, crs=shape.crs
            ).__geo_interface__,
            name=area["name"],
            style_function=lambda _f: {
                "color": colour,
                "fillColor": colour,
                "fillOpacity": 0.3,
                "weight": 3,
                "dashArray": APPROXIMATE_DASH if approximate else None,
                "className": "omr-area",
            },
            # plain text: render_map escapes it
            tooltip=folium.Tooltip(boundary_tooltip(area, opts.lang)),
        ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(data.bounds)
    return render_map(m)


def map_cache(name: str, size: int = 64) -> LRU[BuiltMap]:
    """The app's cache of built maps called ``name``, keyed by (route, parameters, data
    version); one per kind of map so one kind cannot push out another."""
    return current_app.extensions.setdefault(f"omraadekort.maps.{name}", LRU(size))


def script_response(body: str) -> Response:
    """A map's script as its own response (pages carry no inline script). Pages load it at a
    URL naming the data version, which service.http serves as immutable."""
    return Response(body + "\n", mimetype="text/javascript")
