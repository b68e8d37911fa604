"""import_boundaries end to end: hand-made files, the real DAGI files, area matching, refusals."""

from __future__ import annotations

import json
import re
import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely

from boundaries.importer import LAYERS, ImportReport, import_boundaries
from geo.errors import StoreError
from geo.store import Store, StoreWriter

DENMARK_25832 = (400_000, 6_000_000, 920_000, 6_420_000)  # generous (xmin, ymin, xmax, ymax)


def write(frame: gpd.GeoDataFrame, path):
    frame.to_file(path, engine="pyogrio")
    return path


def square(x: float, y: float, side: float = 300.0) -> shapely.Polygon:
    return shapely.box(x, y, x + side, y + side)


def provenance(store: Store, dataset: str) -> dict:
    table = store.read("provenance")
    return table[table["dataset"] == dataset].iloc[0].to_dict()


# -- base layers ----------------------------------------------------------------------------


def test_layer_must_be_known(default_store, squares, tmp_path):
    path = write(squares, tmp_path / "k.gpkg")
    with pytest.raises(ValueError) as info:
        import_boundaries(default_store, path, layer="counties", id_field="KOMKODE")
    for allowed in ("areas", "municipalities", "regions", "parishes", "postal_districts"):
        assert allowed in str(info.value)
    assert LAYERS == ("areas", "municipalities", "regions", "parishes", "postal_districts")


def test_store_must_exist(tmp_path, squares):
    path = write(squares, tmp_path / "k.gpkg")
    with pytest.raises(StoreError):
        import_boundaries(Store(tmp_path / "none.gpkg"), path, layer="regions", id_field="KOMKODE")
    assert not (tmp_path / "none.gpkg").exists()


def make_format(kind: str, squares: gpd.GeoDataFrame, tmp_path):
    if kind == "gpkg":
        return write(squares, tmp_path / "k.gpkg")
    if kind == "shp":
        return write(squares, tmp_path / "k.shp")
    if kind == "zip":
        write(squares, tmp_path / "k.shp")
        archive = tmp_path / "k.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for part in tmp_path.glob("k.*"):
                if part != archive:
                    zf.write(part, part.name)
        return archive
    if kind == "geojson":
        return write(squares.to_crs("EPSG:4326"), tmp_path / "k.geojson")
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["gpkg", "shp", "zip", "geojson"])
def test_municipalities_from_each_format(default_store, squares, tmp_path, kind):
    path = make_format(kind, squares, tmp_path)
    version = int(default_store.data_version)
    report = import_boundaries(
        default_store, path, layer="municipalities", id_field="KOMKODE", name_field="KOMNAVN"
    )
    assert isinstance(report, ImportReport)
    assert (report.features_read, report.records_written, report.dissolved) == (2, 2, 0)
    stored = default_store.read("municipalities")
    assert list(stored.columns) == ["code", "name", "geometry"]
    assert list(stored["code"]) == ["0101", "0147"]
    assert list(stored["name"]) == ["København", "Frederiksberg"]
    assert stored.crs.to_epsg() == 25832
    assert set(stored.geom_type) == {"MultiPolygon"}
    assert np.allclose(stored.area, 1e6, rtol=1e-6)
    assert int(default_store.data_version) == version + 1
    row = provenance(default_store, "municipalities")
    assert row["source"] == path.name
    assert row["licence"] == "as supplied by the importer"
    assert row["records"] == 2


def test_features_sharing_a_code_are_dissolved_and_source_recorded(default_store, tmp_path):
    frame = gpd.GeoDataFrame(
        {"REGIONKODE": ["1084", "1084", "1085"], "REGIONNAVN": ["Hovedstaden", "", "Sjælland"]},
        geometry=[
            square(720_000, 6_175_000),
            square(720_300, 6_175_000),
            square(700_000, 6_150_000),
        ],
        crs="EPSG:25832",
    )
    path = write(frame, tmp_path / "regioner.gpkg")
    report = import_boundaries(
        default_store,
        path,
        layer="regions",
        id_field="REGIONKODE",
        name_field="REGIONNAVN",
        source="DAGI, Klimadatastyrelsen",
    )
    assert (report.records_written, report.dissolved) == (2, 1)
    stored = default_store.read("regions")
    assert list(stored["name"]) == ["Hovedstaden", "Sjælland"]  # the first name of the group
    merged = stored.geometry.iloc[0]
    assert merged.is_valid and shapely.get_num_geometries(merged) == 1  # neighbours united
    assert merged.area == pytest.approx(2 * 300 * 300)
    assert provenance(default_store, "regions")["source"] == "DAGI, Klimadatastyrelsen"


