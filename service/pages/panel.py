"""Data for the indicator panel of an area page (template ``_indicator_panel.html``).

Assembles, for one area: the verdict of a list year (each criterion against its threshold,
decisive criteria, margins in Danish words, bullet-chart geometry), the time series of every
indicator with a year, the undated values (the Beboerdata tables), and for omdannelsesområder
the share of almene familieboliger against the 40 % target. Danish pages get the words of
:mod:`service.maps.charts` unchanged; English pages (``lang="en"``) get the same statements
in English, with Babel's numbers (``41.5%``, ``1,382``). A Danish text without an English
translation (a rule's title or uncertainty before it is marked) is handed to the template
as ``<span lang="da">``, so an English page says which words are Danish.
"""

from __future__ import annotations

import math

from flask_babel import gettext as _
from markupsafe import Markup

from geo.i18n import N_
from indicators.catalogue import CATALOGUE, UNITS, Unit
from indicators.classify import assess_area, criterion_threshold, official_categories
from indicators.rules import rule_for_year
from indicators.values import SYNTHETIC_LABEL_DA, read_indicators
from service.formats import number
from service.i18n import say, translate
from service.maps.charts import (
    bullet,
    comparison_words,
    fmt_value,
    margin_words,
    met_words,
    time_series,
)
from service.serialise import is_missing
from service.text import category_label, year_category_label

ALMENE_TARGET = 40.0
STATUS_DA = {True: N_("ja"), False: N_("nej"), None: N_("kan ikke afgøres med de indlæste data")}
GROUP_DA = {
    "residents": N_("Beboere"),
    "udsat": N_("Udsat boligområde"),
    "ghettoomraade": N_("Ghettoområde (regler før 2018)"),
    "parallelsamfund": N_("Parallelsamfund"),
    "forebyggelsesomraade": N_("Forebyggelsesområde"),
}

# -- the words of the panel in English (Danish: service.maps.charts, unchanged) ---------------

UNIT_EN = {  # a unit after a number, and a difference of two values, in English
    "percent": ("%", "percentage points"),
    "percent_of_region": ("% of the regional average", "percentage points"),
    "ratio": ("times the national average", "times the national average"),
    "persons": ("residents", "residents"),
}
COMPARISON_EN = {"gt": "over", "ge": "at least", "lt": "under", "le": "at most"}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number_en(value: float, unit: Unit, decimals: int | None = None) -> str:
    if unit.whole:
        return number(round(value), 0, "en")
    return number(value, unit.decimals if decimals is None else decimals, "en")


def _with_unit_en(amount: str, unit: Unit, *, difference: bool = False) -> str:
    words = UNIT_EN.get(unit.code, (unit.code, unit.code))[1 if difference else 0]
    return f"{amount}{words}" if words.startswith("%") else f"{amount} {words}"


def value_words(value: float | None, code: str, lang: str) -> str:
    """:func:`service.maps.charts.fmt_value` in ``lang``."""
    if lang == "da":
        return fmt_value(value, code)
    if _missing(value):
        return _("ikke oplyst")
    unit = CATALOGUE[code].unit_info
    return _with_unit_en(_number_en(value, unit), unit)


def threshold_words(comparison: str, threshold: float, unit: Unit, lang: str) -> str:
    """:func:`service.maps.charts.comparison_words` in ``lang``."""
    if lang == "da":
        return comparison_words(comparison, threshold, unit)
    amount = number(threshold, 0 if unit.whole else None, "en")
    return f"{COMPARISON_EN[comparison]} {_with_unit_en(amount, unit)}"


def distance_words(margin: float | None, unit: Unit, lang: str, *, target: bool = False) -> str:
    """:func:`service.maps.charts.margin_words` in ``lang`` (``target``: the distance to a
    target, not to a threshold)."""
    if lang == "da":
        words = margin_words(margin, unit)
        return words.replace("grænsen", "målet") if target else words
    if margin is None:
        return _("ikke oplyst")
    what = "the target" if target else "the threshold"
    if abs(margin) < 10 ** -(unit.decimals + 2):
        return f"exactly at {what}"
    side = "over" if margin > 0 else "under"
    amount = _with_unit_en(_number_en(abs(margin), unit), unit, difference=True)
    return f"{amount} {side} {what}"


def met_text(met: bool | None, lang: str) -> str:
    """:func:`service.maps.charts.met_words` in ``lang``."""
    if lang == "da":
        return met_words(met)
    return {True: "met", False: "not met", None: "not published"}[met]


def ui_text(text: str | None, lang: str):
    """A Danish UI text from below ``service/`` in ``lang``: its translation, or on an
    English page without one the Danish text marked ``lang="da"``."""
    if not text or lang == "da":
        return text
    english = say(text)
    if english != text:
        return english
    return Markup('<span lang="da">{}</span>').format(text)


def _criterion_label(label_da: str, indicator: str, lang: str):
    """A criterion's name in ``lang``: its translation, else the indicator's English name."""
    if lang == "da":
        return label_da
    english = say(label_da)
    if english != label_da:
        return english
    return CATALOGUE[indicator].label_en if indicator in CATALOGUE else ui_text(label_da, lang)


