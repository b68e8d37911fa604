import pytest


def test_areas_json_for_a_year(client):
    body = client.get("/api/areas?year=2022").get_json()
    assert body["year"] == 2022
    assert body["count"] == 18 == len(body["areas"])
    gellerup = next(a for a in body["areas"] if a["area_id"] == "gellerupparken-toveshoej")
    assert gellerup["most_severe_category"] == "omdannelsesomraade"
    assert gellerup["boundary_note"] == "omtrentlig placering, ikke officiel afgrænsning"
    assert gellerup["municipality_code"] == "0751"
    udsat = next(s for s in body["summary"] if s["category"] == "udsat")
    assert (udsat["official"], udsat["named"]) == (17, 13)


def test_areas_geojson_is_rfc7946(client):
    response = client.get("/api/areas.geojson?year=2024")
    assert response.mimetype == "application/geo+json"
    body = response.get_json()
    assert body["type"] == "FeatureCollection"
    assert "crs" not in body
    assert len(body["features"]) == 8
    for feature in body["features"]:
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        ring = feature["geometry"]["coordinates"][0]
        ring = ring[0] if feature["geometry"]["type"] == "MultiPolygon" else ring
        lons = [c[0] for c in ring]
        lats = [c[1] for c in ring]
        assert min(lons) > 8 and max(lons) < 15.3, "longitude first, WGS84"
        assert min(lats) > 54.5 and max(lats) < 57.8
        assert feature["properties"]["boundary_source"] == "approximate"


def test_areas_without_year_lists_every_area_with_its_years(client):
    body = client.get("/api/areas").get_json()
    assert body["count"] == 51  # 49 + Højstrupvej- and Kertemindevejs-kvarteret (Odense, 2018–2019)
    nivaa = next(a for a in body["areas"] if a["area_id"] == "nivaa")
    assert nivaa["list_years"] == [2021]


def test_unlocated_area_has_null_geometry(client):
    body = client.get("/api/areas.geojson?year=2021").get_json()
    nivaa = next(f for f in body["features"] if f["id"] == "nivaa")
    assert nivaa["geometry"] is None


def test_area_detail_with_history(client):
    body = client.get("/api/areas/vollsmose").get_json()
    assert body["name"] == "Vollsmose"
    assert [h["year"] for h in body["history"]] == list(range(2018, 2025))
    assert all(h["status"] == "listed" for h in body["history"])


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/areas?year=abc", 400, "bad_parameter"),
        ("/api/areas.geojson?year=1", 400, "bad_parameter"),
        ("/api/areas?year=2012", 404, "not_found"),
        ("/api/areas.geojson?year=2030", 404, "not_found"),
        ("/api/areas/findes-ikke", 404, "not_found"),
        ("/api/findes-ikke", 404, "not_found"),
    ],
)
def test_error_shape(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"status", "code", "message"}
    assert body["status"] == status and body["code"] == code
    assert body["message"]


def test_method_not_allowed_has_the_same_shape(client):
    response = client.post("/api/areas")
    assert response.status_code == 405
    assert set(response.get_json()) == {"status", "code", "message"}