def test_kommuner_geojson_gives_99_municipalities(default_store, shared_data):
    path = shared_data / "dagi" / "kommuner.geojson"
    report = import_boundaries(
        default_store, path, layer="municipalities", id_field="KOMKODE", name_field="KOMNAVN"
    )
    assert (report.features_read, report.records_written) == (311, 99)
    assert report.dissolved == 212
    assert report.crs_in == "EPSG:4326"
    stored = default_store.read("municipalities")
    assert len(stored) == 99
    assert stored.crs.to_epsg() == 25832
    assert not shapely.has_z(stored.geometry.values).any()
    assert stored["code"].str.fullmatch(r"\d{4}").all()
    assert stored["code"].is_unique
    assert dict(zip(stored["code"], stored["name"], strict=True))["0751"] == "Aarhus"
    assert shapely.is_valid(stored.geometry.values).all()
    xmin, ymin, xmax, ymax = stored.total_bounds
    assert DENMARK_25832[0] < xmin and xmax < DENMARK_25832[2]
    assert DENMARK_25832[1] < ymin and ymax < DENMARK_25832[3]
    assert "Imported municipalities from kommuner.geojson" in report.summary()


def test_sogne_topojson_without_crs_is_refused(default_store, shared_data, assert_refused):
    path = shared_data / "dagi" / "sogne.topojson"
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="parishes", id_field="SOGNEKODE"),
        str(path),
        "no CRS",
        "--crs",
    )


@pytest.mark.slow
def test_sogne_topojson_with_crs_is_repaired_and_in_place(default_store, shared_data):
    path = shared_data / "dagi" / "sogne.topojson"
    report = import_boundaries(
        default_store,
        path,
        layer="parishes",
        id_field="SOGNEKODE",
        name_field="SOGNENAVN",
        crs="EPSG:4326",
    )
    assert report.features_read == 2468
    assert report.repaired, "sogne.topojson has invalid polygons that must be repaired"
    assert all(isinstance(n, int) and code for n, code in report.repaired)
    parishes = default_store.read("parishes")
    assert len(parishes) == report.records_written == 2148
    assert shapely.is_valid(parishes.geometry.values).all()
    assert "repaired" in report.summary() and str(report.repaired[0][0]) in report.summary()

    # The parishes cover the country as the municipalities do: the arcs were decoded right.
    import_boundaries(
        default_store,
        shared_data / "dagi" / "kommuner.geojson",
        layer="municipalities",
        id_field="KOMKODE",
    )
    municipalities = default_store.read("municipalities")
    assert parishes.area.sum() == pytest.approx(municipalities.area.sum(), rel=0.01)
    assert np.allclose(parishes.total_bounds, municipalities.total_bounds, atol=1000)


def test_bow_tie_is_repaired_and_reported(default_store, tmp_path):
    bow_tie = shapely.Polygon(
        [
            (720_000, 6_175_000),
            (721_000, 6_176_000),
            (721_000, 6_175_000),
            (720_000, 6_176_000),
            (720_000, 6_175_000),
        ]
    )
    frame = gpd.GeoDataFrame(
        {"SOGNEKODE": ["7001", "7002"]},
        geometry=[square(700_000, 6_150_000), bow_tie],
        crs="EPSG:25832",
    )
    path = write(frame, tmp_path / "sogne.gpkg")
    report = import_boundaries(default_store, path, layer="parishes", id_field="SOGNEKODE")
    assert report.repaired == [(2, "7002")]
    assert "feature 2 ('7002')" in report.summary()
    stored = default_store.read("parishes").set_index("code")
    assert stored.geometry["7002"].is_valid
    assert stored.geometry["7002"].area == pytest.approx(500_000)
    assert list(stored["name"]) == ["7001", "7002"]  # no name field: the code


