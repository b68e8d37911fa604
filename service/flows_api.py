"""JSON and CSV API for relocation flows (disclosure-controlled; raw moves are never served).

Every response carries ``threshold`` (the smallest count published), ``synthetic`` and — for
the synthetic demo data — ``"synthetic_label": "syntetiske eksempeldata"``. A suppressed
count is ``null`` with ``"suppressed": true``. Errors have the one shape of
:mod:`service.errors`.
"""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
from flask import Blueprint, Response, current_app, jsonify, request

from geo.relocation.analyses import (
    LEVELS,
    REASON_LABELS_DA,
    FlowData,
    destination_shares,
    distance_distribution,
    flow_totals,
    load_flows,
    od_flows,
    origin_areas,
    reason_split,
    receiving_areas,
)
from geo.relocation.disclosure import check_threshold
from geo.relocation.synthetic import SYNTHETIC_LABEL
from service import openapi
from service.errors import BadParameter, NotFoundError
from service.flows_openapi import PATHS, SCHEMAS
from service.store_access import get_store

bp = Blueprint("flows_api", __name__, url_prefix="/api")
openapi.register(PATHS, SCHEMAS)

REASON_WORDS = {
    "planned": "planned",
    "planlagt": "planned",
    "other": "other",
    "andet": "other",
    "unknown": "unknown",
    "ukendt": "unknown",
    "all": None,
    "alle": None,
    "": None,
}
NO_MOVES = (
    "the store has no moves: import them with `omraadekort import-moves FILE` "
    "(or synthetic example data with `omraadekort demo-moves`)"
)


@bp.record_once
def _check_threshold(state) -> None:
    # Refuse to start with a threshold below the minimum rather than publish small counts.
    check_threshold(state.app.config["MIN_PUBLISHED_COUNT"])


def threshold() -> int:
    return check_threshold(current_app.config["MIN_PUBLISHED_COUNT"])


def get_flows(required: bool = True) -> FlowData | None:
    flows = load_flows(get_store(), threshold())
    if flows is None and required:
        raise NotFoundError(NO_MOVES)
    return flows


def parse_flow_year(raw: str | None, flows: FlowData, param: str = "year") -> int | None:
    """None (all years) for blank or ``alle``/``all``; 400 for a non-year; 404 outside the data."""
    if raw is None or raw in ("", "alle", "all"):
        return None
    if not raw.isdigit() or len(raw) != 4:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be a year such as {flows.years[-1]} "
            "(or empty for all years)"
        )
    year = int(raw)
    if year not in flows.years:
        raise NotFoundError(
            f"no moves in {year}: the data cover " + ", ".join(str(y) for y in flows.years)
        )
    return year


def parse_reason(raw: str | None, param: str = "reason") -> str | None:
    key = (raw or "").strip().lower()
    if key not in REASON_WORDS:
        raise BadParameter(
            f"`{param}` was {raw!r} but is expected to be one of "
            "['planned', 'other', 'unknown', 'all'] (or planlagt, andet, ukendt, alle)"
        )
    return REASON_WORDS[key]


def parse_level(raw: str | None) -> str:
    if raw is None or raw == "":
        return "area-area"
    if raw not in LEVELS:
        raise BadParameter(f"`level` was {raw!r} but is expected to be one of {list(LEVELS)}")
    return raw


def meta(flows: FlowData) -> dict:
    """What every flow response says about its data."""
    body = {
        "synthetic": flows.synthetic,
        "threshold": flows.threshold,
        "years": flows.years,
        "reasons": flows.reasons,
        "stale": flows.stale,
        "notes": flows.notes,
        "suppression_note": f"counts below {flows.threshold} are not published, nor any count "
        "from which one could be worked out; such counts are null with suppressed: true",
    }
    if flows.synthetic:
        body["synthetic_label"] = SYNTHETIC_LABEL
    return body


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: missing values (suppressed counts) become null."""
    out = []
    for row in frame.to_dict("records"):
        clean = {}
        for key, value in row.items():
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                value = None
            elif hasattr(value, "item") and not isinstance(value, list | dict | str):
                value = value.item()
            clean[key] = value
        out.append(clean)
    return out


def _lookup(call):
    try:
        return call()
    except LookupError as exc:
        raise NotFoundError(str(exc.args[0])) from None
    except ValueError as exc:
        raise BadParameter(str(exc)) from None


def _od_args(flows: FlowData) -> dict:
    return {
        "level": parse_level(request.args.get("level")),
        "year": parse_flow_year(request.args.get("year"), flows),
        "reason": parse_reason(request.args.get("reason")),
        "origin": request.args.get("origin") or None,
    }


@bp.route("/flows")
def flows_json():
    flows = get_flows()
    args = _od_args(flows)
    table = _lookup(lambda: od_flows(flows, **args))
    totals = _lookup(lambda: flow_totals(flows, **args))
    body = meta(flows)
    body.update(args)
    body["count"] = len(table)
    body["flows"] = records(table)
    body["totals"] = records(totals)
    return jsonify(body)


@bp.route("/flows.csv")
def flows_csv():
    flows = get_flows()
    args = _od_args(flows)
    table = _lookup(lambda: od_flows(flows, **args))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = ["year", "reason", "origin_id", "origin_name", "dest_id", "dest_name"]
    writer.writerow([*columns, "movers", "suppressed", "data_note"])
    note = SYNTHETIC_LABEL if flows.synthetic else ""
    for row in records(table):
        writer.writerow(
            [
                "" if row["year"] is None else row["year"],
                REASON_LABELS_DA.get(row["reason"] or "*"),
                *(row[c] for c in columns[2:]),
                "" if row["movers"] is None else row["movers"],
                "true" if row["suppressed"] else "false",
                note,
            ]
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="flytninger.csv"'
    return response


@bp.route("/flows/origins")
def origins_json():
    flows = get_flows()
    body = meta(flows)
    table = origin_areas(flows)
    body["count"] = len(table)
    body["origins"] = records(table)
    return jsonify(body)


@bp.route("/flows/origins/<slug>")
def origin_json(slug: str):
    flows = get_flows()
    year = parse_flow_year(request.args.get("year"), flows)
    reason = parse_reason(request.args.get("reason"))
    shares = _lookup(lambda: destination_shares(flows, slug, year=year, reason=reason))
    body = meta(flows)
    body.update({"area_id": slug, "name": flows.names.get("a:" + slug, slug)})
    body.update({"year": year, "reason": reason})
    body["destinations"] = records(shares)
    body["distances"] = records(distance_distribution(flows, slug, year=year, reason=reason))
    body["reasons_split"] = records(reason_split(flows, slug, year=year))
    return jsonify(body)


@bp.route("/flows/receiving")
def receiving_json():
    flows = get_flows()
    year = parse_flow_year(request.args.get("year"), flows)
    table = receiving_areas(flows, get_store(), year=year)
    body = meta(flows)
    body["year"] = year
    body["count"] = len(table)
    body["areas"] = records(table)
    return jsonify(body)
