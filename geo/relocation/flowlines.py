"""Geometry for the relocation maps: curved flow lines with arrowheads, receiving areas.

Lines are built in EPSG:25832 (metres) and handed to the web in WGS84 by
:func:`geo.maps.simplify.to_web`.
Each flow is a quadratic Bézier curve bent to the right of its direction, so a flow and its
reverse never lie on top of each other; an arrowhead at the destination end shows the
direction, and the line's width grows with the square root of the number of movers. Only
published counts are drawn (suppressed flows have no width to draw); moves within one place
(same origin and destination point) are shown in the tables only.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import STORE_CRS
from geo.maps.layers import NATIONAL_ZOOM, MapData, wgs84_bounds
from geo.maps.simplify import to_web, zoom_to_fit
from geo.relocation.analyses import FlowData
from geo.store import Store

CURVE_POINTS = 24
BEND = 0.18  # control point offset as a share of the straight distance
MIN_WIDTH_PX, MAX_WIDTH_PX = 1.5, 14.0
DENMARK_BOUNDS = [[54.5, 8.0], [57.8, 15.2]]


def bezier(origin: np.ndarray, dest: np.ndarray, bend: float = BEND) -> np.ndarray:
    """Points of a quadratic Bézier from ``origin`` to ``dest``, bulging to the right."""
    delta = dest - origin
    normal = np.array([delta[1], -delta[0]])  # right-hand side of the direction
    control = (origin + dest) / 2 + bend * normal
    t = np.linspace(0.0, 1.0, CURVE_POINTS)[:, None]
    return (1 - t) ** 2 * origin + 2 * (1 - t) * t * control + t**2 * dest


def arrowhead(curve: np.ndarray, length: float) -> shapely.Polygon:
    """A triangle at the curve's end, pointing along its last segment."""
    tip = curve[-1]
    direction = tip - curve[-3]
    direction = direction / (np.hypot(*direction) or 1.0)
    back = tip - direction * length
    side = np.array([-direction[1], direction[0]]) * length * 0.45
    return shapely.Polygon([tip, back + side, back - side])


def widths(movers: np.ndarray) -> np.ndarray:
    """Line width in pixels: square root of the movers, scaled to the largest flow."""
    movers = np.asarray(movers, dtype=float)
    if len(movers) == 0:
        return movers
    top = movers.max() or 1.0
    return np.round(MIN_WIDTH_PX + (MAX_WIDTH_PX - MIN_WIDTH_PX) * np.sqrt(movers / top), 1)


def flow_features(flows: FlowData, table: pd.DataFrame) -> tuple[gpd.GeoDataFrame, dict]:
    """Lines and arrowheads for the published rows of an :func:`~geo.relocation.od_flows` table.

    Returns the features (EPSG:25832; ``part`` is ``line`` or ``head``) and counts of rows
    that could not be drawn: ``hidden`` (suppressed), ``same_place`` and ``no_location``.
    """
    skipped = {"hidden": 0, "same_place": 0, "no_location": 0}
    rows, geoms = [], []
    published = table[~table["suppressed"] & table["movers"].notna()]
    skipped["hidden"] = int(table["suppressed"].sum())
    drawable = []
    for row in published.itertuples(index=False):
        o, d = flows.points.get(row.origin_id), flows.points.get(row.dest_id)
        if o is None or d is None:
            skipped["no_location"] += 1
            continue
        if np.hypot(d[0] - o[0], d[1] - o[1]) < 1.0:
            skipped["same_place"] += 1
            continue
        drawable.append((row, np.array(o), np.array(d)))
    line_widths = widths(np.array([int(r.movers) for r, _o, _d in drawable]))
    for (row, start, end), width in zip(drawable, line_widths, strict=True):
        curve = bezier(start, end)
        distance = float(np.hypot(*(end - start)))
        head = arrowhead(curve, min(max(distance * 0.12, 400.0), 4000.0) * (0.6 + width / 14))
        base = {
            "origin_id": row.origin_id,
            "origin_name": row.origin_name,
            "dest_id": row.dest_id,
            "dest_name": row.dest_name,
            "movers": int(row.movers),
            "width": float(width),
        }
        rows.append({**base, "part": "line"})
        geoms.append(shapely.LineString(curve))
        rows.append({**base, "part": "head"})
        geoms.append(head)
    frame = gpd.GeoDataFrame(
        pd.DataFrame(
            rows,
            columns=["origin_id", "origin_name", "dest_id", "dest_name", "movers", "width", "part"],
        ),
        geometry=gpd.GeoSeries(geoms, crs=STORE_CRS),
        crs=STORE_CRS,
    )
    return frame, skipped


