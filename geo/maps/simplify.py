"""Geometry prepared for the web: simplified for the zoom a map opens at, in WGS84.

Simplification is tied to the ground size of one screen pixel at the opening zoom (Web
Mercator at Denmark's latitude), so the national page carries no detail a reader cannot see.
Polygons that share edges (municipalities, parishes) are simplified as a coverage so that
neighbours keep a common border; lone shapes keep their topology (no self-intersections, no
vanishing rings).
"""

from __future__ import annotations

import math

import geopandas as gpd
import shapely

from geo import STORE_CRS, WEB_CRS

EARTH_CIRCUMFERENCE_M = 40_075_016.686
DENMARK_LAT = 56.0


def metres_per_pixel(zoom: float, latitude: float = DENMARK_LAT) -> float:
    """Ground size of one 256-px-tile pixel at ``zoom`` and ``latitude``."""
    return EARTH_CIRCUMFERENCE_M * math.cos(math.radians(latitude)) / (256 * 2**zoom)


def tolerance_for_zoom(zoom: float, pixels: float = 0.5) -> float:
    """Simplification tolerance in metres: ``pixels`` screen pixels at ``zoom``."""
    return metres_per_pixel(zoom) * pixels


def _require_store_crs(frame: gpd.GeoDataFrame) -> None:
    if frame.crs is None or frame.crs.to_epsg() != 25832:
        raise ValueError(f"expected a frame in {STORE_CRS}, got {frame.crs}")


def simplify(
    frame: gpd.GeoDataFrame, tolerance_m: float, *, coverage: bool = False
) -> gpd.GeoDataFrame:
    """Topology-preserving simplification in the store CRS.

    ``coverage=True`` treats the polygons as a coverage (shared borders stay shared).
    """
    _require_store_crs(frame)
    out = frame.copy()
    geoms = out.geometry.values
    present = ~shapely.is_missing(geoms)
    if tolerance_m <= 0 or not present.any():
        return out
    if coverage:
        simplified = shapely.coverage_simplify(geoms[present], tolerance_m)
    else:
        simplified = shapely.simplify(geoms[present], tolerance_m, preserve_topology=True)
    result = geoms.copy()
    result[present] = simplified
    out[out.geometry.name] = gpd.GeoSeries(result, index=out.index, crs=STORE_CRS)
    return out


def precision_for_zoom(zoom: float) -> float:
    """A decimal coordinate grid (degrees) finer than a quarter pixel at ``zoom``."""
    degrees_per_pixel = 360.0 / (256 * 2**zoom)
    return 10.0 ** math.floor(math.log10(degrees_per_pixel / 4))


def to_web(
    frame: gpd.GeoDataFrame,
    *,
    zoom: float | None = None,
    coverage: bool = False,
    precision: float | None = None,
) -> gpd.GeoDataFrame:
    """Simplify for ``zoom`` (if given), reproject to WGS84 and round coordinates.

    ``precision`` is the coordinate grid in degrees (1e-5° ≈ 1 m), applied with
    ``shapely.set_precision`` so rounding cannot produce invalid polygons. By default it
    follows ``zoom`` (:func:`precision_for_zoom`), or 1e-6° without a zoom.
    """
    _require_store_crs(frame)
    if precision is None:
        precision = precision_for_zoom(zoom) if zoom is not None else 1e-6
    if zoom is not None:
        frame = simplify(frame, tolerance_for_zoom(zoom), coverage=coverage)
    out = frame.to_crs(WEB_CRS)
    geoms = out.geometry.values
    present = ~shapely.is_missing(geoms)
    if present.any() and precision:
        rounded = geoms.copy()
        rounded[present] = shapely.set_precision(geoms[present], precision)
        out[out.geometry.name] = gpd.GeoSeries(rounded, index=out.index, crs=WEB_CRS)
    out = out[~out.geometry.is_empty | out.geometry.isna()]
    return out


def zoom_to_fit(
    bounds_m: tuple[float, float, float, float],
    width_px: int = 700,
    height_px: int = 560,
    max_zoom: int = 16,
) -> int:
    """The largest whole zoom at which ``bounds_m`` (store CRS) fits the given map size."""
    minx, miny, maxx, maxy = bounds_m
    span = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    for zoom in range(max_zoom, 0, -1):
        mpp = metres_per_pixel(zoom)
        if span[0] / mpp <= width_px and span[1] / mpp <= height_px:
            return zoom
    return 1
