"""Indicator pages and API: shapes, the error shape on bad parameters and unknown ids, the
seed tables on the comparison page, synthetic data labelled, what-if entering/leaving."""

import re

import pytest

from indicators.catalogue import UNITS
from indicators.values import import_indicators
from service import create_app
from service.maps.charts import comparison_words, fmt_number, margin_words

SEED_YOUTH = {
    "tingbjerg-utterslevhuse": "9,4 %",
    "mjoelnerparken": "9,2 %",
    "taastrupgaard": "11,3 %",
    "gadehavegaard": "4,5 %",
    "agervang": "ikke oplyst",
    "ringparken": "ikke oplyst",
    "motalavej": "ikke oplyst",
    "vollsmose": "3,3 %",
    "stengaardsvej": "ikke oplyst",
    "sundparken": "ikke oplyst",
    "munkebo": "6,2 %",
    "skovvejen-skovparken": "7,8 %",
    "finlandsparken": "ikke oplyst",
    "bispehaven": "4,9 %",
    "gellerupparken-toveshoej": "10,3 %",
}


def rows_of(html: str, table_id: str) -> dict[str, str]:
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    out = {}
    for area_id, cell in re.findall(
        r'data-area-id="([^"]+)".*?class="compare-value[^"]*">([^<]+)<', table, re.S
    ):
        out[area_id] = cell
    return out


# -- wording ---------------------------------------------------------------------------------


def test_danish_numbers_and_margins():
    assert fmt_number(12.3) == "12,3" and fmt_number(1382, whole=True) == "1.382"
    assert margin_words(12.3, UNITS["percent"]) == "12,3 procentpoint over grænsen"
    assert margin_words(-34, UNITS["persons"]) == "34 beboere under grænsen"
    assert margin_words(0.0, UNITS["percent"]) == "præcis på grænsen"
    assert margin_words(None, UNITS["percent"]) == "ikke oplyst"
    assert comparison_words("ge", 3.0, UNITS["ratio"]) == "mindst 3 gange landsgennemsnittet"
    assert comparison_words("gt", 2.7, UNITS["percent"]) == "over 2,7 %"


# -- API -------------------------------------------------------------------------------------


def test_area_indicators_api(client):
    body = client.get("/api/areas/skovvejen-skovparken/indicators").get_json()
    assert body["synthetic"] is False and "synthetic_label" not in body
    codes = {(v["year"], v["code"]): v["value"] for v in body["values"]}
    assert codes[(2018, "outside_labour_share")] == 41.5
    assert codes[(None, "youth_not_in_education")] == 7.8
    (verdict,) = body["verdicts"]
    assert verdict["year"] == 2018 and verdict["rule"] == "2018"
    outside = next(c for c in verdict["criteria"] if c["key"] == "outside_labour")
    assert (outside["value"], outside["threshold"], outside["comparison"], outside["met"]) == (
        41.5,
        40.0,
        "gt",
        True,
    )
    assert outside["margin"] == pytest.approx(1.5)
    assert verdict["omdannelse"]["required_years"] == 5


def test_indicators_api_seed_table(client):
    body = client.get("/api/indicators?code=youth_not_in_education&year=undated").get_json()
    assert body["year"] is None and body["count"] == 15 and body["published"] == 9
    values = {a["area_id"]: a["value"] for a in body["areas"]}
    assert values["vollsmose"] == 3.3 and values["agervang"] is None
    assert [a["area_id"] for a in body["areas"]][:2] == [
        "taastrupgaard",
        "gellerupparken-toveshoej",
    ]
    assert body["areas"][0]["rank"] == 1 and body["areas"][-1]["rank"] is None


def test_indicators_api_year_lists_unpublished_areas(client):
    body = client.get("/api/indicators?code=residents&year=2023").get_json()
    mjoelner = next(a for a in body["areas"] if a["area_id"] == "mjoelnerparken")
    assert mjoelner["value"] == 966
    # Areas on the 2023 lists without a published figure are listed as not published.
    vollsmose = next(a for a in body["areas"] if a["area_id"] == "vollsmose")
    assert vollsmose["value"] is None and vollsmose["rank"] is None


