"""Issue 11 in Chromium: empty maps explained, the terms of the year, English map controls,
search without JavaScript, no horizontal overflow at 1280 and 400 px."""

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

# One URL for every page route of the service (a test below keeps the list complete), plus
# variants that have been too wide before.
PAGES = [
    "/",
    "/?sprog=en",
    "/aendringer?aar=2021",
    "/embed",
    "/embed/kommune/0159",
    "/embed/kommune/0751?aar=2019",
    "/embed/national",
    "/embed/omraade/gellerupparken-toveshoej",
    "/evaluering",
    "/flytninger",
    "/flytninger/gellerupparken-toveshoej",
    "/flytninger/modtagere",
    "/hvad-hvis",
    "/indsatser",
    "/kommuner",
    "/kommuner/0159",
    "/kommuner/0751?aar=2018",
    "/kort?aar=2019",
    "/om",
    "/om-reglerne",
    "/om-reglerne?sprog=en",
    "/omraader",
    "/omraader/bispehaven",
    "/omraader/gellerupparken-toveshoej",
    "/ordforklaring",
    "/rapporter",
    "/sammenlign",
    "/soeg?q=gellerup",
    "/udviklingsplaner",
]
# Routes that answer with something other than a page for people.
NOT_PAGES = {"/healthz", "/oembed"}


def test_the_overflow_pages_cover_every_page_route(tmp_path):
    from service import create_app

    app = create_app({"TESTING": True, "STORE_PATH": str(tmp_path / "none.gpkg")})
    routes = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.rule.startswith(("/api/", "/static/"))
        and "." not in rule.rule.rsplit("/", 1)[-1]  # kort.js, faktaark.pdf, *.csv
        and rule.rule not in NOT_PAGES
    }
    covered = set()
    for route in routes:
        pattern = "^" + re.sub(r"<[^>]+>", "[^/?]+", route) + "(\\?.*)?$"
        if any(re.match(pattern, page) for page in PAGES):
            covered.add(route)
    assert routes - covered == set()


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
