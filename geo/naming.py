"""Stable identifiers for areas and municipalities.

An area's id is its slug: the name in lowercase ASCII with æ→ae, ø→oe, å→aa, every other
accent dropped and every run of other characters replaced by one ``-``. The slug is stable
across list years because the embedded lists keep one name per area.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Lowercase ASCII form of ``text`` with the Danish letters spelled out."""
    text = text.translate(_DANISH)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def area_slug(name: str) -> str:
    """Return the URL slug of an area name.

    >>> area_slug("Gellerupparken/Toveshøj")
    'gellerupparken-toveshoej'
    >>> area_slug("Gl. Jennumparken")
    'gl-jennumparken'
    """
    slug = _NON_ALNUM.sub("-", ascii_fold(name)).strip("-")
    if not slug:
        raise ValueError(f"area name {name!r} has no letters or digits to make a slug from")
    return slug


def municipality_code(value: object) -> str:
    """Normalise a municipality code to the four-digit DAGI form (``101`` → ``"0101"``).

    Raises
    ------
    ValueError
        When ``value`` is not a whole number between 101 and 999 (the official range).
    """
    text = str(value).strip()
    if text.endswith(".0"):  # spreadsheets hand integers over as floats
        text = text[:-2]
    if not text.isdigit() or not 101 <= int(text) <= 999:
        raise ValueError(f"municipality code {value!r} is not a number from 101 to 999")
    return f"{int(text):04d}"


# Words that carry no identity in an estate name ("Solbakken mv.", "Nørager/Søstjernevej m.fl.").
_FILLER = {"mv", "m", "fl", "mfl", "og", "omraadet", "afd", "afdeling", "boligomraade", "kvarteret"}


def name_parts(name: str) -> list[str]:
    """Split an area name into its identifying parts.

    ``"Gellerupparken/Toveshøj"`` → ``["gellerupparken", "toveshoej"]``; filler such as
    ``mv.`` or ``m.fl.`` is dropped.
    """
    words = _NON_ALNUM.split(ascii_fold(name))
    return [w for w in words if w and w not in _FILLER]


class AreaMatcher:
    """Match area names as they arrive in files to the areas the store knows.

    Tried in order, the first unique hit wins:

    1. the slug equals a known area id;
    2. the slug equals a known alias (other spellings and renamings, with sources);
    3. one part of the name equals, or is a prefix of at least five letters of, a part of
       exactly one known area's name ("Gellerup" → "Gellerupparken/Toveshøj");
    4. the closest name by edit similarity, when it is close (ratio ≥ 0.85) and clearly
       closer than the runner-up.

    When a municipality code is given, only areas in that municipality are considered.
    """

    def __init__(
        self,
        areas: list[tuple[str, str, str | None]],
        aliases: Sequence[tuple[str, str]] = (),
    ):
        # areas: (area_id, name, municipality_code)
        self._areas = {a: (n, m) for a, n, m in areas}
        self._aliases = {area_slug(alias): area_id for alias, area_id in aliases}

    def _candidates(self, municipality: str | None) -> dict[str, tuple[str, str | None]]:
        if municipality is None:
            return self._areas
        return {a: v for a, v in self._areas.items() if v[1] in (municipality, None)}

    def match(self, name: str, municipality: str | None = None) -> str | None:
        """The area id that ``name`` (in ``municipality`` if given) names, or None."""
        import difflib

        try:
            slug = area_slug(name)
        except ValueError:
            return None
        candidates = self._candidates(municipality)
        if slug in candidates:
            return slug
        alias = self._aliases.get(slug)
        if alias in candidates:
            return alias
        parts = name_parts(name)
        hits = set()
        for area_id, (known, _) in candidates.items():
            known_parts = name_parts(known)
            for p in parts:
                for k in known_parts:
                    if (
                        p == k
                        or (len(p) >= 5 and k.startswith(p))
                        or (len(k) >= 5 and p.startswith(k))
                    ):
                        hits.add(area_id)
        if len(hits) == 1:
            return hits.pop()
        if hits:
            return None  # ambiguous: report, never guess
        scored = sorted(
            ((difflib.SequenceMatcher(None, slug, a).ratio(), a) for a in candidates),
            reverse=True,
        )
        if (
            scored
            and scored[0][0] >= 0.85
            and (len(scored) == 1 or scored[1][0] < scored[0][0] - 0.05)
        ):
            return scored[0][1]
        return None
