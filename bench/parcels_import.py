"""Official boundaries from a national-size cadastre: time and peak memory of import-parcels.

Writes a synthetic cadastre in the Matriklen schema (layer ``jordstykke``, fields
``ejerlavskode`` and ``matrikelnummer``, EPSG:25832) of ``--parcels`` parcels — 30 m squares on
a grid over Jutland and Zealand, 500 parcels per ejerlav, some drawn as two features — and a
Bilag-1 list naming ``--areas`` areas of 40 parcels each (about one in ten listed parcels
lacking from the cadastre, as reported), then in separate processes:

- ``import``: :func:`boundaries.parcels.import_parcels` into a copy of the default store
  (reads only the listed ejerlav with a GDAL attribute filter);
- ``read-all``: the reference — reading the whole ``jordstykke`` layer with geopandas, which
  an import without the filter would need before it could join anything.

The cadastre is written by its own process too, so no run inherits its memory. Times are
wall-clock in the process; peak memory is the process's high-water resident set (``VmHWM``).
The script prints figures; it asserts nothing.

    .venv/bin/python bench/parcels_import.py [--parcels 1000000] [--areas 60]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
PER_EJERLAV = 500
SIDE = 30.0


def build(directory: Path, parcels: int, areas: int) -> tuple[Path, Path]:
    import geopandas as gpd
    import pandas as pd
    import shapely

    rng = np.random.default_rng(15)
    columns = 2000
    i = np.arange(parcels)
    x0 = 480_000.0 + (i % columns) * SIDE
    y0 = 6_120_000.0 + (i // columns) * SIDE
    geometry = shapely.box(x0, y0, x0 + SIDE, y0 + SIDE)
    ejerlav = 1_000_000 + i // PER_EJERLAV
    number = (i % PER_EJERLAV + 1).astype(str)
    frame = gpd.GeoDataFrame(
        {"ejerlavskode": ejerlav, "matrikelnummer": number, "kommunekode": 101},
        geometry=geometry,
        crs="EPSG:25832",
    )
    cadastre = directory / "matrikel.gpkg"
    frame.to_file(cadastre, layer="jordstykke", driver="GPKG", engine="pyogrio")

    # areas: 40 neighbouring parcels each (two grid rows of 20), in distinct ejerlav
    # an area's first row in an even grid row, its second in the odd row above (other ejerlav)
    per_row = columns // PER_EJERLAV
    usable = [e for e in range((parcels - columns - 20) // PER_EJERLAV) if (e // per_row) % 2 == 0]
    picks = rng.choice(usable, size=areas, replace=False)
    rows = []
    for k, e in enumerate(sorted(picks)):
        first = int(e) * PER_EJERLAV
        members = [first + r * columns + c for r in range(2) for c in range(20)]
        names = [str(m % PER_EJERLAV + 1) for m in members]
        names[-1] = f"{names[-1]}zz" if k % 10 == 0 else names[-1]  # lacking from the cadastre
        by_ejerlav: dict[int, list[str]] = {}
        for m, n in zip(members, names, strict=True):
            by_ejerlav.setdefault(int(ejerlav[m]), []).append(n)
        for j, (code, numbers) in enumerate(by_ejerlav.items()):
            rows.append(
                (
                    f"Bench Område {k}" if j == 0 else "",
                    "København" if j == 0 else "",
                    str(code),
                    ", ".join(numbers),
                )
            )
    listing = directory / "bilag1.csv"
    pd.DataFrame(rows, columns=["Område", "Kommune", "Landsejerlavskode", "Matrikelnummer"]).to_csv(
        listing, sep=";", index=False
    )
    return cadastre, listing


def run_import(directory: Path) -> dict:
    from boundaries.parcels import import_parcels
    from geo.seed import build_default_store
    from geo.store import Store

    store = Store(directory / "store.gpkg")
    build_default_store(store, with_outline=False)
    started = time.perf_counter()
    report = import_parcels(
        store,
        directory / "bilag1.csv",
        directory / "matrikel.gpkg",
        order_number="1",
        order_date="2018-11-29",
        add_new=True,
    )
    return {
        "seconds": time.perf_counter() - started,
        "areas": len(report.areas),
        "missing": len(report.missing),
    }


def run_read_all(directory: Path) -> dict:
    import geopandas as gpd

    started = time.perf_counter()
    frame = gpd.read_file(directory / "matrikel.gpkg", layer="jordstykke", engine="pyogrio")
    return {"seconds": time.perf_counter() - started, "features": len(frame)}


def _peak_mb() -> float:
    """This process's high-water resident set; unlike ru_maxrss it is not inherited on fork."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(kind: str, directory: Path, parcels: int, areas: int) -> None:
    if kind == "build":
        started = time.perf_counter()
        build(directory, parcels, areas)
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    result = run_import(directory) if kind == "import" else run_read_all(directory)
    result["peak_mb"] = _peak_mb()
    print(json.dumps(result))


def _run(kind: str, directory: Path, args) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            kind,
            "--dir",
            str(directory),
            "--parcels",
            str(args.parcels),
            "--areas",
            str(args.areas),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    if out.returncode:
        raise SystemExit(f"{kind} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parcels", type=int, default=1_000_000)
    parser.add_argument("--areas", type=int, default=60)
    parser.add_argument("--child", choices=("build", "import", "read-all"))
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.dir, args.parcels, args.areas)
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        built = _run("build", directory, args)
        size = (directory / "matrikel.gpkg").stat().st_size / 1e6
        print(
            f"cadastre: {args.parcels} parcels, {size:.0f} MB GeoPackage (built in "
            f"{built['seconds']:.0f} s); list: {args.areas} areas × 40 parcels"
        )
        print(f"{'run':<10} {'time':>8} {'peak memory':>12}  result")
        for kind in ("import", "read-all"):
            result = _run(kind, directory, args)
            extra = {k: v for k, v in result.items() if k not in ("seconds", "peak_mb")}
            print(f"{kind:<10} {result['seconds']:>7.1f}s {result['peak_mb']:>9.0f} MB  {extra}")
    with open("/proc/loadavg") as fh:
        print(f"load average: {fh.read().split()[0]}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
