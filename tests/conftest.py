"""Fixtures shared by the test packages: the checkout, the shared test data, a fresh store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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


def pytest_collection_modifyitems(config, items):
    """Every test under tests/browser is a browser test (``make check`` leaves them out)."""
    browser_dir = REPO_ROOT / "tests" / "browser"
    for item in items:
        if browser_dir in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
