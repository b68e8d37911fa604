"""The layers of each map, simplified for its opening zoom and reprojected to WGS84.

The web service turns these frames into Folium maps; all geometry work happens here.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import shapely

from geo import STORE_CRS
from geo.areas import areas_for_year, get_area, list_date, with_boundaries_in_force
from geo.maps.labels import municipality_labels, national_labels
from geo.maps.simplify import to_web, zoom_to_fit
from geo.store import Store

# Denmark, Bornholm included, fits a ~700 px wide map at zoom 7.
NATIONAL_ZOOM = 7
AREA_CONTEXT_M = 2500.0  # ground around an approximate location shown on its page
# Ground around a real boundary (official or imported): its own size, at least this much, so
# a 300 m estate fills the map instead of a dot in a 5 km window.
BOUNDARY_CONTEXT_M = 400.0


@dataclass
class MapData:
    """What one map draws: its layers in WGS84, its bounds and the zoom it opens at."""

    layers: dict[str, gpd.GeoDataFrame]
    bounds: list[list[float]]  # [[south, west], [north, east]] in WGS84
    zoom: int


def wgs84_bounds(frame: gpd.GeoDataFrame) -> list[list[float]]:
    """``[[south, west], [north, east]]`` of ``frame`` in WGS84, as Leaflet wants bounds."""
    minx, miny, maxx, maxy = frame.to_crs("EPSG:4326").total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def national_map_data(store: Store, year: int) -> MapData:
    """Outline and the areas of the list of ``year`` for the national map."""
    areas = areas_for_year(store, year)
    located = areas[~areas.geometry.isna()]
    outline = store.read("outline")
    extent = outline if len(outline) else located
    bounds = wgs84_bounds(extent) if len(extent) else [[54.5, 8.0], [57.8, 15.2]]
    return MapData(
        layers={
            "outline": to_web(outline, zoom=NATIONAL_ZOOM, coverage=True),
            # Areas stay round when a reader zooms in a few steps from the national view.
            "areas": to_web(located, zoom=NATIONAL_ZOOM + 4),
            "unlocated": areas[areas.geometry.isna()].drop(columns="geometry"),
            "places": national_labels(),
        },
        bounds=bounds,
        zoom=NATIONAL_ZOOM,
    )


def area_map_data(store: Store, area_id: str) -> MapData | None:
    """The area, its municipality (when boundaries are loaded), neighbours and coastline.

    None when there is nothing to draw: no shape for the area and no municipal boundary.
    """
    area = get_area(store, area_id)
    frame = gpd.GeoDataFrame([area], geometry="geometry", crs=STORE_CRS)
    municipalities = store.read("municipalities")
    municipality = municipalities[municipalities["code"] == area["municipality_code"]]
    focus = municipality if area.geometry is None or area.geometry.is_empty else frame
    if focus.empty:
        return None
    minx, miny, maxx, maxy = focus.total_bounds
    context = AREA_CONTEXT_M
    if focus is frame and area.get("boundary_source") in ("official", "imported"):
        context = max(BOUNDARY_CONTEXT_M, maxx - minx, maxy - miny)
    window = (minx - context, miny - context, maxx + context, maxy + context)
    zoom = zoom_to_fit(window)
    # Context is clipped to three times the window so the page carries no far-away detail.
    wide = (
        window[0] - (window[2] - window[0]),
        window[1] - (window[3] - window[1]),
        window[2] + (window[2] - window[0]),
        window[3] + (window[3] - window[1]),
    )

    def clipped(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if layer.empty:
            return layer
        out = layer.copy()
        out["geometry"] = shapely.clip_by_rect(out.geometry.values, *wide)
        return out[~out.geometry.is_empty]

    all_areas = store.read("areas")
    neighbours = all_areas[(all_areas["area_id"] != area_id) & ~all_areas.geometry.isna()]
    neighbours = neighbours[neighbours.intersects(shapely.box(*wide))]
    return MapData(
        layers={
            "outline": to_web(clipped(store.read("outline")), zoom=zoom),
            "municipality": to_web(clipped(municipality), zoom=zoom),
            "neighbours": to_web(neighbours, zoom=zoom),
            "area": to_web(frame[~frame.geometry.isna()], zoom=zoom + 2),
        },
        bounds=wgs84_bounds(gpd.GeoDataFrame(geometry=[shapely.box(*window)], crs=STORE_CRS)),
        zoom=zoom,
    )


def municipality_map_data(store: Store, code: str, year: int) -> MapData:
    """A municipality's areas (categories of ``year``) within its boundary or their extent."""
    from geo.areas import areas_in_municipality, get_municipality

    get_municipality(store, code)
    boundaries = store.read("municipalities")
    boundary = boundaries[boundaries["code"] == code]
    # each area as it was bounded on 1 December of the list year (official boundary history)
    areas = with_boundaries_in_force(store, areas_in_municipality(store, code), list_date(year))
    areas = areas[~areas.geometry.isna()].copy()
    listed = areas_for_year(store, year).set_index("area_id")
    areas["categories"] = (
        areas["area_id"].map(listed["categories"]).apply(lambda v: v if isinstance(v, list) else [])
    )
    areas["most_severe_category"] = areas["area_id"].map(listed["most_severe_category"])
    extent = boundary if len(boundary) else areas
    if extent.empty:
        return MapData(
            layers={"boundary": boundary, "areas": areas},
            bounds=[[54.5, 8.0], [57.8, 15.2]],
            zoom=NATIONAL_ZOOM,
        )
    minx, miny, maxx, maxy = extent.total_bounds
    pad = max(maxx - minx, maxy - miny) * 0.05 + 500
    window = (minx - pad, miny - pad, maxx + pad, maxy + pad)
    zoom = zoom_to_fit(window)
    # the ground around the view a reader sees after zooming out a step or two
    span = max(window[2] - window[0], window[3] - window[1])
    wide = (window[0] - span, window[1] - span, window[2] + span, window[3] + span)
    outline = store.read("outline")
    if len(outline):
        # clipped well outside the view, so the cut edges are never seen
        outline = outline.copy()
        outline["geometry"] = shapely.clip_by_rect(outline.geometry.values, *wide)
        outline = outline[~outline.geometry.is_empty]
    return MapData(
        layers={
            "outline": to_web(outline, zoom=zoom),
            "boundary": to_web(boundary, zoom=zoom),
            "areas": to_web(areas, zoom=zoom + 2),
            "places": municipality_labels(window, boundary, around=wide),
        },
        bounds=wgs84_bounds(gpd.GeoDataFrame(geometry=[shapely.box(*window)], crs=STORE_CRS)),
        zoom=zoom,
    )
