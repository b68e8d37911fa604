"""The plan and evaluation pages, the reports, the glossary, the programmes, /om, the embed
picker and the API docs in English (``?sprog=en``): no Danish UI text outside ``lang="da"``,
and the Danish pages unchanged."""

import pytest

from indicators.values import import_indicators
from service import create_app
from tests.service.english import danish_found, danish_words

ENGLISH = [
    "/udviklingsplaner?sprog=en",
    "/udviklingsplaner?sorter=demolition&retning=faldende&sprog=en",
    "/udviklingsplaner?sorter=target&sprog=en",
    "/evaluering?sprog=en",
    "/rapporter?sprog=en",
    "/rapporter?spor=programmer&aar=2022&sprog=en",
    "/rapporter?omraade=vollsmose&sprog=en",
    "/rapporter?spor=fysisk&aar=1999&sprog=en",  # no report: the empty state
    "/ordforklaring?sprog=en",
    "/indsatser?sprog=en",
    "/om?sprog=en",
    "/embed?sprog=en",
    "/embed?kommune=0751&aar=2019&sprog=en",
    "/embed?omraade=gellerupparken-toveshoej&aar=2018&sprog=en",
    "/api?sprog=en",
]

DANISH = {
    "/udviklingsplaner": "<h1>Udviklingsplaner</h1>",
    "/evaluering": "<h1>Evalueringen</h1>",
    "/rapporter": "<h1>Rapporter</h1>",
    "/ordforklaring": "<h1>Ordforklaring</h1>",
    "/indsatser": "<h1>Boligsociale indsatser</h1>",
    "/om": "<h1>Om data</h1>",
    "/embed": "<h1>Indlejr et kort på jeres hjemmeside</h1>",
    "/api/": "Parametre",
}


def assert_english(page: str) -> None:
    assert '<html lang="en">' in page
    assert danish_found(page) == []
    assert danish_words(page) == []


@pytest.mark.parametrize("url", ENGLISH)
def test_english_page_has_no_danish_ui_text(client, url):
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    assert_english(response.get_data(as_text=True))


@pytest.mark.parametrize("url", sorted(DANISH))
def test_danish_page_keeps_its_danish_text(client, url):
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="da">' in page
    assert DANISH[url] in page


def area_plan_part(page: str) -> str:
    """The area page's part this group renders: the plan section and the reports."""
    start = page.find('<section class="plan"')
    reports = page.index('<section class="area-reports"')
    end = page.index("</section>", reports) + len("</section>")
    return page[start if start >= 0 else reports : end]


@pytest.mark.parametrize(
    "slug",
    [
        "mjoelnerparken",  # a sale with its source
        "vollsmose",  # demolitions by afdeling
        "tingbjerg-utterslevhuse",  # sources that disagree
        "gellerupparken-toveshoej",  # a figure shared with another area
        "ringparken",  # omdannelsesområde without facts: "not published"
        "nivaa",  # never had a plan: only the reports part
    ],
)
def test_area_plan_section_in_english(client, slug):
    page = client.get(f"/omraader/{slug}?sprog=en").get_data(as_text=True)
    part = area_plan_part(page)
    assert danish_found(part) == []
    assert danish_words(part) == []
    assert "Reports on the area" in part
    danish = client.get(f"/omraader/{slug}").get_data(as_text=True)
    assert "Rapporter om området" in area_plan_part(danish)


def test_plan_facts_are_english_figures_with_the_sources_words_in_danish(client):
    page = client.get("/omraader/mjoelnerparken?sprog=en").get_data(as_text=True)
    part = area_plan_part(page)
    assert "260 homes" in part
    assert "The route to 40% by 1 January 2030" in part
    # the source's quote is shown as published, marked as Danish
    assert '<blockquote lang="da">' in part
    danish = area_plan_part(client.get("/omraader/mjoelnerparken").get_data(as_text=True))
    assert "260 boliger" in danish and "Vejen til 40 % senest 1. januar 2030" in danish


