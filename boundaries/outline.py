"""Denmark's outline for the national map.

Natural Earth 1:10m Admin 0 countries (public domain), as carried by the npm package
``world-atlas`` (ISC licence) that the set-up command installs into ``node_modules``. The file
is TopoJSON in longitude/latitude with no CRS member: the CRS is a fact of that source, so it
is set here explicitly rather than assumed by a reader.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from geo import STORE_CRS, WEB_CRS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPO_ROOT / "node_modules" / "world-atlas" / "countries-10m.json"
SOURCE = "Natural Earth 1:10m Admin 0 countries, via the npm package world-atlas 2.0.2"
LICENCE = "Natural Earth: public domain; world-atlas: ISC"


class OutlineMissing(FileNotFoundError):
    """Denmark's outline file is not installed (``npm ci`` installs it)."""


def load_outline(path: str | Path | None = None) -> gpd.GeoDataFrame:
    """Return Denmark's outline (one MultiPolygon, code ``DK``) in EPSG:25832."""
    path = Path(path) if path else DEFAULT_PATH
    if not path.is_file():
        raise OutlineMissing(
            f"Denmark's outline source {path} is missing: run `npm ci` (part of `make install`)"
        )
    countries = pyogrio.read_dataframe(path, layer="countries")
    denmark = countries[countries["name"] == "Denmark"]
    if len(denmark) != 1:
        raise ValueError(f"{path}: expected one feature named 'Denmark', found {len(denmark)}")
    outline = gpd.GeoDataFrame(
        {"code": ["DK"], "name": ["Danmark"]},
        geometry=denmark.geometry.values,
        crs=WEB_CRS,
    )
    return outline.to_crs(STORE_CRS)