def _indicator_name(code: str, lang: str, *, short: bool = False) -> str:
    ind = CATALOGUE[code]
    if lang == "da":
        return ind.short_da if short else ind.label_da
    return ind.label_en


def _category_name(category: str, year: int, lang: str) -> str:
    if lang == "da":
        return year_category_label(category, year)
    if category == "ghettoomraade":
        return _("Ghettoområde (regler før 2018)")
    return category_label(category, lang, year)


def _source(text, lang: str):
    """A source or note read from the data files: Danish as published (``lang="da"``)."""
    if lang == "da" or not text or str(text).startswith("http"):
        return text
    return Markup('<span lang="da">{}</span>').format(text)


def _criterion_row(c, year: int, lang: str = "da") -> dict:
    unit = CATALOGUE[c.indicator].unit_info
    value = value_words(c.value, c.indicator, lang)
    threshold = threshold_words(c.comparison, c.threshold, unit, lang)
    short = _indicator_name(c.indicator, lang, short=True)
    return {
        "key": c.key,
        "group": c.group,
        "label": _criterion_label(c.label_da, c.indicator, lang),
        "indicator_label": short,
        "value": value,
        "threshold": threshold,
        "met": c.met,
        "met_words": met_text(c.met, lang),
        "margin": distance_words(c.margin, unit, lang),
        "decisive": c.decisive,
        "basis": "" if c.basis in ("", "ikke oplyst") else ui_text(c.basis, lang),
        "chart": bullet(c.value, c.threshold, unit=unit.code, met=c.met),
        "chart_title": _(
            "%(indicator)s %(year)s: %(value)s; grænse %(threshold)s",
            indicator=short,
            year=year,
            value=value,
            threshold=threshold,
        ),
    }


def _thresholds_for(code: str, years: list[int]) -> list[tuple[int, float]]:
    """The threshold each year's rule puts on ``code``."""
    found = ((year, criterion_threshold(code, year)) for year in years)
    return [(year, t[0]) for year, t in found if t is not None]


def _series(own, lang: str = "da") -> list[dict]:
    dated = own[own["year"].notna() & own["value"].notna()]
    out = []
    for code in [c for c in CATALOGUE if c in set(dated["code"])]:
        rows = dated[dated["code"] == code].sort_values("year")
        points = [(int(y), float(v)) for y, v in zip(rows["year"], rows["value"], strict=True)]
        years = [y for y, _ in points]
        thresholds = _thresholds_for(code, list(range(min(years), max(years) + 1)))
        ind = CATALOGUE[code]
        out.append(
            {
                "code": code,
                "label": _indicator_name(code, lang),
                "short": _indicator_name(code, lang, short=True),
                "chart": time_series(points, thresholds, unit=ind.unit),
                "rows": [
                    {
                        "year": int(r.year),
                        "value": value_words(r.value, code, lang),
                        "source": _source(r.source, lang),
                        "note": _source(r.note, lang),
                    }
                    for r in rows.itertuples()
                ],
                "has_threshold": bool(thresholds),
            }
        )
    return out


def _undated(own, lang: str = "da") -> list[dict]:
    rows = own[own["year"].isna()]
    return [
        {
            "code": r.code,
            "label": _indicator_name(r.code, lang),
            "value": value_words(None if is_missing(r.value) else r.value, r.code, lang),
            "source": _source(r.source, lang),
            "note": _source(r.note, lang),
        }
        for r in rows.itertuples()
    ]


def _almene(store, area_id: str, own, lang: str = "da") -> dict | None:
    designations = store.read("designations")
    mine = designations[
        (designations["area_id"] == area_id) & (designations["category"] == "omdannelsesomraade")
    ]
    if not len(mine):
        return None
    rows = own[
        (own["code"] == "almene_familieboliger_share") & own["year"].notna() & own["value"].notna()
    ].sort_values("year")
    unit = UNITS["percent"]
    base = {
        "years": sorted(int(y) for y in mine["year"].unique()),
        "target": threshold_words("le", ALMENE_TARGET, unit, lang),
    }
    if not len(rows):
        return {**base, "value": None}
    latest = rows.iloc[-1]
    value = float(latest["value"])
    met = value <= ALMENE_TARGET
    return {
        **base,
        "value": value_words(value, "almene_familieboliger_share", lang),
        "year": int(latest["year"]),
        "met": met,
        "margin": distance_words(round(value - ALMENE_TARGET, 6), unit, lang, target=True),
        "chart": bullet(value, ALMENE_TARGET, unit="percent", met=not met),
        "source": _source(latest["source"], lang),
    }


