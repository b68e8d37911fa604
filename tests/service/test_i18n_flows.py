"""The flows pages in English (``?sprog=en``): no Danish UI text outside ``lang="da"``
elements, maps and charts in English, links that keep the language; the Danish pages
unchanged."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from service import create_app
from tests.service.english import danish_found, danish_words

ORIGIN = "gellerupparken-toveshoej"

# Every flows page and its variants: years (the list in force for moves in 2019 is the old
# 2018 list), reasons, destination levels, paging, the early-warning list.
PAGES = [
    "/flytninger",
    "/flytninger?aar=2019",
    "/flytninger?aar=2020&aarsag=planlagt",
    "/flytninger?aarsag=andet&niveau=omraade",
    "/flytninger?vis=alle&side=2",
    f"/flytninger/{ORIGIN}",
    f"/flytninger/{ORIGIN}?aar=2019&aarsag=andet",
    f"/flytninger/{ORIGIN}?niveau=kommune&vis=alle",
    "/flytninger/bispehaven?aar=2022&aarsag=planlagt",
    "/flytninger/modtagere",
    "/flytninger/modtagere?aar=2019",
    "/flytninger/modtagere?niveau=kommune&aar=2021",
    "/flytninger/modtagere?vis=alle",
]


@pytest.fixture(scope="module")
def flows_client(demo_store_file):
    app = create_app({"TESTING": True, "STORE_PATH": str(demo_store_file), "ACCESS_LOG": False})
    return app.test_client()


def _english(client, url: str) -> str:
    response = client.get(url + ("&" if "?" in url else "?") + "sprog=en")
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_english_flows_page_has_no_danish_ui_text(flows_client, url):
    page = _english(flows_client, url)
    assert '<html lang="en">' in page
    assert danish_found(page) == []
    assert danish_words(page) == []


def test_the_synthetic_data_are_labelled_as_clearly_in_english(flows_client):
    for url in ("/flytninger", f"/flytninger/{ORIGIN}", "/flytninger/modtagere"):
        page = _english(flows_client, url)
        assert "<strong>Synthetic demo data.</strong>" in page
        assert "They are not about real people or real moves." in page
    page = _english(flows_client, "/flytninger")
    assert "Source: synthetic demo data made by Områdekort." in page
    assert "<strong>synthetic demo data</strong>" in page  # under the chart


def test_english_flows_pages_say_what_is_hidden(flows_client):
    page = _english(flows_client, f"/flytninger/{ORIGIN}")
    assert "Counts of fewer than 5 people are not shown" in page
    assert '<span class="hidden-count">hidden</span>' in page
    assert "some flows are hidden to protect individuals" in page
    assert "Stayed in Aarhus Municipality" in page
    assert "Aarhus Municipality, elsewhere" in page
    receiving = _english(flows_client, "/flytninger/modtagere")
    assert "hidden (fewer than 5, or could be worked out)" in receiving
    assert "Not named on the 2024 list" in receiving


def test_english_numbers_and_percentages(flows_client):
    page = _english(flows_client, "/flytninger")
    assert re.search(r'data-fact="flow\|\*\|\*\|\*\|\*">20,000<', page)
    origin = _english(flows_client, f"/flytninger/{ORIGIN}")
    assert re.search(r'<td class="num">\d+%</td>', origin)
    danish = flows_client.get(f"/flytninger/{ORIGIN}").get_data(as_text=True)
    assert re.search(r'<td class="num">\d+ %</td>', danish)


def test_english_flows_links_and_filters_keep_the_language(flows_client):
    page = _english(flows_client, "/flytninger?aar=2021")
    assert '<input type="hidden" name="sprog" value="en">' in page
    assert f'href="/flytninger/{ORIGIN}?aar=2021&amp;sprog=en"' in page
    assert 'href="/flytninger/modtagere?sprog=en"' in page
    assert re.search(r'<script src="/flytninger/kort\.js\?[^"]*sprog=en', page)
    origin = _english(flows_client, f"/flytninger/{ORIGIN}")
    assert f'href="/omraader/{ORIGIN}?sprog=en"' in origin
    # area names are source text: Danish, and marked so
    assert '<span lang="da">Gellerupparken/Toveshøj</span>' in origin


@pytest.mark.parametrize(
    "url",
    [
        "/flytninger/kort.js?niveau=kommune",
        f"/flytninger/{ORIGIN}/kort.js?niveau=omraade",
        "/flytninger/modtagere/kort.js?niveau=omraade",
    ],
)
def test_flow_maps_in_english(flows_client, url):
    english = flows_client.get(url + "&sprog=en").get_data(as_text=True)
    danish = flows_client.get(url).get_data(as_text=True)
    assert 'zoomInTitle: "Zoom in"' in english and '"Layers"' in english
    assert 'zoomInTitle: "Zoom ind"' in danish
    for word in ("flyttere", "tilflyttere", "Kommune", "skjult", "Tilflytning", "Flytninger ("):
        assert not re.search(rf'"[^"]*\b{re.escape(word)}[^"]*"', english), word
    if "modtagere" in url:
        assert ": hidden" in english or "incoming movers" in english
    else:
        assert " movers" in english and '"Moves (' in english


def test_flows_chart_in_english(flows_client):
    page = _english(flows_client, "/flytninger")
    assert "per year by reason; the same figures are in the table below.</title>" in page
    assert re.search(r"<title>2019, planned rehousing: [\d,]+</title>", page)
    assert "h = hidden" in page


def test_danish_flows_pages_are_unchanged(flows_client):
    page = flows_client.get("/flytninger").get_data(as_text=True)
    assert '<html lang="da">' in page
    assert "<h1>Flytninger fra omdannelsesområderne</h1>" in page
    assert "<strong>Syntetiske eksempeldata.</strong>" in page
    assert re.search(r"<title>2019, planlagt genhusning: [\d.]+</title>", page)
    origin = flows_client.get(f"/flytninger/{ORIGIN}").get_data(as_text=True)
    assert 'Flytninger fra <span lang="da">Gellerupparken/Toveshøj</span>' in origin
    assert "Blev i Aarhus Kommune" in origin and "Aarhus Kommune, andre steder" in origin
    receiving = flows_client.get("/flytninger/modtagere").get_data(as_text=True)
    assert '<h2 id="varsel-titel">Tidlig varsling</h2>' in receiving
    assert "Ikke navngivet på listen 2024" in receiving


def test_english_origin_page_when_the_total_is_hidden(flows_client, monkeypatch):
    """An area with too few movers for the choices: the total is hidden, in English."""
    import service.pages.flows as pages

    real = pages.flow_totals

    def hidden(*args, **kwargs):
        frame = real(*args, **kwargs)
        frame["movers"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["suppressed"] = True
        return frame

    monkeypatch.setattr(pages, "flow_totals", hidden)
    page = _english(flows_client, "/flytninger/gadehavegaard?aar=2025")
    assert "The number of movers with these choices is" in page
    assert danish_found(page) == [] and danish_words(page) == []
    danish = flows_client.get("/flytninger/gadehavegaard?aar=2025").get_data(as_text=True)
    assert "Antallet af flyttere med disse valg er" in danish


@pytest.mark.parametrize("url", ["/flytninger", "/flytninger/modtagere"])
def test_english_flows_pages_without_moves(client, url):
    page = client.get(url + "?sprog=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "There are no moves in the database." in page
    assert danish_found(page) == [] and danish_words(page) == []
    assert "Der er ingen flytninger i databasen" in client.get(url).get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/flytninger/skovgaardsparken", "/flytninger/findes-ikke", "/flytninger?aar=1999"]
)
def test_english_flows_error_pages(flows_client, url):
    """No moves from the area, or none in the year: a 404 in English (the error page's own
    text is the errors template's)."""
    response = flows_client.get(url + ("&" if "?" in url else "?") + "sprog=en")
    assert response.status_code == 404
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_english_pager(flows_client):
    page = _english(flows_client, "/flytninger?vis=alle")
    assert "Showing 1–200 of 274 flows (page 1 of 2)." in page
    assert "Show only the 25 largest" in page
    danish = flows_client.get("/flytninger?vis=alle").get_data(as_text=True)
    assert "Vis kun de 25 største" in danish


def test_english_early_warning_sentences(demo_store_file, monkeypatch):
    """The early-warning cells (no area of the demo data has criteria values to compare):
    a warning with its criteria, no movement, and a comparison-year note, in English."""
    import service.pages.flows as pages
    from geo.i18n import N_, Phrase
    from geo.relocation.analyses import _keep_phrases

    def rows(flows, store, *, year=None):
        base = {
            "category": None,
            "category_label": Phrase(N_("Ikke navngivet på listen %(year)s"), year=2024),
            "inflow_from_omdannelse": 40,
            "at_least": False,
            "suppressed": False,
            "inflow_total": 40,
            "first_inflow_year": 2019,
            "per_year": [
                {"year": 2019, "inflow": 40, "at_least": False, "suppressed": False,
                 "residents": 1200, "rate": 0.0333, "rate_note": None},
            ],
            "baseline_list_year": 2017,
            "latest_values_year": 2023,
            "warning_reason": None,
            "movers": 40,
        }  # fmt: skip
        change = {"criterion": "x", "label": "Testkriterium", "value_then": 30.0, "value_now": 42.5,
                  "threshold": 40.0, "towards_threshold": True}  # fmt: skip
        note = Phrase(
            N_(
                "%(baseline)s: nærmeste listeår med værdier (tilflytningen begyndte i "
                "%(first)s, listen i kraft var %(ideal)s)"
            ),
            baseline=2017,
            first=2019,
            ideal=2018,
        )
        records = [
            {**base, "area_id": "a", "name": "A", "warning": True,
             "criteria_changes": [change], "baseline_note": note},
            {**base, "area_id": "b", "name": "B", "warning": False,
             "criteria_changes": [{**change, "towards_threshold": False}],
             "baseline_note": None},
        ]  # fmt: skip
        frame = pd.DataFrame(records)
        _keep_phrases(frame, records)  # as receiving_areas does
        return frame

    monkeypatch.setattr(pages, "receiving_areas", rows)
    monkeypatch.setattr(pages, "_cached", lambda name, build: build())
    # a fresh app: the module's client has these pages in its response cache
    flows_client = create_app(
        {"TESTING": True, "STORE_PATH": str(demo_store_file), "ACCESS_LOG": False}
    ).test_client()
    page = _english(flows_client, "/flytninger/modtagere")
    assert (
        "<strong>towards the thresholds</strong>: Testkriterium (2017: 30.0, 2023: 42.5; " in page
    )
    assert "threshold 40.0)" in page
    assert "Comparison year 2017: the nearest list year with values (the inflow began in " in page
    assert "no movement towards the thresholds (2017–2023)" in page
    assert "40</span> / 1,200 = 3.3%" in page
    assert "Not named on the 2024 list" in page
    danish = flows_client.get("/flytninger/modtagere").get_data(as_text=True)
    warning = "<strong>mod grænserne</strong>: Testkriterium (2017: 30,0, 2023: 42,5; grænse 40,0)"
    assert warning in danish
    assert "Sammenligningsår 2017: nærmeste listeår med værdier" in danish
    assert "40</span> / 1.200 = 3,3 %" in danish
