"""The area, municipality, search and error pages and the fact sheets in English.

Each page with ``?sprog=en`` says ``<html lang="en">`` and shows no Danish UI text outside
``lang="da"`` elements (names and texts quoted as published); the Danish page keeps its
Danish heading. The plan section of an area page (``plans/_area_plan.html``) is translated
with the plan pages and is cut out here.
"""

from __future__ import annotations

import re

import pytest

from tests.service.english import danish_found, danish_words

# An area on every list, one that left the lists, a 2018-only area, one without a location.
AREAS = ["bispehaven", "gellerupparken-toveshoej", "aldersrogade", "trekanten", "pileparken"]
PAGES = [
    ("/omraader", "Alle områder", "All areas"),
    *[(f"/omraader/{slug}", "Listestatus 1. december, år for år", "List status") for slug in AREAS],
    ("/omraader/bispehaven?indikatoraar=2019", "Indikatorer og kriterier", "The criteria"),
    ("/omraader/bispehaven?indikatoraar=1900", "Indikatorer og kriterier", "No indicator values"),
    ("/omraader/bispehaven?data=syntetisk", "Syntetiske eksempeldata", "Synthetic example data"),
    ("/kommuner", "<h1>Kommuner</h1>", "<h1>Municipalities</h1>"),
    ("/kommuner/0159", "Gladsaxe Kommune", "Gladsaxe Municipality"),  # nothing to draw
    ("/kommuner/0751", "Aarhus Kommune", "Aarhus Municipality"),
    ("/kommuner/0751?aar=2018", "Kort, listen pr. 1. december 2018", "the list of 1 December 2018"),
    ("/kommuner/0461", "Odense Kommune", "Odense Municipality"),
    ("/soeg?q=gellerup", "resultat", "result"),
    ("/soeg?q=odense", "resultat", "result"),
    ("/soeg?q=xyzzy", "Ingen områder eller kommuner", "No area or municipality"),
    ("/soeg", "Søg efter område eller kommune", "Search for an area or a municipality"),
]
ERRORS = [
    ("/nope", 404, "Siden findes ikke", "Page not found"),
    ("/omraader/nope", 404, "Siden findes ikke", "Page not found"),
    ("/kommuner/9999", 404, "Siden findes ikke", "Page not found"),
    ("/kort?aar=1999", 404, "Siden findes ikke", "Page not found"),
    ("/kort?ukendt=1", 400, "Ugyldig forespørgsel", "Bad request"),
    ("/soeg?q=" + "x" * 101, 400, "Ugyldig forespørgsel", "Bad request"),
]


def _english(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "sprog=en"


def _without_plan_section(page: str) -> str:
    # plans/_area_plan.html (the plan pages' own template) starts with its section
    return re.sub(r'<section class="(?:plan|area-reports)".*?</section>', "", page, flags=re.S)


def _assert_english(page: str) -> None:
    assert '<html lang="en">' in page
    assert danish_found(page) == []
    assert danish_words(page) == []


@pytest.mark.parametrize(("url", "danish", "english"), PAGES)
def test_page_in_english_and_danish(client, url, danish, english):
    page = client.get(_english(url)).get_data(as_text=True)
    _assert_english(_without_plan_section(page))
    assert english in page
    assert danish in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(("url", "status", "danish", "english"), ERRORS)
def test_error_pages_in_english_and_danish(client, url, status, danish, english):
    response = client.get(_english(url))
    assert response.status_code == status
    page = response.get_data(as_text=True)
    _assert_english(page)
    assert f"<h1>{english}</h1>" in page and f"Error {status}" in page
    danish_page = client.get(url).get_data(as_text=True)
    assert f"<h1>{danish}</h1>" in danish_page and f"Fejl {status}" in danish_page


def test_api_errors_keep_their_shape_in_both_languages(client):
    for url in ("/api/areas?year=1999", "/api/areas?year=1999&sprog=en"):
        body = client.get(url).get_json()
        assert set(body) == {"status", "code", "message"} and body["status"] == 404
        assert "1999" in body["message"]


def test_links_keep_the_language(client):
    page = client.get("/omraader?sprog=en").get_data(as_text=True)
    assert 'href="/omraader/bispehaven?sprog=en"' in page
    assert 'href="/kommuner?sprog=en"' in page  # the site menu
    assert '<input type="hidden" name="sprog" value="en">' in page  # the search box
    danish = client.get("/omraader").get_data(as_text=True)
    assert 'href="/omraader/bispehaven"' in danish and 'name="sprog"' not in danish


def test_english_figures_use_english_numbers(client):
    page = client.get("/omraader/bispehaven?sprog=en").get_data(as_text=True)
    assert "1,000 residents" in page and "at least 1,000" in page
    assert "1.000 beboere" in client.get("/omraader/bispehaven").get_data(as_text=True)


@pytest.fixture
def sheet_html(monkeypatch):
    """The HTML a fact sheet is made from (instead of the PDF)."""
    import service.pages.factsheets as factsheets

    made: list[str] = []
    monkeypatch.setattr(factsheets, "html_to_pdf", lambda html, *a, **k: made.append(html) or b"")
    return made


@pytest.mark.parametrize(
    "url",
    [
        "/omraader/gellerupparken-toveshoej/faktaark.pdf",
        "/omraader/trekanten/faktaark.pdf",
        "/omraader/pileparken/faktaark.pdf",
        "/kommuner/0751/faktaark.pdf",
        "/kommuner/0159/faktaark.pdf",
    ],
)
def test_fact_sheets_in_english(client, sheet_html, url):
    assert client.get(url + "?sprog=en").status_code == 200
    _assert_english(sheet_html[-1])
    assert client.get(url).status_code == 200
    assert '<html lang="da">' in sheet_html[-1] and "Faktaark" in sheet_html[-1]


@pytest.fixture
def official_client(default_store, tmp_path):
    """A store where Mjølnerparken and Aldersrogade have their official boundary (the test
    cadastre; one of Aldersrogade's parcels is missing from it)."""
    from boundaries.parcels import import_parcels
    from service import create_app
    from tests.boundaries.cadastre_fixture import write_cadastre_gpkg, write_list_xlsx

    import_parcels(
        default_store,
        write_list_xlsx(tmp_path / "bilag1.xlsx"),
        write_cadastre_gpkg(tmp_path / "matrikel.gpkg"),
        order_number="1365",
        order_date="2018-11-29",
        list_date="2018-12-01",
    )
    config = {"TESTING": True, "STORE_PATH": str(default_store.path), "ACCESS_LOG": False}
    return create_app(config).test_client()


@pytest.mark.parametrize("slug", ["mjoelnerparken", "aldersrogade"])
def test_official_boundary_in_english(official_client, slug):
    page = official_client.get(f"/omraader/{slug}?sprog=en").get_data(as_text=True)
    _assert_english(_without_plan_section(page))
    assert 'official boundary (<span lang="da">BEK nr. 1365 af 29/11/2018</span>)' in page
    assert "valid from 1 December 2018" in page and "The boundary's history" in page
    danish = official_client.get(f"/omraader/{slug}").get_data(as_text=True)
    assert "officiel afgrænsning (BEK nr. 1365 af 29/11/2018): de " in danish
    assert "gælder fra 1. december 2018" in danish
