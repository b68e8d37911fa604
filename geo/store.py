"""The store: one GeoPackage file holding every layer and table of Områdekort.

Spatial layers are kept in EPSG:25832. Writers never touch the live file: a
:meth:`Store.transaction` copies it next to itself, writes the copy and swaps it in with
``os.replace``, so a reader sees either the old store or the new one, never half a layer, and a
refused import leaves the store exactly as it was.

Layers and tables
-----------------
areas               polygons; area_id (slug), name, municipality_code, boundary_source, ...
municipalities      polygons (optional, from an import); code, name
regions, parishes, postal_districts   optional base layers from imports; code, name
outline             Denmark's outline for the national map
designations        area_id, year, category, basis, source
list_counts         year, category, count, source (official totals)
municipality_info   code, name, town, town_lat, town_lon, town_source
aliases             alias, area_id (other spellings of area names)
indicators          area_id, year, code, value, dataset, source, note, synthetic
earlier_lists       old ghetto lists 2015–2017 (year, area_id, listed, basis, source)
moves               raw relocation data (geo.relocation.ingest); never served
move_counts         movers per year, reason, origin, destination, distance band
                    (geo.relocation.join)
move_join           the join's report and signature; move_protection: suppressed cells
provenance          dataset, description, source, licence, loaded_at, synthetic, records
meta                key, value (data_version, built_at, schema)
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import STORE_CRS
from geo.errors import StoreError

SPATIAL_LAYERS = ("areas", "municipalities", "regions", "parishes", "postal_districts", "outline")
BASE_LAYERS = ("municipalities", "regions", "parishes", "postal_districts")
TABLES = (
    "designations",
    "list_counts",
    "municipality_info",
    "aliases",
    "indicators",
    "earlier_lists",
    # Relocation data (geo.relocation.ingest): raw moves are never served; the service reads
    # move_counts.
    "moves",
    "move_counts",
    "move_join",
    "move_protection",
    "provenance",
    "meta",
)
SCHEMA_VERSION = "1"


def _signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class Store:
    """Read and write access to one GeoPackage store.

    Reads are cached per file version: the cache is keyed on the file's inode, size and
    modification time, so a swap by any process (an import from the command line while the
    service runs) is picked up on the next read.
    """

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._cache: dict[str, pd.DataFrame] = {}
        self._cache_sig: tuple[int, int, int] | None = None
        self._lock = threading.Lock()

    # -- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.is_file()

    def _check(self) -> tuple[int, int, int]:
        if not self.path.is_file():
            raise StoreError(
                f"store {self.path} does not exist: build it with `omraadekort build-store`"
            )
        sig = _signature(self.path)
        if sig != self._cache_sig:
            self._cache = {}
            self._cache_sig = sig
        return sig

    def layers(self) -> list[str]:
        self._check()
        return [str(name) for name, _ in pyogrio.list_layers(self.path)]

    def has(self, name: str) -> bool:
        return name in self.layers()

    def read(self, name: str) -> pd.DataFrame:
        """Return a layer (GeoDataFrame in EPSG:25832) or a table (DataFrame).

        A spatial layer that was never loaded comes back empty with the right columns, so
        callers need not special-case an absent base layer. The frame is shared between
        callers: treat it as read-only (``.copy()`` before changing it).
        """
        with self._lock:
            self._check()
            if name not in self._cache:
                self._cache[name] = self._read_uncached(name)
            return self._cache[name]

    def _read_uncached(self, name: str) -> pd.DataFrame:
        present = {str(n) for n, _ in pyogrio.list_layers(self.path)}
        if name not in present:
            if name in SPATIAL_LAYERS:
                return gpd.GeoDataFrame(
                    {"code": pd.Series([], dtype=str), "name": pd.Series([], dtype=str)},
                    geometry=gpd.GeoSeries([], crs=STORE_CRS),
                )
            raise StoreError(f"store {self.path} has no table {name!r}")
        frame = pyogrio.read_dataframe(self.path, layer=name)
        if name in SPATIAL_LAYERS and (frame.crs is None or frame.crs.to_epsg() != 25832):
            raise StoreError(
                f"layer {name!r} in {self.path} is in {frame.crs}, expected {STORE_CRS}"
            )
        return frame

    def meta(self) -> dict[str, str]:
        """Key/value metadata; cached with the layers, as it is read on every request."""
        with self._lock:
            self._check()
            cached = self._cache.get("__meta__")
        if cached is None:
            table = self.read("meta")
            cached = dict(zip(table["key"].tolist(), table["value"].tolist(), strict=True))
            with self._lock:
                self._cache["__meta__"] = cached
        return dict(cached)

    @property
    def data_version(self) -> str:
        """Changes with every successful write: use it in cache keys and ETags."""
        return self.meta().get("data_version", "0")

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, create: bool = False) -> Iterator[StoreWriter]:
        """Write a new version of the store and swap it in when the block succeeds.

        Parameters
        ----------
        create
            Start from an empty file instead of a copy of the current store.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            fd, tmp_name = tempfile.mkstemp(
                prefix=self.path.stem + ".", suffix=".tmp.gpkg", dir=self.path.parent
            )
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                if create or not self.path.exists():
                    tmp.unlink()
                else:
                    shutil.copy2(self.path, tmp)
                writer = StoreWriter(tmp, previous=None if create else self)
                yield writer
                writer._finish()
                os.replace(tmp, self.path)
            finally:
                if tmp.exists():
                    tmp.unlink()