def test_classify_api_shape_and_overrides(client):
    body = client.get("/api/classify?rule=2018&year=2018").get_json()
    assert body["rule"] == "2018" and body["rule_applied_that_year"] is True
    assert body["thresholds"]["outside_labour"] == 40.0 and body["overrides"] == {}
    names = {a["area_id"] for a in body["areas"]}
    assert "skovvejen-skovparken" in names and len(names) >= 34
    cats = {s["category"]: s for s in body["summary"]}
    assert cats["omdannelsesomraade"]["official_named"] == 15
    changed = client.get("/api/classify?rule=2018&year=2018&outside_labour=42").get_json()
    assert changed["overrides"] == {"outside_labour": 42.0}
    skov = next(a for a in changed["areas"] if a["area_id"] == "skovvejen-skovparken")
    outside = next(c for c in skov["verdict"]["criteria"] if c["key"] == "outside_labour")
    assert outside["met"] is False and outside["threshold"] == 42.0


def test_catalogue_and_rules_api(client):
    catalogue = client.get("/api/indicator-catalogue").get_json()["indicators"]
    assert {"residents", "almene_familieboliger_share"} <= {i["code"] for i in catalogue}
    rules = client.get("/api/rules").get_json()["rules"]
    assert [r["name"] for r in rules] == ["2010", "2014", "2018", "2021"]
    assert rules[2]["omdannelse_years"] == 5 and rules[2]["list_years"] == [2018, 2020]


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/areas/atlantis/indicators", 404, "not_found"),
        ("/api/areas/vollsmose/indicators?dataset=fake", 400, "bad_parameter"),
        ("/api/indicators", 400, "bad_parameter"),
        ("/api/indicators?code=happiness", 404, "not_found"),
        ("/api/indicators?code=residents&year=20x2", 400, "bad_parameter"),
        ("/api/indicators?code=residents&year=2012", 404, "not_found"),
        ("/api/classify?year=abc", 400, "bad_parameter"),
        ("/api/classify?year=2009", 404, "not_found"),
        ("/api/classify?rule=1999&year=2020", 404, "not_found"),
        ("/api/classify?year=2020&speed=3", 400, "bad_parameter"),
        ("/api/classify?year=2020&outside_labour=many", 400, "bad_parameter"),
        ("/api/classify?year=2020&outside_labour=140", 400, "bad_parameter"),
        ("/api/classify?year=2020&min_met=9", 400, "bad_parameter"),
        ("/api/classify?year=2020&dataset=both", 400, "bad_parameter"),
    ],
)
def test_api_errors_have_the_one_shape(client, url, status, code):
    response = client.get(url)
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"status", "code", "message"}
    assert (body["status"], body["code"]) == (status, code)
    assert body["message"]


def test_bad_parameter_message_names_the_allowed_values(client):
    body = client.get("/api/classify?year=2020&speed=3").get_json()
    assert "`speed`" in body["message"] and "outside_labour" in body["message"]


# -- pages -----------------------------------------------------------------------------------


def test_comparison_page_reproduces_the_two_seed_tables(client):
    html = client.get("/sammenlign?indikator=youth_not_in_education&aar=uden").data.decode()
    assert rows_of(html, "sammenligning") == SEED_YOUTH
    html = client.get("/sammenlign?indikator=single_parent_households&aar=uden").data.decode()
    got = rows_of(html, "sammenligning")
    assert len(got) == 15 and got["munkebo"] == "20,3 %" and got["stengaardsvej"] == "8,6 %"
    assert "ikke oplyst" not in got.values()
    assert ">0 %<" not in html and ">0,0 %<" not in html


def test_comparison_page_default_and_errors(client):
    assert client.get("/sammenlign").status_code == 200
    assert client.get("/sammenlign?indikator=nope").status_code == 404
    assert client.get("/sammenlign?aar=ab").status_code == 400


