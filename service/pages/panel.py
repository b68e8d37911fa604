"""Data for the indicator panel of an area page (template ``_indicator_panel.html``).

Assembles, for one area: the verdict of a list year (each criterion against its threshold,
decisive criteria, margins in Danish words, bullet-chart geometry), the time series of every
indicator with a year, the undated values (the Beboerdata tables), and for omdannelsesområder
the share of almene familieboliger against the 40 % target. No Flask here.
"""

from __future__ import annotations

from indicators.catalogue import CATALOGUE, UNITS
from indicators.classify import assess_area, criterion_threshold, official_categories
from indicators.rules import rule_for_year
from indicators.values import SYNTHETIC_LABEL_DA, read_indicators
from service.maps.charts import (
    bullet,
    comparison_words,
    fmt_value,
    margin_words,
    met_words,
    time_series,
)
from service.serialise import is_missing
from service.text import year_category_label

ALMENE_TARGET = 40.0
STATUS_DA = {True: "ja", False: "nej", None: "kan ikke afgøres med de indlæste data"}
GROUP_DA = {
    "residents": "Beboere",
    "udsat": "Udsat boligområde",
    "ghettoomraade": "Ghettoområde (regler før 2018)",
    "parallelsamfund": "Parallelsamfund",
    "forebyggelsesomraade": "Forebyggelsesområde",
}


def _criterion_row(c, year: int) -> dict:
    unit = CATALOGUE[c.indicator].unit_info
    return {
        "key": c.key,
        "group": c.group,
        "label": c.label_da,
        "indicator_label": CATALOGUE[c.indicator].short_da,
        "value": fmt_value(c.value, c.indicator),
        "threshold": comparison_words(c.comparison, c.threshold, unit),
        "met": c.met,
        "met_words": met_words(c.met),
        "margin": margin_words(c.margin, unit),
        "decisive": c.decisive,
        "basis": "" if c.basis in ("", "ikke oplyst") else c.basis,
        "chart": bullet(c.value, c.threshold, unit=unit.code, met=c.met),
        "chart_title": f"{CATALOGUE[c.indicator].short_da} {year}: "
        f"{fmt_value(c.value, c.indicator)}; grænse "
        f"{comparison_words(c.comparison, c.threshold, unit)}",
    }


def _thresholds_for(code: str, years: list[int]) -> list[tuple[int, float]]:
    """The threshold each year's rule puts on ``code``."""
    found = ((year, criterion_threshold(code, year)) for year in years)
    return [(year, t[0]) for year, t in found if t is not None]


def _series(own) -> list[dict]:
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
                "label": ind.label_da,
                "short": ind.short_da,
                "chart": time_series(points, thresholds, unit=ind.unit),
                "rows": [
                    {
                        "year": int(r.year),
                        "value": fmt_value(r.value, code),
                        "source": r.source,
                        "note": r.note,
                    }
                    for r in rows.itertuples()
                ],
                "has_threshold": bool(thresholds),
            }
        )
    return out


def _undated(own) -> list[dict]:
    rows = own[own["year"].isna()]
    return [
        {
            "code": r.code,
            "label": CATALOGUE[r.code].label_da,
            "value": fmt_value(None if is_missing(r.value) else r.value, r.code),
            "source": r.source,
            "note": r.note,
        }
        for r in rows.itertuples()
    ]


def _almene(store, area_id: str, own) -> dict | None:
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
        "target": comparison_words("le", ALMENE_TARGET, unit),
    }
    if not len(rows):
        return {**base, "value": None}
    latest = rows.iloc[-1]
    value = float(latest["value"])
    met = value <= ALMENE_TARGET
    return {
        **base,
        "value": fmt_value(value, "almene_familieboliger_share"),
        "year": int(latest["year"]),
        "met": met,
        "margin": margin_words(round(value - ALMENE_TARGET, 6), unit).replace("grænsen", "målet"),
        "chart": bullet(value, ALMENE_TARGET, unit="percent", met=not met),
        "source": latest["source"],
    }


def _omdannelse_text(verdict, year: int) -> str | None:
    o = verdict.omdannelse
    if o is None:
        return None
    parallel = verdict.status["parallelsamfund"]
    if parallel is False:
        return (
            f"Ikke parallelsamfund i {year} efter de indlæste værdier, så kravet er ikke opfyldt."
        )
    count = o.consecutive_years + (0 if parallel else 1)
    text = f"{'mindst ' if o.at_least else ''}{count} år i træk til og med {year}"
    if parallel is None:
        text = (
            f"Om området var parallelsamfund i {year}, kan ikke afgøres ud fra de indlæste "
            f"værdier; var det, er det {text}"
        )
    else:
        text = text[0].upper() + text[1:]
    if o.at_least:
        text += " (årene før de tidligste indlæste lister kendes ikke)"
    return text + "."


def area_panel(store, area_id: str, *, year_arg: str | None = None, synthetic: bool = False):
    """Everything the indicator panel of ``area_id`` shows."""
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
            note = f"Ingen indikatorværdier for {year_arg}; viser det seneste år med værdier."
    if year is None and rule_years:
        year = rule_years[-1]
    verdict = assess_area(store, area_id, year, synthetic=synthetic) if year else None
    panel = {
        "area_id": area_id,
        "synthetic": synthetic,
        "synthetic_label": SYNTHETIC_LABEL_DA,
        "year": year,
        "years": rule_years,
        "note": note,
        "series": _series(own),
        "undated": _undated(own),
        "almene": _almene(store, area_id, own),
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
            {"label": year_category_label(c, year), "words": STATUS_DA[floor.status[c]]}
            for c in rule.categories
        ]
    decisive = {c.key: c.decisive for c in (floor or verdict).criteria if c.key != "residents"}
    groups = []
    for group in ("residents", "ghettoomraade", "udsat", "parallelsamfund", "forebyggelsesomraade"):
        rows = [_criterion_row(c, year) for c in verdict.criteria if c.group == group]
        if not rows:
            continue
        for row in rows:
            row["decisive"] = decisive.get(row["key"], row["decisive"])
        heading = GROUP_DA[group]
        if group in verdict.required:
            unknown = sum(r["met"] is None for r in rows)
            heading += (
                f": mindst {verdict.required[group]} af {len(rows)} kriterier skal være "
                f"opfyldt ({verdict.met_count[group]} opfyldt"
                + (f", {unknown} ikke oplyst" if unknown else "")
                + ")"
            )
        groups.append({"group": group, "heading": heading, "rows": rows})
    panel["verdict"] = {
        "conditional": conditional,
        "decisive_given_floor": floor is not None,
        "omdannelse_text": _omdannelse_text(verdict, year),
        "rule": rule.name,
        "rule_title": rule.title_da,
        "statuses": [
            {
                "category": c,
                "label": year_category_label(c, year),
                "status": verdict.status[c],
                "words": STATUS_DA[verdict.status[c]],
                "official": c in official,
            }
            for c in rule.categories
        ],
        "groups": groups,
        "omdannelse": verdict.omdannelse,
        "uncertainties": verdict.uncertainties,
        "official": [year_category_label(c, year) for c in rule.categories if c in official],
    }
    return panel
