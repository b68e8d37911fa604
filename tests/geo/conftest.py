import pytest

from geo.seed import build_default_store
from geo.store import Store


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Store:
    """The embedded default store with Denmark's outline, built once per test session.

    Read-only: tests that write build their own store.
    """
    store = Store(tmp_path_factory.mktemp("store") / "default.gpkg")
    build_default_store(store)
    return store
