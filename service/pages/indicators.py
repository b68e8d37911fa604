"""Pages for indicators: comparison across areas, the rules in plain words, what-if, and the
national map coloured by an indicator (its script route). Danish, or English with ``?sprog=en``:
the Danish texts of ``indicators`` are translated on output (:func:`say`)."""

from __future__ import annotations

import math

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from geo.areas import list_years
from geo.i18n import N_
from indicators.catalogue import CATALOGUE, UNITS
from indicators.categories import label as category_name
from indicators.classify import (
    classify,
    criteria_reproduction,
    criterion_threshold,
    indicator_table,
)
from indicators.rules import VERSIONS, override_keys
from indicators.rules.history import CANDIDATE_YEARS, history_report_for_store
from indicators.values import SYNTHETIC_LABEL_DA, has_synthetic, read_indicators
from service.errors import BadParameter, NotFoundError
from service.formats import page_language
from service.i18n import say, translate
from service.maps.base import script_response
from service.maps.charts import ranked_bars
from service.maps.indicators import number_text, threshold_words, value_text
from service.params import (
    parse_code,
    parse_dataset,
    parse_indicator_year,
    parse_overrides,
    parse_rule,
    parse_year,
    rule_defaults,
)
from service.store_access import get_store

bp = Blueprint("indicator_pages", __name__)

DEFAULT_COMPARE = "youth_not_in_education"
STRUCTURAL_LABELS_DA = {
    "min_residents": N_("Mindste antal beboere"),
    "min_met": N_(
        "Antal af kriterierne for udsat boligområde (før 2018: ghettoområde), der skal være opfyldt"
    ),
    "omdannelse_years": N_("År i træk som parallelsamfund for et omdannelsesområde"),
    "forebyggelse_min_met": N_("Antal af forebyggelseskriterierne, der skal være opfyldt"),
}


def category_label(category: str, year: int | None) -> str:
    """A category's name in the terms of ``year``'s law, in the page's language (the old
    ghetto lists' category included)."""
    if category == "ghettoomraade":
        return _("Ghettoområde (regler før 2018)")
    return translate(category_name(category, year)) or category


@bp.route("/sammenlign")
def compare():
    store = get_store()
    synthetic = parse_dataset(request.args.get("data"), param="data")
    code = parse_code(request.args.get("indikator"), param="indikator", default=DEFAULT_COMPARE)
    raw_year = parse_indicator_year(request.args.get("aar"), param="aar")
    frame = read_indicators(store, synthetic=synthetic)
    rows = frame[frame["code"] == code]
    years = sorted(int(y) for y in rows["year"].dropna().unique())
    has_undated = bool(rows["year"].isna().any())
    if raw_year == "":
        year = years[-1] if years else (None if has_undated else list_years(store)[-1])
    else:
        year = raw_year
    if year is None and not has_undated:
        raise NotFoundError(f"no undated values for {code}")
    if year is not None and year not in years and year not in list_years(store):
        raise NotFoundError(
            _(
                "ingen værdier for %(indicator)s i %(year)s og ingen liste det år",
                indicator=translate(CATALOGUE[code].short_da),
                year=year,
            )
        )
    table = indicator_table(store, code, year, synthetic=synthetic)
    ind = CATALOGUE[code]
    found = criterion_threshold(code, year) if year is not None else None
    threshold = found[0] if found else None
    records = [
        {
            "area_id": r.area_id,
            "name": r.name,
            "value": None if math.isnan(r.value) else float(r.value),
            "value_text": value_text(None if math.isnan(r.value) else r.value, code),
            "rank": None if math.isnan(r.rank) else int(r.rank),
            "source": r.source,
            "note": r.note,
        }
        for r in table.itertuples()
    ]
    chart = ranked_bars(records, unit=ind.unit, threshold=threshold)
    if page_language() != "da":
        for bar, r in zip(chart["bars"], records, strict=True):
            bar["label"] = number_text(r["value"], ind.unit_info)
    year_options = [("uden", _("uden årstal"))] if has_undated else []
    year_options += [(str(y), str(y)) for y in sorted(set(years) | set(list_years(store)))]
    return render_template(
        "indicators/compare.html",
        code=code,
        indicator=ind,
        short=translate(ind.short_da),
        label=translate(ind.label_da),
        unit_label=translate(ind.unit_info.label_da),
        source=translate(ind.source),
        criterion=translate(ind.criterion),
        indicator_options=[(c, translate(i.short_da)) for c, i in CATALOGUE.items()],
        year=year,
        year_value="uden" if year is None else str(year),
        year_options=year_options,
        records=records,
        published=sum(r["value"] is not None for r in records),
        chart=chart,
        threshold_text=None
        if found is None
        else threshold_words(found[1], found[0], UNITS[ind.unit]),
        sources=sorted({r["source"] for r in records if r["source"]}),
        notes=sorted({r["note"] for r in records if r["note"]}),
        synthetic=synthetic,
        synthetic_label=translate(SYNTHETIC_LABEL_DA),
        offer_synthetic=has_synthetic(store),
        tr=translate,
    )


