"""Honest geography on the pages: approximate locations never receive moves by location.

Stengårdsvej and Præstebakken/Syrenparken share one approximate location (a 3 km disc around
Esbjerg's town centre) in the default store. Moves are imported through the real command
path; the pages and the API are read through the app.
"""

from __future__ import annotations

import re

import pytest

from geo.relocation.ingest import import_moves
from geo.seed import build_default_store
from geo.store import Store
from service import create_app

# Esbjerg city hall (WGS84): inside the disc both areas share.
CITY_HALL = (8.4520, 55.4670)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("geography")
    store = Store(root / "store.gpkg")
    build_default_store(store, with_outline=False)
    moves = root / "moves.csv"
    lon, lat = CITY_HALL
    moves.write_text(
        "year,origin_area,dest_lon,dest_lat,dest_municipality,dest_area,weight,reason\n"
        # to a point in the shared disc, the municipality given (as register data have it)
        f"2021,stengaardsvej,{lon},{lat},0561,,12,other\n"
        f"2021,praestebakken-syrenparken,{lon},{lat},0561,,9,other\n"
        # named by code: these, and only these, are moves into the areas
        "2021,stengaardsvej,,,,praestebakken-syrenparken,7,planned\n"
        "2021,praestebakken-syrenparken,,,,praestebakken-syrenparken,6,planned\n",
        encoding="utf-8",
    )
    result = import_moves(store, moves, source="test register")
    assert result.report["dest_in_approximate_only"] == 2
    assert any(
        "praestebakken-syrenparken" in n and "stengaardsvej" in n and "are identical" in n
        for n in result.notes
    )
    app = create_app({"TESTING": True, "STORE_PATH": str(store.path), "ACCESS_LOG": False})
    return app.test_client()


def _flows(client, origin: str) -> dict:
    body = client.get(f"/api/flows?origin={origin}").get_json()
    return {f["dest_id"]: f["movers"] for f in body["flows"]}


def test_areas_sharing_an_approximate_location_never_receive_each_others_moves(client):
    from_stengaardsvej = _flows(client, "stengaardsvej")
    from_praestebakken = _flows(client, "praestebakken-syrenparken")
    # Nothing reaches Stengårdsvej: no move names it, and its disc is not a boundary.
    assert "a:stengaardsvej" not in from_stengaardsvej
    assert "a:stengaardsvej" not in from_praestebakken
    # Præstebakken receives exactly the moves that name it by code.
    assert from_stengaardsvej["a:praestebakken-syrenparken"] == 7
    assert from_praestebakken["a:praestebakken-syrenparken"] == 6
    # The point at the city hall counts towards Esbjerg municipality, not into an estate.
    assert from_stengaardsvej["r:0561"] == 12
    assert from_praestebakken["r:0561"] == 9


def test_the_page_counts_the_point_under_the_municipality_and_says_why(client):
    html = client.get("/flytninger/stengaardsvej").get_data(as_text=True)
    row = re.search(
        r'<tr data-origin="a:stengaardsvej" data-dest="r:0561">\s*<td>[^<]*</td>\s*'
        r"<td>([^<]*)</td>\s*<td[^>]*>([^<]*)</td>",
        html,
    )
    assert row is not None, "the flow to the rest of Esbjerg municipality is in the table"
    assert row.group(1) == "Esbjerg Kommune, andre steder"
    assert row.group(2) == "12"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "områdets afgrænsning er ikke kendt" in text
    assert "Stengårdsvej" in text.split("områdets afgrænsning er ikke kendt")[1][:400]
    assert "aldrig hinandens flytninger" in text
    # the receiving page lists only what was named by code
    receiving = client.get("/api/flows/receiving").get_json()
    assert {a["area_id"] for a in receiving["areas"]} <= {"praestebakken-syrenparken"}
