"""The four designation categories of almenboligloven §§ 61 a and 61 b.

Ordered from least to most severe. Every parallelsamfund is an udsat boligområde and every
omdannelsesområde is a parallelsamfund (§ 61 a), so an area's *most severe* category is the one
that describes it on a map. A forebyggelsesområde is, by § 61 b, never also udsat.
"""

from __future__ import annotations

from geo.i18n import N_
from geo.naming import ascii_fold

CATEGORIES = ("forebyggelsesomraade", "udsat", "parallelsamfund", "omdannelsesomraade")
SEVERITY = {c: i for i, c in enumerate(CATEGORIES)}

LABELS_DA = {
    "udsat": N_("Udsat boligområde"),
    "parallelsamfund": N_("Parallelsamfund"),
    "omdannelsesomraade": N_("Omdannelsesområde"),
    "forebyggelsesomraade": N_("Forebyggelsesområde"),
}
PLURAL_DA = {
    "udsat": N_("udsatte boligområder"),
    "parallelsamfund": N_("parallelsamfund"),
    "omdannelsesomraade": N_("omdannelsesområder"),
    "forebyggelsesomraade": N_("forebyggelsesområder"),
}
# Before the 2021 amendment (L 23) the law said ghettoområde and hårdt ghettoområde.
HISTORIC_LABELS_DA = {
    "parallelsamfund": N_("Ghettoområde"),
    "omdannelsesomraade": N_("Hårdt ghettoområde"),
}

# Category spellings accepted on import, folded with geo.naming.ascii_fold.
_ACCEPTED = {
    "udsat": "udsat",
    "udsat boligomraade": "udsat",
    "udsatte boligomraader": "udsat",
    "parallelsamfund": "parallelsamfund",
    "ghettoomraade": "parallelsamfund",
    "ghetto": "parallelsamfund",
    "omdannelsesomraade": "omdannelsesomraade",
    "omdannelsesomrade": "omdannelsesomraade",
    "haardt ghettoomraade": "omdannelsesomraade",
    "hardt ghettoomraade": "omdannelsesomraade",
    "forebyggelsesomraade": "forebyggelsesomraade",
    "forebyggelsesomrade": "forebyggelsesomraade",
}

# What each category implies by law: (category, implied broader category).
IMPLIES = {"parallelsamfund": "udsat", "omdannelsesomraade": "parallelsamfund"}


def parse_category(value: object) -> str | None:
    """Return the category code for an accepted spelling, or None."""
    if not isinstance(value, str):
        return None
    key = " ".join(ascii_fold(value).replace("-", " ").replace("_", " ").split())
    return _ACCEPTED.get(key)


def most_severe(categories: list[str] | set[str]) -> str:
    """The most severe of ``categories`` (omdannelsesområde before parallelsamfund, …)."""
    return max(categories, key=SEVERITY.__getitem__)


HISTORIC_PLURAL_DA = {
    "parallelsamfund": N_("ghettoområder"),
    "omdannelsesomraade": N_("hårde ghettoområder"),
}


def labels_for(year: int | None) -> dict[str, str]:
    """Danish labels of every category in the terms of ``year``'s law.

    Parameters
    ----------
    year
        A list year (before 2021: ghettoområde / hårdt ghettoområde), or None for today's terms.

    Returns
    -------
    dict
        Category code to its label.
    """
    return {c: label(c, year) for c in CATEGORIES}


def plurals_for(year: int | None) -> dict[str, str]:
    """Danish plural names of every category in the terms of ``year``'s law."""
    if year is not None and year < 2021:
        return {**PLURAL_DA, **HISTORIC_PLURAL_DA}
    return dict(PLURAL_DA)


def label(category: str, year: int | None = None) -> str:
    """Danish label, using the term the law used in ``year``."""
    if year is not None and year < 2021 and category in HISTORIC_LABELS_DA:
        return HISTORIC_LABELS_DA[category]
    return LABELS_DA[category]
