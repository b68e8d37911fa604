"""The store: one GeoPackage file holding every layer and table of Områdekort.

Spatial layers are kept in EPSG:25832. Writers never touch the live file: a
:meth:`Store.transaction` copies it next to itself, writes the copy and swaps it in with
``os.replace``, so a reader sees either the old store or the new one, never half a layer, and a
refused import leaves the store exactly as it was.

Layers and tables
-----------------
areas               polygons; area_id (slug), name, municipality_code, boundary_source, ...
area_boundaries     every version of an area's boundary (official ones with their order,
                    cadastre date and the date they are in force from)
municipalities      polygons (optional, from an import); code, name
regions, parishes, postal_districts   optional base layers from imports; code, name
outline             Denmark's outline for the national map
designations        area_id, year, category, basis, source
list_counts         year, category, count, source (official totals)
municipality_info   code, name, town, town_lat, town_lon, town_source
aliases             alias, area_id (other spellings of area names)
indicators          area_id, year, code, value, dataset, source, note, synthetic
earlier_lists       old ghetto lists 2015–2017 (year, area_id, listed, basis, source)
plan_facts          development-plan facts with sources and quotes (indicators.plans)
reports             reports of the evaluation and the programme evaluations (indicators.reports)
moves               raw relocation data (geo.relocation.ingest); never served. Kept as a
                    Parquet dataset beside the GeoPackage (see "Datasets beside the store")
move_counts         movers per year, reason, origin, destination, distance band
                    (geo.relocation.join)
move_join           the join's report and signature; move_protection: suppressed cells
move_profiles       movers per reason, origin, age band, labour status, household type
provenance          dataset, description, source, licence, loaded_at, synthetic, records
meta                key, value (data_version, built_at, schema, dataset.<name>)

Datasets beside the store
-------------------------
Large tables that are only ever read whole and in order (the raw moves: tens of millions of
rows) are kept as directories of Parquet files next to the GeoPackage, in
``<store>.datasets/<name>-<token>/part-NNNNNN.parquet``, written at disk speed. The store's
``meta`` table names the directory in force (``dataset.moves``), so the GeoPackage swap is the
single commit point: a dataset is written to a temporary directory first, renamed to its final
name inside the transaction, and becomes current with the same ``os.replace`` that publishes
the new data version. Directories no longer named by the store are removed by the writer that
replaced them (under the writer lock); a refused or failed write removes its own.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import geopandas as gpd
import pandas as pd
import pyogrio

from geo import STORE_CRS
from geo.errors import StoreBusy, StoreChanged, StoreError

SPATIAL_LAYERS = (
    "areas",
    # every version of every area's boundary, with the dates it is in force (boundaries.parcels)
    "area_boundaries",
    "municipalities",
    "regions",
    "parishes",
    "postal_districts",
    "outline",
)
BASE_LAYERS = ("municipalities", "regions", "parishes", "postal_districts")
TABLES = (
    "designations",
    "list_counts",
    "municipality_info",
    "aliases",
    "indicators",
    "earlier_lists",
    # Development plans and reports (indicators.plans, indicators.reports).
    "plan_facts",
    "reports",
    # Relocation data (geo.relocation.ingest): raw moves are never served; the service reads
    # move_counts.
    "moves",
    "move_counts",
    "move_join",
    "move_protection",
    "move_profiles",
    "provenance",
    "meta",
)
# Tables kept as Parquet datasets beside the GeoPackage (see "Datasets beside the store").
DATASETS = ("moves",)
_DATASET_KEY = "dataset."
SCHEMA_VERSION = "1"


# Layers and tables every usable store has (the default build writes all of them); a store
# missing one is broken: commands exit 2, the service answers 503 and /healthz says which.
REQUIRED_LAYERS = (
    "areas",
    "designations",
    "list_counts",
    "municipality_info",
    "aliases",
    "provenance",
    "meta",
)

# Columns the code relies on, per required table, and columns that count things (never
# negative, never missing). A store that breaks these is broken as a whole: every route
# answers 503 rather than some of them failing halfway.
REQUIRED_COLUMNS = {
    "areas": ("area_id", "name", "municipality_code", "boundary_source"),
    "designations": ("area_id", "year", "category"),
    "list_counts": ("year", "category", "count"),
    "municipality_info": ("code", "name"),
    "aliases": ("alias", "area_id"),
    "provenance": ("dataset",),
    "meta": ("key", "value"),
}
COUNT_COLUMNS = {"list_counts": ("count",), "move_counts": ("movers",)}

log = logging.getLogger("omraadekort.store")

_TEMP_MARK = ".tmp-"
# Temporary copies named by earlier versions (tempfile.mkstemp with the stem as prefix).
_LEGACY_TEMP = r"\.[a-z0-9_]{8}\.tmp\.gpkg(?:-journal|-wal|-shm)?"


def _signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _writable(path: Path) -> bool:
    """True when ``path`` may be written: the permission bits allow it (also for root, who
    ``os.access`` would always allow) and the process may.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def _holder_text() -> str:
    command = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv[:2]))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    return f"pid {os.getpid()}, {command or 'python'}, since {started}"


