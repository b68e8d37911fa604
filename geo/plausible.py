"""Plausibility rules shared by every import: what refuses a file instead of being noted.

A value that is well-formed but cannot be true — a coordinate outside Denmark, a list year
before the rules existed or after today — refuses the whole file, naming the row or feature.
The importers (boundaries, indicators, lists, moves) call these; nothing here reads files.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import shapely
from pyproj import CRS, Transformer

# Denmark's extent (Blåvandshuk 8.07° E, Ertholmene 15.20° E, Gedser 54.56° N, Grenen
# 57.75° N) with a buffer of about 10 km. A feature must lie wholly inside it. The box is a
# box: a feature in Skåne or Schleswig passes it (README, known limits).
DENMARK_LONLAT = (7.9, 54.45, 15.35, 57.85)

# The first rule version the indicators are evaluated under (indicators/rules: 2010).
FIRST_LIST_YEAR = 2010


def year_bounds(today: _dt.date | None = None) -> tuple[int, int]:
    """The years a list year may take: from the first rule version (2010) to this year.

    A list of 1 December of a year later than today cannot exist yet, so such a year refuses
    the row rather than being stored.
    """
    today = today or _dt.date.today()
    return FIRST_LIST_YEAR, today.year


def _to_lonlat(crs: CRS | str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(crs), "EPSG:4326", always_xy=True)


def lonlat_inside(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """True where a longitude/latitude pair lies in Denmark (with the buffer)."""
    minx, miny, maxx, maxy = DENMARK_LONLAT
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    return (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)


def features_outside_denmark(geometries: np.ndarray, crs: CRS | str) -> list[tuple[int, str]]:
    """The features that do not lie wholly in Denmark, with the reason for each.

    Parameters
    ----------
    geometries
        Shapely geometries in ``crs`` (missing or empty ones are skipped).
    crs
        Their CRS, as the file declares it or as the user gave it.

    Returns
    -------
    list of (index, reason)
        0-based positions with a one-line reason; the reason says when the feature would lie
        in Denmark with its two axes exchanged (latitude and longitude swapped, or easting and
        northing), the commonest cause.
    """
    geoms = np.asarray(geometries, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    out: list[tuple[int, str]] = []
    if not present.any():
        return out
    transformer = _to_lonlat(crs)
    idx = np.flatnonzero(present)
    bounds = shapely.bounds(geoms[idx])
    with np.errstate(invalid="ignore"):
        lon0, lat0 = transformer.transform(bounds[:, 0], bounds[:, 1])
        lon1, lat1 = transformer.transform(bounds[:, 2], bounds[:, 3])
    finite = np.isfinite([lon0, lat0, lon1, lat1]).all(axis=0)
    inside = finite & lonlat_inside(lon0, lat0) & lonlat_inside(lon1, lat1)
    if not inside.all():
        # bounding boxes are not enough for a transformed polygon: test every vertex of the
        # features whose box failed (few), to give the exact reason
        for k in np.flatnonzero(~inside):
            i = int(idx[k])
            coords = shapely.get_coordinates(geoms[i])
            lon, lat = transformer.transform(coords[:, 0], coords[:, 1])
            if np.isfinite(lon).all() and lonlat_inside(lon, lat).all():
                continue
            slon, slat = transformer.transform(coords[:, 1], coords[:, 0])
            if np.isfinite(slon).all() and lonlat_inside(slon, slat).all():
                out.append(
                    (
                        i,
                        "lies outside Denmark, and inside it with its two coordinates exchanged:"
                        " the axes are swapped (latitude/longitude or easting/northing)",
                    )
                )
                continue
            good = np.isfinite(lon) & np.isfinite(lat)
            where = (
                f"around {np.nanmean(lat[good]):.2f}° N {np.nanmean(lon[good]):.2f}° E"
                if good.any()
                else "at coordinates that cannot be transformed"
            )
            out.append((i, f"lies outside Denmark ({where})"))
    return out
