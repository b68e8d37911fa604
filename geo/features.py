"""Feature queries and downloads: the geometry side of the API.

Collections follow OGC API – Features: a bbox filter (in CRS84 or EPSG:25832), paging with
``limit``/``offset`` and output in CRS84 (WGS84 longitude/latitude, the default) or EPSG:25832.
Downloads of a list year come as GeoJSON, CSV or GeoPackage, each area with its designations of
that year and the indicator values the store has for it.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from geo import STORE_CRS, WEB_CRS
from geo.areas import all_areas, areas_for_year, municipality_names
from geo.errors import NotFound
from geo.store import Store
from geo.tabular import neutralise_frame

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"
SUPPORTED_CRS = {CRS84: WEB_CRS, EPSG25832: STORE_CRS}
CRS_ALIASES = {
    "crs84": CRS84,
    "epsg:4326": CRS84,
    "4326": CRS84,
    "epsg:25832": EPSG25832,
    "25832": EPSG25832,
}
COLLECTIONS = {
    "areas": "Udpegede og øvrige almene boligområder",
    "municipalities": "Kommuner (når kommunegrænser er indlæst)",
}


def normalise_crs(value: str | None) -> str:
    """A supported CRS URI for ``value`` (URI, ``EPSG:25832`` or ``CRS84``); ValueError else."""
    if value is None or value == "":
        return CRS84
    if value in SUPPORTED_CRS:
        return value
    alias = CRS_ALIASES.get(value.strip().lower())
    if alias is None:
        raise ValueError(f"crs {value!r} is not supported; expected one of {sorted(SUPPORTED_CRS)}")
    return alias


_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,15})?|\.[0-9]{1,15})")


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minx,miny,maxx,maxy`` → floats; ValueError naming what is wrong."""
    shown = text if len(text) <= 100 else text[:100] + "…"
    parts = text.split(",")
    # plain decimal numbers in ASCII digits: float() would also take "NaN", "inf", "1e999",
    # "1_0" and Arabic-Indic digits
    if len(parts) != 4 or not all(_DECIMAL.fullmatch(p.strip()) for p in parts):
        raise ValueError(f"bbox {shown!r} must have four comma-separated numbers")
    minx, miny, maxx, maxy = (float(p) for p in parts)
    if minx > maxx or miny > maxy:
        raise ValueError(f"bbox {text!r} must be minx,miny,maxx,maxy with min ≤ max")
    return minx, miny, maxx, maxy


@dataclass
class FeaturePage:
    """One page of a collection's features, in the requested CRS, with the total matched."""

    features: gpd.GeoDataFrame  # in the requested CRS
    number_matched: int
    crs_uri: str


def _collection_frame(store: Store, collection: str, year: int | None) -> gpd.GeoDataFrame:
    if collection == "areas":
        frame = all_areas(store) if year is None else areas_for_year(store, year)
        if year is not None:
            frame = frame.assign(year=year)
        return frame
    if collection == "municipalities":
        frame = store.read("municipalities").copy()
        return frame
    raise NotFound(f"no collection {collection!r}; the collections are {sorted(COLLECTIONS)}")


def collection_extent(store: Store, collection: str) -> list[float] | None:
    """The WGS84 bounding box of a collection's located features, or None when it has none."""
    frame = _collection_frame(store, collection, None)
    frame = frame[~frame.geometry.isna()]
    if frame.empty:
        return None
    return [round(float(v), 6) for v in frame.to_crs(WEB_CRS).total_bounds]


def query_features(
    store: Store,
    collection: str,
    *,
    year: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    bbox_crs: str = CRS84,
    limit: int = 100,
    offset: int = 0,
    crs: str = CRS84,
    area_id: str | None = None,
) -> FeaturePage:
    """Features of a collection filtered by bbox (intersects), paged, in ``crs``."""
    frame = _collection_frame(store, collection, year)
    if area_id is not None:
        key = "area_id" if collection == "areas" else "code"
        frame = frame[frame[key] == area_id]
        if frame.empty:
            raise NotFound(f"no feature {area_id!r} in collection {collection!r}")
    if bbox is not None:
        box = gpd.GeoSeries([shapely.box(*bbox)], crs=SUPPORTED_CRS[bbox_crs]).to_crs(STORE_CRS)
        located = ~frame.geometry.isna()
        hit = pd.Series(False, index=frame.index)
        hit[located] = frame.geometry[located].intersects(box.iloc[0])
        frame = frame[hit]
    matched = len(frame)
    page = frame.iloc[offset : offset + limit]
    out = page.to_crs(SUPPORTED_CRS[crs])
    return FeaturePage(features=out, number_matched=matched, crs_uri=crs)


