"""The moves import end to end, before and after the streamed import: rows/s and peak memory.

Generates register-like move files — 5 and 20 million moves (50 million with ``--sizes``) —
as Parquet (one file, row groups of a million rows) and as Danish CSV (``;``, decimal commas,
Danish headers, UTF-8), each row with a move id, a year, an origin omdannelsesområde by id, a
destination point in EPSG:25832 spread around every municipality, a reason in Danish and a
weight. Then imports each file with ``omraadekort``'s import into a copy of a default store
with the DAGI municipal boundaries of ``../shared/data/dagi/kommuner.geojson`` loaded (so the
join places every destination in a municipality), each import in its own process:

- ``before``: the import as it was before the streamed import, run from a git worktree of the
  commit before it (``--before-rev``, default: the parent of the commit that added
  ``geo/relocation/readers.py``) — by default at 5 M only: it holds about 1 KB per row, so
  20 M would need some 20 GB;
- ``after``: this checkout's import as ``import-moves`` runs it by default: the main process
  reads, worker processes (one per core, :mod:`geo.relocation.parallel`) check and join;
- ``one``: this checkout's import in one process (``--workers 1``), at ``--one-sizes``;
- ``dask``: this checkout's import on a ``distributed.LocalCluster`` of two single-threaded
  worker processes (cluster start-up excluded), Parquet only; its counts are compared with the
  single process's.

Time is the import call (reading, validation, join, counts, disclosure protection, store
write) inside the process; memory is the peak resident set of the whole process tree (the
workers included), sampled every 20 ms. The load average is printed before and after: the
machine is shared. The script prints figures; it asserts nothing about time.

    .venv/bin/python bench/relocation_import.py [--sizes 5,20] [--csv-sizes 5,20]
        [--before-sizes 5] [--dask-sizes 20] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
KOMMUNER = REPO.parent / "shared" / "data" / "dagi" / "kommuner.geojson"
ROWS_PER_GROUP = 1_000_000
SEED = 13

RUN = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import geo
assert Path(geo.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), geo.__file__
from geo.store import Store
from geo.relocation.ingest import import_moves
store, path, mode = Store(sys.argv[2]), sys.argv[3], sys.argv[4]
if mode == "dask":
    from distributed import LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, memory_limit=0)
    scheduler = cluster.scheduler_address
else:
    scheduler = None
# "one": this checkout in one process; "local": its default (worker processes from 1 M rows)
kwargs = {"workers": 1} if mode == "one" else {}
start, cpu = time.perf_counter(), time.process_time()
result = import_moves(store, path, crs="EPSG:25832", dask_scheduler=scheduler, **kwargs)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(json.dumps({"rows": result.rows, "movers": result.movers, "cells": result.cells,
                  "seconds": seconds, "cpu": cpu, "timings": getattr(result, "timings", {})}))
if mode == "dask":
    cluster.close()
"""


def _omraadekort() -> str:
    return str(Path(sys.executable).with_name("omraadekort"))


