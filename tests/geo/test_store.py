import hashlib

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import StoreError
from geo.store import Store


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_store(tmp_path) -> Store:
    store = Store(tmp_path / "s.gpkg")
    with store.transaction(create=True) as w:
        w.write(
            "list_counts",
            pd.DataFrame({"year": [2022], "category": ["udsat"], "count": [17], "source": ["x"]}),
        )
        w.write(
            "areas",
            gpd.GeoDataFrame(
                {"area_id": ["a"], "name": ["A"]}, geometry=[shapely.box(0, 0, 10, 10)], crs=25832
            ),
        )
    return store


def test_transaction_bumps_version_and_records_provenance(small_store):
    assert small_store.data_version == "1"
    with small_store.transaction() as w:
        w.record_provenance("list_counts", description="d", source="s", licence="l", records=1)
    assert small_store.data_version == "2"
    prov = small_store.read("provenance")
    assert prov["dataset"].tolist() == ["list_counts"]
    assert not prov["synthetic"].iloc[0]


def test_failed_transaction_leaves_store_byte_identical(small_store):
    before = _digest(small_store.path)
    with pytest.raises(RuntimeError, match="boom"), small_store.transaction() as w:
        w.write(
            "list_counts",
            pd.DataFrame({"year": [1], "category": ["x"], "count": [0], "source": ["y"]}),
        )
        raise RuntimeError("boom")
    assert _digest(small_store.path) == before
    assert small_store.read("list_counts")["count"].tolist() == [17]
    leftovers = [p.name for p in small_store.path.parent.iterdir() if p.name.endswith(".tmp.gpkg")]
    assert leftovers == []


def test_spatial_layers_must_be_in_store_crs(small_store):
    frame = gpd.GeoDataFrame(
        {"code": ["x"], "name": ["X"]}, geometry=[shapely.box(9, 55, 10, 56)], crs=4326
    )
    with pytest.raises(ValueError, match="EPSG:25832"), small_store.transaction() as w:
        w.write("municipalities", frame)


def test_read_cache_sees_a_swap_by_another_store_object(small_store):
    assert len(small_store.read("areas")) == 1
    other = Store(small_store.path)
    with other.transaction() as w:
        w.write(
            "areas",
            gpd.GeoDataFrame(
                {"area_id": ["a", "b"], "name": ["A", "B"]},
                geometry=[shapely.box(0, 0, 1, 1)] * 2,
                crs=25832,
            ),
        )
    assert len(small_store.read("areas")) == 2


def test_absent_base_layer_reads_empty(small_store):
    municipalities = small_store.read("municipalities")
    assert municipalities.empty
    assert municipalities.crs.to_epsg() == 25832


def test_missing_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="build-store"):
        Store(tmp_path / "nope.gpkg").read("areas")
