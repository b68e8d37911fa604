"""The rules, comparison, what-if and changes pages and the indicator map in English
(``?sprog=en``): no Danish UI text outside ``lang="da"``; the Danish pages keep their text."""

import re

import pytest

from tests.service.english import danish_found, danish_words, visible_text

ENGLISH_PAGES = [
    "/om-reglerne",
    "/sammenlign",
    "/sammenlign?indikator=residents&aar=2019",
    "/sammenlign?indikator=income_ratio&aar=2018",
    "/sammenlign?indikator=youth_not_in_education&aar=uden",
    "/sammenlign?indikator=convicted_ratio&aar=2020",
    "/hvad-hvis",
    "/hvad-hvis?regel=2010&aar=2012",
    "/hvad-hvis?regel=2014&aar=2016&nonwestern=20",
    "/hvad-hvis?regel=2018&aar=2019&min_met=1",
    "/hvad-hvis?regel=2021&aar=2022&forebyggelse_min_met=1",
    "/aendringer?aar=2019",
    "/aendringer?aar=2020",
    "/aendringer?aar=2021",
    "/aendringer?aar=2023",
    "/aendringer?aar=2024",
    "/kort?aar=2018&indikator=residents",
    "/kort?aar=2019&indikator=outside_labour_share",
    "/kort?aar=2024&indikator=youth_not_in_education&indikatoraar=uden",
]


def _english(client, url: str):
    return client.get(url + ("&" if "?" in url else "?") + "sprog=en")


@pytest.mark.parametrize("url", ENGLISH_PAGES)
def test_english_page_has_no_danish_ui_text(client, url):
    response = _english(client, url)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert danish_found(page) == []
    assert danish_words(page) == []


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/om-reglerne", "<h1>Om reglerne</h1>"),
        ("/sammenlign", "<h1>Sammenlign områderne: "),
        ("/hvad-hvis", "<h1>Hvad hvis grænserne var andre?</h1>"),
        ("/aendringer?aar=2021", "<h1>Hvad ændrede sig 1. december 2021?</h1>"),
    ],
)
def test_danish_pages_keep_their_danish_heading(client, url, heading):
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="da">' in page
    assert heading in page


def test_what_if_accepts_the_language_alone(client):
    # sprog is the page language, not a threshold override (it used to answer 400)
    assert client.get("/hvad-hvis?sprog=en").status_code == 200
    assert client.get("/hvad-hvis?lang=en").status_code == 200
    assert client.get("/api/classify?year=2021&sprog=en").status_code == 200
    assert client.get("/hvad-hvis?sprog=en&nope=1").status_code == 400


def test_english_rules_name_the_criteria_in_english(client):
    text = visible_text(_english(client, "/om-reglerne").get_data(as_text=True))
    assert "The area has at least 1,000 residents" in text
    assert (
        "The share of residents aged 18–64 outside the labour market and education exceeds 40%"
        in text
    )
    assert "average of the last 2 years" in text
    assert "Severe ghetto area" in text and "Ghetto area (rules before 2018)" in text
    danish = client.get("/om-reglerne").get_data(as_text=True)
    assert (
        "Andelen af 18–64-årige uden tilknytning til arbejdsmarked eller uddannelse "
        "overstiger 40 %" in danish
    )
    assert "gennemsnit af de seneste 2 år" in danish


def test_english_changes_explain_with_english_numbers(client):
    html = _english(client, "/aendringer?aar=2023").get_data(as_text=True)
    row = html[html.index('data-area-id="mjoelnerparken"') :]
    row = row[: row.index("</tr>")]
    assert "966 against the threshold 1,000 (-34)" in row


def test_english_pages_keep_english_in_links_and_forms(client):
    html = _english(client, "/aendringer?aar=2021").get_data(as_text=True)
    assert re.search(r'<script src="/aendringer/2021/kort\.js\?[^"]*sprog=en"', html)
    assert '<input type="hidden" name="sprog" value="en">' in html
    assert 'href="/om-reglerne?sprog=en"' in html
    script = client.get("/aendringer/2021/kort.js?sprog=en").get_data(as_text=True)
    assert "Entered a list" in script and "Kom på en liste" not in script
    page = _english(client, "/kort?aar=2019&indikator=outside_labour_share").get_data(as_text=True)
    found = re.search(
        r'<script src="(/kort/2019/indikator/outside_labour_share/kort\.js[^"]*)"', page
    )
    assert found and "sprog=en" in found.group(1)
    script = client.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Open the area" in script and "Gå til områdets side" not in script


def test_english_compare_uses_english_numbers(client):
    text = visible_text(
        _english(client, "/sammenlign?indikator=income_ratio&aar=2018").get_data(as_text=True)
    )
    assert "under 55% of the regional average" in text
    danish = visible_text(
        client.get("/sammenlign?indikator=income_ratio&aar=2018")
        .get_data(as_text=True)
        .replace('lang="da"', "")
    )
    assert "under 55 % af regionens gennemsnit" in danish
