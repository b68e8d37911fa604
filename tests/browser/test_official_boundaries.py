"""After `omraadekort import-parcels`, an area is drawn with its official boundary.

A live gunicorn serves a store with moves whose destinations are points: some inside
Mjølnerparken's official boundary (the test cadastre's parcels) but outside its approximate
disc, others inside the disc but outside the boundary. The command is run while the service
runs; the next page load draws the area with a solid edge and the official label, and the
flows into it are the points inside the official boundary.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
import shapely

from geo.relocation.ingest import import_moves
from geo.seed import build_default_store
from geo.store import Store
from tests.boundaries.cadastre_fixture import (
    MJOELNER,
    expected,
    write_cadastre_gpkg,
    write_list_xlsx,
)
from tests.browser.conftest import _free_port, start_gunicorn, stop_gunicorn

pytestmark = pytest.mark.browser

AREA = "mjoelnerparken"
ORIGIN = "tingbjerg-utterslevhuse"
LABEL = "officiel afgrænsning (BEK nr. 1365 af 29/11/2018)"
IN_BOUNDARY, IN_DISC_ONLY = 7, 9


def _points(rng, shape, avoid, n):
    """``n`` random points inside ``shape`` and outside ``avoid``."""
    minx, miny, maxx, maxy = shape.bounds
    out = []
    while len(out) < n:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shapely.contains_xy(shape, x, y) and not shapely.intersects_xy(avoid, x, y):
            out.append((x, y))
    return out


@pytest.fixture(scope="module")
def parcels_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("parcels-live")
    store = Store(root / "store.gpkg")
    build_default_store(store)
    disc = store.read("areas").set_index("area_id").geometry[AREA]
    official = expected(MJOELNER)
    rng = np.random.default_rng(15)
    inside = _points(rng, official.buffer(-1), disc, IN_BOUNDARY)
    disc_only = _points(rng, disc.buffer(-1), official.buffer(1), IN_DISC_ONLY)
    moves = pd.DataFrame(
        [(2021, ORIGIN, x, y, "planned") for x, y in inside + disc_only],
        columns=["year", "origin_area", "dest_x", "dest_y", "reason"],
    )
    moves.to_csv(root / "moves.csv", index=False)
    import_moves(store, root / "moves.csv", crs="EPSG:25832")
    port = _free_port()
    proc = start_gunicorn(store.path, port)
    yield {
        "url": f"http://127.0.0.1:{port}",
        "store": store,
        "cadastre": write_cadastre_gpkg(root / "matrikel.gpkg"),
        "list": write_list_xlsx(root / "bilag1.xlsx"),
    }
    stop_gunicorn(proc)


def _flows_into(base: str, area_id: str) -> int | None:
    query = f"/api/flows?level=area-area&year=2021&origin={ORIGIN}"
    with urllib.request.urlopen(base + query, timeout=10) as response:
        body = json.load(response)
    rows = [f for f in body["flows"] if f["dest_id"] == f"a:{area_id}"]
    return sum(f["movers"] for f in rows) if rows else None


def _area_path(p):
    path = p.locator("path.omr-area")
    assert path.count() == 1
    return path.first


def test_import_parcels_draws_the_official_boundary_and_recounts_flows(
    parcels_server, page, tmp_path
):
    base = parcels_server["url"]
    p = page.page
    p.goto(f"{base}/omraader/{AREA}", wait_until="networkidle")
    assert _area_path(p).get_attribute("stroke-dasharray"), "the disc is drawn dashed"
    assert "omtrentlig placering" in p.locator("p.boundary").inner_text()
    before = _flows_into(base, AREA)
    assert before != IN_BOUNDARY

    command = [
        str(Path(sys.executable).with_name("omraadekort")),
        "import-parcels",
        str(parcels_server["list"]),
        "--cadastre",
        str(parcels_server["cadastre"]),
        "--order-number",
        "1365",
        "--order-date",
        "2018-11-29",
        "--list-date",
        "2018-12-01",
        "--store",
        str(parcels_server["store"].path),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Aldersrogade: ejerlav 2000173, matrikelnummer 5418" in done.stdout
    assert "joined" in done.stdout

    # the page was cached for a minute (Cache-Control); a reload revalidates it (new ETag)
    p.reload(wait_until="networkidle")
    path = _area_path(p)
    assert not path.get_attribute("stroke-dasharray"), "the official boundary is solid"
    boundary = p.locator("p.boundary").inner_text()
    assert LABEL in boundary
    assert "samlet fra matrikelkortet pr." in boundary
    assert "gælder fra 1. december 2018" in boundary
    # the ring of parcels has a hole in its centre: point at its left column of parcels
    box = path.bounding_box()
    path.hover(position={"x": box["width"] / 6, "y": box["height"] / 2})
    assert LABEL in p.locator(".leaflet-tooltip").inner_text()

    # the flows into the area are the points inside its official boundary
    assert _flows_into(base, AREA) == IN_BOUNDARY
    p.goto(f"{base}/flytninger/{ORIGIN}?aar=2021", wait_until="networkidle")
    row = p.locator("#flytningstabel tbody tr", has_text="Mjølnerparken")
    assert row.count() >= 1
    assert str(IN_BOUNDARY) in row.first.inner_text()

    # the national map of 2018 draws it solid too (the order is in force on 1 Dec 2018)
    p.goto(f"{base}/kort?aar=2018", wait_until="networkidle")
    assert LABEL in p.locator("body").inner_text()
    for width in (1280, 400):
        p.set_viewport_size({"width": width, "height": 900})
        p.goto(f"{base}/omraader/{AREA}", wait_until="networkidle")
        p.screenshot(path=str(tmp_path / f"official_{width}.png"), full_page=True)
    assert page.hosts() == {urlsplit(base).netloc}
    assert page.errors == []
