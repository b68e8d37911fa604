"""Names are text, never markup or code: an area and a municipality named with HTML and
JavaScript template syntax are shown literally on the national map, an area page and the
embeds — checked in Chromium's DOM (no element created, no script run), not left to the CSP."""

from __future__ import annotations

import pytest

from geo.seed import build_default_store
from geo.store import Store
from tests.browser.conftest import start_gunicorn, stop_gunicorn

pytestmark = pytest.mark.browser

PORT = 8171
AREA = "vollsmose"  # on the 2024 list, drawn on every map
HOSTILE_AREA = (
    '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    "`${window.__xss=3}`\\u0060</b>"
)
HOSTILE_MUNICIPALITY = '<img src=x onerror="window.__xss=4">Odense'

# Records every <img src=x>, inline <script> or element with an on* attribute added to the
# page after it starts, whatever put it there (runs before the page's own scripts).
WATCH = """
window.__injected = [];
new MutationObserver(records => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeType !== 1) continue;
      for (const el of [node, ...node.querySelectorAll('*')]) {
        const handler = [...el.attributes].some(a => a.name.startsWith('on'));
        if ((el.tagName === 'IMG' && el.getAttribute('src') === 'x') || handler ||
            (el.tagName === 'SCRIPT' && !el.src)) {
          window.__injected.push(el.outerHTML);
        }
      }
    }
  }
}).observe(document, {childList: true, subtree: true});
"""

# Hover and click every shape of the map, so that each tooltip and popup is rendered;
# return how many shapes there were and the text each tooltip and popup showed.
OPEN_ALL = """
() => {
  const shown = [];
  const panes = () => [...document.querySelectorAll('.leaflet-tooltip-pane, .leaflet-popup-pane')]
    .map(p => p.innerText).join(' | ');
  const shapes = document.querySelectorAll('path.leaflet-interactive');
  for (const el of shapes) {
    el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 5, clientY: 5}));
    el.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: 5, clientY: 5}));
    shown.push(panes());
  }
  return [shapes.length, shown.join(' | ')];
}
"""


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "store.gpkg"
    store = Store(path)
    build_default_store(store)
    with store.transaction() as w:
        areas = w.read("areas")
        areas.loc[areas["area_id"] == AREA, "name"] = HOSTILE_AREA
        w.write("areas", areas.set_crs(25832, allow_override=True))
        info = w.read("municipality_info")
        info.loc[info["code"] == "0461", "name"] = HOSTILE_MUNICIPALITY
        w.write("municipality_info", info)
    proc = start_gunicorn(path, PORT)
    yield f"http://127.0.0.1:{PORT}"
    stop_gunicorn(proc)


def _visit(browser, url: str) -> tuple[object, str]:
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)  # maps are built on the first request
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="networkidle")
    opened, shown = page.evaluate(OPEN_ALL)
    assert opened >= 1, "no map shapes to open"
    page.wait_for_timeout(300)
    text = page.evaluate("document.body.innerText") + " | " + shown
    injected = page.evaluate("window.__injected")
    xss = page.evaluate("window.__xss")
    images = page.evaluate("document.querySelectorAll('img[src=\"x\"]').length")
    context.close()
    assert injected == [], injected
    assert xss is None, f"a script ran: window.__xss = {xss}"
    assert images == 0
    assert errors == [], errors
    return page, text


@pytest.mark.parametrize(
    "path",
    [
        "/kort?aar=2024",
        f"/omraader/{AREA}",
        "/kommuner/0461",
        "/embed/national?aar=2024",
        f"/embed/omraade/{AREA}",
        "/embed/kommune/0461",
        "/kort?aar=2024&indikator=residents",
    ],
)
def test_hostile_names_create_no_element_and_run_nothing(hostile_server, browser, path):
    _page, text = _visit(browser, hostile_server + path)
    # shown as the text it is (in a tooltip, popup, layer control, heading or table)
    assert '<img src=x onerror="window.__xss=1">' in text or "<img src=x" in text


def test_layer_control_shows_the_name_as_text(hostile_server, browser):
    context = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.add_init_script(WATCH)
    page.goto(f"{hostile_server}/omraader/{AREA}", wait_until="networkidle")
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    injected = page.evaluate("window.__injected")
    context.close()
    assert any("<script>window.__xss=2</script>" in label for label in labels), labels
    assert injected == []
