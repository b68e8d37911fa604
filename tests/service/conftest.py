import pytest

from geo.seed import build_default_store
from geo.store import Store
from service import create_app


@pytest.fixture(scope="session")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("service") / "store.gpkg"
    build_default_store(Store(path))
    return path


@pytest.fixture
def app(store_path):
    return create_app({"TESTING": True, "STORE_PATH": str(store_path), "ACCESS_LOG": False})


@pytest.fixture
def client(app):
    return app.test_client()
