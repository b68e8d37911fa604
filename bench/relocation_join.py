"""Relocation join + aggregation at national scale: points per second and peak memory.

Generates 1, 10 and 20 million moves (destinations spread over Denmark, origins in the
omdannelsesområder of the default store) as Parquet files of one million rows each, then runs
the join of every destination to the postal districts of ``../shared/data/dagi/postnumre.geojson``
(standing in for a municipal layer) and to the store's areas, with distances and the count per
year × reason × origin × destination × band, three ways, each in its own process:

- ``single``: :func:`geo.relocation.join.count_moves` in one process, one Parquet file at a time;
- ``dask``: :func:`geo.relocation.join.count_moves_dask` on a ``distributed.LocalCluster`` with one
  single-threaded worker per core;
- ``sjoin``: the reference — a plain ``geopandas.sjoin`` (Point objects, STRtree, predicate
  ``within``) for both layers, the same precedence rules, distances and a pandas groupby, one
  file at a time.

Times are end to end from the Parquet files to the final counts (cluster start-up excluded).
Peak memory is the largest resident set of the whole process tree (workers included), sampled
every 20 ms. The single-process and reference counts of the 1-million run are compared.
The script prints figures; it asserts nothing about time.

    .venv/bin/python bench/relocation_join.py [--sizes 1,10,20] [--engines single,dask,sjoin]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
POSTNUMRE = REPO.parent / "shared" / "data" / "dagi" / "postnumre.geojson"
ROWS_PER_FILE = 1_000_000
SEED = 20


def _store(workdir: Path):
    from geo.seed import build_default_store
    from geo.store import Store

    store = Store(workdir / "store.gpkg")
    if not store.exists():
        build_default_store(store, with_outline=False)
    return store


def _postal_districts():
    import geopandas as gpd
    import shapely

    frame = gpd.read_file(POSTNUMRE).to_crs(25832)
    frame["geometry"] = shapely.make_valid(shapely.force_2d(frame.geometry.values))
    # Central Copenhagen's districts are ranges ("1000-1499"): keep the first number as code.
    frame["code"] = frame["POSTNR_TXT"].astype(str).str.split("-").str[0]
    frame = frame.dissolve("code", aggfunc="first").reset_index()
    return gpd.GeoDataFrame(
        {"code": frame["code"].astype(str), "name": frame["POSTBYNAVN"].astype(str)},
        geometry=frame.geometry.values,
        crs=25832,
    )


def layers(workdir: Path):
    from geo.relocation.join import JoinLayers

    return JoinLayers.from_frames(_store(workdir).read("areas"), _postal_districts())


def generate(workdir: Path, millions: int) -> Path:
    """Write ``millions`` Parquet files of a million moves each (reused when present)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    directory = workdir / f"moves_{millions}m"
    if directory.is_dir() and len(list(directory.glob("*.parquet"))) == millions:
        return directory
    directory.mkdir(parents=True, exist_ok=True)
    store = _store(workdir)
    designations = store.read("designations")
    origins = sorted(set(designations[designations["category"] == "omdannelsesomraade"]["area_id"]))
    districts = _postal_districts()
    centres = shapely.get_coordinates(shapely.point_on_surface(districts.geometry.values))
    rng = np.random.default_rng(SEED + millions)
    origin_type = pd.CategoricalDtype(origins)
    reason_type = pd.CategoricalDtype(["planned", "other"])
    for i in range(millions):
        n = ROWS_PER_FILE
        pick = rng.integers(0, len(centres), n)
        frame = pd.DataFrame(
            {
                "year": rng.integers(2019, 2025, n).astype(np.int16),
                "weight": np.ones(n, dtype=np.int32),
                "reason": pd.Categorical.from_codes(rng.integers(0, 2, n), dtype=reason_type),
                "origin_area_id": pd.Categorical.from_codes(
                    rng.integers(0, len(origins), n), dtype=origin_type
                ),
                "dest_x": centres[pick, 0] + rng.normal(0, 3000, n),
                "dest_y": centres[pick, 1] + rng.normal(0, 3000, n),
            }
        )
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False), directory / f"{i:03d}.parquet"
        )
    return directory


def _files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.parquet"))


def _batches(directory: Path):
    for path in _files(directory):
        yield pd.read_parquet(path)


def run_single(workdir: Path, directory: Path) -> pd.DataFrame:
    from geo.relocation.join import count_moves

    return count_moves(_batches(directory), layers(workdir)).cells


