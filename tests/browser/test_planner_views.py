"""Issue 11 in Chromium: empty maps explained, the terms of the year, English map controls,
search without JavaScript, no horizontal overflow at 1280 and 400 px."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?sprog=en",
    "/kommuner/0159",
    "/kommuner/0751?aar=2018",
    "/omraader/bispehaven",
    "/soeg?q=gellerup",
    "/sammenlign",
    "/embed/kommune/0159",
    "/embed/kommune/0751?aar=2019",
]


@pytest.mark.parametrize("width", [1280, 400])
def test_no_horizontal_overflow(browser, live_server, width):
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    page = context.new_page()
    wide = {}
    for path in PAGES:
        page.goto(live_server + path, wait_until="networkidle")
        extra = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if extra > 0:
            wide[path] = extra
    context.close()
    assert wide == {}


def test_gladsaxe_embed_says_why_the_map_is_empty(page, live_server):
    page.page.goto(live_server + "/embed/kommune/0159", wait_until="networkidle")
    note = page.page.locator(".nothing-to-draw")
    assert note.is_visible() and "ingen af områderne" in note.inner_text()
    assert page.page.locator("#omraadetabel").is_visible()
    assert page.page.locator(".leaflet-container").count() == 0
    assert page.hosts() == {urlsplit(live_server).netloc}


def test_2019_embed_legend_and_layers_say_ghettoomraade(page, live_server):
    page.page.goto(live_server + "/embed/kommune/0751?aar=2019", wait_until="networkidle")
    legend = page.page.locator(".embed-legend").inner_text()
    assert "Ghettoområde" in legend and "Hårdt ghettoområde" in legend
    layers = page.page.locator(".leaflet-control-layers").inner_text()
    assert "ghettoområde" in layers.lower() and "Omdannelsesområde" not in layers
    assert page.page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom ind"
    shapes = page.page.locator("path.leaflet-interactive")
    assert shapes.count() > 0
    assert all(shapes.nth(i).get_attribute("aria-label") for i in range(shapes.count()))
    assert page.errors == []


def test_english_map_controls(page, live_server):
    page.page.goto(live_server + "/?sprog=en", wait_until="networkidle")
    assert page.page.locator("html").get_attribute("lang") == "en"
    assert page.page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    assert page.page.locator(".leaflet-control-layers-toggle").get_attribute("title") == "Layers"


def test_search_works_without_javascript(browser, live_server):
    context = browser.new_context(locale="da-DK", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/kommuner")
    page.fill("#q", "toveshoj")
    page.click("form.site-search button")
    page.wait_for_load_state()
    assert "/soeg" in page.url
    page.click("text=Gellerupparken/Toveshøj")
    assert page.url.endswith("/omraader/gellerupparken-toveshoej")
    context.close()
