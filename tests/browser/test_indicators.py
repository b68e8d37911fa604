"""Indicators in a real browser: the area page of an omdannelsesområde shows its criteria
against the thresholds; the comparison page shows the seed tables' values for the 15 areas;
the national map colours the areas by an indicator; the pages pass axe (WCAG 2.1 AA)."""

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

# udsatteområder.dk results page: the two Beboerdata tables ('-' = not published).
SEED = {
    "youth_not_in_education": {
        "Tingbjerg/Utterslevhuse": "9,4 %",
        "Mjølnerparken": "9,2 %",
        "Tåstrupgård": "11,3 %",
        "Gadehavegård": "4,5 %",
        "Agervang": "-",
        "Ringparken": "-",
        "Motalavej": "-",
        "Vollsmose": "3,3 %",
        "Stengårdsvej": "-",
        "Sundparken": "-",
        "Munkebo": "6,2 %",
        "Skovvejen/Skovparken": "7,8 %",
        "Finlandsparken": "-",
        "Bispehaven": "4,9 %",
        "Gellerupparken/Toveshøj": "10,3 %",
    },
    "single_parent_households": {
        "Tingbjerg/Utterslevhuse": "13,0 %",
        "Mjølnerparken": "19,8 %",
        "Tåstrupgård": "10,5 %",
        "Gadehavegård": "11,4 %",
        "Agervang": "15,6 %",
        "Ringparken": "13,7 %",
        "Motalavej": "13,2 %",
        "Vollsmose": "14,2 %",
        "Stengårdsvej": "8,6 %",
        "Sundparken": "11,0 %",
        "Munkebo": "20,3 %",
        "Skovvejen/Skovparken": "11,1 %",
        "Finlandsparken": "18,6 %",
        "Bispehaven": "12,7 %",
        "Gellerupparken/Toveshøj": "14,6 %",
    },
}
WCAG21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


def only_own_host(page, live_server):
    own = urlsplit(live_server).netloc
    assert page.hosts() == {own}, f"requests to other hosts: {page.hosts() - {own}}"
    assert page.errors == []


def test_area_page_of_an_omdannelsesomraade_shows_criteria_against_thresholds(live_server, page):
    p = page.page
    p.goto(f"{live_server}/omraader/skovvejen-skovparken", wait_until="networkidle")
    assert "Omdannelsesområde" in p.locator(".lead").inner_text()
    panel = p.locator(".ind-panel")
    assert panel.get_by_role("heading", name="Kriterierne på listen pr. 1. december 2018").count()
    expected = {
        "outside_labour": ("41,5 %", "over 40 %", "opfyldt", "1,5 procentpoint over grænsen"),
        "basic_education": ("74,2 %", "over 60 %", "opfyldt", "14,2 procentpoint over grænsen"),
        "nonwestern": ("66,4 %", "over 50 %", "opfyldt", "16,4 procentpoint over grænsen"),
        "income": (
            "ikke oplyst",
            "under 55 % af regionens gennemsnit",
            "ikke oplyst",
            "ikke oplyst",
        ),
    }
    for key, (value, threshold, met, margin) in expected.items():
        row = panel.locator(f'tr[data-criterion="{key}"]')
        assert row.locator(".ind-value").inner_text() == value
        assert row.locator(".ind-threshold").inner_text() == threshold
        assert row.locator(".ind-met").inner_text() == met
        assert row.locator(".ind-margin").inner_text() == margin
        chart = row.locator("svg.ind-bullet")
        assert chart.is_visible()
        assert chart.locator("line.ind-threshold-mark").count() == 1
        assert chart.locator("rect.ind-bar").count() == (0 if value == "ikke oplyst" else 1)
    # The bar of 41,5 % ends just right of the 40 % threshold line.
    row = panel.locator('tr[data-criterion="outside_labour"]')
    bar = row.locator("rect.ind-bar").bounding_box()
    line = row.locator("line.ind-threshold-mark").bounding_box()
    assert bar["x"] + bar["width"] > line["x"]
    assert panel.locator('tr.decisive[data-criterion="nonwestern"]').count() == 1
    assert "Kræver 5 år i træk" in panel.locator(".ind-omdannelse").inner_text()
    assert "ikke oplyst" in panel.locator(".ind-almene").inner_text()
    only_own_host(page, live_server)


@pytest.mark.parametrize("code", sorted(SEED))
def test_comparison_page_shows_the_seed_tables(live_server, page, code):
    p = page.page
    p.goto(f"{live_server}/sammenlign?indikator={code}&aar=uden", wait_until="networkidle")
    rows = p.locator("#sammenligning tbody tr")
    got = {
        rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td.compare-value").inner_text()
        for i in range(rows.count())
    }
    expected = {k: ("ikke oplyst" if v == "-" else v) for k, v in SEED[code].items()}
    assert got == expected
    published = sum(v != "-" for v in SEED[code].values())
    assert p.locator(".compare-chart rect.compare-bar").count() == published
    assert p.locator(".compare-chart svg").is_visible()
    only_own_host(page, live_server)


def test_national_map_coloured_by_an_indicator(live_server, page):
    p = page.page
    p.goto(f"{live_server}/kort?aar=2018", wait_until="networkidle")
    p.select_option("#indikator", "youth_not_in_education")
    p.get_by_role("button", name="Farv").click()
    p.wait_for_load_state("networkidle")
    assert "indikator=youth_not_in_education" in p.url
    api = p.request.get(f"{live_server}/api/areas?year=2018").json()
    located = [a for a in api["areas"] if a["boundary_source"] != "none"]
    # No values with the year 2018 for this indicator: the map falls back to the undated
    # Beboerdata values (9 of the 15 areas published) and says so in the legend.
    assert p.locator("path.omr-ind").count() == len(located)
    assert p.locator("path.omr-ind-missing").count() == len(located) - 9
    assert "(uden årstal)" in p.locator(".ind-legend h2").inner_text()
    p.goto(
        f"{live_server}/kort?aar=2018&indikator=youth_not_in_education&indikatoraar=2018",
        wait_until="networkidle",
    )
    assert p.locator("path.omr-ind-missing").count() == len(located)
    assert "Ingen offentliggjorte værdier" in p.locator(".ind-legend").inner_text()
    p.goto(
        f"{live_server}/kort?aar=2018&indikator=youth_not_in_education&indikatoraar=uden",
        wait_until="networkidle",
    )
    assert p.locator("path.omr-ind-class-0").count() >= 1
    legend = p.locator(".ind-legend")
    assert legend.locator("li.ind-class").count() == 5
    assert "ikke oplyst" in legend.inner_text()
    only_own_host(page, live_server)


@pytest.mark.parametrize(
    "path",
    [
        "/omraader/skovvejen-skovparken",
        "/sammenlign?indikator=youth_not_in_education&aar=uden",
        "/om-reglerne",
        "/hvad-hvis?regel=2018&aar=2018&outside_labour=42",
        "/kort?aar=2018&indikator=youth_not_in_education&indikatoraar=uden",
    ],
)
def test_indicator_pages_pass_axe(live_server, page, path):
    page.page.goto(f"{live_server}{path}", wait_until="networkidle")
    results = Axe().run(page.page, options={"runOnly": WCAG21_AA})
    assert results.violations_count == 0, results.generate_report()
    only_own_host(page, live_server)
