"""Danish place names from GeoNames (geo/places.py) and the labels each map shows
(geo/maps/labels.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy.testing as npt
import pytest
import shapely

from geo import STORE_CRS
from geo.maps.labels import (
    LOCAL_FALLBACK_POPULATION,
    LOCAL_MIN_POPULATION,
    NATIONAL_MIN_POPULATION,
    NEIGHBOUR_MIN_POPULATION,
    min_zooms,
    municipality_labels,
    national_labels,
)
from geo.places import (
    DANISH_NAMES,
    EXCLUDED,
    danish_places,
    gazetteer_records,
    places_from_records,
    size_class,
)

# Denmark with Bornholm and Christiansø, in WGS84 (west, south, east, north).
DENMARK_BBOX = (8.0, 54.5, 15.2, 57.8)


@pytest.fixture(scope="module")
def danish_records() -> list[dict]:
    return [r for r in gazetteer_records() if r["countrycode"] == "DK"]


def _record(gid: int, name: str, population: int, lon=10.0, lat=56.0, country="DK") -> dict:
    return {
        "geonameid": gid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": country,
        "population": population,
        "admin1code": "18",
        "alternatenames": [],
    }


# --- the data -------------------------------------------------------------------------------


def test_places_carry_danish_names_not_exonyms():
    names = set(danish_places()["name"])
    assert {"København", "Aarhus", "Odense", "Aalborg", "Skærbæk"} <= names
    assert not names & {"Copenhagen", "Århus", "Skaerbaek"}


def test_every_name_correction_matches_one_record_and_its_alternate_names(danish_records):
    for geonames_name, danish in DANISH_NAMES.items():
        matching = [r for r in danish_records if r["name"] == geonames_name]
        assert len(matching) == 1, f"{geonames_name!r}: {len(matching)} Danish records"
        assert danish in matching[0]["alternatenames"], (geonames_name, danish)


def test_excluded_records_exist_and_are_left_out(danish_records):
    by_id = {r["geonameid"]: r for r in danish_records}
    assert set(EXCLUDED) <= set(by_id), "an excluded id is not in the data"
    for gid in EXCLUDED:
        # each one duplicates the population of another Danish record
        twins = [
            r
            for r in danish_records
            if r["population"] == by_id[gid]["population"] and r["geonameid"] != gid
        ]
        assert twins, f"{gid} {by_id[gid]['name']} duplicates no other record"
    assert not set(danish_places()["geonameid"]) & set(EXCLUDED)
    assert "Klinteby Frihed" not in set(danish_places()["name"])
    assert "Avedøre" in set(danish_places()["name"])


def test_exclusion_and_renaming_work_on_hand_built_records():
    records = [
        _record(2618425, "Copenhagen", 1_000_000, 12.57, 55.68),
        _record(2618741, "Klinteby Frihed", 53_443),
        _record(1, "Oslo", 700_000, 10.75, 59.91, country="NO"),
        _record(2, "Brøndbyvester", 20_000, 12.41, 55.65),
    ]
    places = places_from_records(records)
    assert list(places["name"]) == ["København", "Brøndbyvester"]
    assert list(places["rank"]) == [1, 2]
    assert places.crs == STORE_CRS


def test_population_filter_is_inclusive_and_ordered():
    places = danish_places(40_000)
    assert (places["population"] >= 40_000).all()
    assert 40_000 in set(places["population"])  # Ballerup and Charlottenlund: exactly 40,000
    assert len(danish_places(40_001)) < len(places)
    assert list(places["population"]) == sorted(places["population"], reverse=True)
    assert list(places["rank"]) == list(range(1, len(places) + 1))
    assert len(danish_places()) > 300  # every Danish town from 1,000 inhabitants


def test_places_lie_in_denmark():
    lonlat = danish_places().to_crs("EPSG:4326").geometry
    west, south, east, north = DENMARK_BBOX
    assert lonlat.x.between(west, east).all()
    assert lonlat.y.between(south, north).all()
    aarhus = danish_places().set_index("name").to_crs("EPSG:4326").loc["Aarhus", "geometry"]
    npt.assert_allclose([aarhus.x, aarhus.y], [10.21, 56.16], atol=0.02)


def test_size_class_bounds_are_inclusive():
    assert [size_class(p) for p in (100_000, 99_999, 40_000, 39_999, 10_000, 9_999, 0)] == [
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
    with pytest.raises(ValueError, match="negative"):
        size_class(-1)


def test_places_are_read_once_per_process():
    assert danish_places() is not danish_places()  # callers get their own copy …
    from geo.places import _all_places

    assert _all_places() is _all_places()  # … of one table read once


# --- the labels -----------------------------------------------------------------------------


def _frame(rows: list[tuple[str, int, float, float]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "name": [r[0] for r in rows],
            "size": [r[1] for r in rows],
            "rank": list(range(1, len(rows) + 1)),
        },
        geometry=gpd.points_from_xy([r[2] for r in rows], [r[3] for r in rows]),
        crs="EPSG:4326",
    )
    return frame.to_crs(STORE_CRS)


def test_a_smaller_place_beside_a_larger_one_waits_for_a_higher_zoom():
    # 5 km apart east-west: overlapping at zoom 7, apart at zoom 12
    frame = _frame([("Storby", 1, 10.0, 56.0), ("Lilleby", 3, 10.08, 56.0)])
    big, small = min_zooms(frame, range(5, 15))
    assert big == 5
    assert 8 <= small <= 12


def test_a_larger_place_is_never_hidden_by_a_smaller_one():
    frame = _frame([("Storby", 1, 10.08, 56.0), ("Lilleby", 3, 10.0, 56.0)])
    assert min_zooms(frame, range(5, 15))[0] == 5


def test_far_apart_places_are_shown_from_the_lowest_zoom():
    frame = _frame([("Vest", 2, 8.5, 55.5), ("Øst", 2, 12.5, 55.7)])
    assert min_zooms(frame, range(5, 15)) == [5, 5]


def test_national_labels_are_the_largest_places_without_overlap_at_the_opening_zoom():
    labels = national_labels()
    assert (labels["population"] >= NATIONAL_MIN_POPULATION).all()
    assert labels.crs.to_epsg() == 4326
    assert {"København", "Aarhus", "Odense", "Aalborg"} <= set(labels["name"])
    shown = labels[labels["min_zoom"] <= 7]
    assert 10 <= len(shown) <= 18
    assert set(shown["name"]) >= {"København", "Aarhus", "Odense", "Aalborg", "Esbjerg"}
    assert "Frederiksberg" not in set(shown["name"])  # inside København at this scale


def test_municipality_labels_keep_local_towns_and_big_neighbours():
    # a 20 x 20 km square around Aarhus as the "municipality", a wider window around it
    aarhus = danish_places().set_index("name").loc["Aarhus", "geometry"]
    square = shapely.box(aarhus.x - 10_000, aarhus.y - 10_000, aarhus.x + 10_000, aarhus.y + 10_000)
    municipality = gpd.GeoDataFrame(geometry=[square], crs=STORE_CRS)
    window = (aarhus.x - 40_000, aarhus.y - 40_000, aarhus.x + 40_000, aarhus.y + 40_000)
    labels = municipality_labels(window, municipality).to_crs(STORE_CRS)
    inside = labels.within(square)
    assert "Aarhus" in set(labels[inside]["name"])
    assert (labels[inside]["population"] >= LOCAL_MIN_POPULATION).all()
    assert (labels[~inside]["population"] >= NEIGHBOUR_MIN_POPULATION).all()
    assert (~inside).any(), "no neighbour in view"
    assert labels.within(shapely.box(*window)).all()


def test_municipality_labels_fall_back_to_smaller_towns_when_few():
    # Ærø: no town of 5,000, so Marstal (about 2,000) is named
    marstal = danish_places().set_index("name").loc["Marstal", "geometry"]
    x, y = marstal.x, marstal.y
    square = shapely.box(x - 15_000, y - 10_000, x + 15_000, y + 10_000)
    municipality = gpd.GeoDataFrame(geometry=[square], crs=STORE_CRS)
    labels = municipality_labels(square.bounds, municipality)
    assert "Marstal" in set(labels["name"])
    assert "Ærøskøbing" not in set(labels["name"])  # 935 inhabitants: below the fallback
    assert labels["population"].min() >= LOCAL_FALLBACK_POPULATION
    assert labels["population"].min() < LOCAL_MIN_POPULATION


def test_municipality_labels_refuse_another_crs():
    municipality = gpd.GeoDataFrame(geometry=[shapely.box(10, 56, 10.1, 56.1)], crs="EPSG:4326")
    with pytest.raises(ValueError, match="EPSG:25832"):
        municipality_labels((0, 0, 1, 1), municipality)
