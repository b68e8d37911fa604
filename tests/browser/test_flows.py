"""The relocation pages in a real browser, on a store with the synthetic demo moves."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from geo.relocation.synthetic import store_demo_moves
from geo.seed import build_default_store
from geo.store import Store
from tests.browser.conftest import _free_port, start_gunicorn, stop_gunicorn

pytestmark = pytest.mark.browser

ORIGIN = "gellerupparken-toveshoej"  # an omdannelsesområde on every list 2020–2024
THRESHOLD = 5


@pytest.fixture(scope="session")
def flows_server(tmp_path_factory):
    store_path = tmp_path_factory.mktemp("flows-live") / "store.gpkg"
    store = Store(store_path)
    build_default_store(store)
    store_demo_moves(store, seed=1, n=20_000)
    port = _free_port()
    proc = start_gunicorn(store_path, port)
    yield f"http://127.0.0.1:{port}"
    stop_gunicorn(proc)


def _published_counts(texts: list[str]) -> list[int]:
    counts = []
    for text in texts:
        text = text.strip()
        if text == "skjult":
            continue
        counts.append(int(text.replace(".", "")))
    return counts


def test_flow_map_of_one_omdannelsesomraade(flows_server, page):
    p = page.page
    p.goto(f"{flows_server}/flytninger/{ORIGIN}", wait_until="networkidle")
    assert p.locator(".leaflet-container").count() == 1, "no Leaflet map rendered"
    lines = p.locator("path.omr-flow")
    # On the 20,000 synthetic moves most flows of one area are hidden (disclosure control);
    # the map draws the published ones.
    assert lines.count() >= 3, "the flow map draws its lines"
    assert p.locator("path.omr-flow-head").count() == lines.count(), "one arrowhead per line"
    widths = {lines.nth(i).get_attribute("stroke-width") for i in range(lines.count())}
    assert len(widths) > 1, "line width follows the number of movers"
    assert p.locator("path.omr-flow-origin").count() == 1

    # The table beside the map: every count shown is at least the threshold.
    table = p.locator("#flytningstabel")
    assert table.is_visible()
    cells = table.locator("tbody td.num")
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    counts = _published_counts(texts)
    assert counts and min(counts) >= THRESHOLD
    assert "skjult" in texts, "small flows are shown as hidden, not as numbers"
    box_map = p.locator(".map-frame").bounding_box()
    box_table = table.bounding_box()
    assert box_table["x"] > box_map["x"] + box_map["width"] - 1, "the table is beside the map"

    body = p.locator("body").inner_text().lower()
    assert "syntetiske eksempeldata" in body
    own = urlsplit(flows_server).netloc
    assert page.hosts() == {own}, f"requests to other hosts: {page.hosts() - {own}}"
    assert page.errors == []


def test_filters_change_the_map_and_keep_the_threshold(flows_server, page):
    p = page.page
    p.goto(f"{flows_server}/flytninger/{ORIGIN}", wait_until="networkidle")
    p.select_option("#aar", "2021")
    p.select_option("#aarsag", "planlagt")
    p.get_by_role("button", name="Vis").click()
    p.wait_for_load_state("networkidle")
    assert "aar=2021" in p.url and "aarsag=planlagt" in p.url
    cells = p.locator("#flytningstabel tbody td.num")
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    assert all(c >= THRESHOLD for c in _published_counts(texts))
    assert p.locator(".leaflet-container").count() == 1
    assert page.errors == []


def test_overview_and_receiving_pages(flows_server, page):
    p = page.page
    p.goto(f"{flows_server}/flytninger", wait_until="networkidle")
    assert p.locator("path.omr-flow").count() > 10
    p.get_by_role("link", name="Flytninger", exact=True).first.click()
    p.wait_for_load_state("networkidle")
    p.goto(f"{flows_server}/flytninger/modtagere", wait_until="networkidle")
    assert p.locator("path.omr-recv").count() > 10
    assert "syntetiske eksempeldata" in p.locator("body").inner_text().lower()
    assert page.hosts() == {urlsplit(flows_server).netloc}
    assert page.errors == []


@pytest.mark.parametrize("path", [f"/flytninger/{ORIGIN}", "/flytninger", "/flytninger/modtagere"])
def test_flow_pages_have_no_wcag21_aa_violations(flows_server, page, path):
    from axe_playwright_python.sync_playwright import Axe

    page.page.goto(f"{flows_server}{path}", wait_until="networkidle")
    results = Axe().run(
        page.page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert results.violations_count == 0, results.generate_report()
    assert page.errors == []
