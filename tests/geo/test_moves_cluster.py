"""The moves import on a real Dask cluster: a ``dask scheduler`` and two ``dask worker``
processes on loopback, started and stopped by this module. The workers read the Parquet
partitions themselves; the counts must equal one process's, and a bad row in one partition
must refuse the whole import."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from geo.errors import InputRejected
from geo.relocation.ingest import import_moves, rejoin_moves
from geo.seed import build_default_store
from geo.store import Store

pytestmark = pytest.mark.slow

# Helper H1's loopback ports (8110-8119); override with OMRAADEKORT_TEST_DASK_PORT.
PORT = int(os.environ.get("OMRAADEKORT_TEST_DASK_PORT", "8110"))
ADDRESS = f"tcp://127.0.0.1:{PORT}"


def _wait_for_workers(count: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(ADDRESS, timeout=timeout) as client:
        client.wait_for_workers(count, timeout=timeout)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    dask = str(Path(sys.executable).with_name("dask"))
    logs = tmp_path_factory.mktemp("dask")
    procs = []

    def start(name: str, *args: str) -> None:
        out = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed below
        procs.append((subprocess.Popen([dask, *args], stdout=out, stderr=out, cwd=logs), out))

    try:
        start(
            "scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(PORT), "--no-dashboard"
        )
        for i in range(2):
            start(
                f"worker{i}",
                "worker",
                ADDRESS,
                "--host",
                "127.0.0.1",
                "--worker-port",
                str(PORT + 2 + i),
                "--nanny-port",
                str(PORT + 4 + i),
                "--nthreads",
                "1",
                "--no-dashboard",
                "--memory-limit",
                "0",
            )
        _wait_for_workers(2)
        yield ADDRESS
    finally:
        for proc, _ in reversed(procs):
            proc.terminate()
        deadline = time.monotonic() + 30
        for proc, out in procs:
            try:
                proc.wait(timeout=max(deadline - time.monotonic(), 1))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            out.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("cluster-store") / "template.gpkg"
    build_default_store(Store(path), with_outline=False)
    return path


def _store(template, tmp_path, name: str) -> Store:
    path = tmp_path / name / "store.gpkg"
    path.parent.mkdir()
    shutil.copy(template, path)
    return Store(path)


def _register(directory: Path, *, files: int = 3, rows: int = 2_500, bad: tuple | None = None):
    """Parquet files of moves with row groups of 1,000 rows; ``bad`` = (file, row, column,
    value) puts one bad cell in."""
    directory.mkdir()
    rng = np.random.default_rng(7)
    areas = ["vollsmose", "gellerupparken-toveshoej", "mjoelnerparken", "Vollsmose", ""]
    for f in range(files):
        frame = pd.DataFrame(
            {
                "move_id": [f"f{f}-{i}" for i in range(rows)],
                "year": rng.integers(2019, 2025, rows).astype(str),
                "origin_area": rng.choice(areas[:4], rows),
                "dest_area": rng.choice(areas, rows),
                "dest_x": rng.uniform(450_000, 880_000, rows),
                "dest_y": rng.uniform(6_060_000, 6_390_000, rows),
                "dest_municipality": rng.choice(["0461", "751", "101", ""], rows),
                "reason": rng.choice(["planned", "andet", ""], rows),
                "weight": rng.integers(1, 4, rows),
            }
        )
        if bad is not None and bad[0] == f:
            frame[bad[2]] = frame[bad[2]].astype(object)
            frame.loc[bad[1] - 1, bad[2]] = bad[3]
        pq.write_table(
            pa.Table.from_pandas(frame, preserve_index=False),
            directory / f"moves-{f}.parquet",
            row_group_size=1_000,
        )
    return directory


def _digest(store: Store) -> str:
    return hashlib.sha256(store.path.read_bytes()).hexdigest()


def test_the_cluster_counts_what_one_process_counts(cluster, template, tmp_path):
    register = _register(tmp_path / "register")
    single = _store(template, tmp_path, "single")
    local = import_moves(single, register, crs="EPSG:25832", chunk_size=700)
    distributed = _store(template, tmp_path, "cluster")
    result = import_moves(distributed, register, crs="EPSG:25832", dask_scheduler=cluster)
    assert (result.rows, result.movers) == (local.rows, local.movers) == (7_500, local.movers)
    assert result.report == local.report
    pd.testing.assert_frame_equal(
        distributed.read("move_counts"), single.read("move_counts"), check_like=True
    )
    # The workers wrote the raw moves beside the store: one file per row group, in file order.
    assert len(distributed.dataset_files("moves")) == 9
    pd.testing.assert_frame_equal(
        distributed.read("moves").drop(columns="move_id"),
        single.read("moves").drop(columns="move_id"),
    )
    # Re-joining on the cluster reads the stored raw moves on the workers.
    again = rejoin_moves(distributed, dask_scheduler=cluster)
    pd.testing.assert_frame_equal(
        again.cells, single.read("move_counts"), check_like=True, check_dtype=False
    )


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ((1, 1_500, "dest_municipality", "4610"), "not a municipality code"),
        ((2, 2_500, "year", "2090"), "not a year"),
    ],
)
def test_a_bad_row_in_one_partition_refuses_the_whole_import(
    cluster, template, tmp_path, bad, message
):
    register = _register(tmp_path / "register", bad=bad)
    store = _store(template, tmp_path, "store")
    digest, version = _digest(store), store.data_version
    with pytest.raises(InputRejected) as info:
        import_moves(store, register, crs="EPSG:25832", dask_scheduler=cluster)
    assert _digest(store) == digest and store.data_version == version
    assert not store.datasets_dir.exists() or not any(store.datasets_dir.iterdir())
    (problem,) = [p for p in info.value.problems if message in p.message]
    assert (problem.file, problem.row, problem.value) == (f"moves-{bad[0]}.parquet", bad[1], bad[3])


def test_a_move_id_repeated_in_another_partition_is_refused_on_the_cluster(
    cluster, template, tmp_path
):
    register = _register(tmp_path / "register", bad=(2, 10, "move_id", "f0-3"))
    store = _store(template, tmp_path, "store")
    with pytest.raises(InputRejected) as info:
        import_moves(store, register, crs="EPSG:25832", dask_scheduler=cluster)
    (problem,) = [p for p in info.value.problems if "duplicate move id" in p.message]
    assert (problem.file, problem.row, problem.value) == ("moves-2.parquet", 10, "f0-3")


def test_csv_is_refused_with_a_cluster(cluster, template, tmp_path):
    path = tmp_path / "moves.csv"
    path.write_text("year,origin_area,dest_municipality\n2021,vollsmose,461\n")
    store = _store(template, tmp_path, "store")
    with pytest.raises(InputRejected, match="reads Parquet only"):
        import_moves(store, path, dask_scheduler=cluster)
