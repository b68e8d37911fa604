"""Embeds inside an <iframe> on a page served from another local port."""

import http.server
import threading
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

EMBEDS = [
    "/embed/national?aar=2022",
    "/embed/kommune/0751?aar=2022",
    "/embed/kommune/0101?aar=2019&sprog=en",
    "/embed/omraade/gellerupparken-toveshoej",
]


@pytest.fixture(scope="module")
def host_page(live_server, tmp_path_factory):
    """A municipal website stand-in on its own port, framing each embed."""
    root = tmp_path_factory.mktemp("host")
    for i, path in enumerate(EMBEDS):
        (root / f"embed{i}.html").write_text(
            "<!doctype html><html lang='da'><head><title>Kommune</title>"
            "<link rel='icon' href='data:,'></head><body>"
            f"<h1>Kommunens side</h1><iframe id='omr' src='{live_server}{path}' "
            "title='Kort' width='800' height='500'></iframe></body></html>",
            encoding="utf-8",
        )

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("index", range(len(EMBEDS)))
def test_embed_renders_in_a_foreign_iframe(live_server, host_page, page, index):
    p = page.page
    responses = {}
    p.on("response", lambda r: responses.setdefault(r.url, r))
    p.goto(f"{host_page}/embed{index}.html", wait_until="networkidle")
    frame = p.frame_locator("#omr")
    frame.locator(".leaflet-container").wait_for()
    shapes = frame.locator("path.omr-area").count()
    assert shapes >= 1

    service = urlsplit(live_server).netloc
    host = urlsplit(host_page).netloc
    assert page.hosts() <= {service, host}
    # only the host page itself comes from the host; everything the embed loads is ours
    assert [u for u in page.requests if urlsplit(u).netloc == host] == [
        f"{host_page}/embed{index}.html"
    ]
    embed_url = next(
        u for u in responses if urlsplit(u).path.startswith("/embed/") and "kort.js" not in u
    )
    csp = responses[embed_url].headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors *" in csp
    assert page.errors == []

    # the table view of the same embed holds the same areas as the map
    located_ids = set(
        frame.locator("path.omr-area").evaluate_all("els => els.map(e => e.getAttribute('class'))")
    )
    assert located_ids  # classes present
    table = p.request.get(
        f"{live_server}{EMBEDS[index]}&visning=tabel"
        if "?" in EMBEDS[index]
        else f"{live_server}{EMBEDS[index]}?visning=tabel"
    ).text()
    rows = table.count('<tr data-area-id="')
    assert rows >= 1
    if "omraade" in EMBEDS[index]:
        assert shapes == rows == 1
    else:
        assert shapes == rows  # every area in these embeds has a location
