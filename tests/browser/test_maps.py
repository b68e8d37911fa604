"""The national and area pages in a real browser."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("year", [2018, 2021, 2022, 2024])
def test_national_map_draws_every_located_area_of_the_list(live_server, page, year):
    page.page.goto(f"{live_server}/kort?aar={year}", wait_until="networkidle")
    p = page.page
    assert p.locator(".leaflet-container").count() == 1, "no Leaflet map rendered"
    assert p.locator(".leaflet-container .leaflet-overlay-pane svg").count() >= 1

    api = p.request.get(f"{live_server}/api/areas?year={year}").json()
    listed = {a["area_id"] for a in api["areas"]}
    located = {a["area_id"] for a in api["areas"] if a["boundary_source"] != "none"}
    shapes = p.locator("path.omr-area").count()
    assert shapes == len(located)
    if year in (2018, 2022, 2024):  # every named area has a location in those years
        assert shapes == len(listed)

    rows = p.locator("#omraadetabel tbody tr")
    table_ids = {rows.nth(i).get_attribute("data-area-id") for i in range(rows.count())}
    assert table_ids == listed

    own = urlsplit(live_server).netloc
    assert page.hosts() == {own}, f"requests to other hosts: {page.hosts() - {own}}"
    assert page.errors == []


def test_area_page_renders_the_area_with_context(live_server, page):
    page.page.goto(f"{live_server}/omraader/gellerupparken-toveshoej", wait_until="networkidle")
    p = page.page
    assert p.locator(".leaflet-container").count() == 1
    assert p.locator("path.omr-area").count() == 1
    assert p.locator("path.omr-neighbour").count() >= 1  # Bispehaven, Skovgårdsparken nearby
    assert p.locator(".timeline li").count() == 7
    assert page.hosts() == {urlsplit(live_server).netloc}
    assert page.errors == []


def test_popup_links_to_the_area_page(live_server, page):
    p = page.page
    p.goto(f"{live_server}/kort?aar=2024", wait_until="networkidle")
    p.locator("path.omr-cat-omdannelsesomraade").first.click(force=True)
    link = p.locator(".leaflet-popup-content a")
    link.wait_for()
    assert (
        "omtrentlig placering, ikke officiel afgrænsning"
        in p.locator(".leaflet-popup-content").inner_text()
    )
    link.click()
    p.wait_for_load_state("networkidle")
    assert "/omraader/" in p.url
    assert p.locator("h1").inner_text()


def test_year_selector_navigates(live_server, page):
    p = page.page
    p.goto(f"{live_server}/", wait_until="networkidle")
    p.select_option("#aar", "2019")
    p.get_by_role("button", name="Vis").click()
    p.wait_for_load_state("networkidle")
    assert p.url.endswith("aar=2019")
    assert "1. december 2019" in p.locator("h1").inner_text()
