"""Fixtures for the boundary tests: small hand-made polygons and a refusal checker."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo.errors import InputRejected
from geo.store import Store

# Lower-left corners of two adjacent 1 km squares in central Copenhagen (EPSG:25832).
X0, Y0, SIDE = 720000.0, 6175000.0, 1000.0


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """Two adjacent squares sharing an edge, with municipality codes as a file would have them."""
    return gpd.GeoDataFrame(
        {"KOMKODE": ["101", "147"], "KOMNAVN": ["København", "Frederiksberg"]},
        geometry=[
            shapely.box(X0, Y0, X0 + SIDE, Y0 + SIDE),
            shapely.box(X0 + SIDE, Y0, X0 + 2 * SIDE, Y0 + SIDE),
        ],
        crs="EPSG:25832",
    )


@pytest.fixture
def assert_refused() -> Callable[..., InputRejected]:
    """``assert_refused(store, call, *fragments)``: the call is refused, naming each fragment,
    and the store file is byte-identical afterwards (same hash, same data_version, no
    temporary copies left behind)."""

    def check(store: Store, call: Callable[[], object], *fragments: str) -> InputRejected:
        before = digest(store.path)
        version = store.data_version
        with pytest.raises(InputRejected) as info:
            call()
        text = str(info.value)
        for fragment in fragments:
            assert fragment in text, f"{fragment!r} not in:\n{text}"
        assert digest(store.path) == before
        assert store.data_version == version
        assert not [p for p in store.path.parent.iterdir() if ".tmp" in p.name]
        return info.value

    return check