def test_progress_bar_goes_to_stderr_only_when_asked(default_store, squares, tmp_path, capsys):
    path = write(squares, tmp_path / "k.gpkg")
    import_boundaries(default_store, path, layer="municipalities", id_field="KOMKODE")
    assert capsys.readouterr().err == ""
    import_boundaries(
        default_store, path, layer="municipalities", id_field="KOMKODE", progress=True
    )
    captured = capsys.readouterr()
    assert "k.gpkg" in captured.err and captured.out == ""


def test_failure_while_writing_leaves_store_unchanged(
    default_store, squares, tmp_path, monkeypatch
):
    path = write(squares, tmp_path / "k.gpkg")
    before = default_store.path.read_bytes()

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(StoreWriter, "record_provenance", broken)
    with pytest.raises(OSError, match="disk full"):
        import_boundaries(default_store, path, layer="municipalities", id_field="KOMKODE")
    assert default_store.path.read_bytes() == before
    assert not list(tmp_path.glob("*.tmp.gpkg"))


# -- refusals of base layers ----------------------------------------------------------------


def test_missing_id_field_lists_the_fields(default_store, squares, tmp_path, assert_refused):
    path = write(squares, tmp_path / "k.gpkg")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="municipalities", id_field="KODE"),
        str(path),
        "no field 'KODE'",
        "KOMKODE, KOMNAVN",
    )
    assert_refused(
        default_store,
        lambda: import_boundaries(
            default_store, path, layer="municipalities", id_field="KOMKODE", name_field="NAVN"
        ),
        str(path),
        "no field 'NAVN'",
    )


def test_base_layer_needs_an_id_field(default_store, squares, tmp_path, assert_refused):
    path = write(squares, tmp_path / "k.gpkg")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="postal_districts"),
        str(path),
        "needs the id field",
        "POSTNR_TXT",
        "KOMKODE",
    )


def test_id_field_is_found_case_insensitively(default_store, squares, tmp_path):
    path = write(squares, tmp_path / "k.gpkg")
    report = import_boundaries(default_store, path, layer="municipalities", id_field="komkode")
    assert report.records_written == 2


def test_blank_ids_and_bad_municipality_codes_named(default_store, tmp_path, assert_refused):
    frame = gpd.GeoDataFrame(
        {"KOMKODE": ["101", "", "abc", "1000"]},
        geometry=[square(720_000 + 400 * i, 6_175_000) for i in range(4)],
        crs="EPSG:25832",
    )
    path = write(frame, tmp_path / "k.gpkg")
    error = assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="municipalities", id_field="KOMKODE"),
        str(path),
        "feature 2 has a blank KOMKODE",
        "feature 3 ('abc')",
        "feature 4 ('1000')",
        "not a municipality code",
    )
    assert len(error.problems) == 3


def test_points_lines_and_null_geometries_named(default_store, tmp_path, assert_refused):
    frame = gpd.GeoDataFrame(
        {"SOGNEKODE": ["1", "2", "3", "4"]},
        geometry=[
            square(720_000, 6_175_000),
            shapely.Point(720_500, 6_175_500),
            shapely.LineString([(720_000, 6_175_000), (721_000, 6_176_000)]),
            None,
        ],
        crs="EPSG:25832",
    )
    path = write(frame, tmp_path / "sogne.geojson")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="parishes", id_field="SOGNEKODE"),
        str(path),
        "feature 2 ('2') is a Point",
        "feature 3 ('3') is a LineString",
        "feature 4 ('4') has no geometry",
    )


def test_polygon_that_repairs_to_nothing_is_refused(default_store, tmp_path, assert_refused):
    flat = shapely.Polygon([(720_000, 6_175_000), (720_500, 6_175_500), (721_000, 6_176_000)])
    frame = gpd.GeoDataFrame(
        {"SOGNEKODE": ["1", "2"]}, geometry=[square(700_000, 6_150_000), flat], crs="EPSG:25832"
    )
    path = write(frame, tmp_path / "sogne.gpkg")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="parishes", id_field="SOGNEKODE"),
        str(path),
        "feature 2 ('2')",
        "leaves nothing polygonal",
    )


