"""The fast path and the response cache (issue 14).

- a hit answered by the fast path has the bytes and headers werkzeug gives through Flask;
- gzip is negotiated by q-values (``gzip;q=0`` gets identity);
- after an import the next response carries the new data version;
- every page the warm-up reaches is answered from the cache on a second request;
- the cache on disk is shared between processes, and a missing URL is rendered once.
"""

from __future__ import annotations

import gzip
import re
import threading

import pytest

from service import create_app
from service.http.negotiation import accepts_gzip, etag_matches, preferred_language
from service.http.warm import is_map_script, is_page, warm

URLS = [
    "/embed/kommune/0751?aar=2022",
    "/embed/national?aar=2024&sprog=en",
    "/kort?aar=2022",
    "/api/areas?year=2022",
    "/static/css/site.css",
    "/flytninger",
    "/flytninger/modtagere",
    "/sammenlign",
]
REQUESTS = {
    "identity": {},
    "gzip": {"Accept-Encoding": "gzip, deflate, br"},
    "gzip refused": {"Accept-Encoding": "gzip;q=0, deflate"},
    "star": {"Accept-Encoding": "*"},
}


@pytest.fixture(scope="module")
def moves_store(demo_store_copy):
    return demo_store_copy  # test_freshness_headers writes to it


def _app(store_path, cache_dir, **config):
    return create_app(
        {
            "STORE_PATH": str(store_path),
            "ACCESS_LOG": False,
            "WARM_ON_NEW_VERSION": False,
            "RESPONSE_CACHE_DISK": True,
            "RESPONSE_CACHE_DIR": str(cache_dir),
            **config,
        }
    )


def _headers(response) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in response.headers if k.lower() != "date")


def _fast_hits(app) -> int:
    return app.extensions["omraadekort.fastpath"].hits


@pytest.mark.parametrize("url", URLS)
def test_a_hit_on_the_fast_path_is_what_flask_sends(moves_store, tmp_path, url):
    fast = _app(moves_store, tmp_path / "fast")
    reference = _app(moves_store, tmp_path / "reference", FAST_PATH=False)
    fc, rc = fast.test_client(), reference.test_client()
    for name, headers in REQUESTS.items():
        miss = fc.get(url, headers=headers)  # rendered by Flask (first time) or a hit
        before = _fast_hits(fast)
        hit = fc.get(url, headers=headers)
        assert _fast_hits(fast) == before + 1, f"{name}: not answered by the fast path"
        via_flask = rc.get(url, headers=headers)
        for other in (miss, via_flask):
            assert hit.status_code == other.status_code == 200
            assert hit.data == other.data, name
            assert _headers(hit) == _headers(other), name
        assert "Content-Security-Policy" in hit.headers
        assert hit.headers["ETag"].startswith('"')
        gzipped = hit.headers.get("Content-Encoding") == "gzip"
        assert gzipped == (name in ("gzip", "star")) or len(hit.data) < 512
        if gzipped:
            assert "Accept-Encoding" in hit.headers["Vary"]
            assert gzip.decompress(hit.data) == fc.get(url).data
        # revalidation: 304 with the same headers on both paths, and HEAD
        etag = hit.headers["ETag"]
        conditional = {**headers, "If-None-Match": f'"nope", W/{etag}'}
        fast_304, flask_304 = fc.get(url, headers=conditional), rc.get(url, headers=conditional)
        assert fast_304.status_code == flask_304.status_code == 304
        assert fast_304.data == flask_304.data == b""
        assert _headers(fast_304) == _headers(flask_304)
        fast_head, flask_head = fc.head(url, headers=headers), rc.head(url, headers=headers)
        assert fast_head.data == flask_head.data == b""
        assert _headers(fast_head) == _headers(flask_head) == _headers(hit)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ("gzip", True),
        ("GZIP", True),
        ("x-gzip", True),
        ("gzip;q=0", False),
        ("gzip; q=0.000", False),
        ("deflate, gzip;q=0", False),
        ("*", True),
        ("*;q=0", False),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("br;q=1, gzip;q=0.5", True),
        ("gzip;q=abc", False),
    ],
)
def test_accept_encoding_is_read_by_its_weights(header, expected):
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "da"),
        ("en-GB,en;q=0.9", "en"),
        ("da, en;q=0.8", "da"),
        ("de-DE, en;q=0.5", "en"),
        ("fr", "da"),
        ("da;q=0, *", "en"),
    ],
)
def test_accept_language_picks_a_supported_language(header, expected):
    assert preferred_language(header) == expected


def test_if_none_match_uses_the_weak_comparison():
    assert etag_matches('W/"abc"', '"abc"')
    assert etag_matches('"x", "abc"', '"abc"')
    assert etag_matches("*", '"abc"')
    assert not etag_matches('"abcd"', '"abc"')
    assert not etag_matches(None, '"abc"')


