"""Pages for relocation flows, Danish or English (``?sprog=en``): the flow maps, the tables
beside them, receiving areas.

Views parse their arguments, call :mod:`geo.relocation.analyses` and
:mod:`geo.relocation.flowlines`, and render. Every figure is one cell of the protected cube
(or a sum of published cells, marked "mindst" where parts are hidden); each count cell
carries ``data-fact`` — the cell it shows — so a crawl can check that one fact has one value.

Register scale: a page shows the :data:`TOP_ROWS` largest flows, the map the
:data:`MAP_LINES` largest; "vis alle" pages through every flow :data:`PAGE_ROWS` at a time,
and the CSV has them all. Maps are built once per (route, arguments, data version,
threshold) and their scripts are served at their own URLs (``…/kort.js`` with the same
query), so pages carry no inline script.
"""

from __future__ import annotations

import math

import pandas as pd
from flask import Blueprint, current_app, g, render_template, request, url_for

from geo.relocation.analyses import (
    ALL,
    BAND_LABELS_DA,
    REASON_LABELS_DA,
    FlowData,
    destination_shares,
    distance_distribution,
    flow_totals,
    mover_profile,
    od_flows,
    reason_series,
    reason_split,
    receiving_areas,
)
from geo.relocation.flowlines import flow_map_data, receiving_layer, receiving_map_data
from geo.relocation.synthetic import SYNTHETIC_LABEL
from service.errors import BadParameter, NotFoundError
from service.i18n import say
from service.maps.base import map_cache, script_response
from service.maps.flows import (
    RECEIVING_COLOURS,
    flow_map,
    reason_chart,
    receiving_map,
)
from service.params import choice, parse_flow_year, parse_reason
from service.serialise import records
from service.store_access import get_flows, get_store
from service.text import category_label

bp = Blueprint("flows_pages", __name__)

LEVEL_WORDS = {"omraade": "area-area", "kommune": "area-municipality"}
RECEIVING_WORDS = {"omraade": "area", "kommune": "municipality"}
TOP_ROWS = 25  # flows (and receiving areas) on a page before "vis alle"
PAGE_ROWS = 200  # rows per page of "vis alle"
MAP_LINES = 40  # the largest published flows drawn on a map


def _filters(flows: FlowData) -> tuple[int | None, str | None]:
    return (
        parse_flow_year(request.args.get("aar"), flows, "aar"),
        parse_reason(request.args.get("aarsag"), "aarsag"),
    )


def _paging() -> tuple[bool, int]:
    """(``vis=alle``?, page number from ``side``); 400 for anything else."""
    show_all = choice("vis", {"top": None, "alle": None}, "top") == "alle"
    raw = request.args.get("side", "") or "1"
    if not raw.isdigit() or int(raw) < 1 or len(raw) > 6:
        raise BadParameter(f"`side` was {raw!r} but is expected to be a page number from 1")
    if raw != "1" and not show_all:
        raise BadParameter("`side` applies only with `vis=alle`")
    return show_all, int(raw)


def _page(rows: list[dict], show_all: bool, page: int) -> tuple[list[dict], dict]:
    """The rows of this page, and what the template needs to link the others."""
    pages = max(1, math.ceil(len(rows) / PAGE_ROWS))
    if show_all and page > pages:
        raise NotFoundError(f"page {page} does not exist: there are {pages}")
    shown = rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS] if show_all else rows[:TOP_ROWS]
    return shown, {
        "show_all": show_all,
        "page": page,
        "pages": pages,
        "total": len(rows),
        "shown": len(shown),
        "first": (page - 1) * PAGE_ROWS + 1 if show_all else 1,
        "top_rows": TOP_ROWS,  # the macro that links the pages sees no page context
    }


def _query(**values) -> dict:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _link_query(**values) -> dict:
    """Query arguments of a link to a page, with the page's language when not Danish."""
    return _query(**values, **_in_lang())


def _in_lang() -> dict:
    """``sprog`` for links and scripts, so that an English reader stays in English."""
    return {"sprog": g.lang} if g.get("lang", "da") != "da" else {}


