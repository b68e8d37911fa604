"""A list year is drawn with the boundary in force on 1 December of that year."""

from __future__ import annotations

import pytest
import shapely

from boundaries.parcels import import_parcels
from geo.areas import areas_for_year, list_date, with_boundaries_in_force
from geo.maps.layers import municipality_map_data, national_map_data
from tests.boundaries.cadastre_fixture import (
    MJOELNER,
    UDENBYS,
    expected,
    write_cadastre_gpkg,
    write_list_csv,
)

LATER = {k: v for k, v in MJOELNER.items() if k != (UDENBYS, "5997")}


@pytest.fixture
def two_orders(default_store, tmp_path):
    """Mjølnerparken bounded by a 2019 order, and by a smaller 2021 order after it."""
    cadastre = write_cadastre_gpkg(tmp_path / "matrikel.gpkg")
    first = [("Mjølnerparken", "København", "2000173", "6307,234,6003,6002,5988,5985,6000,5997")]
    later = [("Mjølnerparken", "København", "2000173", "6307,234,6003,6002,5988,5985,6000")]
    import_parcels(
        default_store,
        write_list_csv(tmp_path / "a.csv", first),
        cadastre,
        order_number="900",
        order_date="2019-11-28",
        list_date="2019-12-01",
    )
    import_parcels(
        default_store,
        write_list_csv(tmp_path / "b.csv", later),
        cadastre,
        order_number="1000",
        order_date="2021-11-30",
        list_date="2021-12-01",
    )
    return default_store


def _mjoelner(frame):
    return frame.set_index("area_id").loc["mjoelnerparken"]


def _same(a, b) -> bool:
    return shapely.area(shapely.symmetric_difference(a, b)) < 1e-6


def test_list_date_is_1_december():
    assert list_date(2021) == "2021-12-01"


def test_each_list_year_gets_the_boundary_in_force_on_1_december(two_orders):
    disc = two_orders.read("area_boundaries").query("boundary_valid_from == ''")
    disc = disc.set_index("area_id").geometry["mjoelnerparken"]
    # 2018: before any official boundary, the approximate disc (still dashed and labelled)
    row = _mjoelner(areas_for_year(two_orders, 2018))
    assert row["boundary_source"] == "approximate"
    assert _same(row.geometry, disc)
    # 2019 and 2020: the 2019 order; 2021 on: the 2021 order (in force from 1 December 2021)
    for year, parcels, order in (
        (2019, MJOELNER, "BEK nr. 900 af 28/11/2019"),
        (2020, MJOELNER, "BEK nr. 900 af 28/11/2019"),
        (2021, LATER, "BEK nr. 1000 af 30/11/2021"),
        (2022, LATER, "BEK nr. 1000 af 30/11/2021"),
    ):
        row = _mjoelner(areas_for_year(two_orders, year))
        assert row["boundary_source"] == "official", year
        assert row["boundary_order"] == order, year
        assert _same(row.geometry, expected(parcels)), year


def test_maps_of_a_year_draw_that_years_boundary(two_orders):
    for year, parcels in ((2019, MJOELNER), (2022, LATER)):
        national = national_map_data(two_orders, year).layers["areas"]
        municipal = municipality_map_data(two_orders, "0101", year).layers["areas"]
        for layer in (national, municipal):
            shape = _mjoelner(layer.to_crs("EPSG:25832")).geometry
            # simplified for the web, so compare areas, not vertices
            assert shape.area == pytest.approx(expected(parcels).area, rel=0.02), year


def test_areas_without_history_are_unchanged(two_orders):
    areas = two_orders.read("areas")
    others = areas[areas["area_id"] != "mjoelnerparken"]
    out = with_boundaries_in_force(two_orders, others, "2020-12-01")
    assert out.geometry.to_wkb().tolist() == others.geometry.to_wkb().tolist()
    assert out["boundary_source"].tolist() == others["boundary_source"].tolist()


def test_boundary_versions_of_an_area(two_orders):
    from geo.areas import boundary_versions

    versions = boundary_versions(two_orders, "mjoelnerparken")
    assert [v["boundary_valid_from"] for v in versions] == ["", "2019-12-01", "2021-12-01"]
    assert [v["valid_to"] for v in versions] == ["2019-12-01", "2021-12-01", None]
    assert versions[0]["boundary_source"] == "approximate"
    assert versions[0]["boundary_order"] is None
    assert versions[2]["boundary_order"] == "BEK nr. 1000 af 30/11/2021"
    assert versions[2]["boundary_parcels_listed"] == 7
    assert boundary_versions(two_orders, "vollsmose") == []