def _omdannelse_text(verdict, year: int) -> str | None:
    """The run of parallelsamfund years, in the page's language (whole sentences)."""
    o = verdict.omdannelse
    if o is None:
        return None
    parallel = verdict.status["parallelsamfund"]
    if parallel is False:
        return _(
            "Ikke parallelsamfund i %(year)s efter de indlæste værdier, så kravet er ikke opfyldt.",
            year=year,
        )
    count = o.consecutive_years + (0 if parallel else 1)
    if parallel is None:
        if o.at_least:
            return _(
                "Om området var parallelsamfund i %(year)s, kan ikke afgøres ud fra de indlæste "
                "værdier; var det, er det mindst %(n)s år i træk til og med %(year)s (årene før "
                "de tidligste indlæste lister kendes ikke).",
                year=year,
                n=count,
            )
        return _(
            "Om området var parallelsamfund i %(year)s, kan ikke afgøres ud fra de indlæste "
            "værdier; var det, er det %(n)s år i træk til og med %(year)s.",
            year=year,
            n=count,
        )
    if o.at_least:
        return _(
            "Mindst %(n)s år i træk til og med %(year)s (årene før de tidligste indlæste lister "
            "kendes ikke).",
            year=year,
            n=count,
        )
    return _("%(n)s år i træk til og med %(year)s.", year=year, n=count)


def area_panel(
    store,
    area_id: str,
    *,
    year_arg: str | None = None,
    synthetic: bool = False,
    lang: str = "da",
):
    """Everything the indicator panel of ``area_id`` shows, in ``lang``."""
    frame = read_indicators(store, synthetic=synthetic)
    own = frame[frame["area_id"] == area_id]
    dated = own[own["year"].notna()]
    years = sorted(int(y) for y in dated["year"].unique())
    rule_years = [y for y in years if y >= 2010]
    note = None
    year = None
    if year_arg:
        if year_arg.isascii() and year_arg.isdigit() and int(year_arg) in rule_years:
            year = int(year_arg)
        else:
            note = _(
                "Ingen indikatorværdier for %(year)s; viser det seneste år med værdier.",
                year=year_arg,
            )
    if year is None and rule_years:
        year = rule_years[-1]
    verdict = assess_area(store, area_id, year, synthetic=synthetic) if year else None
    panel = {
        "area_id": area_id,
        "synthetic": synthetic,
        "synthetic_label": ui_text(SYNTHETIC_LABEL_DA, lang),
        "year": year,
        "years": rule_years,
        "note": note,
        "series": _series(own, lang),
        "undated": _undated(own, lang),
        "almene": _almene(store, area_id, own, lang),
        "has_values": bool(len(own)),
    }
    if verdict is None:
        panel["verdict"] = None
        return panel
    official = official_categories(store, year).get(area_id, [])
    rule = rule_for_year(year)
    conditional, floor = None, None
    if verdict.criteria[0].met is None:
        # Only the residents figure may be missing: say what the criteria decide if the area
        # has the 1,000 residents every list requires, and mark decisive criteria on that
        # basis (with the residents unknown, no single criterion could change anything).
        floor = assess_area(
            store,
            area_id,
            year,
            synthetic=synthetic,
            extra_values={"residents": float(rule.min_residents)},
        )
        conditional = [
            {"label": _category_name(c, year, lang), "words": translate(STATUS_DA[floor.status[c]])}
            for c in rule.categories
        ]
    decisive = {c.key: c.decisive for c in (floor or verdict).criteria if c.key != "residents"}
    groups = []
    for group in ("residents", "ghettoomraade", "udsat", "parallelsamfund", "forebyggelsesomraade"):
        rows = [_criterion_row(c, year, lang) for c in verdict.criteria if c.group == group]
        if not rows:
            continue
        for row in rows:
            row["decisive"] = decisive.get(row["key"], row["decisive"])
        heading = translate(GROUP_DA[group])
        if group in verdict.required:
            unknown = sum(r["met"] is None for r in rows)
            counts = {
                "group": heading,
                "required": verdict.required[group],
                "n": len(rows),
                "met": verdict.met_count[group],
                "unknown": unknown,
            }
            heading = (
                _(
                    "%(group)s: mindst %(required)s af %(n)s kriterier skal være opfyldt "
                    "(%(met)s opfyldt, %(unknown)s ikke oplyst)",
                    **counts,
                )
                if unknown
                else _(
                    "%(group)s: mindst %(required)s af %(n)s kriterier skal være opfyldt "
                    "(%(met)s opfyldt)",
                    **counts,
                )
            )
        groups.append({"group": group, "heading": heading, "rows": rows})
    panel["verdict"] = {
        "conditional": conditional,
        "decisive_given_floor": floor is not None,
        "omdannelse_text": _omdannelse_text(verdict, year),
        "rule": rule.name,
        "rule_title": ui_text(rule.title_da, lang),
        "statuses": [
            {
                "category": c,
                "label": _category_name(c, year, lang),
                "status": verdict.status[c],
                "words": translate(STATUS_DA[verdict.status[c]]),
                "official": c in official,
            }
            for c in rule.categories
        ],
        "groups": groups,
        "omdannelse": verdict.omdannelse,
        "uncertainties": [ui_text(u, lang) for u in verdict.uncertainties],
        "omdannelse_years": [
            {"year": y.year, "basis": ui_text(y.basis, lang)} for y in verdict.omdannelse.years
        ]
        if verdict.omdannelse
        else [],
        "official": [_category_name(c, year, lang) for c in rule.categories if c in official],
    }
    return panel
