"""Importing relocation data: formats, normalisation, and every refusal (store unchanged)."""

from __future__ import annotations

import hashlib
import shutil

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import InputRejected
from geo.relocation.ingest import import_moves, read_moves_file, rejoin_moves, validate_moves
from geo.seed import build_default_store
from geo.store import Store

# Aarhus, in EPSG:25832 and WGS84: inside Gellerupparken/Toveshøj's disc and well away from it.
GELLERUP_XY = (570_600.0, 6_224_100.0)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("moves") / "template.gpkg"
    build_default_store(Store(path), with_outline=False)
    return path


@pytest.fixture
def store(template, tmp_path) -> Store:
    path = tmp_path / "store.gpkg"
    shutil.copy(template, path)
    return Store(path)


def _digest(store: Store) -> str:
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


def _csv(tmp_path, text: str, name: str = "moves.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_csv_with_danish_headers_semicolons_and_decimal_commas(store, tmp_path):
    path = _csv(
        tmp_path,
        "år;fra_område;til_lon;til_lat;antal;årsag;alder\n"
        "2021;Gellerup;10,1700;56,1600;3;Planlagt genhusning;18-29\n"
        "2022;Mjølnerparken;12,5530;55,6990;;andet;\n",
        encoding="cp1252",
    )
    moves = validate_moves(read_moves_file(path), store)
    assert moves["origin_area_id"].tolist() == ["gellerupparken-toveshoej", "mjoelnerparken"]
    assert moves["weight"].tolist() == [3, 1]
    assert moves["reason"].tolist() == ["planned", "other"]
    assert moves["age_band"].tolist() == ["18-29", ""]
    # lon/lat were transformed to EPSG:25832
    assert 560_000 < moves["dest_x"].iloc[0] < 580_000
    assert 6_210_000 < moves["dest_y"].iloc[0] < 6_240_000


def test_import_stores_moves_counts_and_provenance(store, tmp_path):
    path = _csv(
        tmp_path,
        "year,origin_area,dest_x,dest_y,dest_municipality,reason,weight\n"
        f"2021,gellerupparken-toveshoej,{GELLERUP_XY[0]},{GELLERUP_XY[1]},,planned,4\n"
        "2021,gellerupparken-toveshoej,575000,6230000,751,other,2\n"
        "2022,vollsmose,,,461,,1\n",
    )
    before = store.data_version
    result = import_moves(store, path, crs="EPSG:25832", source="test register")
    assert (result.rows, result.movers) == (3, 7)
    assert int(store.data_version) == int(before) + 1
    counts = store.read("move_counts")
    assert counts["movers"].sum() == 7
    # Gellerupparken/Toveshøj has only an approximate location: a point in its disc is not a
    # move into the area (no municipal code given, no municipal boundaries: unknown).
    assert "gellerupparken-toveshoej" not in set(counts["dest_area_id"])
    row = counts[counts["reason"] == "planned"].iloc[0]
    assert (row["dest_municipality_code"], row["movers"], row["distance_band"]) == ("", 4, "0-2 km")
    assert result.report["dest_in_approximate_only"] == 1
    outside = counts[(counts["dest_area_id"] == "") & (counts["dest_municipality_code"] == "0751")]
    assert outside["movers"].tolist() == [2]
    provenance = store.read("provenance").set_index("dataset").loc["moves"]
    assert provenance["source"] == "test register"
    assert not provenance["synthetic"]
    raw = store.read("moves")
    assert len(raw) == 3 and raw["weight"].sum() == 7


def test_parquet_and_geopackage_read_like_csv(store, tmp_path):
    frame = pd.DataFrame(
        {
            "year": [2021, 2023],
            "origin_area": ["gellerupparken-toveshoej", "vollsmose"],
            "reason": ["planned", "other"],
        }
    )
    points = gpd.GeoSeries(
        [shapely.Point(GELLERUP_XY), shapely.Point(590_000, 6_140_000)], crs=25832
    ).to_crs(4326)
    gpkg = tmp_path / "moves.gpkg"
    gpd.GeoDataFrame(frame, geometry=points).to_file(gpkg, driver="GPKG")
    parquet = tmp_path / "moves.parquet"
    frame.assign(
        dest_x=[GELLERUP_XY[0], 590_000.0], dest_y=[GELLERUP_XY[1], 6_140_000.0]
    ).to_parquet(parquet)
    geoparquet = tmp_path / "moves.geoparquet"
    gpd.GeoDataFrame(frame, geometry=points).to_parquet(geoparquet)
    from_gpkg = validate_moves(read_moves_file(gpkg), store)
    from_parquet = validate_moves(read_moves_file(parquet, crs="EPSG:25832"), store)
    from_geoparquet = validate_moves(read_moves_file(geoparquet), store)
    for other in (from_parquet, from_geoparquet):
        np.testing.assert_allclose(from_gpkg[["dest_x", "dest_y"]], other[["dest_x", "dest_y"]])
        assert from_gpkg["origin_area_id"].tolist() == other["origin_area_id"].tolist()


def _refused(store, path, crs=None) -> InputRejected:
    digest, version = _digest(store), store.data_version
    with pytest.raises(InputRejected) as info:
        import_moves(store, path, crs=crs)
    assert _digest(store) == digest, "a refused file must leave the store byte-identical"
    assert store.data_version == version
    return info.value


HEAD = "year,origin_area,dest_municipality"


@pytest.mark.parametrize(
    ("text", "row", "column", "value", "message"),
    [
        (f"{HEAD}\n20x1,vollsmose,461\n", 1, "year", "20x1", "not a number"),
        (f"{HEAD}\n1850,vollsmose,461\n", 1, "year", "1850", "not a year"),
        (f"{HEAD}\n2021.5,vollsmose,461\n", 1, "year", "2021.5", "not a year"),
        (f"{HEAD}\n2021,vollsmose,461\n,vollsmose,461\n", 2, "year", None, "no year"),
        (
            "date,origin_area,dest_municipality\n2021-13-01,vollsmose,461\n",
            1,
            "date",
            "2021-13-01",
            "not a date",
        ),
        (
            "year,date,origin_area,dest_municipality\n2021,2022-03-01,vollsmose,461\n",
            1,
            "date",
            "2022-03-01",
            "not in the row's year",
        ),
        (f"{HEAD},weight\n2021,vollsmose,461,0\n", 1, "weight", "0", "not a number of movers"),
        (f"{HEAD},weight\n2021,vollsmose,461,2.5\n", 1, "weight", "2.5", "not a number of movers"),
        (
            f"{HEAD},weight\n2021,vollsmose,461,mange\n",
            1,
            "weight",
            "mange",
            "not a number of movers",
        ),
        (f"{HEAD},reason\n2021,vollsmose,461,flugt\n", 1, "reason", "flugt", "unknown reason"),
        (f"{HEAD}\n2021,Atlantis,461\n", 1, "origin_area", "Atlantis", "unknown or ambiguous area"),
        (
            f"{HEAD}\n2021,vollsmose,4610\n",
            1,
            "dest_municipality",
            "4610",
            "not a municipality code",
        ),
        (f"{HEAD}\n2021,vollsmose,461\n2021,,461\n", 2, "origin_area", None, "no origin"),
        (f"{HEAD}\n2021,vollsmose,\n", 1, "dest_municipality", None, "no destination"),
        (
            "move_id,year,origin_area,dest_municipality\n7,2021,vollsmose,461\n7,2022,vollsmose,461\n",
            2,
            "move_id",
            "7",
            "duplicate move id",
        ),
        (
            f"{HEAD},dest_lon,dest_lat\n2021,vollsmose,,10.4,\n",
            1,
            "dest_lon",
            "10.4",
            "only one of",
        ),
        (
            f"{HEAD},dest_lon,dest_lat\n2021,vollsmose,,øst,55.4\n",
            1,
            "dest_lon",
            "øst",
            "not a number",
        ),
        (
            f"{HEAD},dest_lon,dest_lat\n2021,vollsmose,,55.4,10.4\n",
            1,
            "dest_lon",
            "55.4 10.4",
            "outside Denmark",
        ),
    ],
)
def test_bad_rows_are_refused_with_row_column_and_value(
    store, tmp_path, text, row, column, value, message
):
    error = _refused(store, _csv(tmp_path, text))
    hits = [p for p in error.problems if message in p.message]
    assert hits, f"no problem saying {message!r} in {error}"
    problem = hits[0]
    assert (problem.row, problem.column, problem.value) == (row, column, value)
    assert problem.expected
    assert str(store.path) not in str(error) and "moves.csv" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("origin_area,dest_municipality\nvollsmose,461\n", "missing column 'year'"),
        ("year,dest_municipality\n2021,461\n", "no origin column"),
        ("year,origin_area\n2021,vollsmose\n", "no destination column"),
        ("year,origin_area,dest_x\n2021,vollsmose,575000\n", "without 'dest_y'"),
        ("year,aar,origin_area,dest_municipality\n2021,2021,vollsmose,461\n", "all mean 'year'"),
        ("year,origin_area,dest_municipality\n", "no rows"),
    ],
)
def test_bad_files_are_refused_whole(store, tmp_path, text, message):
    error = _refused(store, _csv(tmp_path, text))
    assert any(message in p.message for p in error.problems), str(error)


