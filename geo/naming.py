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
    if len(slug) > MAX_SLUG_LENGTH:
        raise ValueError(
            f"area name {name[:40]!r}… makes a slug of {len(slug)} characters "
            f"(at most {MAX_SLUG_LENGTH})"
        )
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
    # ASCII digits only: str.isdigit() and int() also accept "٧٥١" and "７５１"
    if not (text.isascii() and text.isdigit()) or not 101 <= int(text) <= 999:
        raise ValueError(f"municipality code {value!r} is not a number from 101 to 999")
    return f"{int(text):04d}"


# The filler that official lists append to a name: "Solbakken mv.", "Nørager/Søstjernevej
# m.fl." — only at the end of a name, where it adds no identity.
_FILLER_TAIL = ("m-fl", "mfl", "m-v", "mv", "med-flere", "m-m", "mm")


def name_parts(name: str) -> list[str]:
    """Split an area name into its words, without the trailing filler ("mv.", "m.fl.").

    ``"Gellerupparken/Toveshøj"`` → ``["gellerupparken", "toveshoej"]``.
    """
    return [w for w in name_key(name, joined=False).split("-") if w]


def name_key(name: str, *, joined: bool = True, danish: bool = True) -> str:
    """The form two spellings of one name share under the documented normalisations.

    Case, accents (é → e; æ ø å as ae oe aa, or with ``danish=False`` as ae o a),
    punctuation and spacing ("Gellerupparken / Toveshøj", "Gellerup-parken") and a trailing
    "mv." or "m.fl." make no difference; nothing else is normalised. ``joined=False`` keeps
    one ``-`` between words.
    """
    text = name if danish else name.translate(_STRIPPED)
    slug = _NON_ALNUM.sub("-", ascii_fold(text)).strip("-")
    changed = True
    while changed:
        changed = False
        for tail in _FILLER_TAIL:
            if slug.endswith("-" + tail):
                slug, changed = slug[: -len(tail) - 1], True
    return slug.replace("-", "") if joined else slug


_STRIPPED = str.maketrans({"ø": "o", "Ø": "o", "å": "a", "Å": "a"})

# Longest area name accepted (the longest official name has 34 characters) and longest slug.
MAX_NAME_LENGTH = 100
MAX_SLUG_LENGTH = 120
_BIDI_AND_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def check_name(name: object) -> str:
    """Validate an area name from an input file; return it NFC-normalised and stripped.

    Raises
    ------
    ValueError
        Blank, longer than :data:`MAX_NAME_LENGTH` characters, without letters or digits, or
        holding control, invisible or bidirectional-override characters (which would make
        two different names look the same, or break lines and URLs).
    """
    if not isinstance(name, str):
        raise ValueError(f"area name {name!r} is not text")
    text = unicodedata.normalize("NFC", name).strip()
    if not text:
        raise ValueError("area name is blank")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"area name is {len(text)} characters long (at most {MAX_NAME_LENGTH})")
    odd = sorted(
        {f"U+{ord(c):04X}" for c in text if unicodedata.category(c) in _BIDI_AND_INVISIBLE}
    )
    if odd:
        raise ValueError(
            "area name contains control or invisible characters (" + ", ".join(odd[:5]) + ")"
        )
    if not any(c.isalnum() for c in text):
        raise ValueError(f"area name {text!r} has no letters or digits")
    return text


class AreaMatcher:
    """Match area names as they arrive in files to the areas the store knows, never guessing.

    A name matches an area when, under the documented normalisations of :func:`name_key`
    (case, accents, punctuation and spacing, a trailing "mv."/"m.fl."), it equals

    1. the area's id (its slug) or its name, or
    2. a known alias of the area (other spellings and renamings, with sources, in the
       ``aliases`` table).

    Nothing else matches: not a prefix ("Munkebo Nord" is not Munkebo), not one part of a
    combined name ("Toveshøj" is not "Gellerupparken/Toveshøj"), not a similar spelling. For
    a name that does not match, :meth:`suggest` names the closest known areas, for a
    "did you mean …?". When a municipality code is given, only areas in that municipality
    (or without a known one) are considered; a name that fits two areas matches neither.
    """

    def __init__(
        self,
        areas: list[tuple[str, str, str | None]],
        aliases: Sequence[tuple[str, str]] = (),
    ):
        # areas: (area_id, name, municipality_code)
        self._areas = {a: (n, m) for a, n, m in areas}
        self._keys: dict[str, set[str]] = {}
        for area_id, name, _ in areas:
            for text in (area_id, name):
                self._add(text, area_id)
        for alias, area_id in aliases:
            if area_id in self._areas:
                self._add(alias, area_id)

    def _add(self, text: str, area_id: str) -> None:
        for key in _keys(text):
            self._keys.setdefault(key, set()).add(area_id)

    def _candidates(self, municipality: str | None) -> dict[str, tuple[str, str | None]]:
        if municipality is None:
            return self._areas
        return {a: v for a, v in self._areas.items() if v[1] in (municipality, None)}

    def match(self, name: str, municipality: str | None = None) -> str | None:
        """The id of the one area ``name`` names, or None (unknown, or fits several)."""
        if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
            return None
        candidates = self._candidates(municipality)
        found: set[str] = set()
        for key in _keys(name):
            found |= self._keys.get(key, set()) & candidates.keys()
        return found.pop() if len(found) == 1 else None

    def ambiguous(self, name: str, municipality: str | None = None) -> list[str]:
        """The areas a name fits when it fits more than one (else an empty list)."""
        candidates = self._candidates(municipality)
        found: set[str] = set()
        for key in _keys(name):
            found |= self._keys.get(key, set()) & candidates.keys()
        return sorted(found) if len(found) > 1 else []

    def suggest(self, name: str, municipality: str | None = None, n: int = 3) -> list[str]:
        """The names of up to ``n`` known areas closest to ``name`` (for "did you mean …?")."""
        import difflib

        if not isinstance(name, str):
            return []
        probe = name_key(name[:MAX_NAME_LENGTH])
        scored = []
        for known, _ in self._candidates(municipality).values():
            score = difflib.SequenceMatcher(None, probe, name_key(known)).ratio()
            if score >= 0.6:
                scored.append((-score, known))
        return [known for _, known in sorted(scored)[:n]]

    def explain(self, name: str, municipality: str | None = None) -> str:
        """A one-line reason why ``name`` matched no area, with suggestions."""
        try:
            check_name(name)
        except ValueError as exc:
            return str(exc)
        several = self.ambiguous(name, municipality)
        if several:
            return "the name fits several areas (" + ", ".join(several) + "); give its id"
        where = f" in municipality {municipality}" if municipality else ""
        hint = [repr(h) for h in self.suggest(name, municipality)]
        if not hint and municipality:
            municipality_of = {n: m for n, m in self._areas.values()}
            hint = [f"{h!r} (municipality {municipality_of[h]})" for h in self.suggest(name)]
        text = f"no area of that name{where}"
        if hint:
            text += "; did you mean " + " or ".join(hint) + "?"
        return text


def _keys(text: str) -> set[str]:
    keys = {name_key(text), name_key(text, danish=False)}
    keys.discard("")
    return keys