def _window(frames: list[gpd.GeoDataFrame]) -> tuple[float, float, float, float] | None:
    boxes = [f.total_bounds for f in frames if len(f)]
    if not boxes:
        return None
    stack = np.array(boxes)
    minx, miny = stack[:, 0].min(), stack[:, 1].min()
    maxx, maxy = stack[:, 2].max(), stack[:, 3].max()
    pad = max(maxx - minx, maxy - miny) * 0.06 + 1500
    return (minx - pad, miny - pad, maxx + pad, maxy + pad)


def flow_map_data(
    store: Store, flows: FlowData, table: pd.DataFrame, origins: list[str] | None = None
) -> tuple[MapData, dict]:
    """The layers of a flow map: outline, origin areas, flow lines and arrowheads (WGS84)."""
    features, skipped = flow_features(flows, table)
    areas = store.read("areas")
    origin_ids = {o[2:] for o in (origins or []) if o.startswith("a:")}
    origin_shapes = areas[areas["area_id"].isin(origin_ids) & ~areas.geometry.isna()]
    window = _window([features, origin_shapes])
    zoom = zoom_to_fit(window) if window else NATIONAL_ZOOM
    zoom = max(min(zoom, 12), 6)
    bounds = (
        wgs84_bounds(gpd.GeoDataFrame(geometry=[shapely.box(*window)], crs=STORE_CRS))
        if window
        else DENMARK_BOUNDS
    )
    outline = store.read("outline")
    layers = {
        "outline": to_web(outline, zoom=zoom, coverage=True),
        "origins": to_web(origin_shapes[["area_id", "name", "geometry"]], zoom=zoom + 2),
        "lines": to_web(features[features["part"] == "line"], precision=1e-5),
        "heads": to_web(features[features["part"] == "head"], precision=1e-5),
    }
    return MapData(layers=layers, bounds=bounds, zoom=zoom), skipped


def receiving_layer(
    store: Store, flows: FlowData, table: pd.DataFrame, level: str
) -> gpd.GeoDataFrame:
    """Polygons of the receiving areas (or municipalities) with their published inflow.

    ``table`` has ``dest_id``, ``movers`` and ``suppressed`` per destination node. Areas come
    from the store's areas; municipalities need imported municipal boundaries (an empty frame
    otherwise).
    """
    if level == "municipality":
        shapes = store.read("municipalities")
        key = "m:" + shapes["code"].astype(str)
    else:
        shapes = store.read("areas")
        shapes = shapes[~shapes.geometry.isna()]
        key = "a:" + shapes["area_id"].astype(str)
    values = table.set_index("dest_id")
    frame = gpd.GeoDataFrame(
        {
            "dest_id": key.to_numpy(),
            "name": [flows.names.get(k, k) for k in key],
            "movers": key.map(values["movers"]).astype("Int64").to_numpy()
            if len(values)
            else pd.array([pd.NA] * len(key), dtype="Int64"),
            "suppressed": key.map(values["suppressed"]).fillna(False).astype(bool).to_numpy()
            if len(values)
            else np.zeros(len(key), bool),
        },
        geometry=shapes.geometry.values,
        crs=STORE_CRS,
    )
    received = frame["movers"].notna() | frame["suppressed"]
    return frame[received].reset_index(drop=True)


def receiving_map_data(
    store: Store, layer: gpd.GeoDataFrame, *, zoom: int = NATIONAL_ZOOM
) -> MapData:
    """The map data of the receiving-areas choropleth: ``layer`` over the outline."""
    outline = store.read("outline")
    extent = outline if len(outline) else layer
    bounds = wgs84_bounds(extent) if len(extent) else DENMARK_BOUNDS
    return MapData(
        layers={
            "outline": to_web(outline, zoom=zoom, coverage=True),
            "receiving": to_web(layer, zoom=zoom + 3),
        },
        bounds=bounds,
        zoom=zoom,
    )
