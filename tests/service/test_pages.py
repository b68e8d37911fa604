import json
import re

import pytest

# Any absolute URL in a src/href attribute or a script is a request to another host.
ABSOLUTE_URL = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_national_page_defaults_to_latest_list(client):
    html = _text(client.get("/"))
    assert "Udpegede boligområder pr. 1. december 2024" in html
    assert 'lang="da"' in html


def test_national_page_2022_shows_front_page_counts(client):
    html = _text(client.get("/kort?aar=2022"))
    tally = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert tally["Omdannelsesområder"] == "9"
    # each figure says what it counts: areas in their most severe category only
    assert tally["Parallelsamfund, ikke omdannelsesområder"] == "1"
    assert tally["Udsatte boligområder, ikke parallelsamfund"] == "7"
    assert tally["Udsatte boligområder i alt"] == "17"
    assert "13 af 17 udsatte boligområder er navngivet i de indlæste data" in html
    assert html.count('<tr data-area-id="') == 18


def test_national_page_loads_map_script_from_own_host(client):
    html = _text(client.get("/kort?aar=2022"))
    assert not ABSOLUTE_URL.search(html)
    script = re.search(r'<script src="(/kort/2022/kort\.js\?v=\d+)"></script>', html)
    assert script, "map script tag missing"
    js = client.get(script.group(1))
    assert js.status_code == 200
    assert js.mimetype == "text/javascript"
    body = _text(js)
    assert "L.map(" in body and '"map_national_2022"' in body
    # the one absolute URL is the link of the place names' attribution: a link, not a request
    assert re.findall(r"https?://[^\"\\ ]+", body) == ["https://www.geonames.org/"]
    assert 'id="map_national_2022"' in html


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/kort?aar=abc", 400),
        ("/kort?aar=20222", 400),
        ("/kort?aar=2012", 404),
        ("/kort/2012/kort.js", 404),
        ("/omraader/findes-ikke", 404),
        ("/omraader/findes-ikke/kort.js", 404),
        ("/noget-andet", 404),
        ("/static/vendor/leaflet/0.0.1/leaflet.js", 404),
    ],
)
def test_bad_requests_get_a_danish_error_page(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f"Fejl {status}" in _text(response)


def test_area_page_has_timeline_and_boundary_label(client):
    html = _text(client.get("/omraader/gellerupparken-toveshoej"))
    assert "<h1>Gellerupparken/Toveshøj</h1>" in html
    assert html.count('<span class="year">') == 7
    assert "Hårdt ghettoområde" in html  # the term of the 2018-2020 law
    assert "Omdannelsesområde" in html
    assert "omtrentlig placering, ikke officiel afgrænsning" in html
    assert "radius 1000 m" in html


def test_area_without_location_has_no_map(client):
    html = _text(client.get("/omraader/nivaa"))
    assert "placering er ikke oplyst" in html
    assert "kort.js" not in html
    assert client.get("/omraader/nivaa/kort.js").status_code == 404


def test_vendored_leaflet_is_served_and_cached(client):
    with client.get("/static/vendor/leaflet/1.9.3/leaflet.js") as response:
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert b"Leaflet" in response.data[:400]


def test_area_index_and_about(client):
    assert "Gellerupparken/Toveshøj" in _text(client.get("/omraader"))
    about = _text(client.get("/om"))
    assert "Natural Earth" in about and "designations" in about


PLACE_LABEL = re.compile(r'omr-place-name\\"\\u003e(.*?)\\u003c/span')


def _place_labels(script: str) -> list[str]:
    """The place names in a map script (folium writes the DivIcon's HTML as a JSON string)."""
    return [json.loads(f'"{name}"') for name in PLACE_LABEL.findall(script)]


def test_national_map_names_the_largest_towns(client):
    script = _text(client.get("/kort/2024/kort.js"))
    labels = _place_labels(script)
    assert {"København", "Aarhus", "Odense", "Aalborg", "Esbjerg"} <= set(labels)
    assert "Copenhagen" not in labels and "Århus" not in labels
    assert 12 <= len(labels) <= 30
    assert '"interactive": false' in script and '"keyboard": false' in script
    assert re.search(r'"Stednavne" : feature_group_', script), "no layer in the layer control"
    assert 'Stednavne: \\u003ca href=\\"https://www.geonames.org/\\"' in script
    # the embed's map is the same map
    assert _place_labels(_text(client.get("/embed/national/kort.js?aar=2024"))) == labels


def test_municipality_map_names_its_towns(client):
    labels = _place_labels(_text(client.get("/kommuner/0751/kort.js")))
    assert "Aarhus" in labels
    assert _place_labels(_text(client.get("/embed/kommune/0751/kort.js"))) == labels
    assert "Odense" in _place_labels(_text(client.get("/kommuner/0461/kort.js")))


def test_place_names_layer_in_english(client):
    script = _text(client.get("/embed/national/kort.js?aar=2024&sprog=en"))
    assert re.search(r'"Place names" : feature_group_', script)
    assert "Stednavne" not in script
    assert "Aarhus" in _place_labels(script)


def test_about_page_credits_geonames(client):
    about = _text(client.get("/om"))
    assert (
        'Stednavne: <a href="https://www.geonames.org/" rel="noopener">GeoNames</a> (CC BY 4.0)'
        in about
    )
