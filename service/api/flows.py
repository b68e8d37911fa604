"""JSON and CSV API for relocation flows (disclosure-controlled; raw moves are never served).

Every response carries ``threshold`` (the smallest count published), ``synthetic`` and — for
the synthetic demo data — ``"synthetic_label": "syntetiske eksempeldata"``. A suppressed
count is ``null`` with ``"suppressed": true``. Errors have the one shape of
:mod:`service.errors`.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from geo.relocation.analyses import (
    REASON_LABELS_DA,
    FlowData,
    destination_shares,
    distance_distribution,
    flow_totals,
    mover_profile,
    od_flows,
    origin_areas,
    reason_series,
    reason_split,
    receiving_areas,
)
from geo.relocation.disclosure import check_threshold
from geo.relocation.synthetic import SYNTHETIC_LABEL
from service.api.flows_spec import PATHS, SCHEMAS
from service.downloads import CSV_TYPE, attachment, csv_bytes, dialect_arg, file_name
from service.errors import BadParameter, NotFoundError
from service.params import parse_flow_year, parse_level, parse_reason
from service.serialise import records
from service.store_access import get_flows, get_store

bp = Blueprint("flows_api", __name__, url_prefix="/api")


def openapi_fragment() -> tuple[dict, dict]:
    """This module's OpenAPI paths and schemas (collected by :mod:`service.api.openapi`)."""
    return PATHS, SCHEMAS


@bp.record_once
def _check_threshold(state) -> None:
    # Refuse to start with a threshold below the minimum rather than publish small counts.
    check_threshold(state.app.config["MIN_PUBLISHED_COUNT"])


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
    dialect = dialect_arg(request.args)
    table = _lookup(lambda: od_flows(flows, **args))
    columns = ["year", "reason", "origin_id", "origin_name", "dest_id", "dest_name"]
    note = SYNTHETIC_LABEL if flows.synthetic else ""
    rows = (
        [
            row["year"],
            REASON_LABELS_DA.get(row["reason"] or "*"),
            *(row[c] for c in columns[2:]),
            row["movers"],
            bool(row["suppressed"]),
            note,
        ]
        for row in records(table)
    )
    body = csv_bytes([*columns, "movers", "suppressed", "data_note"], rows, dialect)
    name = file_name(
        "flytninger",
        args["level"],
        args["year"] if args["year"] is not None else "alle-aar",
        args["reason"],
        args["origin"],
        "syntetisk" if flows.synthetic else None,
        None if dialect == "excel" else dialect,
        ext="csv",
    )
    return attachment(body, CSV_TYPE, name)


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


def _origin_arg(flows: FlowData) -> str | None:
    """``origin`` (an area id), 404 when it has no moves; None (all origins) when blank."""
    origin = request.args.get("origin") or None
    if origin is not None and not flows.has(2, "a:" + origin):
        raise NotFoundError(f"no moves from area {origin!r} in the data")
    return origin


@bp.route("/flows/series")
def series_json():
    flows = get_flows()
    origin = _origin_arg(flows)
    body = meta(flows)
    body["origin"] = origin
    body["series"] = records(reason_series(flows, origin))
    return jsonify(body)


@bp.route("/flows/profiles")
def profiles_json():
    flows = get_flows()
    origin = _origin_arg(flows)
    reason = parse_reason(request.args.get("reason"))
    body = meta(flows)
    body.update({"origin": origin, "reason": reason})
    body["profiles"] = records(mover_profile(flows, origin, reason=reason))
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
