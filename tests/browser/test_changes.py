"""/aendringer in a browser: axe-core clean, its map draws the changes; print stylesheet."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}


@pytest.mark.parametrize("path", ["/aendringer?aar=2021", "/aendringer?aar=2023", "/aendringer"])
def test_changes_page_is_axe_clean(live_server, page, path):
    page.page.goto(f"{live_server}{path}", wait_until="networkidle")
    results = Axe().run(page.page, options={"runOnly": WCAG21_AA})
    assert results.violations_count == 0, results.generate_report()
    assert page.errors == []
    assert page.hosts() == {live_server.removeprefix("http://")}


def test_changes_map_draws_each_changed_located_area(live_server, page):
    p = page.page
    p.goto(f"{live_server}/aendringer?aar=2021", wait_until="networkidle")
    rows = p.locator("#aendringstabel tbody tr").count()
    unlocated = p.locator("#aendringstabel tbody tr", has_text="ikke på kortet").count()
    drawn = p.locator("path.omr-area").count()
    assert rows == 17 and drawn == rows - unlocated
    assert p.locator("path.omr-change-left").count() >= 4  # Solbakken, Ringparken, Motalavej …


@pytest.mark.parametrize(
    "path", ["/aendringer?aar=2021", "/omraader/gellerupparken-toveshoej", "/kommuner/0751"]
)
def test_print_stylesheet_hides_navigation_and_keeps_tables(live_server, page, path):
    p = page.page
    p.goto(f"{live_server}{path}", wait_until="networkidle")
    assert p.locator("header.site nav").is_visible()
    overflow = (
        "() => [...document.querySelectorAll('main .table-scroll')]"
        ".map(w => getComputedStyle(w).overflowX)"
    )
    on_screen = p.evaluate(overflow)
    p.emulate_media(media="print")
    for selector in ("header.site", "header.site nav", "footer.site", "form", ".print-link"):
        for element in p.locator(selector).all():
            assert not element.is_visible(), selector
    tables = p.locator("main table").all()
    assert tables
    for table in tables:
        assert table.is_visible()
    # on screen a wide table scrolls inside its wrapper; on paper nothing is cut off
    assert set(on_screen) <= {"auto", "scroll"}
    assert set(p.evaluate(overflow)) <= {"visible"}
    p.emulate_media(media="screen")
    assert p.locator("header.site nav").is_visible()