def test_coordinates_without_a_crs_are_refused(store, tmp_path):
    path = _csv(tmp_path, "year,origin_area,dest_x,dest_y\n2021,vollsmose,575000,6230000\n")
    error = _refused(store, path)
    assert "no CRS was given" in str(error)
    import_moves(store, path, crs="EPSG:25832")  # the same file with --crs is fine


def test_unknown_crs_and_unsupported_type_are_refused(store, tmp_path):
    path = _csv(tmp_path, "year,origin_area,dest_x,dest_y\n2021,vollsmose,575000,6230000\n")
    assert "unknown CRS" in str(_refused(store, path, crs="EPSG:999999"))
    other = _csv(tmp_path, "x", name="moves.xlsb")
    assert "unsupported file type" in str(_refused(store, other))


def test_many_bad_rows_are_summarised(store, tmp_path):
    rows = "".join(f"2021,vollsmose,{i}\n" for i in range(1000, 1050))
    error = _refused(store, _csv(tmp_path, f"{HEAD}\n{rows}"))
    assert any("… and 30 more rows" in p.message for p in error.problems)


def test_geopackage_with_polygons_or_without_crs_is_refused(store, tmp_path):
    frame = gpd.GeoDataFrame(
        {"year": [2021], "origin_area": ["vollsmose"]},
        geometry=[shapely.box(590_000, 6_140_000, 590_100, 6_140_100)],
        crs=25832,
    )
    polygons = tmp_path / "polygons.gpkg"
    frame.to_file(polygons, driver="GPKG")
    assert "not a point" in str(_refused(store, polygons))
    points = tmp_path / "nocrs.gpkg"
    without_crs = frame.set_geometry([shapely.Point(590_000, 6_140_000)])
    without_crs = without_crs.set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="crs"):
        without_crs.to_file(points, driver="GPKG")
    assert "declares no CRS" in str(_refused(store, points))


