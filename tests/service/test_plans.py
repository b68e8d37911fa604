"""The plan and evaluation pages and their API: what the issue asks to be shown."""

import re

import pytest

from indicators.values import import_indicators
from service import create_app

PAGES = ["/udviklingsplaner", "/evaluering", "/rapporter", "/ordforklaring", "/indsatser"]


def text_of(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_and_are_in_the_navigation(client, path):
    response = client.get(path)
    assert response.status_code == 200
    nav = response.get_data(as_text=True).split('aria-label="Hovedmenu"')[1].split("</nav>")[0]
    for other in PAGES:
        assert f'href="{other}"' in nav


def plan_section(html: str) -> str:
    return html.split('id="plan-titel"')[1].split('id="rapporter-titel"')[0]


def test_mjoelnerparken_page_shows_the_sale_of_260_homes_with_its_source(client):
    html = client.get("/omraader/mjoelnerparken").get_data(as_text=True)
    section = plan_section(html)
    row = section.split('class="plan-sale')[1].split("</tr>")[0]
    assert "260 boliger" in row
    assert 'href="https://koebenhavnsnetavis.dk/ny-fremtid-for-mjoelnerparken' in row


def test_vollsmose_page_shows_the_demolitions_by_afdeling(client):
    section = plan_section(client.get("/omraader/vollsmose").get_data(as_text=True))
    rows = section.split('class="plan-demolition')[1:]
    text = text_of(" ".join(r.split("</tr>")[0] for r in rows))
    for afdeling, count in [
        ("Granparken", 160),
        ("Lærkeparken", 136),
        ("Fyrreparken", 26),
        ("Egeparken", 191),
        ("Birkeparken", 200),
        ("Bøgeparken", 287),
    ]:
        assert f"{count} boliger – {afdeling}" in text
    assert "vollsmose.dk" in text


def test_tingbjerg_shows_both_figures_as_a_conflict(client):
    section = plan_section(client.get("/omraader/tingbjerg-utterslevhuse").get_data(as_text=True))
    rows = section.split('class="plan-new_private_homes')[1:]
    assert all("is-conflict" in r.split(">")[0] for r in rows)
    text = text_of(section)
    assert "ca. 1.500 boliger – Tingbjerg" in text and "ca. 660 boliger – Bystævneparken" in text
    assert "ca. 1.500 private boliger i alt i Tingbjerg, Utterslevhuse og Bystævneparken" in text
    assert "Konflikt mellem kilderne" in text
    assert "bha.dk" in text and "tingbjerg-bydel.dk" in text


def test_omdannelsesomraade_without_facts_says_ikke_oplyst(client):
    section = plan_section(client.get("/omraader/ringparken").get_data(as_text=True))
    assert section.count("ikke oplyst") >= 10
    assert "260 boliger" not in section


def test_an_area_that_never_had_a_plan_has_no_plan_section(client):
    html = client.get("/omraader/nivaa").get_data(as_text=True)
    assert 'id="plan-titel"' not in html


@pytest.fixture
def share_client(tmp_path, default_store):
    store = default_store
    path = tmp_path / "andel.csv"
    path.write_text(
        "area;year;code;value;source\n"
        "Vollsmose;2022;almene_familieboliger_share;71,3;LBF test 2022\n",
        encoding="utf-8",
    )
    import_indicators(store, path)
    app = create_app({"TESTING": True, "STORE_PATH": str(store.path), "ACCESS_LOG": False})
    return app.test_client()


def test_imported_share_value_appears_in_the_chart_and_its_table(share_client):
    html = share_client.get("/udviklingsplaner").get_data(as_text=True)
    figure = html.split('id="sti-vollsmose"')[1].split("</figure>")[0]
    assert "<title>2022: 71,3 %</title>" in figure
    assert "Indlæste værdier: 2022 71,3 %" in figure
    table = html.split('id="sti-tabel-titel"')[1].split("</table>")[0]
    row = table.split("Vollsmose</th>")[1].split("</tr>")[0]
    assert "71,3 %" in row
    # 2021 has no value: a gap, said in the table and marked in the chart, not a line
    assert "<title>2021: ingen værdi</title>" in figure
    area = share_client.get("/omraader/vollsmose").get_data(as_text=True)
    assert "71,3 %" in plan_section(area)
    api = share_client.get("/api/plans/vollsmose").get_json()
    assert api["share_path"]["values"] == [{"year": 2022, "value": 71.3, "source": "LBF test 2022"}]


def test_overview_sorts_by_a_column_and_refuses_unknown_keys(client):
    html = client.get("/udviklingsplaner?sorter=demolition&retning=faldende").get_data(as_text=True)
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    order = re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', body)
    assert order[:3] == ["Vollsmose", "Gellerupparken/Toveshøj", "Bispehaven"]
    assert 'aria-sort="descending"' in html
    assert client.get("/udviklingsplaner?sorter=x").status_code == 400
    assert client.get("/udviklingsplaner?retning=op").status_code == 400


def test_reports_filter_by_track_area_and_year(client):
    html = client.get("/rapporter?spor=programmer&aar=2022").get_data(as_text=True)
    text = text_of(html)
    assert "Tryghed og trivsel i udsatte boligområder" in text
    assert "Midtvejsevaluering" not in text
    assert client.get("/rapporter?spor=x").status_code == 400
    assert client.get("/rapporter?aar=tyve").status_code == 400
    assert client.get("/rapporter?omraade=atlantis").status_code == 404
    assert "Ingen rapporter med de valgte filtre" in client.get(
        "/rapporter?omraade=vollsmose"
    ).get_data(as_text=True)


def test_evaluation_page_levels_questions_and_timeline(client):
    html = client.get("/evaluering").get_data(as_text=True)
    text = text_of(html)
    for title in ("De 15 omdannelsesområder", "Beboerne i områderne", "Beboerne, der flytter ud"):
        assert title in text
    assert "Afventer data" in text
    assert "Hvor flytter/flyttes beboere fra de hårde ghettoområder hen?" in text
    assert html.count("<svg") >= 1 and 'role="img"' in html
    assert "Listerne pr. 1. december 2024" in text and "1. januar 2030" in text
    assert 'href="/flytninger"' in html


def test_glossary_terms_are_dfn_and_linked_where_they_appear(client):
    html = client.get("/ordforklaring").get_data(as_text=True)
    assert '<dt id="omdannelsesomraade"><dfn>omdannelsesområde</dfn></dt>' in html
    assert "almenboligloven § 61 b" in html
    plans = client.get("/udviklingsplaner").get_data(as_text=True)
    assert 'class="term" href="/ordforklaring#omdannelsesomraade"' in plans


def test_programmes_show_both_figures_where_text_and_table_disagree(client):
    text = text_of(client.get("/indsatser").get_data(as_text=True))
    assert "14,56 mio. kr." in text and "9,65 mio. kr. afviger fra tabellen" in text
    assert "13,1 mio. kr." in text and "13,1 mio. kr. afviger" not in text
    assert "Glad for at bo i boligområdet" in text and "93 %" in text


def test_api_plans_reports_glossary(client):
    plans = client.get("/api/plans").get_json()
    mjoel = next(a for a in plans["areas"] if a["area_id"] == "mjoelnerparken")
    sale = next(f for f in mjoel["facts"] if f["fact_type"] == "sale")
    assert sale["value"] == 260 and sale["source_url"].startswith("https://koebenhavnsnetavis.dk/")
    assert client.get("/api/plans/atlantis").status_code == 404
    assert client.get("/api/plans/atlantis").get_json()["code"] == "not_found"
    reports = client.get("/api/reports?track=programmer&year=2022").get_json()["reports"]
    assert {r["year"] for r in reports} == {2022}
    bad = client.get("/api/reports?year=abc")
    assert bad.status_code == 400 and bad.get_json()["code"] == "bad_parameter"
    terms = client.get("/api/glossary").get_json()["terms"]
    assert any(t["id"] == "vandsengseffekt" for t in terms)


def test_cli_import_plans_refuses_a_bad_file_and_leaves_the_store(tmp_path, default_store):
    import hashlib

    from click.testing import CliRunner

    from service.cli import cli

    store = default_store
    before = hashlib.sha256(store.path.read_bytes()).hexdigest()
    bad = tmp_path / "planer.csv"
    bad.write_text(
        "area_name;fact_type;value;source_url\nVollsmose;demolition;mange;https://x.dk\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["import-plans", str(bad), "--store", str(store.path)])
    assert result.exit_code == 1
    assert "row 1, column 'value', value 'mange': not a number" in result.output
    assert hashlib.sha256(store.path.read_bytes()).hexdigest() == before
    good = tmp_path / "rapporter.csv"
    good.write_text("title;track;areas\nDelrapport;fysisk;Vollsmose\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import-reports", str(good), "--store", str(store.path)])
    assert result.exit_code == 0, result.output
    assert "reports=1" in result.output


@pytest.mark.slow
def test_every_area_page_lists_its_reports(tmp_path, default_store):
    from indicators.reports import import_reports

    store = default_store
    path = tmp_path / "rapporter.csv"
    path.write_text(
        "title;track;year;areas;url\n"
        "Delrapport 1: Vollsmose;fysisk;2021;Vollsmose;https://example.org/r1\n"
        "Notat om Nivå;socialt;2022;Nivå;\n",
        encoding="utf-8",
    )
    import_reports(store, path)
    client = create_app(
        {"TESTING": True, "STORE_PATH": str(store.path), "ACCESS_LOG": False}
    ).test_client()
    vollsmose = client.get("/omraader/vollsmose").get_data(as_text=True)
    listed = vollsmose.split('id="rapporter-titel"')[1].split("</section>")[0]
    assert 'href="https://example.org/r1"' in listed and "Delrapport 1: Vollsmose" in listed
    assert "Notat om Nivå" not in listed
    nivaa = client.get("/omraader/nivaa").get_data(as_text=True)
    assert 'id="plan-titel"' not in nivaa
    assert "Notat om Nivå" in nivaa.split('id="rapporter-titel"')[1]
    ringparken = client.get("/omraader/ringparken").get_data(as_text=True)
    assert "Ingen rapporter om netop dette område" in ringparken
