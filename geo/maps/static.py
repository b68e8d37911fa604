"""Static maps as SVG, drawn from the web map's own layers: no tiles, no browser.

The fact sheets (PDF) need a map that a print engine can place on paper. This module takes
the :class:`~geo.maps.layers.MapData` of the area or municipality map (the very layers the
web map draws, already simplified and in WGS84), projects them to ETRS89 / UTM 32N
(EPSG:25832, the Danish standard, where a metre is a metre in both directions) and writes one
SVG document: the layers in order, place names where the layers have names, a scale bar and a
frame. Styles come from the caller (the service owns its colours) as :class:`LayerStyle`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from geo import STORE_CRS
from geo.maps.layers import MapData

_NICE = (1, 2, 5)


@dataclass(frozen=True)
class LayerStyle:
    """How one layer is drawn.

    ``fill`` / ``stroke`` are CSS colours (``"none"`` for none); ``fill_by`` names a column whose
    value picks the fill and stroke from ``palette`` (e.g. the category); ``dash_by`` a column
    whose value in ``dash_values`` dashes the outline (approximate boundaries, as on the web);
    ``label`` the column with the place name to print (``None``: no names); ``label_size``
    in px.
    """

    fill: str = "none"
    stroke: str = "#555555"
    stroke_width: float = 1.0
    fill_opacity: float = 1.0
    dash: str | None = None
    fill_by: str | None = None
    palette: tuple[tuple[str, str], ...] = ()
    dash_by: str | None = None
    dash_values: tuple[str, ...] = ("approximate",)
    label: str | None = None
    label_size: float = 11.0
    label_weight: str = "normal"


@dataclass(frozen=True)
class StaticMap:
    """An SVG document and what it shows."""

    svg: str
    width: int
    height: int
    scale_m: float  # length of the scale bar, metres
    extent_25832: tuple[float, float, float, float]


def _nice_length(max_m: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ metres not above ``max_m``."""
    exponent = math.floor(math.log10(max_m))
    best = 10.0**exponent
    for step in _NICE:
        if step * 10.0**exponent <= max_m:
            best = step * 10.0**exponent
    return best


def _length_text(metres: float) -> str:
    if metres >= 1000:
        km = metres / 1000
        return f"{km:g} km"
    return f"{metres:g} m"


class _Projector:
    def __init__(self, extent: tuple[float, float, float, float], width: int, height: int):
        minx, miny, maxx, maxy = extent
        self.scale = min(width / (maxx - minx), height / (maxy - miny))
        # centre the extent in the frame
        self.ox = (width - (maxx - minx) * self.scale) / 2 - minx * self.scale
        self.oy = (height - (maxy - miny) * self.scale) / 2 + maxy * self.scale

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return round(x * self.scale + self.ox, 1), round(self.oy - y * self.scale, 1)


def _ring(coords, p: _Projector, close: bool) -> str:
    points = [p.xy(x, y) for x, y, *_ in coords]
    if not points:
        return ""
    head = f"M{points[0][0]} {points[0][1]}"
    body = "".join(f"L{x} {y}" for x, y in points[1:])
    return head + body + ("Z" if close else "")


def _path(geom: BaseGeometry, p: _Projector) -> str:
    if geom is None or geom.is_empty:
        return ""
    kind = geom.geom_type
    if kind == "Polygon":
        return _ring(geom.exterior.coords, p, True) + "".join(
            _ring(r.coords, p, True) for r in geom.interiors
        )
    if kind == "LineString" or kind == "LinearRing":
        return _ring(geom.coords, p, False)
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return "".join(_path(g, p) for g in geom.geoms)
    return ""


def _colour(style: LayerStyle, row) -> tuple[str, str]:
    if style.fill_by is None:
        return style.fill, style.stroke
    palette = dict(style.palette)
    key = row.get(style.fill_by)
    colour = palette.get(key if isinstance(key, str) else "", palette.get("", style.stroke))
    return colour, colour


def _feature_svg(geom: BaseGeometry, row, style: LayerStyle, p: _Projector) -> str:
    fill, stroke = _colour(style, row)
    dashed = style.dash or (
        "5 4" if style.dash_by is not None and row.get(style.dash_by) in style.dash_values else None
    )
    attrs = [
        f'fill="{fill}"',
        f'stroke="{stroke}"',
        f'stroke-width="{style.stroke_width}"',
        'stroke-linejoin="round"',
    ]
    if fill != "none" and style.fill_opacity < 1:
        attrs.append(f'fill-opacity="{style.fill_opacity}"')
    if dashed:
        attrs.append(f'stroke-dasharray="{dashed}"')
    if geom.geom_type in ("Point", "MultiPoint"):
        out = []
        for pt in getattr(geom, "geoms", [geom]):
            x, y = p.xy(pt.x, pt.y)
            out.append(f'<circle cx="{x}" cy="{y}" r="4" {" ".join(attrs)}/>')
        return "".join(out)
    d = _path(geom, p)
    if not d:
        return ""
    return f'<path d="{d}" fill-rule="evenodd" {" ".join(attrs)}/>'