class Store:
    """Read and write access to one GeoPackage store.

    Reads are cached per file version: the cache is keyed on the file's inode, size and
    modification time, so a swap by any process (an import from the command line while the
    service runs) is picked up on the next read.

    Writers take an exclusive lock (``<store>.lock``, :func:`fcntl.flock`) for the whole of
    :meth:`writing`; readers never take it. A command that reads the store and then writes
    must hold :meth:`writing` across both, or its write is refused with
    :class:`~geo.errors.StoreChanged` when another writer got in between — a write is never
    silently based on a version that is no longer the store.

    Parameters
    ----------
    path
        The GeoPackage file.
    wait
        Seconds a writer waits for another writer's lock before giving up with
        :class:`~geo.errors.StoreBusy`; ``None`` waits as long as it takes.
    on_wait
        Called once with a one-line message when a writer has to wait (default: a log
        warning).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ):
        self.path = Path(path)
        self.wait = wait
        self.on_wait = on_wait or log.warning
        self._cache: dict[str, pd.DataFrame] = {}
        self._cache_sig: tuple[int, int, int] | None = None
        self._lock = threading.Lock()
        # writer state: the held lock file, nesting depth, and the file versions read since
        # the last write of this object (to refuse writes based on a replaced version)
        self._write_mutex = threading.RLock()
        self._writer_file: IO[str] | None = None
        self._writer_depth = 0
        self._seen: set[tuple[int, int, int]] = set()
        self._checked: dict[tuple[int, int, int], list[str]] = {}

    # -- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        """True when the store's file exists."""
        return self.path.is_file()

    def signature(self) -> tuple[int, int, int] | None:
        """(inode, mtime ns, size) of the store file, or None when it cannot be stat'ed: one
        system call, for callers that only need to know whether the store was replaced (every
        write replaces the file, so the same signature means the same content).
        """
        try:
            return _signature(self.path)
        except OSError:
            return None

    def _check(self) -> tuple[int, int, int]:
        if not self.path.is_file():
            if self.path.exists():
                raise StoreError(f"store {self.path} is not a file")
            raise StoreError(
                f"store {self.path} does not exist: build it with `omraadekort build-store`"
            )
        try:
            sig = _signature(self.path)
        except OSError as exc:
            raise StoreError(f"store {self.path} cannot be read: {exc.strerror}") from exc
        if sig != self._cache_sig:
            self._cache = {}
            self._cache_sig = sig
        self._seen.add(sig)
        return sig

    def _list_layers(self) -> list[str]:
        try:
            return [str(name) for name, _ in pyogrio.list_layers(self.path)]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            raise StoreError(
                f"store {self.path} cannot be read (not a GeoPackage, or damaged): "
                + _first_line(exc)
            ) from exc

    def layers(self) -> list[str]:
        """The names of the store's layers and tables (cached per file signature)."""
        self._check()
        return self._list_layers()

    def has(self, name: str) -> bool:
        """True when the store has the layer or table ``name`` (or the dataset beside it)."""
        if name in DATASETS and self.dataset_path(name) is not None:
            return True
        return name in self.layers()

    # -- datasets beside the store -----------------------------------------------------------

    @property
    def datasets_dir(self) -> Path:
        """The directory holding the store's Parquet datasets (``<store>.datasets``)."""
        return self.path.with_name(self.path.name + ".datasets")

    def dataset_path(self, name: str) -> Path | None:
        """The directory of dataset ``name`` in the current store version, or None."""
        ref = self.meta().get(_DATASET_KEY + name) if self.exists() else None
        return self.datasets_dir / ref if ref else None

    def dataset_files(self, name: str) -> list[Path]:
        """The Parquet files of dataset ``name``, in row order (empty when there is none)."""
        directory = self.dataset_path(name)
        if directory is None:
            return []
        if not directory.is_dir():
            raise StoreError(f"store {self.path}: dataset directory {directory} is missing")
        return sorted(directory.glob("part-*.parquet"))

    def new_dataset_dir(self, name: str) -> Path:
        """A fresh temporary directory for writing dataset ``name``.

        Pass it to :meth:`StoreWriter.attach_dataset` inside a transaction, or remove it with
        :meth:`discard_dataset_dir`. Temporary directories of processes that no longer run
        (killed imports) are removed here.
        """
        if name not in DATASETS:
            raise ValueError(f"unknown store dataset {name!r}")
        self.datasets_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.datasets_dir.glob(_TEMP_MARK + "*"):
            with contextlib.suppress(ValueError, IndexError):
                if not _pid_alive(int(stale.name.split("-")[2])):
                    shutil.rmtree(stale, ignore_errors=True)
        path = self.datasets_dir / f"{_TEMP_MARK}{name}-{os.getpid()}-{secrets.token_hex(4)}"
        path.mkdir()
        return path

    def discard_dataset_dir(self, path: Path) -> None:
        """Remove a temporary dataset directory (and the datasets directory, if now empty)."""
        shutil.rmtree(path, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.datasets_dir.rmdir()

    def _collect_datasets(self) -> None:
        """Remove dataset directories that the current store version does not name."""
        if not self.datasets_dir.is_dir():
            return
        current = {v for k, v in self.meta().items() if k.startswith(_DATASET_KEY)}
        for entry in self.datasets_dir.iterdir():
            if entry.name.startswith(_TEMP_MARK) or entry.name in current:
                continue
            shutil.rmtree(entry, ignore_errors=True)

    def read(self, name: str) -> pd.DataFrame:
        """Return a layer (GeoDataFrame in EPSG:25832) or a table (DataFrame).

        A spatial layer that was never loaded comes back empty with the right columns, so
        callers need not special-case an absent base layer. The frame is shared between
        callers: treat it as read-only (``.copy()`` before changing it).

        Raises
        ------
        StoreError
            The store is missing or cannot be read, or lacks a required table.
        """
        if name in DATASETS and self.dataset_path(name) is not None:
            return _read_dataset(self.dataset_files(name))
        with self._lock:
            self._check()
            if name not in self._cache:
                self._cache[name] = self._read_uncached(name)
            return self._cache[name]

    def _read_uncached(self, name: str) -> pd.DataFrame:
        present = set(self._list_layers())
        if name not in present:
            if name in SPATIAL_LAYERS and name not in REQUIRED_LAYERS:
                return gpd.GeoDataFrame(
                    {"code": pd.Series([], dtype=str), "name": pd.Series([], dtype=str)},
                    geometry=gpd.GeoSeries([], crs=STORE_CRS),
                )
            raise StoreError(f"store {self.path} has no table {name!r}")
        try:
            frame = pyogrio.read_dataframe(self.path, layer=name)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
            raise StoreError(
                f"store {self.path}: layer {name!r} cannot be read: {_first_line(exc)}"
            ) from exc
        if name in SPATIAL_LAYERS and (frame.crs is None or frame.crs.to_epsg() != 25832):
            raise StoreError(
                f"layer {name!r} in {self.path} is in {frame.crs}, expected {STORE_CRS}"
            )
        return frame

    def check(self) -> list[str]:
        """Problems that make the store unusable (empty for a usable store).

        Every required layer present and readable, with the columns the code relies on; area
        ids unique and not blank; counts (list counts, movers) whole and not negative. The
        result is kept per file version, so calling it on every request costs a ``stat``.
        Used by ``/healthz``, by every route of the service and by the commands.
        """
        try:
            sig = self._check()
        except StoreError as exc:
            return [str(exc)]
        cached = self._checked.get(sig)
        if cached is None:
            cached = self._check_content()
            self._checked = {sig: cached}
        return list(cached)

    def _check_content(self) -> list[str]:
        try:
            present = set(self.layers())
        except StoreError as exc:
            return [str(exc)]
        problems = [
            f"store {self.path} has no {name!r} layer"
            for name in REQUIRED_LAYERS
            if name not in present
        ]
        for name in (*REQUIRED_LAYERS, *(t for t in COUNT_COLUMNS if t not in REQUIRED_LAYERS)):
            if name not in present:
                continue
            try:
                frame = self.read(name)
            except StoreError as exc:
                problems.append(str(exc))
                continue
            missing = [c for c in REQUIRED_COLUMNS.get(name, ()) if c not in frame.columns]
            if missing:
                problems.append(f"store {self.path}: layer {name!r} lacks the columns {missing}")
                continue
            for column in COUNT_COLUMNS.get(name, ()):
                if column not in frame.columns:
                    problems.append(f"store {self.path}: table {name!r} has no {column!r}")
                    continue
                values = pd.to_numeric(frame[column], errors="coerce")
                bad = values.isna() | (values < 0) | (values != values.round())
                if bad.any():
                    problems.append(
                        f"store {self.path}: table {name!r} has {int(bad.sum())} {column} "
                        f"that are not whole numbers ≥ 0 (e.g. {frame[column][bad].iloc[0]!r})"
                    )
            if name == "areas":
                ids = frame["area_id"]
                if ids.isna().any() or (ids.astype(str).str.strip() == "").any():
                    problems.append(f"store {self.path}: layer 'areas' has blank area ids")
                elif ids.duplicated().any():
                    problems.append(
                        f"store {self.path}: layer 'areas' has the area id "
                        f"{ids[ids.duplicated()].iloc[0]!r} twice"
                    )
        return problems

    def meta(self) -> dict[str, str]:
        """Key/value metadata; cached with the layers, as it is read on every request."""
        with self._lock:
            self._check()
            cached = self._cache.get("__meta__")
        if cached is None:
            table = self.read("meta")
            if not {"key", "value"} <= set(table.columns):
                raise StoreError(f"store {self.path}: table 'meta' lacks key/value columns")
            cached = dict(zip(table["key"].astype(str), table["value"].astype(str), strict=True))
            with self._lock:
                self._cache["__meta__"] = cached
        return dict(cached)

    @property
    def data_version(self) -> str:
        """Changes with every successful write: use it in cache keys and ETags."""
        return self.meta().get("data_version", "0")

    # -- the writer lock -------------------------------------------------------------------

    @property
    def lock_path(self) -> Path:
        """The lock file that serialises writers (beside the store)."""
        return self.path.with_name(self.path.name + ".lock")

    def _refuse_read_only(self, create: bool) -> None:
        directory = self.path.parent
        if not create and not self.path.exists():
            # nothing to write into: say so before leaving a lock file or a directory behind
            self._check()
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's directory {directory}: {exc.strerror}"
            ) from exc
        if not _writable(directory):
            raise StoreError(
                f"store directory {directory} is read-only: nothing was written to {self.path}"
            )
        if self.path.exists() and not _writable(self.path):
            raise StoreError(f"store {self.path} is read-only: nothing was written")

    def _acquire(self, create: bool) -> IO[str]:
        self._refuse_read_only(create)
        try:
            handle = open(self.lock_path, "a+")  # noqa: SIM115 - held across the block
        except OSError as exc:
            raise StoreError(
                f"cannot open the writer lock {self.lock_path}: {exc.strerror}"
            ) from exc
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            limit = "" if self.wait is None else f" (at most {self.wait:g} s)"
            self.on_wait(f"store {self.path} is being written by {holder}; waiting{limit} …")
            deadline = None if self.wait is None else time.monotonic() + self.wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        handle.close()
                        raise StoreBusy(
                            f"store {self.path} is still being written by {holder} after "
                            f"{self.wait:g} s; nothing was written (try again, or give a "
                            "longer --wait)"
                        ) from None
                    time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(_holder_text() + "\n")
        handle.flush()
        return handle

    def _remove_stale_temps(self) -> list[Path]:
        """Remove temporary copies left by writers that were killed (we hold the lock, so no
        live writer owns one).
        """
        pattern = re.compile(
            re.escape(self.path.name + _TEMP_MARK)
            + r"[A-Za-z0-9_]+\.gpkg(?:-journal|-wal|-shm)?"
            + "|"
            + re.escape(self.path.stem)
            + _LEGACY_TEMP
        )
        removed = []
        for candidate in self.path.parent.iterdir():
            if pattern.fullmatch(candidate.name) and candidate.is_file():
                with contextlib.suppress(FileNotFoundError):
                    candidate.unlink()
                    removed.append(candidate)
        if removed:
            log.warning(
                "removed %d temporary file(s) left by an interrupted write: %s",
                len(removed),
                ", ".join(p.name for p in removed),
            )
        return removed

    @contextlib.contextmanager
    def writing(self, *, create: bool = False) -> Iterator[Store]:
        """Hold the store's exclusive writer lock for the block (re-entrant).

        Take it before reading what a write will be based on. Readers are never blocked.
        Without ``create`` the store must exist (else :class:`~geo.errors.StoreError`, and
        nothing is created); with it, its directory is created when missing.

        Raises
        ------
        StoreBusy
            Another writer held the lock for longer than :attr:`wait` seconds.
        StoreChanged
            This object read a version of the store that another writer has since replaced.
        StoreError
            The store or its directory is read-only.
        """
        with self._write_mutex:
            if self._writer_depth:
                self._writer_depth += 1
                try:
                    yield self
                finally:
                    self._writer_depth -= 1
                return
            handle = self._acquire(create)
            try:
                current = _signature(self.path) if self.path.is_file() else None
                stale = {s for s in self._seen if s != current}
                if stale:
                    raise StoreChanged(
                        f"store {self.path} was changed by another command while this one was "
                        "reading it; nothing was written (run the command again)"
                    )
                self._remove_stale_temps()
                self._writer_file = handle
                self._writer_depth = 1
                try:
                    yield self
                finally:
                    self._writer_depth = 0
                    self._writer_file = None
            finally:
                with contextlib.suppress(OSError):
                    fcntl.flock(handle, fcntl.LOCK_UN)
                handle.close()

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, create: bool = False) -> Iterator[StoreWriter]:
        """Write a new version of the store and swap it in when the block succeeds.

        Holds the writer lock (:meth:`writing`) for the block.

        Parameters
        ----------
        create
            Start from an empty file instead of a copy of the current store.
        """
        with self.writing(create=True):
            if not create and self.path.exists():
                self.layers()  # a damaged store is refused before anything is copied
            tmp = self.path.with_name(
                f"{self.path.name}{_TEMP_MARK}{os.getpid()}_{secrets.token_hex(4)}.gpkg"
            )
            try:
                try:
                    if not create and self.path.exists():
                        shutil.copy2(self.path, tmp)
                except OSError as exc:
                    raise StoreError(
                        f"cannot copy the store {self.path} to write it: {exc.strerror}"
                    ) from exc
                writer = StoreWriter(
                    tmp, previous=None if create else self, datasets_dir=self.datasets_dir
                )
                committed = False
                try:
                    yield writer
                    writer._finish()
                    try:
                        os.replace(tmp, self.path)
                    except OSError as exc:
                        raise StoreError(
                            f"cannot replace the store {self.path}: {exc.strerror}"
                        ) from exc
                    committed = True
                finally:
                    if not committed:
                        for directory in writer.attached:
                            shutil.rmtree(directory, ignore_errors=True)
                self._seen = {_signature(self.path)}
                self._collect_datasets()
            finally:
                for leftover in (tmp, *(Path(f"{tmp}{x}") for x in ("-journal", "-wal", "-shm"))):
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]


