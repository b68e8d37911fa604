"""Place names on the maps in a real browser: present, text only, not in the way of clicks."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("path", ["/kort?aar=2024", "/kommuner/0751"])
def test_place_names_are_on_the_map_and_let_clicks_through(live_server, page, path):
    p = page.page
    p.goto(f"{live_server}{path}", wait_until="networkidle")
    labels = p.locator(".leaflet-marker-pane .omr-place")
    assert labels.count() >= 3
    shown = p.locator(".leaflet-marker-pane .omr-place:visible")
    assert "Aarhus" in shown.all_inner_texts()
    if path.startswith("/kort"):
        assert {"København", "Odense", "Aalborg"} <= set(shown.all_inner_texts())
    # not focusable, not a button, and the shape under a label gets the click
    aarhus = p.locator(".omr-place", has_text="Aarhus")
    assert aarhus.get_attribute("tabindex") is None and aarhus.get_attribute("role") is None
    box = aarhus.locator(".omr-place-name").bounding_box()
    hit = p.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.omr-place') === null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert hit, "the label takes the click"
    credit = p.locator(".leaflet-control-attribution")
    assert "Stednavne: GeoNames (CC BY 4.0)" in credit.inner_text()
    assert credit.locator("a").get_attribute("href") == "https://www.geonames.org/"
    own = urlsplit(live_server).netloc
    assert page.hosts() == {own}, f"requests to other hosts: {page.hosts() - {own}}"
    assert page.errors == []


def test_the_layer_control_hides_the_place_names(live_server, page):
    p = page.page
    p.goto(f"{live_server}/kort?aar=2024", wait_until="networkidle")
    assert p.locator(".omr-place").count() > 0
    p.get_by_label("Stednavne").uncheck()
    assert p.locator(".omr-place").count() == 0
    assert p.locator("path.omr-area").count() > 0


def test_zooming_in_shows_more_place_names(live_server, page):
    p = page.page
    p.goto(f"{live_server}/kort?aar=2024", wait_until="networkidle")
    before = p.locator(".omr-place:visible").count()
    p.locator(".leaflet-control-zoom-in").click()
    p.wait_for_timeout(600)
    assert p.locator(".omr-place:visible").count() > before
