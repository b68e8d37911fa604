"""Relocation joins: hand-built areas and municipalities whose flows are known."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.relocation.join import (
    MICROCELL_COLUMNS,
    JoinLayers,
    PolygonIndex,
    count_moves,
    count_moves_dask,
)

X0, Y0 = 600_000.0, 6_200_000.0


def _areas() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "area_id": ["alfa", "beta", "gamma", "nowhere"],
            "name": ["Alfa", "Beta", "Gamma", "Nowhere"],
            "municipality_code": ["0101", "0751", "0101", "0751"],
            "boundary_source": ["imported", "official", "imported", "none"],
        },
        geometry=[
            shapely.box(X0 + 1000, Y0 + 1000, X0 + 2000, Y0 + 2000),
            shapely.box(X0 + 11000, Y0 + 1000, X0 + 12000, Y0 + 2000),
            # inside Alfa and smaller: a point in both belongs to Gamma
            shapely.box(X0 + 1600, Y0 + 1600, X0 + 1800, Y0 + 1800),
            None,  # an area without a known location
        ],
        crs=25832,
    )


def _municipalities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"code": ["0101", "0751"], "name": ["København", "Aarhus"]},
        geometry=[
            shapely.box(X0, Y0, X0 + 10000, Y0 + 10000),
            shapely.box(X0 + 10000, Y0, X0 + 20000, Y0 + 10000),
        ],
        crs=25832,
    )


def _moves() -> pd.DataFrame:
    """Eight kinds of moves out of Alfa (whose representative point is its centre)."""
    nan = np.nan
    rows = [
        # dest point,                    dest area, dest code, weight, reason
        ((X0 + 11500, Y0 + 1500), "", "", 1, "other"),  # into Beta, 10 km: band 10-25
        ((X0 + 1700, Y0 + 1700), "", "", 1, "other"),  # into Gamma (and Alfa): Gamma
        ((X0 + 5000, Y0 + 5000), "", "", 1, "other"),  # København outside areas, 4.95 km
        ((X0 + 50000, Y0 + 100000), "", "", 1, "other"),  # in no municipality
        ((nan, nan), "", "0751", 1, "other"),  # only a municipality code
        ((nan, nan), "beta", "", 1, "planned"),  # only an area id: 10 km between centres
        ((X0 + 11500, Y0 + 1800), "", "0101", 1, "planned"),  # in Beta, code disagrees
        ((X0 + 15000, Y0 + 5000), "", "", 3, "planned"),  # Aarhus outside areas, weight 3
    ]
    return pd.DataFrame(
        {
            "year": [2021] * len(rows),
            "weight": [r[3] for r in rows],
            "reason": [r[4] for r in rows],
            "origin_area_id": "alfa",
            "origin_municipality_code": "",
            "origin_x": nan,
            "origin_y": nan,
            "dest_area_id": [r[1] for r in rows],
            "dest_municipality_code": [r[2] for r in rows],
            "dest_x": [r[0][0] for r in rows],
            "dest_y": [r[0][1] for r in rows],
        }
    )


def _expected(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=MICROCELL_COLUMNS)
    frame["year"] = frame["year"].astype(np.int64)
    frame["movers"] = frame["movers"].astype(np.int64)
    for col in MICROCELL_COLUMNS[1:-1]:
        frame[col] = frame[col].astype(str)
    return frame.sort_values(MICROCELL_COLUMNS[:-1]).reset_index(drop=True)


WITH_BOUNDARIES = [
    (2021, "other", "alfa", "0101", "", "", "over 50 km", 1),
    (2021, "other", "alfa", "0101", "", "0101", "2-5 km", 1),
    (2021, "other", "alfa", "0101", "", "0751", "ukendt", 1),
    (2021, "other", "alfa", "0101", "beta", "0751", "10-25 km", 1),
    (2021, "other", "alfa", "0101", "gamma", "0101", "0-2 km", 1),
    (2021, "planned", "alfa", "0101", "", "0751", "10-25 km", 3),
    (2021, "planned", "alfa", "0101", "beta", "0751", "10-25 km", 2),
]


def test_points_are_counted_in_their_area_and_municipality():
    result = count_moves(_moves(), JoinLayers.from_frames(_areas(), _municipalities()))
    pd.testing.assert_frame_equal(result.cells, _expected(WITH_BOUNDARIES))
    assert result.report["movers"] == 10
    assert result.report["dest_in_area"] == 4
    assert result.report["dest_code_disagrees_with_area"] == 1
    assert result.report["dest_municipality_unknown"] == 1
    assert result.report["dest_municipality_from_boundaries"] == 2
    assert result.report["distance_unknown"] == 1
    assert result.notes == []


def test_without_municipal_boundaries_only_codes_in_the_data_give_a_municipality():
    result = count_moves(_moves(), JoinLayers.from_frames(_areas(), None))
    expected = [
        (2021, "other", "alfa", "0101", "", "", "over 50 km", 1),
        (2021, "other", "alfa", "0101", "", "", "2-5 km", 1),  # nothing invented
        (2021, "other", "alfa", "0101", "", "0751", "ukendt", 1),
        (2021, "other", "alfa", "0101", "beta", "0751", "10-25 km", 1),
        (2021, "other", "alfa", "0101", "gamma", "0101", "0-2 km", 1),
        (2021, "planned", "alfa", "0101", "", "", "10-25 km", 3),
        (2021, "planned", "alfa", "0101", "beta", "0751", "10-25 km", 2),
    ]
    pd.testing.assert_frame_equal(result.cells, _expected(expected))
    assert result.report["dest_municipality_unknown"] == 2 + 1  # 3 rows, 5 movers
    assert "no municipal boundaries are loaded" in result.notes[0]


def _shared_disc_areas() -> gpd.GeoDataFrame:
    """Two areas whose approximate locations are one and the same disc (as Stengårdsvej and
    Præstebakken/Syrenparken in Esbjerg), a third whose disc overlaps it, one boundary."""
    disc = shapely.Point(X0 + 5000, Y0 + 5000).buffer(3000)
    return gpd.GeoDataFrame(
        {
            "area_id": ["stengaardsvej", "praestebakken", "naboen", "alfa"],
            "name": ["Stengårdsvej", "Præstebakken", "Naboen", "Alfa"],
            "municipality_code": ["0561", "0561", "0561", "0101"],
            "boundary_source": ["approximate", "approximate", "approximate", "imported"],
        },
        geometry=[
            disc,
            shapely.Point(X0 + 5000, Y0 + 5000).buffer(3000),
            shapely.Point(X0 + 9000, Y0 + 5000).buffer(2000),
            shapely.box(X0 + 1000, Y0 + 1000, X0 + 2000, Y0 + 2000),
        ],
        crs=25832,
    )


def _moves_into_shared_disc() -> pd.DataFrame:
    nan = np.nan
    rows = [
        # dest point inside both discs,   dest area,        dest code, weight
        ((X0 + 5000, Y0 + 5100), "", "0561", 7),  # by location only: the municipality
        ((X0 + 8000, Y0 + 5000), "", "", 2),  # in two discs, no code: unknown
        ((nan, nan), "stengaardsvej", "", 3),  # named by code: that area only
        ((X0 + 4000, Y0 + 5000), "praestebakken", "", 4),  # named by code (point in both)
        ((X0 + 1500, Y0 + 1500), "", "", 5),  # in Alfa's imported boundary
    ]
    return pd.DataFrame(
        {
            "year": 2021,
            "weight": [r[3] for r in rows],
            "reason": "other",
            "origin_area_id": "alfa",
            "origin_municipality_code": "",
            "origin_x": nan,
            "origin_y": nan,
            "dest_area_id": [r[1] for r in rows],
            "dest_municipality_code": [r[2] for r in rows],
            "dest_x": [r[0][0] for r in rows],
            "dest_y": [r[0][1] for r in rows],
        }
    )


def _movers_by_destination(cells: pd.DataFrame) -> dict:
    grouped = cells.groupby(["dest_area_id", "dest_municipality_code"])["movers"].sum()
    return {k: int(v) for k, v in grouped.items()}


def test_areas_sharing_an_approximate_location_never_receive_each_others_moves():
    layers = JoinLayers.from_frames(_shared_disc_areas(), None)
    result = count_moves(_moves_into_shared_disc(), layers)
    assert _movers_by_destination(result.cells) == {
        ("", "0561"): 7,  # the point in the shared disc counts towards its municipality
        ("", ""): 2,  # no code, no municipal boundaries: unknown, nothing guessed
        ("stengaardsvej", "0561"): 3,
        ("praestebakken", "0561"): 4,
        ("alfa", "0101"): 5,
    }
    assert result.report["dest_in_approximate_only"] == 2  # rows, not movers
    assert result.report["dest_in_area"] == 3
    identical = [n for n in result.notes if "are identical" in n]
    assert len(identical) == 1
    assert "praestebakken" in identical[0] and "stengaardsvej" in identical[0]
    overlapping = [n for n in result.notes if n.endswith("by code") and " overlap:" in n]
    assert {("naboen" in n) for n in overlapping} == {True} and len(overlapping) == 2


def test_a_point_in_an_approximate_location_takes_its_municipality_from_the_boundaries():
    municipalities = gpd.GeoDataFrame(
        {"code": ["0561", "0101"]},
        geometry=[
            shapely.box(X0 + 2500, Y0, X0 + 20000, Y0 + 20000),
            shapely.box(X0, Y0, X0 + 2500, Y0 + 20000),
        ],
        crs=25832,
    )
    layers = JoinLayers.from_frames(_shared_disc_areas(), municipalities)
    result = count_moves(_moves_into_shared_disc(), layers)
    assert _movers_by_destination(result.cells)[("", "0561")] == 7 + 2
    assert ("stengaardsvej", "") not in _movers_by_destination(result.cells)


def test_an_imported_boundary_receives_points_and_an_approximate_one_stops_doing_so():
    areas = _shared_disc_areas()
    areas.loc[areas["area_id"] == "naboen", "boundary_source"] = "official"
    result = count_moves(_moves_into_shared_disc(), JoinLayers.from_frames(areas, None))
    # The point at (8000, 5000) lies in Naboen's disc, now an official boundary.
    assert _movers_by_destination(result.cells)[("naboen", "0561")] == 2
    without = areas.drop(columns="boundary_source")
    result = count_moves(_moves_into_shared_disc(), JoinLayers.from_frames(without, None))
    assert ("alfa", "0101") not in _movers_by_destination(result.cells)  # nothing assumed


def test_origin_as_a_point_is_placed_in_its_area():
    moves = _moves().iloc[[0]].copy()
    moves["origin_area_id"] = ""
    moves["origin_x"], moves["origin_y"] = X0 + 1100, Y0 + 1100  # in Alfa, not Gamma
    result = count_moves(moves, JoinLayers.from_frames(_areas(), _municipalities()))
    assert result.cells[["origin_area_id", "origin_municipality_code"]].values.tolist() == [
        ["alfa", "0101"]
    ]
    assert result.cells["distance_band"].tolist() == ["10-25 km"]  # 10.4 km from the point


def test_origin_as_a_municipality_only_has_no_distance():
    moves = _moves().iloc[[0]].copy()
    moves["origin_area_id"] = ""
    moves["origin_municipality_code"] = "0751"
    result = count_moves(moves, JoinLayers.from_frames(_areas(), _municipalities()))
    row = result.cells.iloc[0]
    assert (row["origin_area_id"], row["origin_municipality_code"]) == ("", "0751")
    assert row["distance_band"] == "ukendt"


def test_chunks_give_the_same_counts_as_one_pass():
    moves = pd.concat([_moves()] * 7, ignore_index=True)
    layers = JoinLayers.from_frames(_areas(), _municipalities())
    whole = count_moves(moves, layers, chunk_size=10_000)
    chunked = count_moves(moves, layers, chunk_size=3)
    pd.testing.assert_frame_equal(whole.cells, chunked.cells)
    assert whole.report == chunked.report
    assert whole.cells["movers"].sum() == 70


def test_categorical_columns_are_read_like_text():
    moves = _moves()
    for col in ("reason", "origin_area_id", "dest_area_id", "dest_municipality_code"):
        moves[col] = moves[col].astype("category")
    layers = JoinLayers.from_frames(_areas(), _municipalities())
    pd.testing.assert_frame_equal(
        count_moves(moves, layers).cells, count_moves(_moves(), layers).cells
    )


def test_signature_changes_with_the_polygons():
    a = JoinLayers.from_frames(_areas(), None).signature
    b = JoinLayers.from_frames(_areas(), _municipalities()).signature
    moved = _areas()
    moved.loc[0, "geometry"] = shapely.box(X0, Y0, X0 + 10, Y0 + 10)
    c = JoinLayers.from_frames(moved, None).signature
    assert len({a, b, c}) == 3
    assert a == JoinLayers.from_frames(_areas(), None).signature


def test_layers_must_be_metric():
    with pytest.raises(ValueError, match="EPSG:25832"):
        JoinLayers.from_frames(_areas().to_crs(4326), None)


# -- the point index ------------------------------------------------------------------------


def test_index_handles_holes_boundaries_and_missing_points():
    donut = shapely.box(0, 0, 100, 100).difference(shapely.box(40, 40, 60, 60))
    index = PolygonIndex([donut, None, shapely.box(200, 0, 300, 100)], target_cells=50)
    x = np.array([10.0, 50.0, 100.0, 250.0, np.nan, 150.0, -5.0])
    y = np.array([10.0, 50.0, 50.0, 50.0, 5.0, 50.0, 50.0])
    np.testing.assert_array_equal(index.locate(x, y), [0, -1, -1, 2, -1, -1, -1])


def test_index_prefers_the_lowest_index_where_polygons_overlap():
    big, small = shapely.box(0, 0, 100, 100), shapely.box(10, 10, 20, 20)
    x, y = np.array([15.0, 50.0]), np.array([15.0, 50.0])
    np.testing.assert_array_equal(PolygonIndex([small, big]).locate(x, y), [0, 1])
    np.testing.assert_array_equal(PolygonIndex([big, small]).locate(x, y), [0, 0])


def test_index_agrees_with_shapely_on_real_postal_districts(shared_data):
    districts = gpd.read_file(shared_data / "dagi" / "postnumre.geojson").to_crs(25832)
    geoms = shapely.force_2d(districts.geometry.values)
    geoms = shapely.make_valid(geoms)
    rng = np.random.default_rng(4)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    x = rng.uniform(minx, maxx, 20_000)
    y = rng.uniform(miny, maxy, 20_000)
    found = PolygonIndex(geoms).locate(x, y)
    points = shapely.points(x, y)
    inside = np.zeros((len(geoms), len(x)), dtype=bool)
    tree = shapely.STRtree(geoms)
    pairs = tree.query(points, predicate="within")
    inside[pairs[1], pairs[0]] = True
    expected = np.where(inside.any(axis=0), inside.argmax(axis=0), -1)
    np.testing.assert_array_equal(found, expected)
    assert (found >= 0).sum() > 5_000  # the test covers land, not just sea


# -- Dask -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def test_dask_local_cluster_gives_the_single_process_result(dask_client):
    import dask.dataframe as dd

    moves = pd.concat([_moves()] * 5, ignore_index=True)
    layers = JoinLayers.from_frames(_areas(), _municipalities())
    single = count_moves(moves, layers)
    distributed = count_moves_dask(dd.from_pandas(moves, npartitions=4), layers, dask_client)
    pd.testing.assert_frame_equal(single.cells, distributed.cells)
    assert single.report == distributed.report


def test_dask_geopandas_points_give_the_same_result(dask_client):
    import dask_geopandas

    moves = _moves()
    has_point = moves["dest_x"].notna()
    layers = JoinLayers.from_frames(_areas(), _municipalities())
    single = count_moves(moves[has_point], layers)
    frame = gpd.GeoDataFrame(
        moves[has_point].drop(columns=["dest_x", "dest_y"]),
        geometry=gpd.points_from_xy(moves.loc[has_point, "dest_x"], moves.loc[has_point, "dest_y"]),
        crs=25832,
    )
    distributed = count_moves_dask(
        dask_geopandas.from_geopandas(frame, npartitions=3), layers, dask_client
    )
    pd.testing.assert_frame_equal(single.cells, distributed.cells)
