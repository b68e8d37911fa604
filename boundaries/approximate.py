"""Approximate area shapes for areas without an official boundary.

No official area boundaries are published in machine-readable form, so an area is drawn as a
disc around its best known location whose radius is that location's uncertainty: the estate
is expected to lie within it. It is labelled everywhere as an approximate location, never as
the area's outline. An area whose own location is unknown falls back to its municipality's
main town with a 3 km radius; an area with neither has no shape at all.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo import STORE_CRS, WEB_CRS

APPROXIMATE_LABEL_DA = "omtrentlig placering, ikke officiel afgrænsning"
TOWN_RADIUS_M = 3000.0
# Vertices per quarter circle: enough for a round disc at street zoom, light on the page.
QUAD_SEGS = 8


def discs(points_wgs84: gpd.GeoSeries, radius_m: pd.Series) -> gpd.GeoSeries:
    """Discs of ``radius_m`` metres around WGS84 points, returned in EPSG:25832."""
    projected = points_wgs84.set_crs(WEB_CRS, allow_override=False).to_crs(STORE_CRS)
    return gpd.GeoSeries(
        shapely.buffer(projected.values, radius_m.to_numpy(dtype=float), quad_segs=QUAD_SEGS),
        index=points_wgs84.index,
        crs=STORE_CRS,
    )


LOCATION_COLUMNS = {
    "area_id": str,
    "lat": float,
    "lon": float,
    "precision_class": str,
    "uncertainty_m": float,
    "precision_note": str,
    "source_url": str,
    "source_label": str,
    "read_via": str,
}


def no_locations() -> pd.DataFrame:
    """A locations table without rows: every area then falls back to its municipality's town."""
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in LOCATION_COLUMNS.items()})


def approximate_areas(
    areas: pd.DataFrame, locations: pd.DataFrame, towns: pd.DataFrame
) -> gpd.GeoDataFrame:
    """Give every area a disc from its own location or its municipality's town.

    Parameters
    ----------
    areas
        area_id, name, municipality_code.
    locations
        area_id, lat, lon, precision_class, uncertainty_m, precision_note, source_url,
        source_label (short Danish link text), read_via (where the figure was read).
    towns
        code, town, town_lat, town_lon, town_source.
    """
    frame = areas.merge(locations, on="area_id", how="left", validate="one_to_one")
    frame = frame.merge(
        towns[["code", "town", "town_lat", "town_lon", "town_source"]],
        left_on="municipality_code",
        right_on="code",
        how="left",
    )
    own = frame["lat"].notna()
    town = ~own & frame["town_lat"].notna()
    lat = frame["lat"].where(own, frame["town_lat"])
    lon = frame["lon"].where(own, frame["town_lon"])
    radius = frame["uncertainty_m"].where(own, TOWN_RADIUS_M).astype(float)
    located = lat.notna()

    points = gpd.GeoSeries(
        gpd.points_from_xy(lon[located], lat[located]), index=frame.index[located]
    )
    geometry = gpd.GeoSeries([None] * len(frame), index=frame.index, crs=STORE_CRS)
    if located.any():
        geometry[located] = discs(points, radius[located])

    out = gpd.GeoDataFrame(
        {
            "area_id": frame["area_id"],
            "name": frame["name"],
            "municipality_code": frame["municipality_code"],
            "boundary_source": "approximate",
            "location_precision": frame["precision_class"].where(own, "municipal_town"),
            "uncertainty_m": radius.where(located),
            "location_note": frame["precision_note"].where(
                own,
                "TOWN-LEVEL ONLY: the municipality's main town ("
                + frame["town"].fillna("")
                + "); the estate's own location is not known",
            ),
            "location_source": frame["source_url"].where(own, frame["town_source"]),
            "location_source_label": frame["source_label"].where(
                own, "Koordinat for " + frame["town"].fillna("") + " (bydatasæt)"
            ),
            "location_read_via": frame["read_via"].where(own, frame["town_source"]),
        },
        geometry=geometry,
        crs=STORE_CRS,
    )
    out.loc[~located, "boundary_source"] = "none"
    out.loc[~located, "location_precision"] = "unknown"
    out.loc[~located, "location_note"] = "no location known for the area or its municipality"
    out.loc[~located, "location_source"] = ""
    out.loc[~located, "location_source_label"] = ""
    out.loc[~located, "location_read_via"] = ""
    out.loc[town, "uncertainty_m"] = TOWN_RADIUS_M
    return out
