"""The API says which order and cadastre an official boundary comes from, per list year."""

from __future__ import annotations

import geopandas as gpd
import pytest

from boundaries.parcels import import_parcels
from service import create_app
from tests.boundaries.cadastre_fixture import (
    MJOELNER,
    expected,
    write_cadastre_gpkg,
    write_list_csv,
)


@pytest.fixture
def client(default_store, tmp_path):
    import_parcels(
        default_store,
        write_list_csv(tmp_path / "bilag1.csv"),
        write_cadastre_gpkg(tmp_path / "matrikel.gpkg"),
        order_number="1365",
        order_date="2018-11-29",
        list_date="2018-12-01",
        cadastre_date="2018-11-15",
    )
    app = create_app({"STORE_PATH": str(default_store.path), "ACCESS_LOG": False})
    return app.test_client()


def test_area_detail_names_order_and_cadastre(client):
    body = client.get("/api/areas/mjoelnerparken").get_json()
    area = body.get("area", body)
    assert area["boundary_source"] == "official"
    assert area["boundary_note"] == "officiel afgrænsning (BEK nr. 1365 af 29/11/2018)"
    assert area["boundary_order"] == "BEK nr. 1365 af 29/11/2018"
    assert (area["boundary_valid_from"], area["boundary_cadastre_date"]) == (
        "2018-12-01",
        "2018-11-15",
    )
    other = client.get("/api/areas/vollsmose").get_json()
    other = other.get("area", other)
    assert other["boundary_source"] == "approximate" and other["boundary_order"] is None


def test_geojson_of_a_list_year_carries_the_official_shape(client):
    features = client.get("/api/areas.geojson?year=2018").get_json()["features"]
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326").to_crs("EPSG:25832")
    row = frame.set_index("area_id").loc["mjoelnerparken"]
    assert row["boundary_order"] == "BEK nr. 1365 af 29/11/2018"
    assert row.geometry.area == pytest.approx(expected(MJOELNER).area, rel=1e-3)
