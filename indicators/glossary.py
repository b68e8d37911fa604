"""The glossary (ordforklaring): the legal and evaluation terms the product uses.

Each term has a definition in plain Danish and our English explanation of it (with an
English rendering of the term), its law reference where there is one and the source it was
taken from (``data/default/glossary.csv``). :func:`find_terms` locates the
terms in a text so that the service can link them to their explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

FILE = Path(__file__).resolve().parents[1] / "data" / "default" / "glossary.csv"


@dataclass(frozen=True)
class Term:
    """A glossary term with its explanation and source or law reference."""

    slug: str
    term: str
    forms: tuple[str, ...]  # the inflected forms linked in running text
    definition: str
    law: str
    source: str
    source_url: str
    term_en: str = ""
    definition_en: str = ""
    law_en: str = ""

    def as_dict(self) -> dict:
        """The term as plain data (JSON-ready)."""
        return {
            "id": self.slug,
            "term": self.term,
            "term_en": self.term_en,
            "forms": list(self.forms),
            "definition_da": self.definition,
            "definition_en": self.definition_en,
            "law": self.law or None,
            "law_en": self.law_en or None,
            "source": self.source,
            "source_url": self.source_url or None,
        }


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    """Every term, in alphabetical order.

    Raises
    ------
    ValueError
        A duplicate slug, a term without its English rendering or explanation, or a law
        reference in only one of the two languages (file, slug and column named).
    """
    table = pd.read_csv(FILE, dtype=str, keep_default_na=False)
    missing = [c for c in ("term_en", "definition_en", "law_en") if c not in table.columns]
    if missing:
        raise ValueError(f"{FILE}: missing columns {missing}")
    for r in table.to_dict("records"):
        for column in ("term_en", "definition_en"):
            if not r[column].strip():
                raise ValueError(f"{FILE}: term {r['slug']!r}: {column} is blank")
        if bool(r["law"].strip()) != bool(r["law_en"].strip()):
            raise ValueError(
                f"{FILE}: term {r['slug']!r}: law {r['law']!r} and law_en {r['law_en']!r} "
                "must both be given or both be blank"
            )
    out = [
        Term(
            slug=r["slug"],
            term=r["term"],
            forms=tuple(f.strip() for f in r["forms"].split("|") if f.strip()),
            definition=r["definition"],
            law=r["law"],
            source=r["source"],
            source_url=r["source_url"],
            term_en=r["term_en"],
            definition_en=r["definition_en"],
            law_en=r["law_en"],
        )
        for r in table.to_dict("records")
    ]
    slugs = [t.slug for t in out]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{FILE}: duplicate slugs")
    return tuple(sorted(out, key=lambda t: t.term))


def get(slug: str) -> Term:
    """The term with ``slug``; KeyError naming the known slugs otherwise."""
    for t in terms():
        if t.slug == slug:
            return t
    raise KeyError(f"unknown term {slug!r}; known: " + ", ".join(t.slug for t in terms()))


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    by_form = {f.lower(): t.slug for t in terms() for f in t.forms}
    # Longest first, so "udsatte boligområder" wins over "boligområder"-like shorter forms.
    forms = sorted(by_form, key=len, reverse=True)
    alternation = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![\w-])({alternation})(?![\w-])", re.IGNORECASE), by_form


def find_terms(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping occurrences of glossary terms in ``text``: (start, end, slug).

    Whole words only, case-insensitive, the longest form first.
    """
    pattern, by_form = _pattern()
    return [(m.start(), m.end(), by_form[m.group(1).lower()]) for m in pattern.finditer(text)]
