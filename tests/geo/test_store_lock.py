"""One writer at a time: the store's writer lock, lost-write refusal, stale temporary files.

Each test runs real processes against one store file: the lock is an ``fcntl.flock`` on
``<store>.lock`` and must hold between processes, not only threads.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import StoreBusy, StoreChanged, StoreError
from geo.store import Store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _areas(ids: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_id": ids, "name": [i.upper() for i in ids]},
        geometry=[shapely.box(0, 0, 10, 10)] * len(ids),
        crs=25832,
    )


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "s.gpkg")
    with store.transaction(create=True) as w:
        w.write("areas", _areas(["a"]))
    return store


# A writer in another process: adds the area ``NAME`` inside a transaction, signals READY
# (a file) once inside, and finishes when GO exists (or sleeps for ever, to be killed).
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import geopandas as gpd, shapely
    from geo.store import Store
    path, name, ready, go = sys.argv[1:5]
    store = Store(path)
    with store.transaction() as w:
        areas = w.read("areas")
        areas = gpd.GeoDataFrame(
            {"area_id": list(areas["area_id"]) + [name], "name": list(areas["name"]) + [name]},
            geometry=[shapely.box(0, 0, 10, 10)] * (len(areas) + 1), crs=25832)
        w.write("areas", areas)
        Path(ready).touch()
        while not Path(go).exists():
            time.sleep(0.05)
    """
)

# A command in another process that reads the store, then writes what it read plus NAME:
# the read-modify-write of every import. MODE "lock" holds Store.writing() across both.
READ_THEN_WRITE = textwrap.dedent(
    """
    import sys
    import geopandas as gpd, shapely
    from geo.errors import StoreError
    from geo.store import Store
    path, name, mode, wait = sys.argv[1:5]
    store = Store(path, wait=None if wait == "none" else float(wait),
                  on_wait=lambda m: print("WAIT", m, file=sys.stderr, flush=True))

    def run():
        ids = list(store.read("areas")["area_id"])
        print("READ", ids, file=sys.stderr, flush=True)
        with store.transaction() as w:
            w.write("areas", gpd.GeoDataFrame(
                {"area_id": ids + [name], "name": ids + [name]},
                geometry=[shapely.box(0, 0, 10, 10)] * (len(ids) + 1), crs=25832))

    try:
        if mode == "lock":
            with store.writing():
                run()
        else:
            run()
    except StoreError as exc:
        print(type(exc).__name__, exc, file=sys.stderr)
        sys.exit(2)
    """
)


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _reap():
    """Kill and close every helper process a test started, whatever the test's outcome."""
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def _start(code: str, *args: object) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    _STARTED.append(proc)
    return proc