# -- downloads --------------------------------------------------------------------------------


def download_table(store: Store, year: int) -> gpd.GeoDataFrame:
    """Areas of the list of ``year`` with their designations and indicators, one row each.

    Columns: area_id, name, municipality_code, municipality_name, year, categories
    (``;``-joined), most_severe_category, boundary_source, boundary_note, uncertainty_m,
    location_source, location_source_label, location_read_via, designation_sources, then
    one column per indicator code with the value of that year (empty where the store has
    none) — geometry in EPSG:25832.
    """
    areas = areas_for_year(store, year)
    designations = store.read("designations")
    rows = designations[designations["year"] == year]
    sources = rows.groupby("area_id")["source"].agg(lambda s: " | ".join(sorted(set(s))))
    out = gpd.GeoDataFrame(
        {
            "area_id": areas["area_id"],
            "name": areas["name"],
            "municipality_code": areas["municipality_code"],
            "municipality_name": areas["municipality_name"],
            "year": year,
            "categories": areas["categories"].map(";".join),
            "most_severe_category": areas["most_severe_category"],
            "boundary_source": areas["boundary_source"],
            "boundary_note": areas["boundary_note"],
            "uncertainty_m": areas["uncertainty_m"],
            "location_source": areas["location_source"],
            "location_source_label": areas.get("location_source_label"),
            "location_read_via": areas.get("location_read_via"),
            "designation_sources": areas["area_id"].map(sources),
        },
        geometry=areas.geometry.values,
        crs=STORE_CRS,
    )
    if "indicators" in store.layers():
        from indicators.values import read_indicators

        values = read_indicators(store)  # real values only: synthetic data is never mixed in
        values = values[values["year"] == year]
        if len(values):
            wide = values.pivot_table(
                index="area_id", columns="code", values="value", aggfunc="first"
            )
            for code in wide.columns:
                out[f"ind_{code}"] = out["area_id"].map(wide[code])
    return out


def download_tables(
    store: Store, years: list[int], municipality: str | None = None
) -> gpd.GeoDataFrame:
    """:func:`download_table` for several list years, one row per area and year.

    Parameters
    ----------
    store
        The store to read.
    years
        List years, in the order the rows should come.
    municipality
        A four-digit municipality code to keep only its areas, or None for all.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows of every year, geometry in EPSG:25832.
    """
    frames = [download_table(store, year) for year in years]
    frame = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=STORE_CRS)
    if municipality is not None:
        frame = frame[frame["municipality_code"] == municipality].reset_index(drop=True)
    return frame


def table_with_centroids(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The attribute table of ``frame`` with ``centroid_lon``/``centroid_lat`` (WGS84) of
    each shape instead of its geometry (empty where an area has no shape).

    Parameters
    ----------
    frame
        A download table (:func:`download_table`), geometry in the store's CRS.

    Returns
    -------
    pandas.DataFrame
        Same rows, no geometry column, two coordinate columns rounded to 6 decimals.
    """
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    located = ~frame.geometry.isna()
    centroids = gpd.GeoSeries(frame.geometry[located].centroid, crs=frame.crs).to_crs(WEB_CRS)
    table["centroid_lon"] = centroids.x.round(6).reindex(table.index)
    table["centroid_lat"] = centroids.y.round(6).reindex(table.index)
    return table


def to_csv_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """CSV (UTF-8 with BOM, comma, decimal point) with lon/lat of each centroid.

    The service writes its downloads through ``service.downloads`` (Danish Excel dialect);
    this plain form is for scripts. Text cells that a spreadsheet would run as a formula get
    a leading ``'`` (:func:`geo.tabular.neutralise_frame`).
    """
    buffer = io.StringIO()
    neutralise_frame(table_with_centroids(frame)).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_geojson_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 GeoJSON (WGS84, no crs member)."""
    web = frame.to_crs(WEB_CRS)
    return json.dumps(
        json.loads(web.to_json(drop_id=True, to_wgs84=False)), ensure_ascii=False
    ).encode("utf-8")


def to_geopackage_bytes(frame: gpd.GeoDataFrame, layer: str) -> bytes:
    """A GeoPackage with one layer in EPSG:25832."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "download.gpkg"
        with warnings.catch_warnings():
            # an all-empty indicator column has no type to infer; GDAL says so and goes on
            warnings.simplefilter("ignore", RuntimeWarning)
            pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", promote_to_multi=True)
        return path.read_bytes()


def municipality_lookup(store: Store) -> dict[str, str]:
    """Municipality code → name (the same as :func:`geo.areas.municipality_names`)."""
    return municipality_names(store)
