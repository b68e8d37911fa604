"""Reading boundary files: every supported format, CRS handling and the refusals."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from boundaries.io import DRIVERS, read_boundaries
from geo.errors import InputRejected

CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"


def write_shapefile(frame: gpd.GeoDataFrame, path: Path) -> list[Path]:
    frame.to_file(path, engine="pyogrio")
    return sorted(path.parent.glob(path.stem + ".*"))


def write_zip(frame: gpd.GeoDataFrame, tmp_path: Path, members: int = 1) -> Path:
    archive = tmp_path / "boundaries.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for k in range(members):
            folder = tmp_path / f"shp{k}"
            folder.mkdir()
            for part in write_shapefile(frame, folder / f"kommuner{k}.shp"):
                zf.write(part, f"data/{part.name}")
    return archive


def geojson_crs84_with_z(frame: gpd.GeoDataFrame, z: float = -999.0) -> str:
    """GeoJSON text in CRS84 with a Z value on every position, as the DAGI downloads have."""
    lonlat = frame.to_crs("OGC:CRS84")
    features = []
    for record, geometry in zip(
        lonlat.drop(columns="geometry").to_dict("records"), lonlat.geometry, strict=True
    ):
        ring = [[x, y, z] for x, y in geometry.exterior.coords]
        features.append(
            {
                "type": "Feature",
                "properties": record,
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": CRS84}},
            "features": features,
        }
    )


def topojson_text(frame: gpd.GeoDataFrame, *, quantised: bool, z: bool = False) -> str:
    """Hand-written TopoJSON (no CRS member) of the frame's polygons in longitude/latitude.

    Quantised files delta-encode integer positions with a transform; with ``z`` each arc's
    first position carries a third element (-999), as in DAGI's sogne.topojson.
    """
    lonlat = frame.to_crs("EPSG:4326")
    minx, miny, _, _ = lonlat.total_bounds
    translate, scale = [minx - 0.01, miny - 0.01], [1e-6, 1e-6]
    arcs, geometries = [], []
    for i, (record, geometry) in enumerate(
        zip(lonlat.drop(columns="geometry").to_dict("records"), lonlat.geometry, strict=True)
    ):
        coords = np.asarray(geometry.exterior.coords)
        if quantised:
            q = np.rint((coords - translate) / scale).astype(int)
            deltas = np.vstack([q[:1], np.diff(q, axis=0)]).tolist()
            if z:
                deltas[0].append(-999)
            arcs.append(deltas)
        else:
            arcs.append(coords.tolist())
        geometries.append({"type": "Polygon", "properties": record, "arcs": [[i]]})
    topology = {
        "type": "Topology",
        "objects": {"kommuner": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }
    if quantised:
        topology["transform"] = {"scale": scale, "translate": translate}
    return json.dumps(topology)


def assert_same_squares(read: gpd.GeoDataFrame, squares: gpd.GeoDataFrame, tolerance: float):
    assert read.crs.to_epsg() == 25832
    assert len(read) == 2
    assert not shapely.has_z(read.geometry.values).any()
    distance = shapely.hausdorff_distance(read.geometry.values, squares.geometry.values)
    assert (distance < tolerance).all(), distance


# -- formats --------------------------------------------------------------------------------


def test_geopackage(tmp_path, squares):
    path = tmp_path / "kommuner.gpkg"
    squares.to_file(path, engine="pyogrio")
    result = read_boundaries(path)
    assert (result.driver, result.crs_in) == ("GPKG", "EPSG:25832")
    assert result.fields == ["KOMKODE", "KOMNAVN"]
    assert_same_squares(result.frame, squares, 1e-6)


def test_shapefile(tmp_path, squares):
    path = tmp_path / "kommuner.shp"
    write_shapefile(squares, path)
    result = read_boundaries(path)
    assert result.driver == "ESRI Shapefile"
    assert list(result.frame["KOMNAVN"]) == ["København", "Frederiksberg"]
    assert_same_squares(result.frame, squares, 1e-6)


def test_zipped_shapefile(tmp_path, squares):
    result = read_boundaries(write_zip(squares, tmp_path))
    assert result.driver == "ESRI Shapefile"
    assert_same_squares(result.frame, squares, 1e-6)


def test_geojson_in_crs84_with_z_comes_out_2d_in_25832(tmp_path, squares):
    path = tmp_path / "kommuner.geojson"
    path.write_text(geojson_crs84_with_z(squares), encoding="utf-8")
    result = read_boundaries(path)
    assert result.driver == "GeoJSON"
    assert result.crs_in == "EPSG:4326"
    assert_same_squares(result.frame, squares, 0.01)


@pytest.mark.parametrize("suffix", [".topojson", ".json"])
def test_topojson_needs_crs_and_reads_with_it(tmp_path, squares, assert_refused, suffix):
    path = tmp_path / f"kommuner{suffix}"
    path.write_text(topojson_text(squares, quantised=False), encoding="utf-8")
    with pytest.raises(InputRejected) as info:
        read_boundaries(path)
    assert str(path) in str(info.value)
    assert "no CRS" in str(info.value) and "--crs EPSG:4326" in str(info.value)

    result = read_boundaries(path, crs="EPSG:4326")
    assert result.driver == "TopoJSON"
    assert_same_squares(result.frame, squares, 0.01)


@pytest.mark.parametrize("z", [False, True])
def test_quantised_topojson_decodes_positions_with_extra_elements(tmp_path, squares, z):
    # GDAL's TopoJSON driver skips positions that are not exactly [x, y]; the reader must
    # strip the Z element so the delta-encoded arcs decode to the right place.
    path = tmp_path / "kommuner.topojson"
    path.write_text(topojson_text(squares, quantised=True, z=z), encoding="utf-8")
    result = read_boundaries(path, crs="EPSG:4326")
    assert_same_squares(result.frame, squares, 0.5)
    assert shapely.is_valid(result.frame.geometry.values).all()
    assert any("more than two coordinates" in note for note in result.notes) == z


def test_crs_given_overrides_the_declared_one_and_says_so(tmp_path, squares):
    path = tmp_path / "kommuner.gpkg"
    squares.set_crs("EPSG:4326", allow_override=True).to_file(path, engine="pyogrio")
    result = read_boundaries(path, crs="EPSG:25832")
    assert result.crs_in == "EPSG:25832"
    assert_same_squares(result.frame, squares, 1e-6)
    assert any("declares EPSG:4326" in note for note in result.notes)


def test_topojson_extension_decides_driver_table():
    assert DRIVERS[".zip"] == "ESRI Shapefile"
    assert DRIVERS[".gml"] == "GML"
    assert set(DRIVERS) == {".gpkg", ".shp", ".zip", ".geojson", ".json", ".topojson", ".gml"}


# -- refusals -------------------------------------------------------------------------------


def refused(path: Path, *fragments: str, **kwargs) -> str:
    with pytest.raises(InputRejected) as info:
        read_boundaries(path, **kwargs)
    text = str(info.value)
    assert str(path) in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    return text


def test_unknown_extension_names_file_and_allowed(tmp_path):
    path = tmp_path / "kommuner.kml"
    path.write_text("<kml/>")
    refused(path, "unsupported file type '.kml'", ".gpkg", ".shp", ".zip", ".topojson")


def test_missing_file(tmp_path):
    refused(tmp_path / "absent.geojson", "file not found")


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".shp"])
def test_file_gdal_cannot_open(tmp_path, suffix):
    path = tmp_path / f"broken{suffix}"
    path.write_text("this is not a boundary file {")
    text = refused(path, "GDAL cannot read the file")
    assert "<DRIVER>" not in text


def test_other_driver_than_extension_promises(tmp_path, squares):
    path = tmp_path / "kommuner.shp"
    with pytest.warns(RuntimeWarning, match="extension"):
        squares.to_file(path, driver="GPKG", engine="pyogrio")  # a GeoPackage named .shp
    refused(path, "GDAL reads this file as GPKG", "must be ESRI Shapefile")


def test_shapefile_without_prj_has_no_crs(tmp_path, squares):
    path = tmp_path / "kommuner.shp"
    write_shapefile(squares, path)
    path.with_suffix(".prj").unlink()
    refused(path, "has no CRS", "--crs", "EPSG:4326")
    assert_same_squares(read_boundaries(path, crs="EPSG:25832").frame, squares, 1e-6)


def test_wrong_crs_puts_features_outside_denmark(tmp_path, squares):
    path = tmp_path / "kommuner.shp"
    write_shapefile(squares, path)
    path.with_suffix(".prj").unlink()
    refused(path, "no feature lies in or near Denmark", "EPSG:4326", crs="EPSG:4326")


def test_unknown_crs(tmp_path, squares):
    path = tmp_path / "kommuner.gpkg"
    squares.to_file(path, engine="pyogrio")
    refused(path, "--crs 'EPSG:99999' is not a CRS", crs="EPSG:99999")


def test_zip_without_shapefile(tmp_path):
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "nothing here")
    refused(path, "holds no shapefile")


def test_zip_with_two_shapefiles_names_them(tmp_path, squares):
    refused(write_zip(squares, tmp_path, members=2), "data/kommuner0.shp", "data/kommuner1.shp")


def test_not_a_zip(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK but not really")
    refused(path, "not a readable zip archive")


def test_geopackage_with_two_layers_names_them(tmp_path, squares):
    path = tmp_path / "two.gpkg"
    squares.to_file(path, layer="kommuner", engine="pyogrio")
    squares.to_file(path, layer="sogne", engine="pyogrio")
    refused(path, "several layers", "kommuner", "sogne")


def test_topojson_extension_that_is_geojson(tmp_path, squares):
    path = tmp_path / "kommuner.topojson"
    path.write_text(geojson_crs84_with_z(squares), encoding="utf-8")
    refused(path, "must be a TopoJSON Topology", "'FeatureCollection'")


def test_invalid_json(tmp_path):
    path = tmp_path / "kommuner.topojson"
    path.write_text('{"type": "Topology", ', encoding="utf-8")
    refused(path, "not valid JSON")
