"""A broken store never gives a 500: every route that needs the store answers 503, with the
JSON error shape under /api (and /healthz, /oembed) or the Danish error page elsewhere;
/healthz names what is wrong; odd URLs are 400/404."""

from __future__ import annotations

import os
import re
import shutil

import geopandas as gpd
import pytest

from geo.store import Store
from service import create_app

ARGS = {
    "slug": "vollsmose",
    "code": "0461",
    "year": "2022",
    "cid": "areas",
    "fid": "vollsmose",
    "filename": "css/site.css",
    "package": "leaflet",
    "version": "x",
}
# routes that answer without the store (documentation, static files, the glossary and the
# programme figures, which are reference texts shipped with the package, and the empty search
# form)
NO_STORE = {
    "/api/",
    "/api/glossary",
    "/ordforklaring",
    "/indsatser",
    "/soeg",
    "/api/openapi.json",
    "/api/conformance",
    "/api/indicator-catalogue",
    "/api/rules",
    "/static/<path:filename>",
    "/static/vendor/<package>/<version>/<path:filename>",
}


def _routes(app) -> list[tuple[str, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: ARGS[m.group(1)], rule.rule)
        if rule.rule == "/oembed":
            url += "?url=http://127.0.0.1:8000/kort"
        out.append((rule.rule, url))
    return sorted(out)


@pytest.fixture(scope="module")
def moves_store(demo_store_file):
    return demo_store_file  # read only: each test breaks a copy


def _negative_counts(path):
    store = Store(path)
    with store.transaction() as w:
        counts = w.read("move_counts")
        counts.loc[counts.index[:3], "movers"] = -7
        w.write("move_counts", counts)


def _without_areas(path):
    store = Store(path)
    with store.transaction() as w:
        # write every layer but 'areas' into a new file
        keep = {n: w.read(n) for n in store.layers() if n != "areas"}
    os.remove(path)
    store = Store(path)
    with store.transaction(create=True) as w:
        for name, frame in keep.items():
            if isinstance(frame, gpd.GeoDataFrame):
                frame = frame.set_crs(25832, allow_override=True)
            w.write(name, frame)


def _corrupt(path):
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\0garbage" * 512)


BREAKERS = {
    "missing": lambda path: os.remove(path),
    "corrupt": _corrupt,
    "empty file": lambda path: path.write_bytes(b""),
    "no areas layer": _without_areas,
    "negative counts": _negative_counts,
}


@pytest.mark.parametrize("kind", sorted(BREAKERS))
def test_every_route_answers_503_for_a_broken_store(kind, moves_store, tmp_path):
    path = tmp_path / "store.gpkg"
    shutil.copy(moves_store, path)
    BREAKERS[kind](path)
    app = create_app({"TESTING": True, "STORE_PATH": str(path), "ACCESS_LOG": False})
    client = app.test_client()
    seen = []
    for rule, url in _routes(app):
        response = client.get(url)
        seen.append((url, response.status_code))
        assert response.status_code != 500, (url, response.get_data(as_text=True)[:300])
        if rule in NO_STORE:
            continue
        assert response.status_code == 503, (url, response.status_code)
        if url.startswith("/api") or rule in ("/healthz", "/oembed"):
            body = response.get_json()
            assert body["status"] == 503 and body["code"] == "store_unavailable", url
            assert str(path) not in body["message"]  # no server paths in public answers
        elif not url.endswith(".js"):
            html = response.get_data(as_text=True)
            assert "Tjenesten er ikke klar" in html and "Datalageret kan ikke læses" in html
    assert len(seen) >= 50


def test_healthz_names_the_missing_layer(moves_store, tmp_path):
    path = tmp_path / "store.gpkg"
    shutil.copy(moves_store, path)
    _without_areas(path)
    app = create_app({"TESTING": True, "STORE_PATH": str(path), "ACCESS_LOG": False})
    body = app.test_client().get("/healthz").get_json()
    assert "no 'areas' layer" in body["message"]
    assert str(path) not in body["message"]


def test_healthz_ok_for_a_good_store(moves_store):
    app = create_app({"TESTING": True, "STORE_PATH": str(moves_store), "ACCESS_LOG": False})
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json()["status"] == "ok"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/static/css/site.css%00.txt", 404),
        ("/static/css/%0a.css", 404),
        ("/static/" + "a" * 5000, 404),
        ("/api/collections/areas/items?bbox=NaN,NaN,NaN,NaN", 400),
        ("/api/collections/areas/items?bbox=inf,0,1,1", 400),
        ("/api/collections/areas/items?bbox=%D9%A1,2,3,4", 400),
        ("/api/collections/areas/items?limit=%EF%BC%91%EF%BC%90", 400),  # full-width 10
        ("/kort?aar=%D9%A2%D9%A0%D9%A2%D9%A2", 400),  # Arabic-Indic 2022
        ("/kort/%D9%A2%D9%A0%D9%A2%D9%A2/kort.js", 404),
        ("/omraader/" + "a" * 10_000, 404),
        ("/api/areas/" + "a" * 10_000, 404),
        ("/embed?hoejde=%EF%BC%93%EF%BC%90%EF%BC%90", 400),
    ],
)
def test_odd_urls_are_not_500(client, url, status):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