def test_area_page_indicator_panel(client):
    html = client.get("/omraader/skovvejen-skovparken").data.decode()
    assert "Kriterierne på listen pr. 1. december 2018" in html
    assert "14,2 procentpoint over grænsen" in html
    assert "1,5 procentpoint over grænsen" in html
    assert 'data-criterion="nonwestern"' in html and "afgørende" in html
    assert "Almene familieboliger mod målet på 40 %" in html
    assert "Kræver 5 år i træk" in html
    assert "Værdier uden årstal" in html and "7,8 %" in html


def test_area_page_without_values(client):
    html = client.get("/omraader/aldersrogade").data.decode()
    assert "Ingen indikatorværdier for dette område" in html


def test_rules_page_states_every_version_and_the_figures(client):
    html = client.get("/om-reglerne").data.decode()
    for name in ("2010", "2014", "2018", "2021"):
        assert f'id="regel-{name}"' in html
    assert "<strong>7 stemmer</strong>" in html and "<strong>0 afviger</strong>" in html
    assert "Aldersrogade" in html
    assert "11 / 1 / 0" in html  # 2021, four years, lists only: Aldersrogade disagrees


def test_what_if_page(client):
    html = client.get("/hvad-hvis?regel=2018&aar=2018&outside_labour=42").data.decode()
    assert "Resultat for listen pr. 1. december 2018 med dine grænser" in html
    assert 'id="f-outside_labour"' in html and 'value="42"' in html
    assert client.get("/hvad-hvis?aar=2018&zzz=1").status_code == 400


def test_national_map_coloured_by_indicator(client):
    html = client.get("/kort?aar=2018&indikator=youth_not_in_education&indikatoraar=uden")
    assert html.status_code == 200
    text = html.data.decode()
    assert "Signaturforklaring: Andel 15–17-årige" in text and "mapclassify" in text
    assert "ikke oplyst <small>(27 områder)</small>" in text  # 36 on the 2018 list, 9 with values
    script = re.search(r'src="(/kort/2018/indikator/[^"]+)"', text).group(1).replace("&amp;", "&")
    assert client.get(script).status_code == 200
    legend = client.get("/kort?aar=2018&indikator=outside_labour_share").data.decode()
    assert "Ingen offentliggjorte værdier" not in legend or "over 40 %" in legend


def test_pages_have_no_inline_script_or_style(client):
    for url in (
        "/sammenlign",
        "/om-reglerne",
        "/hvad-hvis",
        "/omraader/skovvejen-skovparken",
        "/kort?aar=2018&indikator=youth_not_in_education&indikatoraar=uden",
    ):
        html = client.get(url).data.decode()
        assert " style=" not in html, url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url


# -- imported and synthetic data -------------------------------------------------------------


@pytest.fixture
def loaded(tmp_path, default_store):
    store = default_store
    real = tmp_path / "real.csv"
    real.write_text(
        "area,year,residents,outside_labour_share,convicted_ratio,basic_education_share,"
        "income_ratio,nonwestern_share\n"
        "Vollsmose,2022,5000,41,2.5,55,50,70\n"
        "Askerød,2022,1489,38,1.5,65,60,52\n"
    )
    import_indicators(store, real, source="test values")
    demo = tmp_path / "demo.csv"
    demo.write_text("area,year,code,value\nGellerupparken/Toveshøj,2022,outside_labour_share,55\n")
    import_indicators(store, demo, synthetic=True)
    app = create_app({"TESTING": True, "STORE_PATH": str(store.path), "ACCESS_LOG": False})
    return app.test_client()


def test_what_if_lists_areas_entering_and_leaving(loaded):
    body = loaded.get("/api/classify?year=2022&outside_labour=35").get_json()
    askeroed = next(a for a in body["areas"] if a["area_id"] == "askeroed")
    assert askeroed["baseline"]["udsat"] is False
    # An udsat area is never a forebyggelsesområde (§ 61 b), so Askerød moves between lists.
    assert askeroed["baseline"]["forebyggelsesomraade"] is True
    assert askeroed["changes"] == {
        "udsat": "enters",
        "parallelsamfund": "enters",
        "forebyggelsesomraade": "leaves",
    }
    body = loaded.get("/api/classify?year=2022&outside_labour=42").get_json()
    vollsmose = next(a for a in body["areas"] if a["area_id"] == "vollsmose")
    assert vollsmose["changes"]["udsat"] == "leaves"
    udsat = next(s for s in body["summary"] if s["category"] == "udsat")
    assert udsat["leaves"] == ["vollsmose"]
    html = loaded.get("/hvad-hvis?aar=2022&outside_labour=35").data.decode()
    assert "kommer på listen over udsat boligområde" in html