class StoreWriter:
    """Writes layers and tables into the temporary copy of a store."""

    def __init__(self, path: Path, previous: Store | None, datasets_dir: Path | None = None):
        self.path = path
        self.previous = previous
        self.written: list[str] = []
        self.datasets_dir = datasets_dir or path.with_name(path.name + ".datasets")
        self.attached: list[Path] = []
        self._meta_updates: dict[str, str] = {}

    def attach_dataset(self, name: str, directory: Path) -> None:
        """Make the Parquet files in ``directory`` dataset ``name`` of the new store version.

        ``directory`` comes from :meth:`Store.new_dataset_dir`; it is moved into place now and
        becomes current when the transaction commits (it is removed if it does not).
        """
        if name not in DATASETS:
            raise ValueError(f"unknown store dataset {name!r}")
        final = self.datasets_dir / f"{name}-{secrets.token_hex(8)}"
        os.replace(directory, final)
        self.attached.append(final)
        self._meta_updates[_DATASET_KEY + name] = final.name
        self.written.append(name)

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """Replace the layer or table ``name`` with ``frame`` in the working copy."""
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
        values.update(self._meta_updates)
        values.setdefault("built_at", now)
        self.write(
            "meta",
            pd.DataFrame({"key": list(values), "value": [str(v) for v in values.values()]}),
        )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read_dataset(files: list[Path]) -> pd.DataFrame:
    """A moves dataset's rows in order, with ``move_id`` = the row number (1-based) in front."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(f) for f in files]
    if not tables:
        return pd.DataFrame()
    frame = pa.concat_tables(tables, promote_options="default").to_pandas()
    frame.insert(0, "move_id", range(1, len(frame) + 1))
    return frame
