"""Headers, conditional requests, compression and cache invalidation."""

import gzip

import pytest

from service import create_app


@pytest.mark.parametrize("url", ["/", "/omraader/vollsmose", "/kommuner/0751", "/api/areas"])
def test_security_headers_on_site_pages(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'self'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_embeds_may_be_framed_by_the_configured_ancestors(store_path):
    app = create_app(
        {
            "STORE_PATH": str(store_path),
            "ACCESS_LOG": False,
            "EMBED_FRAME_ANCESTORS": "https://www.aarhus.dk",
        }
    )
    response = app.test_client().get("/embed/kommune/0751")
    assert "frame-ancestors https://www.aarhus.dk" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    page = app.test_client().get("/embed")  # the picker is a site page, not an embed
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]


def test_default_embed_ancestors_are_any(client):
    csp = client.get("/embed/national").headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp


@pytest.mark.parametrize(
    "url",
    [
        "/kort?aar=2022",
        "/kort/2022/kort.js",
        "/api/areas.geojson?year=2022",
        "/static/vendor/leaflet/1.9.3/leaflet.js",
        "/static/css/site.css",
        "/embed/national",
    ],
)
def test_etag_revalidation_gives_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert "Cache-Control" in first.headers
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("url", "mimetype"),
    [
        ("/kort?aar=2022", "text/html"),
        ("/kort/2022/kort.js", "text/javascript"),
        ("/api/areas?year=2022", "application/json"),
        ("/api/areas.geojson?year=2022", "application/geo+json"),
        ("/static/css/site.css", "text/css"),
        ("/static/vendor/leaflet/1.9.3/leaflet.js", "text/javascript"),
    ],
)
def test_text_responses_are_gzipped_when_accepted(client, url, mimetype):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert packed.mimetype == mimetype
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data)
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["ETag"] != plain.headers["ETag"]
    # revalidating the compressed representation works too
    again = client.get(
        url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}
    )
    assert again.status_code == 304


def test_cached_response_is_invalidated_by_an_import(default_store):
    store = default_store
    app = create_app({"STORE_PATH": str(store.path), "ACCESS_LOG": False})
    client = app.test_client()
    before = client.get("/api/areas?year=2024").get_json()
    assert before["count"] == 8
    assert client.get("/api/areas?year=2024").get_json() == before  # served from the cache
    # another process changes the store: one list is replaced
    with store.transaction() as w:
        d = store.read("designations")
        w.write("designations", d[~((d["year"] == 2024) & (d["area_id"] == "vollsmose"))])
    after = client.get("/api/areas?year=2024").get_json()
    assert after["count"] == 7
    assert "vollsmose" not in {a["area_id"] for a in after["areas"]}


def test_access_log_is_one_json_line_per_request(store_path, caplog):
    import json
    import logging

    app = create_app({"STORE_PATH": str(store_path)})
    logger = logging.getLogger("omraadekort.access")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="omraadekort.access"):
            app.test_client().get("/api/areas?year=2022")
    finally:
        logger.removeHandler(caplog.handler)
    line = json.loads(caplog.records[-1].getMessage())
    assert line["path"] == "/api/areas" and line["status"] == 200
    assert "remote" not in line and "ip" not in line  # no visitor addresses in the logs


def test_health(client, tmp_path):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["data_version"]
    broken = create_app({"STORE_PATH": str(tmp_path / "missing.gpkg"), "ACCESS_LOG": False})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["code"] == "store_unavailable"
    assert set(response.get_json()) == {"status", "code", "message"}
