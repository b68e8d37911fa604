"""Query and path parameters: parsed once, refused with a message naming the allowed values."""

from __future__ import annotations

from flask import request

from geo.naming import municipality_code
from service.errors import BadParameter, NotFoundError
from service.i18n import LANGUAGES


def parse_year(raw: str | None, years: list[int], param: str = "aar") -> int:
    """The list year asked for, or the latest; 400 for a value that is not a year."""
    if raw is None or raw == "":
        return years[-1]
    if not raw.isdigit() or len(raw) != 4:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as {years[-1]}"
        )
    return int(raw)


def year_arg(years: list[int]) -> int:
    """``aar`` (Danish) or ``year``."""
    if "aar" in request.args:
        return parse_year(request.args.get("aar"), years, "aar")
    return parse_year(request.args.get("year"), years, "year")


def lang_arg() -> str:
    """``sprog`` or ``lang``: da (default) or en."""
    name = "sprog" if "sprog" in request.args else "lang"
    raw = request.args.get(name, "da") or "da"
    if raw not in LANGUAGES:
        raise BadParameter(f"`{name}` was {raw!r} but is expected to be one of {list(LANGUAGES)}")
    return raw


def view_arg() -> str:
    """``visning``: kort (map, default) or tabel (the same content as a table)."""
    raw = request.args.get("visning", "kort") or "kort"
    if raw not in ("kort", "tabel"):
        raise BadParameter(f"`visning` was {raw!r} but is expected to be one of ['kort', 'tabel']")
    return raw


def municipality_arg(raw: str) -> str:
    """A municipality code in the path, 3 or 4 digits (``751`` or ``0751``)."""
    try:
        return municipality_code(raw)
    except ValueError:
        raise NotFoundError(f"no municipality with code {raw!r}") from None