def _wait_for(path: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"helper exited early: {proc.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("helper never got inside its transaction")
        time.sleep(0.05)


def _hold(store: Store, tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    ready, go = tmp_path / f"{name}.ready", tmp_path / f"{name}.go"
    holder = _start(HOLDER, store.path, name, ready, go)
    _wait_for(ready, holder)
    return holder, go


def _wait_line(proc: subprocess.Popen, prefix: str, timeout: float = 60) -> str:
    """Read stderr lines of ``proc`` until one starts with ``prefix``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if line.startswith(prefix):
            return line
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"no {prefix!r} line from the second writer")


def test_second_writer_waits_and_keeps_both_changes(store, tmp_path):
    holder, go = _hold(store, tmp_path, "first")
    second = _start(READ_THEN_WRITE, store.path, "second", "lock", "none")
    message = _wait_line(second, "WAIT")
    assert "being written by pid" in message
    assert second.poll() is None  # still waiting: it may not read before the first is done
    go.touch()
    assert holder.wait(60) == 0
    assert second.wait(60) == 0, second.stderr.read()
    assert sorted(Store(store.path).read("areas")["area_id"]) == ["a", "first", "second"]


def test_write_based_on_a_replaced_version_is_refused_not_lost(store, tmp_path):
    """Without the lock held across read and write, the second command reads the old store
    while the first is writing: its write must be refused, never silently drop the first."""
    holder, go = _hold(store, tmp_path, "first")
    second = _start(READ_THEN_WRITE, store.path, "second", "nolock", "none")
    _wait_line(second, "READ")  # it has read the version the first writer is replacing
    go.touch()
    assert holder.wait(60) == 0
    assert second.wait(60) == 2
    assert "StoreChanged" in second.stderr.read()
    assert sorted(Store(store.path).read("areas")["area_id"]) == ["a", "first"]


def test_writer_gives_up_after_wait_and_leaves_store_unchanged(store, tmp_path):
    holder, go = _hold(store, tmp_path, "first")
    try:
        before = _digest(store.path)
        second = _start(READ_THEN_WRITE, store.path, "second", "lock", "0.5")
        assert second.wait(60) == 2
        err = second.stderr.read()
        assert "StoreBusy" in err and "after 0.5 s" in err
        assert _digest(store.path) == before
    finally:
        go.touch()
        holder.wait(60)


def test_readers_never_block(store, tmp_path):
    holder, go = _hold(store, tmp_path, "first")
    try:
        started = time.monotonic()
        assert Store(store.path).read("areas")["area_id"].tolist() == ["a"]
        assert time.monotonic() - started < 5
    finally:
        go.touch()
        holder.wait(60)


def test_same_process_reader_then_foreign_write_is_refused(store):
    assert store.read("areas")["area_id"].tolist() == ["a"]
    with Store(store.path).transaction() as w:
        w.write("areas", _areas(["a", "b"]))
    with pytest.raises(StoreChanged, match="run the command again"), store.transaction() as w:
        w.write("areas", _areas(["a", "c"]))
    assert Store(store.path).read("areas")["area_id"].tolist() == ["a", "b"]


def test_wait_zero_fails_at_once(store, tmp_path):
    holder, go = _hold(store, tmp_path, "first")
    try:
        messages = []
        with pytest.raises(StoreBusy), Store(store.path, wait=0, on_wait=messages.append).writing():
            pass
        assert len(messages) == 1 and "being written by" in messages[0]
    finally:
        go.touch()
        holder.wait(60)


def test_killed_writer_leaves_nothing_after_the_next_write(store, tmp_path):
    ready, go = tmp_path / "k.ready", tmp_path / "k.go"
    holder = _start(HOLDER, store.path, "killed", ready, go)
    _wait_for(ready, holder)
    before = _digest(store.path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(60)
    leftovers = [p for p in tmp_path.iterdir() if ".tmp" in p.name]
    assert leftovers, "the killed writer should have left its temporary copy behind"
    assert _digest(store.path) == before  # the live store was never touched
    fresh = Store(store.path)
    with fresh.transaction() as w:  # the next writer: lock free again, leftovers removed
        w.write("areas", _areas(["a", "clean"]))
    assert [p for p in tmp_path.iterdir() if ".tmp" in p.name] == []
    assert fresh.read("areas")["area_id"].tolist() == ["a", "clean"]


def test_read_only_store_is_refused_before_writing(store):
    os.chmod(store.path, 0o444)
    try:
        before = _digest(store.path)
        with pytest.raises(StoreError, match="read-only"), store.transaction() as w:
            w.write("areas", _areas(["x"]))
        assert _digest(store.path) == before
        assert store.read("areas")["area_id"].tolist() == ["a"]  # reading still works
    finally:
        os.chmod(store.path, 0o644)


@pytest.mark.parametrize("content", [b"", b"not a geopackage at all\n" * 40])
def test_corrupt_store_is_a_store_error(tmp_path, content):
    path = tmp_path / "bad.gpkg"
    path.write_bytes(content)
    store = Store(path)
    with pytest.raises(StoreError, match="cannot be read"):
        store.read("areas")
    assert store.check()
    with pytest.raises(StoreError), store.transaction() as w:
        w.write("areas", _areas(["x"]))
    assert path.read_bytes() == content


def test_store_without_a_required_layer_fails_its_check(tmp_path):
    store = Store(tmp_path / "partial.gpkg")
    with store.transaction(create=True) as w:
        w.write("list_counts", pd.DataFrame({"year": [2022], "count": [1]}))
    problems = store.check()
    assert any("'areas'" in p for p in problems)
    with pytest.raises(StoreError, match="no table 'areas'"):
        store.read("areas")
