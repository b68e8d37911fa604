"""JSON API for indicators, the legal rules and what-if classification.

Every response says whether it uses the synthetic example data (``"synthetic": true`` and
``"synthetic_label": "syntetiske eksempeldata"``); errors have the one shape of
:mod:`service.errors`.
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, jsonify, request, url_for

from geo.areas import get_area, list_years
from indicators.catalogue import CATALOGUE, catalogue_records
from indicators.classify import classify, indicator_table
from indicators.rules import VERSIONS, override_keys, rule_for_year
from indicators.values import SYNTHETIC_LABEL_DA, read_indicators
from service.api.indicators_spec import PATHS as INDICATOR_PATHS
from service.api.indicators_spec import SCHEMAS as INDICATOR_SCHEMAS
from service.downloads import (
    CSV_TYPE,
    TEXT_COLUMNS,
    XLSX_TYPE,
    attachment,
    dialect_arg,
    file_name,
    frame_csv_bytes,
    xlsx_bytes,
)
from service.params import (
    parse_code,
    parse_dataset,
    parse_indicator_year,
    parse_overrides,
    parse_rule,
    parse_year,
    rule_defaults,
)
from service.serialise import clean
from service.store_access import get_store
from service.text import year_category_label

bp = Blueprint("indicator_api", __name__, url_prefix="/api")


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths and schemas (collected by :mod:`service.api.openapi`)."""
    return INDICATOR_PATHS, INDICATOR_SCHEMAS


def _labelled(body: dict, synthetic: bool) -> dict:
    body["synthetic"] = synthetic
    if synthetic:
        body["synthetic_label"] = SYNTHETIC_LABEL_DA
    return body


@bp.route("/indicator-catalogue")
def catalogue():
    return jsonify({"indicators": catalogue_records()})


@bp.route("/rules")
def rules():
    out = []
    for rule in VERSIONS.values():
        out.append(
            {
                "name": rule.name,
                "title_da": rule.title_da,
                "law_da": rule.law_da,
                "list_years": [rule.first_year, rule.last_year],
                "categories": list(rule.categories),
                "min_residents": rule.min_residents,
                "criteria": [
                    {
                        "key": c.key,
                        "indicator": c.indicator,
                        "comparison": c.comparison,
                        "threshold": c.threshold,
                        "label_da": c.label_da,
                        "period_da": c.period_da,
                    }
                    for c in rule.criteria()
                ],
                "udsat_min_met": rule.base.min_met,
                "omdannelse_years": rule.omdannelse_years,
                "forebyggelse_min_met": rule.forebyggelse.min_met if rule.forebyggelse else None,
                "overrides": override_keys(rule),
                "plain_da": list(rule.plain_da),
                "uncertainties": list(rule.uncertainties),
                "sources": list(rule.sources),
            }
        )
    return jsonify({"rules": out})


@bp.route("/areas/<slug>/indicators")
def area_indicators(slug: str):
    store = get_store()
    synthetic = parse_dataset(request.args.get("dataset"))
    area = get_area(store, slug)  # 404 for an unknown area
    frame = read_indicators(store, synthetic=synthetic)
    own = frame[frame["area_id"] == slug].sort_values(["code", "year"], na_position="first")
    values = [
        {
            "year": None if pd.isna(r.year) else int(r.year),
            "code": r.code,
            "label_da": CATALOGUE[r.code].label_da,
            "unit": CATALOGUE[r.code].unit,
            "value": clean(r.value),
            "source": r.source,
            "note": r.note,
            "dataset": r.dataset,
        }
        for r in own.itertuples()
    ]
    from indicators.classify import assess_area

    verdicts = []
    for year in sorted({v["year"] for v in values if v["year"] is not None and v["year"] >= 2010}):
        verdicts.append(assess_area(store, slug, year, synthetic=synthetic).to_dict())
    body = {
        "area_id": slug,
        "name": area["name"],
        "url": url_for("pages.area_page", slug=slug),
        "values": values,
        "verdicts": verdicts,
    }
    return jsonify(_labelled(body, synthetic))


