"""Danish pages for relocation flows: the flow maps, the tables beside them, receiving areas.

Views parse their arguments, call :mod:`geo.relocation.analyses` and
:mod:`geo.relocation.flowlines`, and render.
Maps are built once per (route, arguments, data version, threshold) and their scripts are
served at their own URLs (``…/kort.js`` with the same query), so pages carry no inline script.
"""

from __future__ import annotations

import pandas as pd
from flask import Blueprint, current_app, render_template, request, url_for

from geo.relocation.analyses import (
    ALL,
    BAND_LABELS_DA,
    REASON_LABELS_DA,
    FlowData,
    destination_shares,
    distance_distribution,
    flow_totals,
    od_flows,
    reason_split,
    receiving_areas,
)
from geo.relocation.flowlines import flow_map_data, receiving_layer, receiving_map_data
from geo.relocation.synthetic import SYNTHETIC_LABEL
from service.errors import NotFoundError
from service.maps.base import map_cache, script_response
from service.maps.flows import RECEIVING_COLOURS, flow_map, receiving_map
from service.params import choice, parse_flow_year, parse_reason
from service.serialise import records
from service.store_access import get_flows, get_store

bp = Blueprint("flows_pages", __name__)

LEVEL_WORDS = {"omraade": "area-area", "kommune": "area-municipality"}
RECEIVING_WORDS = {"omraade": "area", "kommune": "municipality"}


def _filters(flows: FlowData) -> tuple[int | None, str | None]:
    return (
        parse_flow_year(request.args.get("aar"), flows, "aar"),
        parse_reason(request.args.get("aarsag"), "aarsag"),
    )


def _query(**values) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _reason_word(reason: str | None) -> str:
    return {"planned": "planlagt", "other": "andet", "unknown": "ukendt"}.get(reason or "", "")


def _key(*parts) -> tuple:
    store = get_store()
    return (*parts, store.data_version, current_app.config["MIN_PUBLISHED_COUNT"])


def _map_id(*parts) -> str:
    text = "_".join(str(p) for p in parts if p not in (None, ""))
    return "flows_" + "".join(c if c.isalnum() else "_" for c in text)


def _overview(flows: FlowData, year, reason, level):
    table = od_flows(flows, level, year=year, reason=reason)
    origins = [o for o in table["origin_id"].unique()]

    def build():
        data, skipped = flow_map_data(get_store(), flows, table, origins)
        return flow_map(data, _map_id("all", level, year, reason)), skipped

    return table, map_cache("flows").get_or_build(_key("flows", level, year, reason), build)


def _origin(flows: FlowData, slug: str, year, reason, level):
    table = od_flows(flows, level, year=year, reason=reason, origin=slug)

    def build():
        data, skipped = flow_map_data(get_store(), flows, table, ["a:" + slug])
        return flow_map(data, _map_id(slug, level, year, reason)), skipped

    return table, map_cache("flows").get_or_build(_key("flows", slug, level, year, reason), build)


def _receiving(flows: FlowData, year, reason, level):
    dests = flows.groups(3) if level == "municipality" else flows.leaves(3, "a:")
    rows = []
    y, r = flows.year_node(year), reason or ALL
    for d in dests:
        value, published = flows.cell(y, r, ALL, d)
        if value:
            rows.append({"dest_id": d, "movers": published, "suppressed": published is None})
    table = pd.DataFrame(rows, columns=["dest_id", "movers", "suppressed"])
    table["movers"] = table["movers"].astype("Int64")

    def build():
        layer = receiving_layer(get_store(), flows, table, level)
        return receiving_map(
            receiving_map_data(get_store(), layer), _map_id("recv", level, year, reason)
        )

    return map_cache("flows").get_or_build(_key("receiving", level, year, reason), build)


def _common(flows: FlowData | None) -> dict:
    return {
        "flows": flows,
        "synthetic_label": SYNTHETIC_LABEL,
        "reason_labels": REASON_LABELS_DA,
        "threshold": current_app.config["MIN_PUBLISHED_COUNT"],
    }


