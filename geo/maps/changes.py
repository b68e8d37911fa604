"""The layers of the changes map: every changed area coloured by what happened to it."""

from __future__ import annotations

import geopandas as gpd

from geo.changes import ListChanges
from geo.maps.layers import NATIONAL_ZOOM, MapData, wgs84_bounds
from geo.maps.simplify import to_web
from geo.store import Store


def changes_map_data(store: Store, changes: ListChanges) -> MapData:
    """Outline plus the changed areas for the national view.

    The areas carry ``change_kind``, ``map_class`` and ``certain`` (see
    :class:`~geo.changes.AreaChange`).

    Areas without a location are returned in the ``unlocated`` layer (no geometry), so the
    page's table can say they are not on the map.
    """
    areas = store.read("areas")
    kinds = {a.area_id: a for a in changes.areas}
    changed = areas[areas["area_id"].isin(kinds)].copy()
    changed["change_kind"] = changed["area_id"].map(lambda a: kinds[a].kind)
    changed["map_class"] = changed["area_id"].map(lambda a: kinds[a].map_class)
    changed["certain"] = changed["change_kind"] != "uncertain"
    changed["most_severe_before"] = changed["area_id"].map(lambda a: kinds[a].most_severe_before)
    changed["most_severe_after"] = changed["area_id"].map(lambda a: kinds[a].most_severe_after)
    located = changed[~changed.geometry.isna()]
    outline = store.read("outline")
    extent = outline if len(outline) else located
    bounds = wgs84_bounds(extent) if len(extent) else [[54.5, 8.0], [57.8, 15.2]]
    return MapData(
        layers={
            "outline": to_web(outline, zoom=NATIONAL_ZOOM, coverage=True),
            "areas": to_web(gpd.GeoDataFrame(located, geometry="geometry"), zoom=NATIONAL_ZOOM + 4),
            "unlocated": changed[changed.geometry.isna()].drop(columns="geometry"),
        },
        bounds=bounds,
        zoom=NATIONAL_ZOOM,
    )