@bp.route("/om-reglerne")
def rules_page():
    store = get_store()
    report = history_report_for_store(store)
    reproduction = criteria_reproduction(store)
    omdannelse = {}
    for row in report["omdannelse"]:
        omdannelse.setdefault(row["with_earlier_lists"], {}).setdefault(row["year"], {})[
            row["years_required"]
        ] = row
    verdict = {(v["with_earlier_lists"], v["year"]): v for v in report["verdict"]}
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    versions = []
    for rule in VERSIONS.values():
        versions.append(
            {
                "rule": rule,
                "criteria": [
                    {
                        "label": say(c.label_da),
                        "label_da": c.label_da,
                        "comparison": threshold_words(
                            c.comparison, c.threshold, CATALOGUE[c.indicator].unit_info
                        ),
                        "period": say(c.period_da),
                        "indicator": translate(CATALOGUE[c.indicator].short_da),
                    }
                    for c in rule.criteria()
                ],
                "categories": [category_label(c, rule.first_year) for c in rule.categories],
            }
        )
    return render_template(
        "indicators/rules.html",
        versions=versions,
        report=report,
        omdannelse=omdannelse,
        verdict=verdict,
        candidates=CANDIDATE_YEARS,
        reproduction=reproduction,
        names=names,
        category_label=category_label,
        tr=say,
    )


@bp.route("/hvad-hvis")
def what_if():
    store = get_store()
    synthetic = parse_dataset(request.args.get("data"), param="data")
    years = list_years(store)
    year = parse_year(request.args.get("aar"), years)
    rule = parse_rule(request.args.get("regel"), year, param="regel")
    reserved = {"regel", "aar", "data"}
    overrides = parse_overrides(request.args, rule, reserved=reserved, skip_defaults=True)
    try:
        result = classify(store, year, rule=rule.name, overrides=overrides, synthetic=synthetic)
    except ValueError as exc:
        raise BadParameter(str(exc)) from None
    defaults = rule_defaults(rule)
    criteria = {c.key: c.label_da for c in rule.criteria()}  # phrases, said in the page's language
    fields = []
    for key in override_keys(rule):
        fields.append(
            {
                "key": key,
                "label": say(STRUCTURAL_LABELS_DA.get(key) or criteria[key]),
                "value": overrides.get(key, defaults[key]),
                "default": defaults[key],
                "changed": key in overrides,
            }
        )
    value_years = sorted(
        int(y) for y in read_indicators(store, synthetic=synthetic)["year"].dropna().unique()
    )
    return render_template(
        "indicators/whatif.html",
        rule=rule,
        rules=VERSIONS,
        year=year,
        year_options=sorted(set(years) | {y for y in value_years if y >= 2010}),
        fields=fields,
        overrides=overrides,
        result=result,
        category_label=category_label,
        tr=say,
        synthetic=synthetic,
        synthetic_label=translate(SYNTHETIC_LABEL_DA),
        offer_synthetic=has_synthetic(store),
        api_url=url_for(
            "indicator_api.classify_api",
            rule=rule.name,
            year=year,
            **({"dataset": "synthetic"} if synthetic else {}),
            **overrides,
        ),
    )


@bp.route("/kort/<int:year>/indikator/<code>/kort.js")
def indicator_map_script(year: int, code: str):
    from geo.areas import require_year
    from service.maps.indicators import indicator_map_for

    store = get_store()
    require_year(store, year)
    built, _legend, _params = indicator_map_for(store, year, code, request.args)
    return script_response(built.script)