@bp.route("/flytninger")
def index():
    flows = get_flows(required=False)
    if flows is None:
        return render_template("flows/flows.html", **_common(None))
    year, reason = _filters(flows)
    level_word = choice("niveau", LEVEL_WORDS, "kommune")
    table, (built, skipped) = _overview(flows, year, reason, LEVEL_WORDS[level_word])
    query = _query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
    return render_template(
        "flows/flows.html",
        **_common(flows),
        year=year,
        reason=reason,
        level_word=level_word,
        table=records(table),
        totals=records(flow_totals(flows, "area-area", year=year, reason=reason)),
        filter_query=_query(aar=year, aarsag=_reason_word(reason)),
        built=built,
        skipped=skipped,
        script_url=url_for("flows_pages.index_script", **query, v=get_store().data_version),
        csv_url=url_for(
            "flows_api.flows_csv", level=LEVEL_WORDS[level_word], **_query(year=year, reason=reason)
        ),
    )


@bp.route("/flytninger/kort.js")
def index_script():
    flows = get_flows()
    year, reason = _filters(flows)
    level_word = choice("niveau", LEVEL_WORDS, "kommune")
    _table, (built, _skipped) = _overview(flows, year, reason, LEVEL_WORDS[level_word])
    return script_response(built.script)


@bp.route("/flytninger/modtagere")
def receiving_page():
    flows = get_flows(required=False)
    if flows is None:
        return render_template("flows/flows_receiving.html", **_common(None))
    year, reason = _filters(flows)
    level_word = choice("niveau", RECEIVING_WORDS, "omraade")
    level = RECEIVING_WORDS[level_word]
    has_boundaries = len(get_store().read("municipalities")) > 0
    built, bounds = _receiving(flows, year, reason, level)
    query = _query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
    return render_template(
        "flows/flows_receiving.html",
        **_common(flows),
        year=year,
        reason=reason,
        level_word=level_word,
        has_boundaries=has_boundaries,
        built=built,
        bounds=bounds,
        colours=RECEIVING_COLOURS,
        warning_list=records(receiving_areas(flows, get_store(), year=year)),
        script_url=url_for("flows_pages.receiving_script", **query, v=get_store().data_version),
    )


@bp.route("/flytninger/modtagere/kort.js")
def receiving_script():
    flows = get_flows()
    year, reason = _filters(flows)
    level = RECEIVING_WORDS[choice("niveau", RECEIVING_WORDS, "omraade")]
    built, _bounds = _receiving(flows, year, reason, level)
    return script_response(built.script)


def _require_origin(flows: FlowData, slug: str) -> None:
    if not flows.has(2, "a:" + slug):
        raise NotFoundError(f"no moves from area {slug!r} in the data")


@bp.route("/flytninger/<slug>")
def origin_page(slug: str):
    flows = get_flows(required=False)
    if flows is None:
        raise NotFoundError("the store has no moves")
    _require_origin(flows, slug)
    year, reason = _filters(flows)
    level_word = choice("niveau", LEVEL_WORDS, "omraade")
    table, (built, skipped) = _origin(flows, slug, year, reason, LEVEL_WORDS[level_word])
    query = _query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
    return render_template(
        "flows/flows_origin.html",
        **_common(flows),
        slug=slug,
        name=flows.names.get("a:" + slug, slug),
        year=year,
        reason=reason,
        level_word=level_word,
        table=records(table),
        total=records(
            flow_totals(flows, LEVEL_WORDS[level_word], year=year, reason=reason, origin=slug)
        )[0],
        shares=records(destination_shares(flows, slug, year=year, reason=reason)),
        distances=records(distance_distribution(flows, slug, year=year, reason=reason)),
        reasons=records(reason_split(flows, slug, year=year)),
        band_labels=BAND_LABELS_DA,
        built=built,
        skipped=skipped,
        script_url=url_for(
            "flows_pages.origin_script", slug=slug, **query, v=get_store().data_version
        ),
        csv_url=url_for(
            "flows_api.flows_csv",
            level=LEVEL_WORDS[level_word],
            origin=slug,
            **_query(year=year, reason=reason),
        ),
    )


@bp.route("/flytninger/<slug>/kort.js")
def origin_script(slug: str):
    flows = get_flows()
    _require_origin(flows, slug)
    year, reason = _filters(flows)
    level_word = choice("niveau", LEVEL_WORDS, "omraade")
    _table, (built, _skipped) = _origin(flows, slug, year, reason, LEVEL_WORDS[level_word])
    return script_response(built.script)
