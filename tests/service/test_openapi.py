"""schemathesis against /api/openapi.json: no 500s, every response matches the description."""

import pytest

from service import create_app
from service.api.openapi import build_spec
from tests.service.fuzz import fuzz, operations

# schemathesis' pytest plugin does not support pytest 9 yet, so each operation is driven
# through Hypothesis directly.
# The description is built from the registered blueprints, so create an app (no store
# needed) before listing the operations to fuzz.
_APP = create_app({"STORE_PATH": "/nonexistent/store.gpkg", "ACCESS_LOG": False})
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, ops in build_spec(_APP, "http://localhost")["paths"].items()
    for method in ops
]


@pytest.fixture(scope="module")
def api_operations(tmp_path_factory):
    from geo.seed import build_default_store
    from geo.store import Store

    path = tmp_path_factory.mktemp("openapi") / "store.gpkg"
    build_default_store(Store(path))
    app = create_app({"STORE_PATH": str(path), "ACCESS_LOG": False, "TESTING": True})
    return operations(app)


@pytest.mark.slow
@pytest.mark.parametrize("label", OPERATIONS)
def test_api_matches_its_description(api_operations, label):
    fuzz(api_operations[label], max_examples=40)


def test_spec_documents_every_api_route(app):
    from service.api.openapi import openapi_path

    spec = build_spec(app, "http://localhost")
    routes = {
        openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in ("/api/", "/api/openapi.json")
    }
    assert routes - set(spec["paths"]) == set()


def test_a_fragment_naming_an_unknown_endpoint_is_refused(app, monkeypatch):
    from service.api import ops

    monkeypatch.setitem(ops.PATHS, "ops.no_such_view", {"get": {"responses": {}}})
    with pytest.raises(LookupError, match="ops.no_such_view"):
        build_spec(app, "http://localhost")
