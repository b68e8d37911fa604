"""/aendringer and /api/changes: a list year against the year before."""

from __future__ import annotations

import re

import pytest


def _years(client) -> list[int]:
    body = client.get("/api/years").get_json()
    return [y["year"] for y in body["years"]]


def _named(client, year: int, category: str) -> set[str]:
    body = client.get(f"/api/designations?year={year}&category={category}").get_json()
    return {row["area_id"] for row in body["designations"]}


def test_changes_api_agrees_with_the_designations_api_for_every_year(client):
    years = _years(client)
    official = {
        (y["year"], c["category"]): c["official"]
        for y in client.get("/api/years").get_json()["years"]
        for c in y["summary"]
    }
    for year in years[1:]:
        response = client.get(f"/api/changes?year={year}")
        assert response.status_code == 200, response.data
        body = response.get_json()
        assert (body["year"], body["previous_year"]) == (year, year - 1)
        for c in body["categories"]:
            before = _named(client, year - 1, c["category"])
            after = _named(client, year, c["category"])
            renamed_to = {t for r in c["renamed"] for t in r["to"]}
            renamed_from = {f for r in c["renamed"] for f in r["from"]}
            assert set(c["entered"]) | set(c["possibly_entered"]) | renamed_to == after - before
            assert set(c["left"]) | set(c["possibly_left"]) | renamed_from == before - after
            assert (c["named_before"], c["named_after"]) == (len(before), len(after))
            assert c["stayed"] == len(before & after)
            assert c["official_before"] == official.get((year - 1, c["category"]))
            assert c["official_after"] == official.get((year, c["category"]))
        # every changed area is named on one of the two lists
        for area in body["areas"]:
            assert any(area["before"][k] or area["after"][k] for k in area["before"])


def test_changes_2021(client):
    body = client.get("/api/changes?year=2021").get_json()
    assert body["rules_changed"] and (body["rule_before"], body["rule_after"]) == ("2018", "2021")
    cats = {c["category"]: c for c in body["categories"]}
    assert {"solbakken", "ringparken", "motalavej"} <= set(cats["omdannelsesomraade"]["left"])
    assert len(cats["forebyggelsesomraade"]["entered"]) == 10
    assert cats["forebyggelsesomraade"]["official_before"] is None


def test_changes_default_year_is_the_latest(client):
    body = client.get("/api/changes").get_json()
    assert body["year"] == _years(client)[-1]


@pytest.mark.parametrize(
    ("query", "status"),
    [("year=abc", 400), ("year=2018", 404), ("year=2030", 404), ("year=20211", 400)],
)
def test_changes_api_errors_have_the_one_shape(client, query, status):
    response = client.get(f"/api/changes?{query}")
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"status", "code", "message"} and body["status"] == status


def test_changes_page_2021(client):
    response = client.get("/aendringer?aar=2021")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hvad ændrede sig 1. december 2021?" in html
    assert "Nye regler" in html
    table = html[html.index('id="aendringstabel"') :]
    for area_id in ("solbakken", "ringparken", "motalavej", "charlotteager", "nivaa"):
        assert f'data-area-id="{area_id}"' in table
    assert "Forebyggelsesområder" in html
    # the map's script is served separately and draws the changed areas
    script = re.search(r'<script src="(/aendringer/2021/kort\.js[^"]*)"', html)
    assert script
    js = client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and "Solbakken" in js.get_data(as_text=True)


def test_changes_page_explains_a_crossed_threshold(client):
    html = client.get("/aendringer?aar=2023").get_data(as_text=True)
    row = html[html.index('data-area-id="mjoelnerparken"') :]
    row = row[: row.index("</tr>")]
    assert "966 mod grænsen 1.000 (-34)" in row


def test_changes_page_errors(client):
    assert client.get("/aendringer?aar=2018").status_code == 404
    assert client.get("/aendringer?aar=xx").status_code == 400
    assert client.get("/aendringer/2018/kort.js").status_code == 404


def test_every_national_map_year_links_to_its_changes(client):
    years = _years(client)
    for year in years:
        html = client.get(f"/kort?aar={year}").get_data(as_text=True)
        link = f'href="/aendringer?aar={year}"'
        assert (link in html) == (year != years[0]), year


def test_area_and_municipality_pages_have_a_print_link(client):
    area = client.get("/omraader/gellerupparken-toveshoej").get_data(as_text=True)
    assert 'href="/omraader/gellerupparken-toveshoej/faktaark.pdf"' in area
    municipality = client.get("/kommuner/0751").get_data(as_text=True)
    assert 'href="/kommuner/0751/faktaark.pdf"' in municipality


def test_pages_link_the_print_stylesheet(client):
    html = client.get("/omraader").get_data(as_text=True)
    assert re.search(
        r'<link rel="stylesheet" href="/static/css/print\.css[^"]*" media="print">', html
    )
    assert client.get("/static/css/print.css").status_code == 200


@pytest.fixture(scope="module")
def renamed_client(tmp_path_factory):
    """A store where Agervang's rows from 2022 name a second area, Grønneparken (an alias)."""
    from geo.seed import build_default_store
    from geo.store import Store
    from service import create_app
    from tests.geo.test_changes import with_renamed_area

    path = tmp_path_factory.mktemp("renamed") / "store.gpkg"
    store = Store(path)
    build_default_store(store, with_outline=False)
    with_renamed_area(store)
    app = create_app({"TESTING": True, "STORE_PATH": str(path), "ACCESS_LOG": False})
    return app.test_client()


def test_a_rename_is_shown_as_a_rename(renamed_client):
    body = renamed_client.get("/api/changes?year=2022").get_json()
    kinds = {a["area_id"]: a["kind"] for a in body["areas"]}
    assert kinds.get("groenneparken") == "renamed" and "agervang" not in kinds
    html = renamed_client.get("/aendringer?aar=2022").get_data(as_text=True)
    row = html[html.index('data-area-id="groenneparken"') :]
    row = row[: row.index("</tr>")]
    assert "Omdøbt" in row and "før: Agervang (kendt alias)" in row
    assert 'data-area-id="agervang"' not in html
