import re

import pytest


def _text(r):
    return r.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/embed/national",
        "/embed/national?aar=2019",
        "/embed/kommune/0751",
        "/embed/kommune/101?aar=2020",
        "/embed/omraade/gellerupparken-toveshoej",
        "/embed/national?sprog=en",
    ],
)
def test_embed_has_map_script_and_table_link(client, url):
    html = _text(client.get(url))
    assert re.search(r'<div class="folium-map" id="map_embed_', html)
    script = re.search(r'<script src="(/embed/[^"]+/kort\.js\?[^"]+)"', html)
    assert script, "embed map script missing"
    assert client.get(script.group(1).replace("&amp;", "&")).status_code == 200
    assert "visning=tabel" in html
    assert "https://" not in html.split("</head>")[0]


def test_embed_table_view_lists_the_same_areas_as_the_map(client):
    table = _text(client.get("/embed/national?aar=2022&visning=tabel"))
    assert "folium-map" not in table
    ids = re.findall(r'<tr data-area-id="([^"]+)"', table)
    api = client.get("/api/areas?year=2022").get_json()
    assert set(ids) == {a["area_id"] for a in api["areas"]}


def test_embed_in_english(client):
    html = _text(client.get("/embed/national?aar=2022&sprog=en&visning=tabel"))
    assert 'lang="en"' in html
    assert "Show map" in html and "Transformation area" in html


def test_embed_links_open_the_full_site_in_a_new_tab(client):
    html = _text(client.get("/embed/kommune/0751?visning=tabel"))
    assert 'target="_blank" rel="noopener"' in html
    js = _text(client.get("/embed/kommune/0751/kort.js?aar=2024"))
    assert 'target=\\"_blank\\"' in js or 'target=\\"_blank\\"' in js


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/embed/national?aar=abc", 400),
        ("/embed/national?sprog=fr", 400),
        ("/embed/national?visning=liste", 400),
        ("/embed/kommune/9999", 404),
        ("/embed/kommune/0751?aar=2012", 404),
        ("/embed/omraade/findes-ikke", 404),
        ("/embed?hoejde=5", 400),
        ("/embed?omraade=findes-ikke", 404),
    ],
)
def test_embed_errors(client, url, status):
    assert client.get(url).status_code == status


def test_picker_gives_an_iframe_snippet_and_preview(client):
    html = _text(client.get("/embed?kommune=751&aar=2022&hoejde=600"))
    snippet = re.search(r'<textarea id="snippet"[^>]*>([^<]+)</textarea>', html).group(1)
    assert "&lt;iframe src=&#34;http://127.0.0.1:8000/embed/kommune/0751?aar=2022&#34;" in snippet
    assert "height=&#34;600&#34;" in snippet
    assert '<iframe class="preview h-600" src="/embed/kommune/0751?aar=2022"' in html


def test_oembed(client):
    body = client.get(
        "/oembed?url=http://127.0.0.1:8000/kommuner/0751?aar=2022&maxwidth=600"
    ).get_json()
    assert body["type"] == "rich" and body["version"] == "1.0"
    assert body["width"] == 600
    assert 'src="http://127.0.0.1:8000/embed/kommune/0751?aar=2022"' in body["html"]
    assert "Aarhus" in body["title"]


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/oembed", 400),
        ("/oembed?url=http://x/ukendt/side", 404),
        ("/oembed?url=http://127.0.0.1:8000/embed/national&format=xml", 501),
        ("/oembed?url=http://127.0.0.1:8000/embed/omraade/findes-ikke", 404),
        ("/oembed?url=http://127.0.0.1:8000/embed/national&maxwidth=abc", 400),
        # other hosts are not ours, whatever the path
        ("/oembed?url=http://evil.example/embed/national", 404),
        ("/oembed?url=https://127.0.0.1:8000@evil.example/embed/national", 404),
        ("/oembed?url=http://127.0.0.1:8001/embed/national", 404),
        ("/oembed?url=http://127.0.0.1:99999/embed/national", 404),
        ("/oembed?url=//evil.example/embed/national", 404),
        ("/oembed?url=/embed/national", 404),
        ("/oembed?url=javascript:alert(1)//127.0.0.1:8000/embed/national", 404),
    ],
)
def test_oembed_errors_have_the_json_shape(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert set(response.get_json()) == {"status", "code", "message"}


def test_municipality_page(client):
    html = _text(client.get("/kommuner/751?aar=2022"))
    assert "<h1>Aarhus Kommune</h1>" in html
    assert "Der er ikke indlæst kommunegrænser" in html
    for name in ("Bispehaven", "Gellerupparken/Toveshøj", "Skovgårdsparken"):
        assert name in html
    assert client.get("/kommuner/0751/kort.js?aar=2022").status_code == 200
    assert client.get("/kommuner/9999").status_code == 404
    assert "Aarhus" in _text(client.get("/kommuner"))


def test_host_header_is_never_echoed(client):
    """Snippets and oEmbed answers use PUBLIC_BASE_URL, not the Host a client sends."""
    headers = {"Host": "evil.example"}
    html = _text(client.get("/embed?kommune=751&aar=2022", headers=headers))
    assert "evil.example" not in html
    body = client.get("/oembed?url=http://127.0.0.1:8000/kommuner/0751", headers=headers).get_json()
    assert "evil.example" not in str(body)
    assert body["provider_url"].startswith("http://127.0.0.1:8000/")


def test_public_base_url_is_configurable(store_path):
    from service import create_app

    app = create_app(
        {
            "STORE_PATH": str(store_path),
            "ACCESS_LOG": False,
            "PUBLIC_BASE_URL": "https://kort.example/",
        }
    )
    client = app.test_client()
    body = client.get("/oembed?url=https://kort.example/omraader/vollsmose").get_json()
    assert 'src="https://kort.example/embed/omraade/vollsmose?aar=' in body["html"]
    assert client.get("/oembed?url=http://127.0.0.1:8000/kort").status_code == 404
