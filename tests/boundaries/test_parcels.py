"""Official boundaries from a Bilag-1 parcel list joined to a hand-built Matriklen cadastre."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from boundaries.parcels import HISTORY_LAYER, OFFICIAL, import_parcels
from tests.boundaries.cadastre_fixture import (
    ALDERSRO,
    LUNDTOFTE,
    MJOELNER,
    PER_AREA_ROWS,
    UDENBYS,
    expected,
    per_parcel_rows,
    write_cadastre_gml,
    write_cadastre_gpkg,
    write_cadastre_shapefile,
    write_list_csv,
    write_list_xlsx,
)

ORDER = {"order_number": "1365", "order_date": "2018-11-29", "list_date": "2018-12-01"}


@pytest.fixture
def cadastre(tmp_path):
    return write_cadastre_gpkg(tmp_path / "matrikel.gpkg")


def _shapes(store) -> dict[str, shapely.Geometry]:
    areas = store.read("areas")
    return dict(zip(areas["area_id"], areas.geometry, strict=True))


def assert_same_shape(actual: shapely.Geometry, wanted: shapely.Geometry) -> None:
    # identical point sets: no area in the symmetric difference (vertex order may differ)
    assert actual.is_valid
    assert shapely.area(shapely.symmetric_difference(actual, wanted)) < 1e-6
    assert actual.area == pytest.approx(wanted.area)


def test_per_area_layout_gives_exactly_the_union_of_the_parcels(default_store, cadastre, tmp_path):
    listing = write_list_csv(tmp_path / "bilag1.csv")
    report = import_parcels(default_store, listing, cadastre, **ORDER)

    shapes = _shapes(default_store)
    assert_same_shape(shapes["mjoelnerparken"], expected(MJOELNER))
    assert_same_shape(shapes["aldersrogade"], expected(ALDERSRO))
    assert_same_shape(shapes["lundtoftegade"], expected(LUNDTOFTE))
    # the ring keeps its hole; the two Aldersrogade parcels stay two polygons
    ring = shapes["mjoelnerparken"]
    assert shapely.get_num_geometries(ring) == 1
    assert shapely.get_num_interior_rings(shapely.get_geometry(ring, 0)) == 1
    assert shapely.get_num_geometries(shapes["aldersrogade"]) == 2
    assert report.layout.startswith("one row per area")
    by_id = {a.area_id: a for a in report.areas}
    assert by_id["mjoelnerparken"].features == 9  # 8 parcels, 6003 drawn as two features
    assert (by_id["mjoelnerparken"].parts, by_id["mjoelnerparken"].holes) == (1, 1)


def test_both_layouts_and_both_schemas_give_the_same_boundaries(default_store, cadastre, tmp_path):
    import_parcels(default_store, write_list_csv(tmp_path / "a.csv"), cadastre, **ORDER)
    first = _shapes(default_store)
    report = import_parcels(
        default_store,
        write_list_xlsx(tmp_path / "b.xlsx"),
        write_cadastre_shapefile(tmp_path / "JORDSTYKKE.shp"),
        cadastre_date="2018-11-01",
        **ORDER,
    )
    assert report.layout == "one row per parcel"
    assert report.schema.startswith("Matrikelkortet Shapefile: ELAVSKODE + MATRNR")
    second = _shapes(default_store)
    for area_id in ("mjoelnerparken", "aldersrogade", "lundtoftegade"):
        assert_same_shape(second[area_id], first[area_id])


def test_stored_with_source_order_and_dates(default_store, cadastre, tmp_path):
    report = import_parcels(
        default_store, write_list_csv(tmp_path / "bilag1.csv"), cadastre, **ORDER
    )
    row = default_store.read("areas").set_index("area_id").loc["mjoelnerparken"]
    assert row["boundary_source"] == OFFICIAL
    assert row["boundary_note"] == "officiel afgrænsning (BEK nr. 1365 af 29/11/2018)"
    assert row["boundary_order"] == "BEK nr. 1365 af 29/11/2018"
    assert row["boundary_order_date"] == "2018-11-29"
    assert row["boundary_valid_from"] == "2018-12-01"
    # the GeoPackage's own date of the jordstykke layer, as the report says
    assert row["boundary_cadastre_date"] == report.cadastre_date
    assert report.cadastre_date_from == "the GeoPackage's last_change of the layer"
    assert pd.isna(row["uncertainty_m"])
    provenance = default_store.read("provenance").set_index("dataset")
    assert "BEK nr. 1365 af 29/11/2018" in provenance.loc["official_boundaries", "description"]


def test_missing_parcel_is_named_by_area_ejerlav_and_number(default_store, cadastre, tmp_path):
    report = import_parcels(
        default_store, write_list_csv(tmp_path / "bilag1.csv"), cadastre, **ORDER
    )
    assert report.missing == [("Aldersrogade", UDENBYS, "5418")]
    assert "Aldersrogade: ejerlav 2000173, matrikelnummer 5418" in report.summary()
    row = default_store.read("areas").set_index("area_id").loc["aldersrogade"]
    assert row["boundary_parcels_missing"] == "2000173 5418"
    assert (row["boundary_parcels_listed"], row["boundary_parcels_found"]) == (3, 2)


def test_area_with_no_parcel_in_the_cadastre_refuses_the_file(
    default_store, cadastre, tmp_path, assert_refused
):
    rows = [*PER_AREA_ROWS, ("Bispeparken", "København", "2000175", "1, 2a")]
    listing = write_list_csv(tmp_path / "bilag1.csv", rows)
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, cadastre, **ORDER),
        "bilag1.csv",
        "row 5",
        "none of the 2 parcel(s) of 'Bispeparken' is in the cadastre",
        "2000175 1, 2000175 2a",
    )


def test_unknown_area_is_refused_then_added_with_add_new(
    default_store, cadastre, tmp_path, assert_refused
):
    rows = [*PER_AREA_ROWS, ("Blågården", "København", "2000173", "9999")]
    listing = write_list_csv(tmp_path / "bilag1.csv", rows)
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, cadastre, **ORDER),
        "row 5",
        "'Blågården'",
        "no area in the store matches this name in municipality 0101",
        "--add-new",
    )
    report = import_parcels(default_store, listing, cadastre, add_new=True, **ORDER)
    assert [a.area_id for a in report.areas if a.new] == ["blaagaarden"]
    row = default_store.read("areas").set_index("area_id").loc["blaagaarden"]
    assert (row["name"], row["municipality_code"]) == ("Blågården", "0101")
    assert_same_shape(row.geometry, expected({(UDENBYS, "9999"): (1, 1)}))


@pytest.mark.parametrize(
    ("row", "fragments"),
    [
        (
            ("Lundtoftegade", "København", "10051,2000173", "14gf,4823,172b"),
            ["column 'landsejerlavskode'", "'10051,2000173'", "several ejerlav codes"],
        ),
        (
            ("Lundtoftegade", "København", "10051", "14gf, 14-gf"),
            ["column 'matrikelnummer'", "'14-gf' is not a matrikelnummer"],
        ),
        (
            ("Lundtoftegade", "København", "10051", "6307.234"),
            ["looks like a decimal number", "'6307.234'"],
        ),
        (("Lundtoftegade", "Københavnn", "10051", "14gf"), ["unknown municipality"]),
        (("Lundtoftegade", "", "10051", "14gf"), ["the Kommune cell is blank"]),
        (
            ("Lundtoftegade", "København", "10051", "6307"),
            ["column 'matrikelnummer'", "none of the 1 parcel(s) of 'Lundtoftegade'", "10051 6307"],
        ),
    ],
)
def test_bad_list_rows_are_named_and_refuse_the_file(
    default_store, cadastre, tmp_path, assert_refused, row, fragments
):
    listing = write_list_csv(tmp_path / "bilag1.csv", [*PER_AREA_ROWS[:2], row])
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, cadastre, **ORDER),
        "bilag1.csv",
        "row 3",
        *fragments,
    )


def test_parcel_listed_for_two_areas_is_refused(default_store, cadastre, tmp_path, assert_refused):
    rows = [*PER_AREA_ROWS, ("Bispeparken", "København", "2000173", "234")]
    listing = write_list_csv(tmp_path / "bilag1.csv", rows)
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, cadastre, **ORDER),
        "row 5",
        "parcel 2000173 234 is listed for 'Bispeparken' and, in row 1, for 'Mjølnerparken'",
    )


def test_missing_headers_are_named(default_store, cadastre, tmp_path, assert_refused):
    listing = tmp_path / "bilag1.csv"
    listing.write_text("Område;Kommune;Matrikel\nMjølnerparken;København;6307\n")
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, cadastre, **ORDER),
        "missing column 'ejerlav'",
        "'landsejerlavskode'",
        "missing column 'parcels'",
    )


def test_cadastre_without_a_known_schema_lists_its_fields(default_store, tmp_path, assert_refused):
    from tests.boundaries.cadastre_fixture import cadastre_frame

    path = tmp_path / "parcels.gpkg"
    cadastre_frame("elav", "nummer").to_file(path, layer="jordstykke", engine="pyogrio")
    listing = write_list_csv(tmp_path / "bilag1.csv")
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, path, **ORDER),
        "parcels.gpkg",
        "no known cadastre schema fits the fields elav, nummer",
        "--ejerlav-field",
    )
    report = import_parcels(
        default_store, listing, path, ejerlav_field="elav", parcel_field="nummer", **ORDER
    )
    assert len(report.areas) == 3


def test_shapefile_without_a_date_needs_cadastre_date(default_store, tmp_path, assert_refused):
    shapefile = write_cadastre_shapefile(tmp_path / "JORDSTYKKE.shp")
    listing = write_list_csv(tmp_path / "bilag1.csv")
    assert_refused(
        default_store,
        lambda: import_parcels(default_store, listing, shapefile, **ORDER),
        "JORDSTYKKE.shp",
        "the cadastre's date is not known",
        "--cadastre-date",
    )


def test_layer_is_chosen_in_a_geopackage_with_several(default_store, cadastre, tmp_path):
    listing = write_list_csv(tmp_path / "bilag1.csv")
    with pytest.raises(Exception, match="has no layer 'parceller'"):
        import_parcels(default_store, listing, cadastre, layer="parceller", **ORDER)
    report = import_parcels(default_store, listing, cadastre, layer="JORDSTYKKE", **ORDER)
    assert len(report.areas) == 3


def test_history_keeps_each_order_and_the_earlier_shape(default_store, cadastre, tmp_path):
    disc = _shapes(default_store)["mjoelnerparken"]
    import_parcels(default_store, write_list_csv(tmp_path / "b2018.csv"), cadastre, **ORDER)
    # a later order drops parcel 5997 from Mjølnerparken
    rows = [
        ("Mjølnerparken", "København", "2000173", "6307, 234, 6003, 6002, 5988, 5985, 6000"),
    ]
    import_parcels(
        default_store,
        write_list_csv(tmp_path / "b2021.csv", rows),
        cadastre,
        order_number="1000",
        order_date="2021-06-30",
        list_date="2021-07-01",
    )
    history = default_store.read(HISTORY_LAYER)
    own = history[history["area_id"] == "mjoelnerparken"].sort_values("boundary_valid_from")
    assert own["boundary_valid_from"].tolist() == ["", "2018-12-01", "2021-07-01"]
    assert own["boundary_source"].tolist() == ["approximate", OFFICIAL, OFFICIAL]
    assert_same_shape(own.geometry.iloc[0], disc)
    later = {k: v for k, v in MJOELNER.items() if k != (UDENBYS, "5997")}
    assert_same_shape(own.geometry.iloc[2], expected(later))
    # the current shape is the latest order's, also after importing the 2018 order again
    import_parcels(default_store, write_list_csv(tmp_path / "b2018.csv"), cadastre, **ORDER)
    row = default_store.read("areas").set_index("area_id").loc["mjoelnerparken"]
    assert row["boundary_order"] == "BEK nr. 1000 af 30/06/2021"
    assert_same_shape(row.geometry, expected(later))
    history = default_store.read(HISTORY_LAYER)
    assert (history["area_id"] == "mjoelnerparken").sum() == 3  # replaced, not duplicated


def test_excel_per_parcel_list_with_numeric_cells(default_store, cadastre, tmp_path):
    # Excel stores 2000173 and 6307 as numbers; they are read as the same codes
    rows = [(a, k, int(e), int(p) if p.isdigit() else p) for a, k, e, p in per_parcel_rows()]
    listing = write_list_xlsx(tmp_path / "bilag1.xlsx", rows)
    report = import_parcels(default_store, listing, cadastre, **ORDER)
    assert report.missing == [("Aldersrogade", UDENBYS, "5418")]
    assert_same_shape(_shapes(default_store)["mjoelnerparken"], expected(MJOELNER))


def test_gml_cadastre_in_the_2014_schema(default_store, tmp_path):
    gml = write_cadastre_gml(tmp_path / "MATRIKELKORT.gml")
    report = import_parcels(
        default_store,
        write_list_csv(tmp_path / "bilag1.csv"),
        gml,
        cadastre_date="2018-11-15",
        **ORDER,
    )
    assert report.schema == "Matrikelkortet GML: landsejerlavskode + matrikelnummer"
    assert report.cadastre_date == "2018-11-15"
    assert_same_shape(_shapes(default_store)["mjoelnerparken"], expected(MJOELNER))