@dataclass
class _Label:
    text: str
    x: float
    y: float
    size: float
    weight: str

    def box(self) -> tuple[float, float, float, float]:
        half = len(self.text) * self.size * 0.3  # ~0.6 em per character, centred
        return (self.x - half, self.y - self.size, self.x + half, self.y + self.size * 0.3)


def _overlaps(a, b) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _place_labels(candidates: list[_Label], width: int, height: int) -> list[_Label]:
    """Greedy: first come (most important layer first), first placed; no overlaps, inside."""
    placed: list[_Label] = []
    for label in candidates:
        box = label.box()
        if box[0] < 2 or box[1] < 2 or box[2] > width - 2 or box[3] > height - 2:
            continue
        if any(_overlaps(box, other.box()) for other in placed):
            continue
        placed.append(label)
    return placed


def _label_svg(label: _Label) -> str:
    text = escape(label.text)
    common = (
        f'x="{label.x}" y="{label.y}" font-size="{label.size}" font-weight="{label.weight}" '
        'text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, sans-serif"'
    )
    # a white halo drawn first keeps names legible over outlines
    return (
        f'<text {common} fill="none" stroke="#ffffff" stroke-width="3" '
        f'stroke-linejoin="round">{text}</text><text {common} fill="#1a1a1a">{text}</text>'
    )


def render_svg(
    data: MapData,
    layers: Sequence[tuple[str, LayerStyle]],
    *,
    width: int = 640,
    height: int = 420,
    title: str = "",
    background: str = "#ffffff",
) -> StaticMap:
    """Draw ``layers`` (names of ``data.layers``, bottom first) as one SVG document.

    Parameters
    ----------
    data
        The map's layers in WGS84 and its bounds (``[[south, west], [north, east]]``), as made
        by :mod:`geo.maps.layers` for the web map.
    layers
        ``(layer name, style)`` pairs, drawn in order; names missing from ``data`` or empty
        layers are skipped. Labels are placed top layer first, so the last layer's names win.
    width, height
        Size in CSS pixels (the SVG scales on paper).
    title
        The SVG's ``<title>`` (its text alternative).
    background
        Colour under every layer (the sea, when the outline layer draws the land).

    Returns
    -------
    StaticMap
        The SVG text, its size and the scale bar's length in metres.
    """
    (south, west), (north, east) = data.bounds
    box = gpd.GeoSeries([shapely.box(west, south, east, north)], crs="EPSG:4326").to_crs(STORE_CRS)
    extent = tuple(float(v) for v in box.total_bounds)
    p = _Projector(extent, width, height)  # type: ignore[arg-type]
    body: list[str] = []
    labels: list[_Label] = []
    for name, style in layers:
        frame = data.layers.get(name)
        if frame is None or len(frame) == 0 or "geometry" not in frame:
            continue
        projected = gpd.GeoDataFrame(frame, geometry="geometry").to_crs(STORE_CRS)
        projected = projected[~projected.geometry.isna() & ~projected.geometry.is_empty]
        parts = [
            _feature_svg(geom, row, style, p)
            for geom, (_, row) in zip(projected.geometry, projected.iterrows(), strict=True)
        ]
        body.append(f'<g class="layer-{escape(name)}">{"".join(parts)}</g>')
        if style.label and style.label in projected.columns:
            layer_labels = []
            for geom, text in zip(projected.geometry, projected[style.label], strict=True):
                if not isinstance(text, str) or not text:
                    continue
                visible = shapely.clip_by_rect(geom, *extent)
                if visible.is_empty:
                    continue
                x, y = p.xy(*visible.representative_point().coords[0])
                layer_labels.append(_Label(text, x, y, style.label_size, style.label_weight))
            labels = layer_labels + labels
    placed = _place_labels(labels, width, height)

    metres_per_px = 1 / p.scale
    bar_m = _nice_length(metres_per_px * width / 4)
    bar_px = round(bar_m / metres_per_px, 1)
    bx, by = 12, height - 14
    box_w = bar_px + 14 + 7 * len(_length_text(bar_m))
    scale_bar = (
        f'<g class="scale"><rect x="{bx - 4}" y="{by - 16}" width="{box_w}" '
        f'height="24" fill="#ffffff" fill-opacity="0.8"/>'
        f'<path d="M{bx} {by - 4}V{by}H{bx + bar_px}V{by - 4}" fill="none" stroke="#1a1a1a" '
        f'stroke-width="1.5"/><text x="{bx + bar_px + 6}" y="{by}" font-size="10" '
        f'font-family="DejaVu Sans, Liberation Sans, sans-serif" fill="#1a1a1a">'
        f"{_length_text(bar_m)}</text></g>"
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f"<title>{escape(title)}</title>"
        f'<defs><clipPath id="frame"><rect width="{width}" height="{height}"/></clipPath></defs>'
        f'<rect width="{width}" height="{height}" fill="{background}"/>'
        f'<g clip-path="url(#frame)">{"".join(body)}</g>'
        f'<g class="labels">{"".join(_label_svg(lab) for lab in placed)}</g>'
        f"{scale_bar}"
        f'<rect width="{width}" height="{height}" fill="none" stroke="#1a1a1a"/></svg>'
    )
    return StaticMap(svg=svg, width=width, height=height, scale_m=bar_m, extent_25832=extent)  # type: ignore[arg-type]