def run_dask(workdir: Path, directory: Path, timer: dict) -> pd.DataFrame:
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    from geo.relocation.join import count_moves_dask

    join_layers = layers(workdir)
    with (
        LocalCluster(
            n_workers=os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,
    ):
        timer["start"] = time.perf_counter()  # cluster start-up excluded
        moves = dd.read_parquet([str(p) for p in _files(directory)])
        return count_moves_dask(moves, join_layers, client).cells


def run_sjoin(workdir: Path, directory: Path) -> pd.DataFrame:
    """The reference: the same join with geopandas.sjoin and a pandas groupby."""
    import geopandas as gpd

    from geo.relocation.join import BAND_EDGES_M, BANDS, UNKNOWN_BAND

    join_layers = layers(workdir)
    areas = _store(workdir).read("areas")
    areas = areas[~areas.geometry.isna()].copy()
    areas["_size"] = areas.geometry.area
    postal = _postal_districts()
    area_point = dict(
        zip(
            join_layers.area_ids,
            zip(join_layers.area_x, join_layers.area_y, strict=True),
            strict=True,
        )
    )
    area_muni = dict(zip(join_layers.area_ids, join_layers.area_municipality, strict=True))
    parts = []
    for frame in _batches(directory):
        points = gpd.GeoDataFrame(
            frame, geometry=gpd.points_from_xy(frame["dest_x"], frame["dest_y"]), crs=25832
        )
        in_area = gpd.sjoin(
            points[["geometry"]], areas[["area_id", "_size", "geometry"]], predicate="within"
        )
        # overlapping areas: the smallest wins, as in geo.relocation.join
        in_area = in_area.sort_values(["_size", "area_id"]).groupby(level=0)["area_id"].first()
        in_postal = gpd.sjoin(
            points[["geometry"]], postal[["code", "geometry"]], predicate="within"
        )
        in_postal = in_postal.groupby(level=0)["code"].first()
        dest_area = in_area.reindex(frame.index).fillna("")
        code = in_postal.reindex(frame.index).fillna("")
        code = dest_area.map(area_muni).where(dest_area != "", code)
        origin = frame["origin_area_id"].astype(str)
        ox = origin.map(lambda a: area_point[a][0])
        oy = origin.map(lambda a: area_point[a][1])
        distance = np.hypot(frame["dest_x"] - ox, frame["dest_y"] - oy)
        band = np.searchsorted(np.asarray(BAND_EDGES_M), distance, side="right") - 1
        labels = np.asarray([*BANDS, UNKNOWN_BAND], dtype=object)
        counted = pd.DataFrame(
            {
                "year": frame["year"].astype(np.int64),
                "reason": frame["reason"].astype(str),
                "origin_area_id": origin,
                "dest_area_id": dest_area.astype(str),
                "dest_municipality_code": code.astype(str),
                "distance_band": labels[band],
                "movers": frame["weight"].astype(np.int64),
            }
        )
        parts.append(counted.groupby(list(counted.columns[:-1]), observed=True)["movers"].sum())
    total = pd.concat(parts).groupby(level=list(range(6))).sum().reset_index()
    return total


def _tree_rss() -> int:
    import psutil

    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total


def worker(engine: str, millions: int, workdir: Path) -> None:
    """Run one engine on one size in this process; print a JSON line of figures."""
    directory = generate(workdir, millions)
    layers(workdir)  # warm: read polygons once so their parsing is not timed
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timer = {"start": time.perf_counter()}
    if engine == "single":
        cells = run_single(workdir, directory)
    elif engine == "dask":
        cells = run_dask(workdir, directory, timer)
    else:
        cells = run_sjoin(workdir, directory)
    elapsed = time.perf_counter() - timer["start"]
    stop.set()
    sampler.join()
    if engine != "sjoin":
        keys = ["year", "reason", "origin_area_id", "dest_area_id"]
        keys += ["dest_municipality_code", "distance_band"]
        cells = cells.groupby(keys)["movers"].sum().reset_index()
    cells = cells.sort_values(list(cells.columns[:-1])).reset_index(drop=True)
    digest = pd.util.hash_pandas_object(cells.astype(str), index=False).sum()
    points = millions * ROWS_PER_FILE
    print(
        json.dumps(
            {
                "engine": engine,
                "millions": millions,
                "seconds": round(elapsed, 2),
                "points_per_second": round(points / elapsed),
                "peak_rss_mb": round(peak[0] / 1e6),
                "cells": len(cells),
                "movers": int(cells["movers"].sum()),
                "digest": str(digest),
                "cores": os.cpu_count(),
            }
        ),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1,10,20", help="millions of moves, comma-separated")
    parser.add_argument("--engines", default="single,dask,sjoin")
    parser.add_argument("--workdir", default=None, help="where the generated moves are kept")
    parser.add_argument("--worker", nargs=2, metavar=("ENGINE", "MILLIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = Path(args.workdir or Path(tempfile.gettempdir()) / "omraadekort-relocation-bench")
    workdir.mkdir(parents=True, exist_ok=True)
    if args.worker:
        worker(args.worker[0], int(args.worker[1]), workdir)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    cores = os.cpu_count() or 1
    print(f"relocation join + aggregation, {cores} cores; moves generated in {workdir}")
    for millions in sizes:
        started = time.perf_counter()
        generate(workdir, millions)
        print(f"  {millions} M moves ready ({time.perf_counter() - started:.0f} s)", flush=True)
    results = []
    for millions in sizes:
        for engine in engines:
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--workdir",
                    str(workdir),
                    "--worker",
                    engine,
                    str(millions),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
            if out.returncode != 0 or not lines:
                print(f"  {engine} {millions} M failed:\n{out.stderr[-2000:]}")
                continue
            result = json.loads(lines[-1])
            results.append(result)
            used = cores if engine == "dask" else 1
            print(
                f"  {engine:6s} {millions:3d} M: {result['seconds']:7.2f} s, "
                f"{result['points_per_second'] / 1e6:5.2f} M points/s "
                f"({result['points_per_second'] / used / 1e6:.2f} M/s per core), "
                f"peak {result['peak_rss_mb']:,} MB, {result['cells']:,} cells",
                flush=True,
            )
    print()
    print("| moves | engine | time | points/s | points/s per core | peak memory |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        used = cores if r["engine"] == "dask" else 1
        print(
            f"| {r['millions']} M | {r['engine']} | {r['seconds']:.1f} s | "
            f"{r['points_per_second'] / 1e6:.2f} M | {r['points_per_second'] / used / 1e6:.2f} M | "
            f"{r['peak_rss_mb'] / 1000:.2f} GB |"
        )
    for millions in sizes:
        digests = {r["engine"]: r["digest"] for r in results if r["millions"] == millions}
        if len(set(digests.values())) > 1:
            print(f"counts differ between engines at {millions} M: {digests}")
        elif len(digests) > 1:
            print(f"{millions} M: identical counts from {', '.join(sorted(digests))}")


if __name__ == "__main__":
    main()