def test_unreadable_file_is_refused_without_touching_store(default_store, tmp_path, assert_refused):
    path = tmp_path / "k.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="regions", id_field="x"),
        str(path),
        "GDAL cannot read the file",
    )


def test_wrong_crs_is_refused(default_store, squares, tmp_path, assert_refused):
    path = write(squares, tmp_path / "k.gpkg")
    assert_refused(
        default_store,
        lambda: import_boundaries(
            default_store, path, layer="municipalities", id_field="KOMKODE", crs="EPSG:4326"
        ),
        str(path),
        "no feature lies in or near Denmark",
    )


# -- areas ----------------------------------------------------------------------------------

AARHUS, TAASTRUP, HOLBAEK = (574_000, 6_223_000), (705_000, 6_171_000), (674_000, 6_177_000)


def areas_file(tmp_path, names, places, name="omraader.geojson", **columns):
    frame = gpd.GeoDataFrame(
        {"name": names, **columns},
        geometry=[square(*place) for place in places],
        crs="EPSG:25832",
    )
    return write(frame, tmp_path / name)


def test_areas_matched_by_name_and_alias(default_store, tmp_path):
    path = areas_file(
        tmp_path, ["Gellerup", "Taastrupgaard", "Grønneparken"], [AARHUS, TAASTRUP, HOLBAEK]
    )
    before = default_store.read("areas").set_index("area_id")
    report = import_boundaries(default_store, path, layer="areas")
    assert report.matched == {
        "Gellerup": "gellerupparken-toveshoej",
        "Taastrupgaard": "taastrupgaard",
        "Grønneparken": "agervang",
    }
    assert report.added == [] and report.records_written == 3
    after = default_store.read("areas").set_index("area_id")
    assert list(after.columns) == list(before.columns)
    assert len(after) == len(before)
    imported = after[after["boundary_source"] == "imported"]
    assert sorted(imported.index) == ["agervang", "gellerupparken-toveshoej", "taastrupgaard"]
    row = imported.loc["agervang"]
    assert row["boundary_note"] == "importeret afgrænsning (omraader.geojson)"
    assert row["location_precision"] == "boundary"
    assert np.isnan(row["uncertainty_m"])
    assert row["location_source"] == "omraader.geojson"
    assert row["name"] == "Agervang" and row["municipality_code"] == "0316"
    assert row.geometry.equals(shapely.MultiPolygon([square(*HOLBAEK)]))
    # every other area keeps its shape and its description
    others = before.index.difference(imported.index)
    assert (
        after.loc[others]
        .drop(columns="geometry")
        .equals(before.loc[others].drop(columns="geometry"))
    )
    assert list(after.loc[others].geometry.to_wkb()) == list(before.loc[others].geometry.to_wkb())
    assert "'Gellerup' → gellerupparken-toveshoej" in report.summary()
    assert provenance(default_store, "areas")["source"] == "omraader.geojson"


def test_unknown_area_is_refused_then_added_with_add_new(default_store, tmp_path, assert_refused):
    path = areas_file(tmp_path, ["Gellerup", "Nowhere Park"], [AARHUS, (600_000, 6_200_000)])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        str(path),
        "feature 2 ('Nowhere Park')",
        "no area of that name",
        "--add-new",
    )
    report = import_boundaries(default_store, path, layer="areas", add_new=True, source="kommunen")
    assert report.added == ["nowhere-park"]
    assert report.matched == {"Gellerup": "gellerupparken-toveshoej"}
    areas = default_store.read("areas").set_index("area_id")
    new = areas.loc["nowhere-park"]
    assert new["name"] == "Nowhere Park"
    assert new["boundary_source"] == "imported"
    assert new["location_source"] == "kommunen"
    assert new.geometry.area == pytest.approx(300 * 300)
    designations = default_store.read("designations")
    assert "nowhere-park" not in set(designations["area_id"])


