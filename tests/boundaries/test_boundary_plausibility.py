"""Boundary imports refuse what cannot be true instead of noting it: a feature outside
Denmark, one feature with swapped axes among good ones, a name that only starts like a known
area, a file without features."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from boundaries.importer import import_boundaries


def _geojson(path, features):
    path.write_text(
        json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8"
    )
    return path


def _square(lon, lat, name, code="0751", d=0.002):
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {
        "type": "Feature",
        "properties": {"name": name, "kommunekode": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _swapped(feature):
    ring = feature["geometry"]["coordinates"][0]
    feature["geometry"]["coordinates"] = [[[y, x] for x, y in ring]]
    return feature


GOOD = [
    _square(10.135, 56.155, "Gellerupparken/Toveshøj"),
    _square(10.170, 56.120, "Bispehaven"),
]


def test_one_swapped_feature_among_good_ones_refuses_the_file(
    default_store, tmp_path, assert_refused
):
    path = _geojson(tmp_path / "a.geojson", [*GOOD, _swapped(_square(10.21, 56.13, "X"))])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas", add_new=True),
        "feature 3 lies outside Denmark, and inside it with its two coordinates exchanged",
        "axes are swapped",
    )


def test_swapped_projected_coordinates_refused(default_store, tmp_path, assert_refused):
    frame = gpd.GeoDataFrame(
        {"KOMKODE": ["101", "147"], "KOMNAVN": ["København", "Frederiksberg"]},
        geometry=[
            shapely.box(720000, 6175000, 721000, 6176000),
            shapely.box(6175000, 720000, 6176000, 721000),
        ],
        crs="EPSG:25832",
    )
    path = tmp_path / "k.gpkg"
    frame.to_file(path, driver="GPKG")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="municipalities"),
        "feature 2 lies outside Denmark, and inside it with its two coordinates exchanged",
    )


@pytest.mark.parametrize(
    ("lon", "lat", "where"),
    [(13.40, 52.52, "52.52° N 13.40° E"), (10.0, 59.5, "59.50° N 10.00° E")],
)
def test_a_feature_outside_denmark_refuses_the_file(
    default_store, tmp_path, assert_refused, lon, lat, where
):
    path = _geojson(tmp_path / "a.geojson", [*GOOD, _square(lon, lat, "Bispehaven")])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        "feature 3 lies outside Denmark",
        where,
    )


def test_a_name_starting_like_a_known_area_is_refused(default_store, tmp_path, assert_refused):
    path = _geojson(tmp_path / "a.geojson", [*GOOD, _square(10.18, 56.11, "Bispehavens Kollegium")])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        "feature 3 ('Bispehavens Kollegium'): no area of that name in municipality 0751; "
        "did you mean 'Bispehaven'",
    )


def test_a_file_without_features_is_refused(default_store, tmp_path, assert_refused):
    path = _geojson(tmp_path / "empty.geojson", [])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        str(path),
        "the file has no features: nothing to import",
    )