def test_english_links_keep_the_language(client):
    page = client.get("/udviklingsplaner?sprog=en").get_data(as_text=True)
    assert 'href="/omraader/mjoelnerparken?sprog=en#plan-titel"' in page
    assert "sorter=sale&amp;retning=stigende&amp;sprog=en" in page
    assert 'href="/ordforklaring?sprog=en#udviklingsplan"' in page
    reports = client.get("/rapporter?sprog=en").get_data(as_text=True)
    assert '<input type="hidden" name="sprog" value="en">' in reports
    evaluation = client.get("/evaluering?sprog=en").get_data(as_text=True)
    assert 'href="/rapporter?spor=fysisk&amp;sprog=en"' in evaluation
    # the Danish pages link without it
    danish = client.get("/udviklingsplaner").get_data(as_text=True)
    assert 'href="/omraader/mjoelnerparken#plan-titel"' in danish


def test_figures_in_the_page_language(client):
    english = client.get("/indsatser?sprog=en").get_data(as_text=True)
    assert "DKK 1,200 million" in english and "74%" in english
    danish = client.get("/indsatser").get_data(as_text=True)
    assert "1.200 mio. kr." in danish and "74 %" in danish


def test_english_texts_of_our_own_and_danish_titles(client):
    glossary = client.get("/ordforklaring?sprog=en").get_data(as_text=True)
    assert '<dfn lang="da">omdannelsesområde</dfn> (transformation area)' in glossary
    assert "must draw up a development plan" in glossary
    reports = client.get("/rapporter?sprog=en").get_data(as_text=True)
    assert "The mid-term evaluation of the 2006-10 funds." in reports
    assert '<strong lang="da">' in reports  # titles as published
    evaluation = client.get("/evaluering?sprog=en").get_data(as_text=True)
    assert "The evaluation begins" in evaluation
    assert "The lists of 1 December 2021" in evaluation
    assert "Official counts:" in evaluation and "transformation areas" in evaluation


def test_embed_snippet_in_english_follows_the_latest_list_in_english(client):
    english = client.get("/embed?sprog=en").get_data(as_text=True)
    assert "aar=latest&amp;sprog=en" in english
    assert "aar=seneste" in client.get("/embed").get_data(as_text=True)


@pytest.fixture
def share_client(tmp_path, default_store):
    path = tmp_path / "andel.csv"
    path.write_text(
        "area;year;code;value;source\n"
        "Vollsmose;2022;almene_familieboliger_share;71,3;LBF test 2022\n",
        encoding="utf-8",
    )
    import_indicators(default_store, path)
    app = create_app({"TESTING": True, "STORE_PATH": str(default_store.path), "ACCESS_LOG": False})
    return app.test_client()


def test_imported_share_values_in_english(share_client):
    page = share_client.get("/udviklingsplaner?sprog=en").get_data(as_text=True)
    assert_english(page)
    figure = page.split('id="sti-vollsmose"')[1].split("</figure>")[0]
    assert "<title>2022: 71.3%</title>" in figure
    assert "Imported values: 2022 71.3%" in figure
    assert "<title>2021: no value</title>" in figure
    area = share_client.get("/omraader/vollsmose?sprog=en").get_data(as_text=True)
    assert "71.3%" in area_plan_part(area)
    assert danish_words(area_plan_part(area)) == []


def test_about_page_with_moves_in_english(demo_store_file):
    """/om with the (synthetic) moves: the disclosure table and the provenance entry of the
    moves, which is written in Danish and so marked."""
    app = create_app({"TESTING": True, "STORE_PATH": str(demo_store_file), "ACCESS_LOG": False})
    client = app.test_client()
    page = client.get("/om?sprog=en").get_data(as_text=True)
    assert_english(page)
    assert "Information loss per view" in page
    assert "Area → municipality, all years, all reasons (the default view)" in page
    assert '<span lang="da">Syntetiske eksempeldata:' in page
    danish = client.get("/om").get_data(as_text=True)
    assert "Informationstab pr. visning" in danish and "Syntetiske eksempeldata:" in danish


def test_our_notes_in_english_and_the_sources_disagreement_explained(client):
    page = client.get("/omraader/tingbjerg-utterslevhuse?sprog=en").get_data(as_text=True)
    part = area_plan_part(page)
    assert "The sources disagree on the number of new private homes" in part
    assert 'The 2019 plan as <span lang="da">bha.dk</span> summarises it in September' in part
    danish = area_plan_part(client.get("/omraader/tingbjerg-utterslevhuse").get_data(as_text=True))
    assert "Kilderne er uenige om antallet af nye private boliger" in danish