class StoreWriter:
    """Writes layers and tables into the temporary copy of a store."""

    def __init__(self, path: Path, previous: Store | None):
        self.path = path
        self.previous = previous
        self.written: list[str] = []

    def write(self, name: str, frame: pd.DataFrame) -> None:
        if name not in SPATIAL_LAYERS and name not in TABLES:
            raise ValueError(f"unknown store layer {name!r}")
        if name in SPATIAL_LAYERS:
            if not isinstance(frame, gpd.GeoDataFrame):
                raise TypeError(f"layer {name!r} needs a GeoDataFrame")
            if frame.crs is None or frame.crs.to_epsg() != 25832:
                raise ValueError(f"layer {name!r} must be in {STORE_CRS}, got {frame.crs}")
            pyogrio.write_dataframe(
                frame,
                self.path,
                layer=name,
                driver="GPKG",
                geometry_type="MultiPolygon",
                promote_to_multi=True,
            )
        else:
            pyogrio.write_dataframe(pd.DataFrame(frame), self.path, layer=name, driver="GPKG")
        self.written.append(name)

    def read(self, name: str) -> pd.DataFrame:
        """Read a layer from the copy being written (the state the swap will publish)."""
        return pyogrio.read_dataframe(self.path, layer=name)

    def record_provenance(
        self,
        dataset: str,
        *,
        description: str,
        source: str,
        licence: str,
        records: int,
        synthetic: bool = False,
    ) -> None:
        """Replace the provenance row of ``dataset``."""
        row = pd.DataFrame(
            [
                {
                    "dataset": dataset,
                    "description": description,
                    "source": source,
                    "licence": licence,
                    "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "synthetic": bool(synthetic),
                    "records": int(records),
                }
            ]
        )
        try:
            current = self.read("provenance")
            current = current[current["dataset"] != dataset]
            table = pd.concat([current, row], ignore_index=True)
        except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError):
            table = row
        self.write("provenance", table)

    def _finish(self) -> None:
        try:
            meta = self.read("meta")
            values = dict(zip(meta["key"], meta["value"], strict=True))
        except (pyogrio.errors.DataLayerError, pyogrio.errors.DataSourceError):
            values = {}
        version = int(values.get("data_version", "0")) + 1
        now = datetime.now(UTC).isoformat(timespec="seconds")
        values.update({"data_version": str(version), "schema": SCHEMA_VERSION, "written_at": now})
        values.setdefault("built_at", now)
        self.write(
            "meta",
            pd.DataFrame({"key": list(values), "value": [str(v) for v in values.values()]}),
        )