def _localised(rows: list[dict], labels=(), names=()) -> list[dict]:
    """Copies of ``rows`` with their UI ``labels`` and place ``names`` in the page's
    language (the rows may come from a cache shared by both languages: never changed)."""
    out = []
    for row in rows:
        row = dict(row)
        for column in labels:
            row[column] = say(row[column])
        for column in names:
            row[column] = say(row[column], data=True)
        out.append(row)
    return out


def _reason_word(reason: str | None) -> str:
    return {"planned": "planlagt", "other": "andet", "unknown": "ukendt"}.get(reason or "", "")


def _key(*parts) -> tuple:
    store = get_store()
    lang = g.get("lang", "da")
    return (*parts, lang, store.data_version, current_app.config["MIN_PUBLISHED_COUNT"])


def _map_id(*parts) -> str:
    lang = g.get("lang", "da")
    text = "_".join(str(p) for p in (*parts, None if lang == "da" else lang) if p not in (None, ""))
    return "flows_" + "".join(c if c.isalnum() else "_" for c in text)


def _drawn(table: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The flows a map draws (the largest published ones) and how many it leaves out."""
    published = table[~table["suppressed"] & table["movers"].notna()]
    drawn = published.head(MAP_LINES)
    return drawn, {
        "hidden": int(table["suppressed"].sum()),
        "not_drawn": len(published) - len(drawn),
    }


def _flow_map(flows: FlowData, table: pd.DataFrame, origins: list[str], map_id: str):
    drawn, counts = _drawn(table)
    data, skipped = flow_map_data(get_store(), flows, drawn, origins)
    skipped = {**skipped, **counts}
    return flow_map(data, map_id, g.lang, flows.names), skipped


def _overview(flows: FlowData, year, reason, level):
    table = od_flows(flows, level, year=year, reason=reason)
    origins = list(table["origin_id"].unique())
    return table, map_cache("flows").get_or_build(
        _key("flows", level, year, reason),
        lambda: _flow_map(flows, table, origins, _map_id("all", level, year, reason)),
    )


def _origin(flows: FlowData, slug: str, year, reason, level):
    table = od_flows(flows, level, year=year, reason=reason, origin=slug)
    return table, map_cache("flows").get_or_build(
        _key("flows", slug, level, year, reason),
        lambda: _flow_map(flows, table, ["a:" + slug], _map_id(slug, level, year, reason)),
    )


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
            receiving_map_data(get_store(), layer),
            _map_id("recv", level, year, reason),
            g.lang,
            flows.names,
        )

    return map_cache("flows").get_or_build(_key("receiving", level, year, reason), build)


def _visible_sum(rows: list[dict]) -> int:
    return sum(r["movers"] for r in rows if r["movers"] is not None)


def _common(flows: FlowData | None) -> dict:
    return {
        "flows": flows,
        "synthetic_label": SYNTHETIC_LABEL,
        "reason_labels": {code: say(label) for code, label in REASON_LABELS_DA.items()},
        "link_lang": _in_lang().get("sprog"),
        "threshold": current_app.config["MIN_PUBLISHED_COUNT"],
        "top_rows": TOP_ROWS,
        "map_lines": MAP_LINES,
    }


def _series(flows: FlowData, area_id: str | None) -> dict:
    rows = _localised(records(reason_series(flows, area_id)), labels=["label"])
    return {"rows": rows, "chart": reason_chart(rows, flows.reasons)}


def _profiles(flows: FlowData, area_id: str | None, reason: str | None) -> list[dict]:
    """The profile tables: one per attribute the data state, rows in the cube's order."""
    tables: dict[str, dict] = {}
    for row in records(mover_profile(flows, area_id, reason=reason)):
        table = tables.setdefault(
            row["attribute"],
            {"attribute": row["attribute"], "label": say(row["attribute_label"])},
        )
        # a stated value is data, as the move file says it (Danish); "Ikke oplyst" is ours
        row = {**row, "label": say(row["label"], data=bool(row["value"]))}
        table.setdefault("rows", []).append(row)
    return list(tables.values())


def _cached(name: str, build):
    """Analyses that do not depend on the page's paging, built once per data version."""
    return map_cache("flows-views").get_or_build(_key("view", name), build)


@bp.route("/flytninger")
def index():
    flows = get_flows(required=False)
    if flows is None:
        return render_template("flows/flows.html", **_common(None))
    year, reason = _filters(flows)
    level_word = choice("niveau", LEVEL_WORDS, "kommune")
    show_all, page = _paging()
    table, (built, skipped) = _overview(flows, year, reason, LEVEL_WORDS[level_word])
    rows, paging = _page(records(table), show_all, page)
    query = _link_query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
    return render_template(
        "flows/flows.html",
        **_common(flows),
        year=year,
        reason=reason,
        level_word=level_word,
        table=_localised(rows, names=["origin_name", "dest_name"]),
        paging=paging,
        page_query=query,
        totals=_localised(
            records(flow_totals(flows, "area-area", year=year, reason=reason)),
            names=["origin_name"],
        ),
        series=_cached("series-all", lambda: _series(flows, None)),
        profiles=_profiles(flows, None, reason),
        filter_query=_link_query(aar=year, aarsag=_reason_word(reason)),
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
    show_all, page = _paging()
    has_boundaries = flows.municipal_boundaries
    built, bounds = _receiving(flows, year, reason, level)
    warnings = _cached(
        f"receiving-{year}", lambda: records(receiving_areas(flows, get_store(), year=year))
    )
    rows, paging = _page(warnings, show_all, page)
    query = _link_query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
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
        warning_list=[_receiving_row(row) for row in rows],
        paging=paging,
        page_query=query,
        script_url=url_for("flows_pages.receiving_script", **query, v=get_store().data_version),
    )


@bp.route("/flytninger/modtagere/kort.js")
def receiving_script():
    flows = get_flows()
    year, reason = _filters(flows)
    level = RECEIVING_WORDS[choice("niveau", RECEIVING_WORDS, "omraade")]
    built, _bounds = _receiving(flows, year, reason, level)
    return script_response(built.script)


def _receiving_row(row: dict) -> dict:
    """A row of the early-warning list with its texts in the page's language (a copy: the
    list is cached for both languages)."""
    category = row["category"]
    return {
        **row,
        "category_label": category_label(category, g.lang)
        if category and g.lang != "da"
        else say(row["category_label"]),
        "warning_reason": say(row["warning_reason"]),
        "baseline_note": say(row["baseline_note"]),
        "per_year": _localised(row["per_year"], labels=["rate_note"]),
        # the criteria's names come from the rules (indicators), marked there
        "criteria_changes": _localised(row["criteria_changes"], labels=["label"]),
    }


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
    show_all, page = _paging()
    table, (built, skipped) = _origin(flows, slug, year, reason, LEVEL_WORDS[level_word])
    all_rows = records(table)
    rows, paging = _page(all_rows, show_all, page)
    query = _link_query(aar=year, aarsag=_reason_word(reason), niveau=level_word)
    total = records(
        flow_totals(flows, LEVEL_WORDS[level_word], year=year, reason=reason, origin=slug)
    )[0]
    return render_template(
        "flows/flows_origin.html",
        **_common(flows),
        slug=slug,
        name=flows.names.get("a:" + slug, slug),
        year=year,
        reason=reason,
        level_word=level_word,
        table=_localised(rows, names=["origin_name", "dest_name"]),
        paging=paging,
        page_query=query,
        visible_sum=_visible_sum(all_rows),
        total=total,
        shares=_localised(
            records(destination_shares(flows, slug, year=year, reason=reason)), labels=["label"]
        ),
        distances=_localised(
            records(distance_distribution(flows, slug, year=year, reason=reason)),
            labels=["label"],
        ),
        reasons=_localised(records(reason_split(flows, slug, year=year)), labels=["label"]),
        series=_cached(f"series-{slug}", lambda: _series(flows, slug)),
        profiles=_profiles(flows, slug, reason),
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