def test_municipality_code_field_narrows_matching(default_store, tmp_path, assert_refused):
    wrong = areas_file(tmp_path, ["Ringparken"], [AARHUS], kommunekode=["751"])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, wrong, layer="areas"),
        "feature 1 ('Ringparken')",
        "in municipality 0751",
    )
    # Adding it as new is refused too: the id ringparken belongs to Slagelse's area.
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, wrong, layer="areas", add_new=True),
        "'ringparken' already exists in municipality 0330",
    )
    right = areas_file(tmp_path, ["Ringparken"], [AARHUS], name="ok.geojson", kommunekode=["330"])
    assert import_boundaries(default_store, right, layer="areas").matched == {
        "Ringparken": "ringparken"
    }


def test_bad_municipality_code_in_areas_file(default_store, tmp_path, assert_refused):
    path = areas_file(tmp_path, ["Gellerup"], [AARHUS], KOMKODE=["99999"])
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        str(path),
        "feature 1 ('Gellerup')",
        "'99999' is not a municipality code",
    )


def test_area_matched_by_id_field(default_store, tmp_path):
    path = areas_file(
        tmp_path, ["something else", ""], [AARHUS, TAASTRUP], area_id=["bispehaven", "vollsmose"]
    )
    report = import_boundaries(default_store, path, layer="areas", id_field="area_id")
    assert report.matched == {"something else": "bispehaven", "vollsmose": "vollsmose"}


def test_two_features_of_one_area_are_dissolved(default_store, tmp_path):
    path = areas_file(
        tmp_path,
        ["Gellerup", "Gellerupparken/Toveshøj"],
        [AARHUS, (AARHUS[0] + 300, AARHUS[1])],
    )
    report = import_boundaries(default_store, path, layer="areas")
    assert report.dissolved == 1 and report.records_written == 1
    assert any("features 1, 2" in note and "dissolved" in note for note in report.notes)
    shape = default_store.read("areas").set_index("area_id").geometry["gellerupparken-toveshoej"]
    assert shape.is_valid and shape.area == pytest.approx(2 * 300 * 300)


def test_areas_need_a_name_or_id_field(default_store, tmp_path, assert_refused):
    frame = gpd.GeoDataFrame({"label": ["Gellerup"]}, geometry=[square(*AARHUS)], crs=25832)
    path = write(frame, tmp_path / "a.gpkg")
    assert_refused(
        default_store,
        lambda: import_boundaries(default_store, path, layer="areas"),
        str(path),
        "needs the name field",
        "label",
    )
    report = import_boundaries(default_store, path, layer="areas", name_field="label")
    assert report.matched == {"Gellerup": "gellerupparken-toveshoej"}


def test_areas_from_crs84_geojson_with_z(default_store, tmp_path):
    lonlat = gpd.GeoSeries([square(*TAASTRUP)], crs=25832).to_crs("OGC:CRS84").iloc[0]
    ring = [[x, y, -999] for x, y in lonlat.exterior.coords]
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"navn": "Tåstrupgård", "kommunekode": "0169"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
    }
    path = tmp_path / "taastrup.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    report = import_boundaries(default_store, path, layer="areas")
    assert report.matched == {"Tåstrupgård": "taastrupgaard"}
    shape = default_store.read("areas").set_index("area_id").geometry["taastrupgaard"]
    assert not shape.has_z
    assert shapely.hausdorff_distance(shape, square(*TAASTRUP)) < 0.01
    assert re.search(r"EPSG:4326 → EPSG:25832", report.summary())


def test_area_added_without_municipality_is_matched_later_anywhere(default_store, tmp_path):
    first = areas_file(tmp_path, ["Nowhere Park"], [AARHUS])
    import_boundaries(default_store, first, layer="areas", add_new=True)
    again = areas_file(tmp_path, ["Nowhere Park"], [TAASTRUP], name="b.geojson", KOMKODE=["169"])
    report = import_boundaries(default_store, again, layer="areas")
    assert report.matched == {"Nowhere Park": "nowhere-park"} and report.added == []
