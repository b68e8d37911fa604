"""Numbers, percentages and dates in the page's language (Babel, CLDR data).

Danish pages write ``10,8 %`` and ``1.400``; English pages ``10.8%`` and ``1,400``. Every
template formats figures through these filters, never with ``'%.1f'|format``.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from flask import Flask, g, has_request_context

LOCALES = {"da": "da_DK", "en": "en_GB"}


def page_language() -> str:
    """The language of the page being rendered (``da`` outside a request)."""
    if has_request_context():
        return getattr(g, "lang", "da")
    return "da"


def _locale(lang: str | None) -> str:
    return LOCALES.get(lang or page_language(), LOCALES["da"])


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def number(value: object, digits: int | None = None, lang: str | None = None) -> str:
    """A number with the language's separators; ``digits`` fixes the decimals.

    Whole numbers stored as floats (``1400.0``) are written without decimals unless
    ``digits`` says otherwise. Missing values give an empty string (the template says
    "ikke oplyst").
    """
    if _missing(value):
        return ""
    x = float(value)  # type: ignore[arg-type]
    if digits is None:
        pattern = "#,##0" if x == int(x) else "#,##0.0##"
    else:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(x, format=pattern, locale=_locale(lang))


def percent(value: object, digits: int = 1, lang: str | None = None) -> str:
    """A value in percent points (``10.8``) as ``10,8 %`` (da) or ``10.8%`` (en)."""
    if _missing(value):
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    text = format_percent(float(value) / 100, format=pattern, locale=_locale(lang))  # type: ignore[arg-type]
    # CLDR's Danish percent sign follows a no-break space; English has none.
    return (
        text.replace(" %", "\u00a0%")
        if (lang or page_language()) == "da"
        else text.replace(" %", "%")
    )


def date(value: object, lang: str | None = None, form: str = "long") -> str:
    """A date (``date``/``datetime``/ISO text) as ``1. december 2024`` or ``1 December 2024``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format=form, locale=_locale(lang))  # type: ignore[arg-type]


def init_app(app: Flask) -> None:
    """Register ``number``, ``percent`` and ``date`` as Jinja filters."""
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["date_text"] = date
