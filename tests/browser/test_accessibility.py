"""axe-core (WCAG 2.1 A and AA) on every kind of page, and the maps by keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

WCAG21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}

PAGES = [
    "/kort?aar=2022",
    "/omraader/gellerupparken-toveshoej",
    "/omraader/nivaa",
    "/kommuner/0751",
    "/kommuner",
    "/omraader",
    "/om",
    "/embed",
    "/embed/national?aar=2022",
    "/embed/national?aar=2022&visning=tabel",
    "/embed/kommune/0101",
    "/embed/kommune/0101?visning=tabel&sprog=en",
    "/embed/omraade/vollsmose",
    "/api/",
    "/udviklingsplaner",
    "/udviklingsplaner?sorter=demolition&retning=faldende",
    "/evaluering",
    "/rapporter?spor=programmer",
    "/ordforklaring",
    "/indsatser",
    "/omraader/tingbjerg-utterslevhuse",
    "/omraader/ringparken",
]


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("path", PAGES)
def test_no_wcag21_aa_violations(live_server, page, axe, path):
    page.page.goto(f"{live_server}{path}", wait_until="networkidle")
    results = axe.run(page.page, options={"runOnly": WCAG21_AA})
    assert results.violations_count == 0, results.generate_report()
    assert page.errors == []


@pytest.mark.parametrize("path", ["/kort?aar=2022", "/embed/kommune/0751"])
def test_map_controls_work_with_the_keyboard(live_server, page, path):
    p = page.page
    p.goto(f"{live_server}{path}", wait_until="networkidle")
    zoom_before = p.evaluate(
        "() => document.querySelector('.leaflet-container') && "
        "window[document.querySelector('.folium-map').id].getZoom()"
    )
    # Tab until the zoom-in button has focus, then press Enter
    for _ in range(80):
        p.keyboard.press("Tab")
        if p.evaluate("() => document.activeElement.classList.contains('leaflet-control-zoom-in')"):
            break
    else:
        pytest.fail("the zoom-in button cannot be reached with Tab")
    p.keyboard.press("Enter")
    p.wait_for_timeout(400)
    zoom_after = p.evaluate("() => window[document.querySelector('.folium-map').id].getZoom()")
    assert zoom_after == zoom_before + 1
    # a layer checkbox is reachable and toggles the layer with Space
    for _ in range(10):
        p.keyboard.press("Tab")
        if p.evaluate(
            "() => document.activeElement.classList.contains('leaflet-control-layers-selector')"
        ):
            break
    else:
        pytest.fail("no layer checkbox reachable with Tab")
    shapes = p.locator("path.omr-area").count()
    p.keyboard.press("Space")
    p.wait_for_timeout(200)
    assert p.locator("path.omr-area").count() < shapes
    # the map itself takes focus and pans with the arrow keys
    p.focus(".leaflet-container")
    centre = p.evaluate("() => window[document.querySelector('.folium-map').id].getCenter().lng")
    p.keyboard.press("ArrowRight")
    p.wait_for_timeout(400)
    moved = p.evaluate("() => window[document.querySelector('.folium-map').id].getCenter().lng")
    assert moved > centre


@pytest.mark.parametrize("width", [400, 1280])
def test_pages_reflow_without_horizontal_scrolling(live_server, browser, width):
    """WCAG 1.4.10: no page is wider than the window; wide tables scroll in their own region."""
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": 900})
    p = context.new_page()
    too_wide = {}
    for path in PAGES:
        p.goto(f"{live_server}{path}", wait_until="networkidle")
        scroll_width = p.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide[path] = scroll_width
    context.close()
    assert too_wide == {}