def test_freshness_headers(moves_store, tmp_path):
    client = _app(moves_store, tmp_path).test_client()
    page = client.get("/kort?aar=2022")
    control = page.headers["Cache-Control"]
    assert re.fullmatch(r"public, max-age=2, stale-while-revalidate=60", control)
    script = re.search(r'<script src="(/kort/2022/kort\.js\?v=[^"]+)"', page.text).group(1)
    versioned = client.get(script)
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # a script URL naming another data version is not immutable
    stale = client.get(re.sub(r"v=\d+", "v=0", script))
    assert "immutable" not in stale.headers["Cache-Control"]
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"


def test_a_response_after_an_import_carries_the_new_data_version(tmp_path, default_store):
    store = default_store
    app = _app(store.path, tmp_path / "cache")
    other_worker = _app(store.path, tmp_path / "cache")
    client, other = app.test_client(), other_worker.test_client()
    version = store.data_version
    before = client.get("/kort?aar=2024")
    assert f"v={version}" in before.text
    assert other.get("/kort?aar=2024").data == before.data  # from the shared disk cache
    with store.transaction() as w:  # an import by another process
        d = store.read("designations")
        w.write("designations", d[~((d["year"] == 2024) & (d["area_id"] == "vollsmose"))])
    assert store.data_version != version
    for c in (client, other):
        after = c.get("/kort?aar=2024")
        assert f"v={store.data_version}" in after.text
        assert after.headers["ETag"] != before.headers["ETag"]
        assert c.get("/api/areas?year=2024").get_json()["count"] == 7


@pytest.mark.slow
def test_every_page_is_served_from_the_cache_on_a_second_request(moves_store, tmp_path):
    app = _app(moves_store, tmp_path)
    report = warm(app, "http://localhost")
    assert not report.failed, report.failed
    reached = set(report.reached)
    for page in ("/flytninger", "/flytninger/modtagere", "/sammenlign", "/kort", "/embed"):
        assert page in reached
    assert any(u.startswith("/omraader/") for u in reached)
    assert any(u.startswith("/flytninger/kort.js?") for u in reached)
    # only pages and their map scripts: fact sheets, downloads, API and static files are not
    assert not [u for u in reached if not (is_page(u) or is_map_script(u))]
    assert not [u for u in reached if u.split("?")[0].endswith(".pdf")]
    client = app.test_client()
    for url in sorted(reached):
        before = _fast_hits(app)
        assert client.get(url).status_code == 200
        assert _fast_hits(app) == before + 1, f"{url} was rendered again"


@pytest.mark.parametrize(
    ("path", "page", "script"),
    [
        ("/omraader/vollsmose", True, False),
        ("/kommuner/0751", True, False),
        ("/embed/kommune/0751", True, False),
        ("/omraader/vollsmose/faktaark.pdf", False, False),
        ("/kommuner/0751/faktaark.pdf", False, False),
        ("/api/areas", False, False),
        ("/static/css/site.css", False, False),
        ("/static/vendor/leaflet/1.9.4/leaflet.js", False, False),
        ("/flytninger/kort.js?v=abc", False, True),
        ("/healthz", False, False),
    ],
)
def test_the_warm_up_follows_pages_and_map_scripts_only(path, page, script):
    assert (is_page(path), is_map_script(path)) == (page, script)


def test_a_page_rendered_by_one_process_is_read_by_another(moves_store, tmp_path):
    first, second = _app(moves_store, tmp_path), _app(moves_store, tmp_path)
    rendered = first.test_client().get("/flytninger/modtagere")
    calls = []
    view = second.view_functions["flows_pages.receiving_page"]
    second.view_functions["flows_pages.receiving_page"] = lambda *a, **k: calls.append(1) or view()
    read = second.test_client().get("/flytninger/modtagere")
    assert calls == []
    assert read.data == rendered.data and read.headers["ETag"] == rendered.headers["ETag"]


def test_a_missing_url_is_rendered_once_however_many_ask(moves_store, tmp_path):
    workers = [_app(moves_store, tmp_path) for _ in range(3)]
    calls = []
    for app in workers:
        view = app.view_functions["pages.national_page"]

        def counted(*args, _view=view, **kwargs):
            calls.append(1)
            return _view(*args, **kwargs)

        app.view_functions["pages.national_page"] = counted
    bodies = []

    def ask(app):
        bodies.append(app.test_client().get("/kort?aar=2019").data)

    threads = [threading.Thread(target=ask, args=(app,)) for app in workers for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(bodies) == 9 and len(set(bodies)) == 1
    assert len(calls) == 1
