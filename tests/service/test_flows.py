"""Relocation pages and API: shapes, errors, labels, and no small count in any response."""

from __future__ import annotations

import csv
import io
import re

import pytest

from service import create_app

ORIGIN = "gellerupparken-toveshoej"
COUNT_KEYS = {"movers", "inflow_from_omdannelse", "inflow_total"}


@pytest.fixture(scope="module")
def flows_store(demo_store_file):
    return demo_store_file  # read only


@pytest.fixture(scope="module")
def flows_client(flows_store):
    app = create_app({"TESTING": True, "STORE_PATH": str(flows_store), "ACCESS_LOG": False})
    return app.test_client()


def _counts(body) -> list[int]:
    """Every published person count anywhere in a JSON body."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key in COUNT_KEYS and isinstance(value, int):
                found.append(value)
            else:
                found.extend(_counts(value))
    elif isinstance(body, list):
        for item in body:
            found.extend(_counts(item))
    return found


API_URLS = [
    "/api/flows",
    "/api/flows?level=area-municipality",
    "/api/flows?level=municipality-municipality&reason=planned",
    "/api/flows?year=2021&reason=other",
    f"/api/flows?origin={ORIGIN}&year=2022",
    f"/api/flows?origin={ORIGIN}&level=area-municipality&reason=planlagt",
    "/api/flows/origins",
    f"/api/flows/origins/{ORIGIN}",
    f"/api/flows/origins/{ORIGIN}?year=2020&reason=planned",
    "/api/flows/origins/vollsmose?year=2023",
    "/api/flows/receiving",
    "/api/flows/receiving?year=2021",
]


@pytest.mark.parametrize("url", API_URLS)
def test_no_count_below_the_threshold_in_any_api_response(flows_client, url):
    response = flows_client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["threshold"] == 5
    counts = _counts(body)
    assert counts, "the response should publish some counts"
    assert all(c == 0 or c >= 5 for c in counts), sorted(c for c in counts if 0 < c < 5)
    assert body["synthetic"] is True
    assert body["synthetic_label"] == "syntetiske eksempeldata"


def test_flows_shape(flows_client):
    body = flows_client.get(f"/api/flows?origin={ORIGIN}&year=2021").get_json()
    assert body["level"] == "area-area" and body["year"] == 2021 and body["origin"] == ORIGIN
    assert body["count"] == len(body["flows"]) > 0
    flow = body["flows"][0]
    assert set(flow) >= {"origin_id", "origin_name", "dest_id", "dest_name", "movers", "suppressed"}
    assert flow["origin_id"] == f"a:{ORIGIN}"
    for f in body["flows"]:
        assert (f["movers"] is None) == f["suppressed"]
    assert body["totals"][0]["origin_id"] == f"a:{ORIGIN}"
    assert body["years"][0] == 2019 and set(body["reasons"]) == {"planned", "other"}


def test_origin_profile_shape(flows_client):
    body = flows_client.get(f"/api/flows/origins/{ORIGIN}").get_json()
    measures = {d["measure"] for d in body["destinations"]}
    assert measures == {"class", "same_municipality", "total"}
    total = next(d for d in body["destinations"] if d["measure"] == "total")
    classes = [d for d in body["destinations"] if d["measure"] == "class"]
    if not total["suppressed"]:
        # Published kinds plus the movers not shown ("hidden") add up to the total.
        assert sum(d["movers"] for d in classes if d["movers"] is not None) == total["movers"]
    assert [d["band"] for d in body["distances"]][0] == "0-2 km"
    assert body["reasons_split"][-1]["reason"] == "*"


def test_csv_download_has_no_small_count_and_says_synthetic(flows_client):
    response = flows_client.get(f"/api/flows.csv?origin={ORIGIN}&year=2021")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # Danish Excel reads UTF-8 only with the BOM
    name = response.headers["Content-Disposition"]
    assert "flytninger" in name and "2021" in name and ORIGIN in name
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows
    for row in rows:
        assert row["data_note"] == "syntetiske eksempeldata"
        if row["suppressed"] == "ja":
            assert row["movers"] == ""
        else:
            assert int(row["movers"]) >= 5


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/flows?year=abc", 400, "bad_parameter"),
        ("/api/flows?year=1999", 404, "not_found"),
        ("/api/flows?reason=flugt", 400, "bad_parameter"),
        ("/api/flows?level=region", 400, "bad_parameter"),
        ("/api/flows?level=municipality-municipality&origin=vollsmose", 400, "bad_parameter"),
        ("/api/flows?origin=findes-ikke", 404, "not_found"),
        ("/api/flows.csv?year=20", 400, "bad_parameter"),
        ("/api/flows/origins/findes-ikke", 404, "not_found"),
        ("/api/flows/origins/tingbjerg-utterslevhuse?year=2030", 404, "not_found"),
        ("/api/flows/receiving?year=x", 400, "bad_parameter"),
    ],
)
def test_errors_have_the_one_shape(flows_client, url, status, code):
    response = flows_client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"status", "code", "message"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]


PAGES = [
    "/flytninger",
    "/flytninger?aar=2021&aarsag=planlagt&niveau=omraade",
    f"/flytninger/{ORIGIN}",
    f"/flytninger/{ORIGIN}?aar=2022&aarsag=andet&niveau=kommune",
    "/flytninger/modtagere",
    "/flytninger/modtagere?niveau=kommune&aar=2021",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_say_synthetic_carry_no_inline_code_and_no_small_count(flows_client, url):
    response = flows_client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "syntetiske eksempeldata" in html.lower()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert " style=" not in html and "<style" not in html
    for cell in re.findall(r'<td class="num">([^<]*)</td>', html):
        text = cell.strip().removeprefix("mindst ")
        if text and text[0].isdigit() and "%" not in text:
            assert int(text.replace(".", "")) >= 5, cell
    script = re.search(r'<script src="(/flytninger[^"]*kort\.js[^"]*)"', html)
    assert script, "the page loads its map script from its own URL"
    js = flows_client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and js.mimetype == "text/javascript"
    assert "L.map" in js.get_data(as_text=True)


def test_origin_page_map_has_lines_and_the_table_matches_the_api(flows_client):
    js = flows_client.get(f"/flytninger/{ORIGIN}/kort.js").get_data(as_text=True)
    assert "omr-flow" in js and "LineString" in js
    assert "tileLayer" not in js  # tile-free: no base map
    html = flows_client.get(f"/flytninger/{ORIGIN}").get_data(as_text=True)
    api = flows_client.get(f"/api/flows?origin={ORIGIN}").get_json()
    rows = re.findall(r'<tr data-origin="[^"]+" data-dest="([^"]+)">', html)
    everything = [f["dest_id"] for f in api["flows"]]
    assert len(everything) > 25, "the origin has more flows than a page shows"
    assert rows == everything[:25]
    assert f"Viser de 25 største af {len(everything)} strømme" in html
    # "vis alle" pages through every flow, in the same order.
    paged = flows_client.get(f"/flytninger/{ORIGIN}?vis=alle").get_data(as_text=True)
    assert re.findall(r'<tr data-origin="[^"]+" data-dest="([^"]+)">', paged) == everything


@pytest.mark.parametrize(
    "query, status",
    [
        ("side=2", 400),
        ("vis=alle&side=0", 400),
        ("vis=alle&side=x", 400),
        ("vis=alle&side=99", 404),
        ("vis=nogle", 400),
    ],
)
def test_paging_parameters_are_checked(flows_client, query, status):
    response = flows_client.get(f"/flytninger/{ORIGIN}?{query}")
    assert response.status_code == status


def test_navigation_has_a_flytninger_link(flows_client):
    html = flows_client.get("/").get_data(as_text=True)
    assert '<a href="/flytninger">Flytninger</a>' in html


def test_unknown_origin_page_is_a_danish_404(flows_client):
    response = flows_client.get("/flytninger/findes-ikke")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.get_data(as_text=True)


@pytest.mark.slow  # protects the demo cube a second time, for threshold 20
def test_a_higher_threshold_is_honoured_everywhere(flows_store):
    app = create_app(
        {
            "TESTING": True,
            "STORE_PATH": str(flows_store),
            "ACCESS_LOG": False,
            "MIN_PUBLISHED_COUNT": 20,
        }
    )
    client = app.test_client()
    for url in API_URLS:
        body = client.get(url).get_json()
        assert body["threshold"] == 20
        assert all(c == 0 or c >= 20 for c in _counts(body)), url


@pytest.mark.parametrize("threshold", [2, 0, "x"])
def test_a_threshold_below_three_stops_the_service(flows_store, threshold):
    with pytest.raises(ValueError):
        create_app({"STORE_PATH": str(flows_store), "MIN_PUBLISHED_COUNT": threshold})


def test_without_moves_pages_explain_and_the_api_answers_404(client):
    html = client.get("/flytninger").get_data(as_text=True)
    assert "omraadekort demo-moves" in html and "omraadekort import-moves" in html
    response = client.get("/api/flows")
    assert response.status_code == 404
    assert "import-moves" in response.get_json()["message"]
    assert client.get("/flytninger/modtagere").status_code == 200
    assert client.get(f"/flytninger/{ORIGIN}").status_code == 404


def _flow_paths() -> list[str]:
    from service.api.flows_spec import PATHS
    from service.api.openapi import openapi_path

    app = create_app({"STORE_PATH": "/nonexistent/store.gpkg", "ACCESS_LOG": False})
    return sorted(
        openapi_path(rule.rule) for rule in app.url_map.iter_rules() if rule.endpoint in PATHS
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", _flow_paths())
def test_flow_responses_match_the_openapi_description(flows_store, path):
    """schemathesis against the flow endpoints on a store that has moves."""
    from tests.service.fuzz import fuzz, operations

    app = create_app({"STORE_PATH": str(flows_store), "ACCESS_LOG": False, "TESTING": True})
    fuzz(operations(app)[f"GET {path}"], max_examples=15)


@pytest.mark.parametrize(
    "url", ["/flytninger", f"/flytninger/{ORIGIN}?vis=alle", "/flytninger/modtagere?niveau=kommune"]
)
def test_flows_pages_are_held_in_the_response_cache(flows_client, url):
    from flask import request

    from service.http.fastpath import request_key

    app = flows_client.application
    first = flows_client.get(url)
    assert first.status_code == 200
    with app.test_request_context(url):
        namespace, _version = app.extensions["omraadekort.namespace"].current()
        key = request_key(
            request.environ,
            include_host=not app.config["PUBLIC_BASE_URL"],
            negotiate_language=bool(app.config["NEGOTIATE_LANGUAGE"]),
        )
    assert app.extensions["omraadekort.responses"].get(namespace, key) is not None
