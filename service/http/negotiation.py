"""Content negotiation shared by the Flask path and the fast path: gzip and language.

Both paths call the same functions on the raw header values, so a request gets the same
representation whichever path answers it.
"""

from __future__ import annotations

import functools

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


def _qvalue(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0  # an unreadable weight is not a yes
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (RFC 9110 § 12.5.3).

    ``gzip;q=0`` refuses gzip; ``*`` allows it unless gzip itself is refused; ``x-gzip`` is
    gzip. No header (or an empty one) means no content coding is wanted.
    """
    if not accept_encoding:
        return False
    gzip_q: float | None = None
    star_q: float | None = None
    for item in accept_encoding.split(","):
        coding, *params = item.split(";")
        coding = coding.strip().lower()
        if coding in ("gzip", "x-gzip"):
            gzip_q = _qvalue(params) if gzip_q is None else max(gzip_q, _qvalue(params))
        elif coding == "*":
            star_q = _qvalue(params)
    if gzip_q is not None:
        return gzip_q > 0
    return bool(star_q and star_q > 0)


@functools.lru_cache(maxsize=256)
def preferred_language(accept_language: str | None) -> str:
    """The best of :data:`LANGUAGES` for an ``Accept-Language`` header (RFC 9110 § 12.5.4).

    A range is matched by its primary subtag (``en-GB`` is ``en``), ``*`` stands for every
    language not named, ``q=0`` refuses; equal weights go to the default (Danish). With no
    acceptable language the default is used.
    """
    if not accept_language:
        return DEFAULT_LANGUAGE
    weights: dict[str, float] = {}
    star: float | None = None
    for item in accept_language.split(","):
        tag, *params = item.split(";")
        primary = tag.strip().lower().split("-")[0]
        q = _qvalue(params)
        if primary == "*":
            star = q
        elif primary in LANGUAGES:
            weights[primary] = max(weights.get(primary, 0.0), q)
    best, best_q = DEFAULT_LANGUAGE, 0.0
    for lang in LANGUAGES:
        q = weights.get(lang, star if star is not None else 0.0)
        if q > best_q:
            best, best_q = lang, q
    return best


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (a quoted strong tag), by the weak comparison
    RFC 9110 § 13.1.2 asks for: ``W/"x"`` matches ``"x"``; ``*`` matches anything."""
    if not if_none_match:
        return False
    for item in if_none_match.split(","):
        tag = item.strip()
        if tag == "*":
            return True
        if tag[:2] in ("W/", "w/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False