def template_store(workdir: Path) -> Path:
    """A default store (no outline) with the DAGI municipal boundaries."""
    path = workdir / "template.gpkg"
    if path.exists():
        return path
    env = {**os.environ, "OMRAADEKORT_STORE": str(path)}
    subprocess.run([_omraadekort(), "build-store", "--no-outline"], check=True, env=env)
    subprocess.run(
        [
            _omraadekort(),
            "import-boundaries",
            str(KOMMUNER),
            "--layer",
            "municipalities",
            "--id-field",
            "KOMKODE",
            "--name-field",
            "KOMNAVN",
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return path


def generate(workdir: Path, millions: float, fmt: str) -> Path:
    """A move file of ``millions`` million rows (reused when present)."""
    import geopandas as gpd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    import shapely

    from geo.store import Store

    path = workdir / f"moves_{millions:g}m.{fmt}"
    if path.exists():
        return path
    store = Store(template_store(workdir))
    designations = store.read("designations")
    origins = np.array(
        sorted(set(designations[designations["category"] == "omdannelsesomraade"]["area_id"]))
    )
    kommuner = gpd.read_file(KOMMUNER).to_crs(25832)
    centres = shapely.get_coordinates(shapely.point_on_surface(kommuner.geometry.values))
    rng = np.random.default_rng(SEED + int(millions * 1000))
    reasons = np.array(["planlagt genhusning", "andet"])
    tmp = path.with_suffix(".tmp")
    writer = None
    try:
        total = int(round(millions * 1_000_000))
        for start in range(0, total, ROWS_PER_GROUP):
            n = min(ROWS_PER_GROUP, total - start)
            pick = rng.integers(0, len(centres), n)
            x = np.round(centres[pick, 0] + rng.normal(0, 3000, n), 2)
            y = np.round(centres[pick, 1] + rng.normal(0, 3000, n), 2)
            columns = {
                "move_id": pa.array(np.arange(start, start + n, dtype=np.int64) + 10**9),
                "year": pa.array(rng.integers(2019, 2025, n).astype(np.int16)),
                "origin_area": pa.array(origins[rng.integers(0, len(origins), n)]),
                "dest_x": pa.array(x),
                "dest_y": pa.array(y),
                "reason": pa.array(reasons[rng.integers(0, 2, n)]),
                "weight": pa.array(np.ones(n, dtype=np.int32)),
            }
            if fmt == "parquet":
                table = pa.table(columns)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table, row_group_size=ROWS_PER_GROUP)
            else:
                danish = {
                    "flytning_id": columns["move_id"],
                    "år": columns["year"],
                    "fra_område": columns["origin_area"],
                    "til_x": pc.replace_substring(
                        pc.cast(columns["dest_x"], pa.string()), ".", ","
                    ),
                    "til_y": pc.replace_substring(
                        pc.cast(columns["dest_y"], pa.string()), ".", ","
                    ),
                    "årsag": columns["reason"],
                    "antal": columns["weight"],
                }
                table = pa.table(danish)
                if writer is None:
                    writer = pacsv.CSVWriter(
                        tmp, table.schema, write_options=pacsv.WriteOptions(delimiter=";")
                    )
                writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    tmp.rename(path)
    return path


class _Peak:
    """Peak resident set of a process and all its descendants, sampled every 20 ms."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self.largest = 0  # the largest single process at any sample
        self.processes = 0  # the most processes in the tree at once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    rss = proc.memory_info().rss
                    total += rss
                    self.largest = max(self.largest, rss)
            self.peak = max(self.peak, total)
            self.processes = max(self.processes, len(procs))
            time.sleep(0.02)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def default_workers() -> int:
    from geo.relocation.parallel import default_workers as workers

    return workers()


def run(code: Path, template: Path, workdir: Path, data: Path, mode: str) -> dict:
    """One import in its own process; returns its figures and its store's counts."""
    store_dir = workdir / f"store-{mode}"
    shutil.rmtree(store_dir, ignore_errors=True)
    store_dir.mkdir()
    store = store_dir / "store.gpkg"
    shutil.copy(template, store)
    env = {**os.environ, "PYTHONPATH": str(code)}
    proc = subprocess.Popen(
        [sys.executable, "-c", RUN, str(code), str(store), str(data), mode],
        cwd=code,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = _Peak(proc.pid)
    out, err = proc.communicate()
    figures = {"peak_bytes": peak.stop(), "largest": peak.largest, "processes": peak.processes}
    if proc.returncode != 0:
        figures["error"] = (err.strip().splitlines() or ["?"])[-1]
        return figures
    figures.update(json.loads(out.strip().splitlines()[-1]))
    from geo.store import Store

    counts = Store(store).read("move_counts")
    figures["counts"] = counts.sort_values(list(counts.columns[:-1])).reset_index(drop=True)
    shutil.rmtree(store_dir, ignore_errors=True)
    return figures


def before_rev() -> str:
    added = subprocess.run(
        ["git", "log", "--format=%H", "--diff-filter=A", "--", "geo/relocation/readers.py"],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if not added:
        raise SystemExit("cannot find the commit that added geo/relocation/readers.py")
    return added[-1] + "^"


def before_worktree(workdir: Path, rev: str) -> Path:
    path = workdir / "before"
    commit = subprocess.run(
        ["git", "rev-parse", rev], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.strip()
    if path.exists():
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, capture_output=True, text=True
        ).stdout.strip()
        if head == commit:
            return path
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=REPO, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(path), commit], cwd=REPO, check=True)
    return path


def _sizes(text: str) -> list[float]:
    return [float(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,20", help="Parquet sizes in millions")
    parser.add_argument("--csv-sizes", default="5,20", help="CSV sizes in millions")
    parser.add_argument("--before-sizes", default="5", help="sizes the old import runs at")
    parser.add_argument("--dask-sizes", default="20", help="Parquet sizes run on Dask")
    parser.add_argument(
        "--one-sizes", default="5", help="sizes (Parquet and CSV) also run in one process"
    )
    parser.add_argument("--before-rev", default=None, help="commit of the old import")
    parser.add_argument(
        "--workdir", default=str(Path(tempfile.gettempdir()) / "omraadekort-bench-import")
    )
    args = parser.parse_args()
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    rev = args.before_rev or before_rev()
    old = before_worktree(workdir, rev)
    template = template_store(workdir)
    # This checkout first, then Dask, then the old import (the slowest, and the least needed
    # when the machine is busy).
    plan = []
    for fmt, sizes in (("parquet", _sizes(args.sizes)), ("csv", _sizes(args.csv_sizes))):
        plan += [(size, fmt, "after") for size in sizes]
    for fmt, sizes in (("parquet", _sizes(args.sizes)), ("csv", _sizes(args.csv_sizes))):
        plan += [(size, fmt, "one") for size in sizes if size in _sizes(args.one_sizes)]
    plan += [(size, "parquet", "dask") for size in _sizes(args.dask_sizes)]
    for fmt, sizes in (("parquet", _sizes(args.sizes)), ("csv", _sizes(args.csv_sizes))):
        plan += [(size, fmt, "before") for size in sizes if size in _sizes(args.before_sizes)]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    short = subprocess.run(
        ["git", "rev-parse", "--short", rev], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    print(f"before: {short}; cores: {os.cpu_count()}; load average before: {' '.join(load_before)}")
    print(
        "| moves | file | import | time | rows/s | rows per CPU second (client) "
        "| peak memory (process tree, RSS) | per row | of which: stream / protection / store "
        "| cells |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    reference: dict[tuple[float, str], object] = {}
    for size, fmt, mode in plan:
        data = generate(workdir, size, fmt)
        code = old if mode == "before" else REPO
        figures = run(code, template, workdir, data, {"before": "local"}.get(mode, mode))
        label = {
            "before": "before",
            "after": f"after, {default_workers()} worker processes",
            "one": "after, 1 process",
            "dask": "after, Dask 2 workers",
        }[mode]
        peak = figures["peak_bytes"]
        if "error" in figures:
            print(
                f"| {size:g} M | {fmt} | {label} | failed: {figures['error']} | | "
                f"{peak / 1e9:.2f} GB | |"
            )
            continue
        rate = figures["rows"] / figures["seconds"]
        timings = figures.get("timings") or {}
        stages = (
            " / ".join(f"{timings.get(k, 0):.1f} s" for k in ("stream", "protection", "store"))
            if timings
            else "not measured"
        )
        if timings:
            stream_rate = figures["rows"] / timings["stream"]
            workers = {"dask": 2, "after": default_workers()}.get(mode, 1)
            stages += f" (stream {stream_rate / 1e3:,.0f} k rows/s"
            stages += f", {stream_rate / workers / 1e3:,.0f} k per worker)" if workers > 1 else ")"
        print(
            f"| {size:g} M | {fmt} | {label} | {figures['seconds']:.1f} s | "
            f"{rate / 1e3:,.0f} k | {figures['rows'] / figures['cpu'] / 1e3:,.0f} k | "
            f"{peak / 1e9:.2f} GB ({figures['processes']} processes, largest "
            f"{figures['largest'] / 1e9:.2f} GB) | "
            f"{peak / figures['rows']:,.0f} B | {stages} | {figures['cells']:,} |",
            flush=True,
        )
        key = (size, fmt)
        counts = figures["counts"]
        if key in reference:
            import pandas as pd

            same = reference[key].equals(counts)  # type: ignore[attr-defined]
            print(f"|   | | counts equal to the first run of {size:g} M {fmt}: {same} | | | | |")
            if not same:
                pd.set_option("display.width", 200)
                print(reference[key].compare(counts).head())  # type: ignore[attr-defined]
        else:
            reference[key] = counts
        sys.stdout.flush()
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    print(f"load average after: {' '.join(load_after)}")


if __name__ == "__main__":
    main()