def test_synthetic_data_is_labelled_and_never_mixed(loaded):
    real = loaded.get("/api/areas/gellerupparken-toveshoej/indicators").get_json()
    assert real["synthetic"] is False
    assert all(v["year"] != 2022 for v in real["values"])
    demo = loaded.get("/api/areas/gellerupparken-toveshoej/indicators?dataset=synthetic")
    body = demo.get_json()
    assert body["synthetic"] is True and body["synthetic_label"] == "syntetiske eksempeldata"
    assert [v["value"] for v in body["values"]] == [55.0]
    page = loaded.get("/omraader/gellerupparken-toveshoej?data=syntetisk").data.decode()
    assert "Syntetiske eksempeldata" in page
    assert (
        "Syntetiske eksempeldata"
        not in loaded.get("/omraader/gellerupparken-toveshoej").data.decode()
    )
    compare = loaded.get("/sammenlign?indikator=outside_labour_share&aar=2022&data=syntetisk")
    assert "syntetiske eksempeldata" in compare.data.decode()
    plain = loaded.get("/sammenlign?indikator=outside_labour_share&aar=2022").data.decode()
    assert "vis dem (tydeligt mærket)" in plain
    assert (
        loaded.get(
            "/api/indicators?code=outside_labour_share&year=2022&dataset=synthetic"
        ).get_json()["synthetic_label"]
        == "syntetiske eksempeldata"
    )


def test_downloads_carry_real_values_only(loaded):
    body = loaded.get("/api/areas?year=2022&format=geojson").get_json()
    props = {f["properties"]["area_id"]: f["properties"] for f in body["features"]}
    assert props["vollsmose"]["ind_outside_labour_share"] == 41.0
    # The synthetic 55 % for Gellerup is not in the download.
    assert props["gellerupparken-toveshoej"].get("ind_outside_labour_share") is None


def test_decisive_criteria_given_the_residents_floor(client):
    html = client.get("/omraader/skovvejen-skovparken").data.decode()
    assert "(givet mindst 1.000 beboere)" in html
    for key in ("outside_labour", "basic_education", "nonwestern"):
        assert f'class="ind-row decisive" data-criterion="{key}"' in html, key
    assert 'class="ind-row" data-criterion="income"' in html


def test_almene_target_and_time_series_with_imported_values(loaded, tmp_path):
    html = loaded.get("/omraader/vollsmose").data.decode()
    # residents 2022 (imported) and 2024 (embedded): a line, with the numbers in a table
    series = html[html.index('id="serie-residents"') :]
    assert "<polyline" in series[: series.index("</figure>")]
    assert "5.000 beboere" in series and "5.317 beboere" in series
    assert "Andelen af almene familieboliger: ikke oplyst" in html


def test_almene_share_against_the_40_percent_target(tmp_path, default_store):
    store = default_store
    path = tmp_path / "almene.csv"
    path.write_text("area;year;code;value\nVollsmose;2023;almene_familieboliger_share;67,5\n")
    import_indicators(store, path, source="test")
    client = create_app({"STORE_PATH": str(store.path), "ACCESS_LOG": False}).test_client()
    html = client.get("/omraader/vollsmose").data.decode()
    assert "2023: 67,5 % — 27,5 procentpoint over målet" in html
    assert "højst 40 %" in html


def test_map_legend_marks_the_threshold(loaded):
    html = loaded.get("/kort?aar=2022&indikator=outside_labour_share&indikatoraar=2022")
    text = html.data.decode()
    assert "← grænsen (over 40 %)" in text
    assert "over 38,0 til 40,0" in text or "38,0–40,0" in text
