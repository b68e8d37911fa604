"""Danish and English pages with Flask-Babel (gettext catalogues in ``service/translations``).

The language of a request: ``?sprog=`` (or ``lang``) when given; else, when the
``NEGOTIATE_LANGUAGE`` setting is on, the best of ``Accept-Language``
(:func:`service.http.negotiation.preferred_language`; the response then says
``Vary: Accept-Language``); else Danish. Embeds and the API never negotiate: their URL says
the language (``sprog=en``), as the embedding site chose it. Templates mark their text with
``_()``; the Danish text is the message id, ``translations/en/LC_MESSAGES/messages.po`` has
the English. ``make translations`` compiles the ``.po`` files (the set-up command runs it).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from flask_babel import Babel, gettext
from werkzeug.datastructures import ImmutableMultiDict

from geo.i18n import Phrase
from service.formats import number
from service.http.negotiation import preferred_language
from service.text import LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


def request_language() -> str:
    """The language of the current request (see the module docstring)."""
    for name in ("sprog", "lang"):
        raw = request.args.get(name)
        if raw in LANGUAGES:
            return raw
    # Embeds and the API speak the language their URL asks for (the host site chose it).
    own_language = request.path.startswith(("/embed", "/api", "/oembed", "/static"))
    if current_app.config.get("NEGOTIATE_LANGUAGE") and not own_language:
        g.negotiated = True
        return preferred_language(request.headers.get("Accept-Language"))
    return "da"


def link_args() -> dict[str, str]:
    """Query arguments that keep a link in the page's language: ``{"sprog": "en"}`` on an
    English page, nothing on a Danish one (templates: ``url_for(..., **lang_args)``)."""
    lang = g.get("lang", "da")
    return {} if lang == "da" else {"sprog": lang}


def switch_url(lang: str) -> str:
    """This page in ``lang``: the same path and query with ``sprog`` set."""
    # read past the unknown-parameter tracking: building a link is not using a parameter
    items = ImmutableMultiDict.items(request.args, multi=True)
    args = [(k, v) for k, v in items if k not in ("sprog", "lang")]
    if lang != "da" or g.get("negotiated"):
        args.append(("sprog", lang))
    query = urlencode(args)
    return request.path + ("?" + query if query else "")


def init_app(app: Flask) -> None:
    """Flask-Babel with the request's language; ``lang`` and the switch in every template."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "da")
    Babel(app, locale_selector=lambda: g.get("lang", "da"))

    @app.before_request
    def _language():
        g.lang = request_language()

    @app.context_processor
    def _template_language():
        lang = g.get("lang", "da")
        others = [(code, LANGUAGE_NAMES[code], switch_url(code)) for code in LANGUAGES]
        return {
            "lang": lang,
            "language_links": [o for o in others if o[0] != lang],
            "lang_args": link_args(),
        }

    @app.after_request
    def _vary(response):
        if g.get("negotiated"):
            response.vary.add("Accept-Language")
        return response


def translate(text: str | None) -> str | None:
    """``text`` in the request's language: a Danish UI text marked with ``geo.i18n.N_`` (or
    any catalogue message) through gettext; ``None`` and unknown texts come back unchanged."""
    if not text:
        return text
    return gettext(text)


def say(text, *, data: bool = False):
    """A Danish text made below ``service/`` in the request's language.

    A :class:`geo.i18n.Phrase` is said again from its translated template: values that are
    phrases are said again too, numbers of a filled-in phrase (``geo.i18n.fill``) are written
    as numbers of the page's language, other values (names, years) go in as they are. A plain
    text goes through the catalogue, unless ``data`` says it is data (a name). On a Danish
    page every text comes back as it was made.
    """
    if isinstance(text, Phrase):
        if g.get("lang", "da") == "da":
            return text
        values = {}
        for key, value in text.values.items():
            if isinstance(value, str):
                values[key] = say(value, data=True)
            elif text.numbers:
                values[key] = number(value)
            else:
                values[key] = value
        return gettext(text.template) % values  # no variables: gettext does not format
    if data or not isinstance(text, str):
        return text
    return translate(text)
