"""Danish and English through Flask-Babel: the English pages carry no Danish UI text."""

import html as html_lib
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import service
from tests.service.english import danish_ui_texts

CATALOGUE = Path(service.__file__).parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def _danish_ui_texts() -> set[str]:
    """The Danish catalogue, plural messages too (:func:`tests.service.english.danish_ui_texts`)."""
    return danish_ui_texts()


def _found(texts: set[str], text: str) -> list[str]:
    """The texts that occur in ``text`` as whole words ("Område" is not in "Områdekort")."""
    return sorted(t for t in texts if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text))


def _visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return " ".join(html_lib.unescape(page).split())


def test_catalogue_is_compiled_and_complete():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    assert all(m.string for m in catalogue if m.id), "untranslated messages"
    assert CATALOGUE.with_suffix(".mo").exists(), "run `make translations`"


@pytest.mark.parametrize("url", ["/?sprog=en", "/kort?aar=2019&sprog=en"])
def test_english_national_page_has_no_danish_ui_text(client, url):
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page
    text = _visible_text(page)
    assert _found(_danish_ui_texts(), text) == []
    assert "Designated housing areas on 1 December" in text


def test_english_embed_has_no_danish_ui_text(client):
    text = _visible_text(client.get("/embed/kommune/0751?sprog=en").get_data(as_text=True))
    assert _found(_danish_ui_texts(), text) == []


def test_language_by_accept_language_says_vary(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,da;q=0.5"})
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
    danish = client.get("/", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert '<html lang="da">' in danish
    # ?sprog= wins over the header, and the switch links to the other language
    page = client.get("/?sprog=da", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="da">' in page and 'href="/?sprog=en"' in page


def test_map_controls_in_the_page_language(client):
    assert 'zoomInTitle: "Zoom ind"' in client.get("/kort/2024/kort.js").get_data(as_text=True)
    english = client.get("/kort/2024/kort.js?sprog=en").get_data(as_text=True)
    assert 'zoomInTitle: "Zoom in"' in english and '"Layers"' in english
