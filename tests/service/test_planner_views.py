"""Views a planner can rely on: no empty maps, the terms of the year shown, honest counts,
links between pages, unknown parameters refused (issue 11)."""

import re

import pytest


@pytest.mark.parametrize("url", ["/embed/kommune/0159", "/embed/kommune/0210?sprog=en"])
def test_embed_with_nothing_to_draw_says_why_and_shows_the_table(client, url):
    html = client.get(url).get_data(as_text=True)
    assert 'class="embed-note nothing-to-draw"' in html
    assert 'id="omraadetabel"' in html  # the areas are still there, as a table
    assert "kort.js" not in html  # no empty map is drawn


@pytest.mark.parametrize("code", ["0159", "0210"])
def test_municipality_page_with_nothing_to_draw_says_why(client, code):
    html = client.get(f"/kommuner/{code}").get_data(as_text=True)
    assert "nothing-to-draw" in html and "ingen af kommunens områder har en kendt placering" in html
    assert "map-frame" not in html


def test_2019_embed_uses_the_terms_of_2019(client):
    html = client.get("/embed/kommune/0751?aar=2019").get_data(as_text=True)
    legend = html[html.index('class="embed-legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert "ghettoområde" in legend.lower()
    assert "Omdannelsesområde" not in legend and "Parallelsamfund" not in legend
    script = client.get("/embed/kommune/0751/kort.js?aar=2019").get_data(as_text=True)
    assert "H\\u00e5rdt ghettoomr\\u00e5de" in script or "Hårdt ghettoområde" in script
    english = client.get("/embed/kommune/0751?aar=2019&sprog=en").get_data(as_text=True)
    assert "Hard ghetto area" in english and "Transformation area" not in english


def test_national_2018_legend_and_counts_use_the_terms_of_2018(client):
    html = client.get("/?aar=2018").get_data(as_text=True)
    legend = html[html.index('class="legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert "Hårdt ghettoområde" in legend and "Omdannelsesområde" not in legend


def test_embed_count_counts_what_is_listed(client):
    html = client.get("/embed/kommune/0461?aar=2024&visning=tabel").get_data(as_text=True)
    caption = re.search(r"<caption>(.*?)</caption>", html, re.S).group(1)
    listed = html.count('<span class="swatch cat-')
    assert f"{listed} område" in caption and "på listen 2024" in caption


def test_area_page_links_to_municipality_embed_and_downloads(client):
    html = client.get("/omraader/bispehaven").get_data(as_text=True)
    assert 'href="/kommuner/0751"' in html
    assert 'href="/embed?omraade=bispehaven"' in html
    assert "format=xlsx" in html and "municipality=0751" in html


def test_embed_picker_snippet_follows_the_latest_list(client):
    html = client.get("/embed?kommune=0751").get_data(as_text=True)
    snippet = re.search(r'<textarea id="snippet"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "aar=seneste" in snippet
    pinned = client.get("/embed?kommune=0751&aar=2022").get_data(as_text=True)
    assert "aar=2022" in re.search(r"<textarea[^>]*>(.*?)</textarea>", pinned, re.S).group(1)
    assert client.get("/embed/kommune/0751?aar=seneste").status_code == 200


@pytest.mark.parametrize(
    "url", ["/?foo=1", "/kommuner/0751?municipality=0751", "/omraader/bispehaven?aar=2020"]
)
def test_unknown_page_parameter_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Ugyldig forespørgsel" in response.get_data(as_text=True)


def test_unknown_api_parameter_is_refused_with_the_json_error(client):
    response = client.get("/api/areas?year=2024&munícipality=0751")
    assert response.status_code == 400
    body = response.get_json()
    assert set(body) == {"status", "code", "message"} and body["code"] == "bad_parameter"
    assert "munícipality" in body["message"]
    # a blank field (an empty form select) counts as not given
    assert client.get("/embed?kommune=&omraade=bispehaven").status_code == 200
    assert client.get("/kort/2024/kort.js?v=1").status_code == 200


@pytest.mark.parametrize(
    "url", ["/", "/kommuner/0751", "/omraader/bispehaven", "/embed/kommune/0751?sprog=en"]
)
def test_embeddable_pages_carry_oembed_discovery(client, url):
    import html

    page = client.get(url).get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link, url
    body = client.get(html.unescape(link.group(1))).get_json()
    assert body["type"] == "rich"
    assert "aar=seneste" in body["html"]  # no year in the page URL: the embed follows the list