@bp.route("/indicators")
def indicators():
    store = get_store()
    synthetic = parse_dataset(request.args.get("dataset"))
    code = parse_code(request.args.get("code"), param="code")
    year = parse_indicator_year(request.args.get("year"), param="year")
    frame = read_indicators(store, synthetic=synthetic)
    rows = frame[frame["code"] == code]
    known_years = sorted(int(y) for y in rows["year"].dropna().unique())
    if year == "":
        year = known_years[-1] if known_years else (None if len(rows) else list_years(store)[-1])
    if year is not None and year not in known_years and year not in list_years(store):
        from service.errors import NotFoundError

        raise NotFoundError(
            f"no values for {code} in {year} and no list that year; years with values: "
            + (", ".join(str(y) for y in known_years) or "none")
        )
    table = indicator_table(store, code, year, synthetic=synthetic)
    ind = CATALOGUE[code]
    fmt = request.args.get("format", "json") or "json"
    if fmt in ("csv", "xlsx"):
        return _indicator_download(table, code, year, synthetic, fmt)
    if fmt != "json":
        from service.errors import BadParameter

        raise BadParameter(f"`format` was {fmt!r} but is expected to be one of json, csv, xlsx")
    body = {
        "code": code,
        "label_da": ind.label_da,
        "label_en": ind.label_en,
        "unit": ind.unit,
        "year": year,
        "years_with_values": known_years,
        "has_undated_values": bool(rows["year"].isna().any()),
        "count": len(table),
        "published": int(table["value"].notna().sum()),
        "areas": [
            {
                "area_id": r.area_id,
                "name": r.name,
                "value": clean(r.value),
                "rank": None if clean(r.rank) is None else int(r.rank),
                "source": r.source,
                "note": r.note,
            }
            for r in table.itertuples()
        ],
    }
    return jsonify(_labelled(body, synthetic))


def _indicator_download(table, code: str, year, synthetic: bool, fmt: str):
    """The comparison table of one indicator and year as CSV or .xlsx."""
    ind = CATALOGUE[code]
    frame = pd.DataFrame(
        {
            "area_id": table["area_id"],
            "name": table["name"],
            "indicator": code,
            "year": year,
            "value": table["value"],
            "unit": ind.unit,
            "rank": table["rank"],
            "source": table["source"],
            "note": table["note"],
        }
    )
    if synthetic:
        frame["data_note"] = SYNTHETIC_LABEL_DA
    parts = ("indikator", code, "uden-aarstal" if year is None else year)
    parts += ("syntetisk",) if synthetic else ()
    if fmt == "xlsx":
        dictionary = pd.DataFrame(
            [
                ("area_id", "Områdets id (slug)"),
                ("name", "Områdets navn"),
                ("indicator", f"Indikatorens kode: {ind.label_da}"),
                ("year", "Listeår værdien hører til (tom: ikke oplyst i kilden)"),
                ("value", f"Værdien ({ind.unit}); tom: ikke oplyst"),
                ("unit", "Enhed"),
                ("rank", "Placering blandt områderne med en værdi (1 = højest)"),
                ("source", "Kilde til værdien"),
                ("note", "Forbehold fra kilden"),
            ],
            columns=["kolonne", "beskrivelse"],
        )
        body = xlsx_bytes([("Værdier", frame), ("Dataordbog", dictionary)], TEXT_COLUMNS)
        return attachment(body, XLSX_TYPE, file_name(*parts, ext="xlsx"))
    dialect = dialect_arg(request.args)
    body = frame_csv_bytes(frame, dialect)
    extra = () if dialect == "excel" else (dialect,)
    return attachment(body, CSV_TYPE, file_name(*parts, *extra, ext="csv"))


@bp.route("/classify")
def classify_api():
    store = get_store()
    synthetic = parse_dataset(request.args.get("dataset"))
    year = parse_year(request.args.get("year"), list_years(store), param="year")
    rule = parse_rule(request.args.get("rule"), year, param="rule")
    overrides = parse_overrides(request.args, rule, reserved={"rule", "year", "dataset"})
    try:
        result = classify(store, year, rule=rule.name, overrides=overrides, synthetic=synthetic)
    except ValueError as exc:
        from service.errors import BadParameter

        raise BadParameter(str(exc)) from None
    body = {
        "rule": result["rule"],
        "rule_applied_that_year": rule_for_year(year).name == rule.name if year >= 2010 else False,
        "year": year,
        "thresholds": {**rule_defaults(rule), **overrides},
        "overrides": overrides,
        "summary": [
            {**s, "label_da": year_category_label(s["category"], year)} for s in result["summary"]
        ],
        "areas": [
            {
                "area_id": a["area_id"],
                "name": a["name"],
                "has_values": a["has_values"],
                "categories": a["verdict"].categories,
                "undetermined": a["verdict"].undetermined,
                "official": a["official"],
                "baseline": a["baseline"],
                "changes": a["changes"],
                "verdict": a["verdict"].to_dict(),
            }
            for a in result["areas"]
        ],
    }
    return jsonify(_labelled(body, synthetic))
