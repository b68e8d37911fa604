"""Danish and English through Flask-Babel: the English pages carry no Danish UI text."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import service
from tests.service.english import CATALOGUE, danish_found, danish_words


def test_catalogue_is_compiled_and_complete():
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    assert all(m.string for m in catalogue if m.id), "untranslated messages"
    assert CATALOGUE.with_suffix(".mo").exists(), "run `make translations`"


@pytest.mark.parametrize("url", ["/?sprog=en", "/kort?aar=2019&sprog=en"])
def test_english_national_page_has_no_danish_ui_text(client, url):
    page = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert danish_found(page) == [] and danish_words(page) == []
    assert "Designated housing areas on 1 December" in page


@pytest.mark.parametrize(
    "url",
    [
        "/embed/kommune/0751",
        "/embed/kommune/0159",
        "/embed/national",
        "/embed/kommune/0461?aar=2019",
    ],
)
def test_english_embed_has_no_danish_ui_text(client, url):
    page = client.get(url + ("&" if "?" in url else "?") + "sprog=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert danish_found(page) == [] and danish_words(page) == []


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


def test_every_marked_text_is_in_the_catalogue():
    """What the templates and the code mark for translation (as ``make extract-messages``
    collects it) is exactly what the English catalogue translates: no text shows in Danish
    on an English page because nobody added it, and no translation is left behind."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    root = Path(service.__file__).resolve().parents[1]
    with (root / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None}
    keywords["lazy_gettext"] = None
    marked = set()
    for directory in ("service", "geo", "indicators", "boundaries"):
        prefix = f"{directory}/"
        methods = [(p.removeprefix(prefix), m) for p, m in method_map if p.startswith(prefix)]
        options = {
            p.removeprefix(prefix): o for p, o in options_map.items() if p.startswith(prefix)
        }
        for _file, _line, message, _comments, _context in extract_from_dir(
            root / directory, methods, options, keywords=keywords
        ):
            marked.add(message if isinstance(message, str) else message[0])
    with CATALOGUE.open("rb") as f:
        translated = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert sorted(marked - translated) == [], "run `make extract-messages` and translate"
    assert sorted(translated - marked) == [], "translations of texts no longer marked"


def _every_page() -> list[str]:
    from tests.browser.test_planner_views import PAGES

    # an origin's flows page needs moves: tests/service/test_i18n_flows.py has it in English
    return sorted({p for p in PAGES if "sprog=" not in p and not p.startswith("/flytninger/")})


@pytest.mark.parametrize("url", _every_page())
def test_every_page_of_the_site_map_in_english(client, url):
    """Every page route (the list the overflow test keeps complete) in English: no Danish UI
    text and no Danish words outside the source texts it quotes in Danish."""
    response = client.get(url + ("&" if "?" in url else "?") + "sprog=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert danish_found(page) == [] and danish_words(page) == []


@pytest.mark.parametrize(
    "url", ["/nope", "/kort?aar=1999", "/kort?ukendt=1", "/flytninger/skovgaardsparken"]
)
def test_error_pages_in_english(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "sprog=en")
    assert response.status_code in (400, 404)
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert danish_found(page) == [] and danish_words(page) == []
