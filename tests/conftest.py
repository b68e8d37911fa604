"""Fixtures shared by the test packages: the checkout, the shared test data, a fresh store."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from geo.relocation.synthetic import store_demo_moves
from geo.seed import build_default_store
from geo.store import Store

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The root of this checkout."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data(repo_root: Path) -> Path:
    """``<repo>/../shared/data``: real files (DAGI boundaries, lists) read, never copied."""
    path = repo_root.parent / "shared" / "data"
    if not path.is_dir():
        pytest.fail(
            f"shared test data missing: expected the directory {path} (beside the checkout) "
            "with dagi/, lists/ and seed/; it is provided next to every checkout and in CI"
        )
    return path


@pytest.fixture(scope="session")
def _default_store_file(tmp_path_factory) -> Path:
    """The default store (no outline), built once per test process."""
    store = Store(tmp_path_factory.mktemp("default-store") / "store.gpkg")
    build_default_store(store, with_outline=False)
    return store.path


@pytest.fixture
def default_store(tmp_path: Path, _default_store_file: Path) -> Store:
    """A fresh store built from the embedded default data (no outline) in ``tmp_path``: a copy
    of one built once per test process, so each test still owns (and may change) its store."""
    path = tmp_path / "store.gpkg"
    shutil.copyfile(_default_store_file, path)
    return Store(path)


def copy_store(source: Path, target: Path) -> Path:
    """Copy a store file and the datasets beside it (the raw moves) to ``target``."""
    shutil.copyfile(source, target)
    datasets = source.with_name(source.name + ".datasets")
    if datasets.is_dir():
        shutil.copytree(datasets, target.with_name(target.name + ".datasets"))
    return target


# The demo moves every flows test shares: as many as `make run` stores, and the same seed.
DEMO_SEED = 1
DEMO_MOVES = 20_000


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory) -> Path:
    """The default store as ``make run`` builds it (with the outline) plus 20,000 synthetic
    demo moves (seed 1), their disclosure protection computed once per test session.

    Protecting the demo moves is the dearest step of any fixture (about 20 s), so it is done
    once for the whole run: under ``pytest -n`` the first worker that asks builds the store
    under a lock in the run's shared temporary directory and the others read it. Nobody
    changes this file; tests that change a store take a copy (:func:`demo_store_copy`).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the directory every worker of this run shares
    folder = root / "demo-store"
    path = folder / "store.gpkg"
    with open(root / "demo-store.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / "complete").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            store = Store(path)
            build_default_store(store)
            store_demo_moves(store, seed=DEMO_SEED, n=DEMO_MOVES)
            (folder / "complete").touch()
    return path


@pytest.fixture(scope="module")
def demo_store_copy(tmp_path_factory, demo_store_file: Path) -> Path:
    """A copy of the shared demo store (with its raw moves) that the test module may change."""
    return copy_store(demo_store_file, tmp_path_factory.mktemp("demo") / "store.gpkg")


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser is a browser test (``make check`` leaves them out).

    Tests of the shared demo store form one ``xdist_group``: under ``pytest -n 2 --dist
    loadgroup`` (``make check``) they run on one worker, which builds the store once, while
    the other worker runs the rest instead of waiting for it.
    """
    browser_dir = REPO_ROOT / "tests" / "browser"
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
        if "demo_store_file" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("demo-store"))