def test_rejoin_after_municipal_boundaries_places_points_in_municipalities(store, tmp_path):
    path = _csv(tmp_path, "year,origin_area,dest_x,dest_y\n2021,vollsmose,590000,6140000\n")
    import_moves(store, path, crs="EPSG:25832")
    assert store.read("move_counts")["dest_municipality_code"].tolist() == [""]
    with store.transaction() as w:
        w.write(
            "municipalities",
            gpd.GeoDataFrame(
                {"code": ["0461"], "name": ["Odense"]},
                geometry=[shapely.box(570_000, 6_120_000, 610_000, 6_160_000)],
                crs=25832,
            ),
        )
    counts = rejoin_moves(store)
    assert counts.cells["dest_municipality_code"].tolist() == ["0461"]
    assert store.read("move_counts")["dest_municipality_code"].tolist() == ["0461"]


def test_rejoin_without_moves_is_refused(store):
    with pytest.raises(InputRejected, match="no moves"):
        rejoin_moves(store)


def test_a_total_below_the_threshold_is_not_published_as_provenance(store, tmp_path):
    path = _csv(tmp_path, f"{HEAD}\n2021,vollsmose,461\n2021,vollsmose,461\n")
    import_moves(store, path)
    assert store.read("provenance").set_index("dataset").loc["moves", "records"] == 0
