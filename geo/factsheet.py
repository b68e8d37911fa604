"""The facts of a printable fact sheet, for one area or one municipality.

Everything on a fact sheet comes from here, each fact with its source: the area's list
history, the criteria against the thresholds for every year with published values, a
relocation summary read from the *protected* flow cube (never raw moves; a count the
disclosure control does not publish is reported as suppressed), the development plan's facts
(:func:`indicators.plans.plan_facts`), and the provenance of every dataset used. The service turns a
:class:`FactSheet` into HTML and the HTML into PDF; the map is drawn by
:mod:`geo.maps.static`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo.areas import (
    area_history,
    get_area,
    get_municipality,
    list_years,
    municipality_status,
)
from geo.relocation.analyses import (
    FlowData,
    destination_shares,
    origin_areas,
    reason_split,
)
from geo.store import Store
from indicators.plans import FACT_TYPES, plan_facts
from indicators.rules import evaluate, rule_for_year
from indicators.rules.history import ListHistory
from indicators.values import read_indicators

# Datasets an area's sheet draws on (provenance rows whose dataset name starts with these).
_AREA_DATASETS = (
    "areas",
    "designations",
    "list_counts",
    "indicators",
    "plan_facts",
    "moves",
    "outline",
)


@dataclass
class FlowSummary:
    """Movers out of one area, as published by the disclosure control."""

    threshold: int
    synthetic: bool
    source: str
    total: int | None
    total_suppressed: bool
    destinations: list[dict]  # class, label, movers (None: suppressed or none), share
    reasons: list[dict]  # reason, label, movers, share


@dataclass
class CriteriaYear:
    """The rules engine's verdict for one year in which the store has values."""

    year: int
    rule: str
    categories: list[str]
    undetermined: list[str]
    residents_assumed: bool
    criteria: list[dict]  # CriterionResult.to_dict()


@dataclass
class FactSheet:
    """Every fact printed on an area's or a municipality's fact sheet."""

    kind: str  # "area" or "municipality"
    key: str  # area id or municipality code
    name: str
    municipality_code: str | None
    municipality_name: str
    data_version: str
    list_years: list[int]
    area: dict = field(default_factory=dict)  # boundary source, location note …
    history: list[dict] = field(default_factory=list)
    criteria: list[CriteriaYear] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)  # every value the store has, sourced
    areas: list[dict] = field(default_factory=list)  # municipality: each area's years
    flows: FlowSummary | None = None
    area_flows: list[dict] = field(default_factory=list)  # municipality: movers per area
    plan: list[dict] = field(default_factory=list)  # the development plan's facts (may be none)
    plans: list[dict] = field(default_factory=list)  # municipality: each area's plan facts
    sources: list[dict] = field(default_factory=list)  # dataset, description, source, licence


def _sources(store: Store, datasets: tuple[str, ...]) -> list[dict]:
    provenance = store.read("provenance")
    rows = []
    for record in provenance.to_dict("records"):
        name = str(record.get("dataset", ""))
        if any(name == d or name.startswith(d + ":") for d in datasets):
            rows.append(
                {
                    "dataset": name,
                    "description": record.get("description", ""),
                    "source": record.get("source", ""),
                    "licence": record.get("licence", ""),
                    "synthetic": bool(record.get("synthetic", False)),
                }
            )
    return rows


def _criteria_years(store: Store, area_id: str, listed_years: set[int]) -> list[CriteriaYear]:
    frame = read_indicators(store)
    own = frame[(frame["area_id"] == area_id) & frame["year"].notna()]
    history = ListHistory(store.read("designations"), store.read("list_counts"), None)
    out = []
    for year in sorted({int(y) for y in own["year"]}):
        try:
            version = rule_for_year(year)
        except KeyError:
            continue
        rows = own[own["year"] == year]
        values = {
            code: None if pd.isna(value) else float(value)
            for code, value in zip(rows["code"], rows["value"], strict=True)
        }
        # Being on a list requires 1,000 residents: supply the floor only then, and say so.
        assumed = values.get("residents") is None and year in listed_years
        inputs = {**values, "residents": 1000.0} if assumed else values
        verdict = evaluate(
            version,
            inputs,
            area_id=area_id,
            year=year,
            history=history.statuses(area_id, use_earlier=False),
        )
        criteria = [c.to_dict() for c in verdict.criteria]
        if assumed:
            criteria = [c for c in criteria if c["key"] != "residents"]
        out.append(
            CriteriaYear(
                year=year,
                rule=verdict.rule,
                categories=verdict.categories,
                undetermined=verdict.undetermined,
                residents_assumed=assumed,
                criteria=criteria,
            )
        )
    return out


def _indicator_rows(store: Store, area_id: str) -> list[dict]:
    """Every real indicator value of the area (NaN: published as not available)."""
    frame = read_indicators(store)
    own = frame[frame["area_id"] == area_id]
    keep = [c for c in ("year", "code", "value", "unit", "source", "note") if c in own.columns]
    own = own[keep].sort_values(["code", "year"], na_position="first")
    rows = _records(own)
    for row in rows:
        row["year"] = None if row.get("year") is None else int(row["year"])
    return rows


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for record in frame.to_dict("records"):
        out.append(
            {
                k: (None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v)
                for k, v in record.items()
            }
        )
    return out


def _plan_rows(store: Store, area_id: str) -> list[dict]:
    """The development plan's facts (:func:`indicators.plans.plan_facts`), one row per fact."""
    plan = plan_facts(store, area_id)
    rows = []
    for row in plan.rows:
        for fact in row.facts:
            kind = FACT_TYPES.get(fact.fact_type)
            rows.append(
                {
                    "row": row.label_da,
                    "label_da": fact.label_da,
                    "label_en": kind.label_en if kind is not None else fact.label_da,
                    "part": fact.part,
                    "figure_da": fact.figure_da,
                    "unit": fact.unit,
                    "number": fact.number,
                    "approximate": fact.approximate,
                    "date": fact.date,
                    "source": fact.source_url,
                    "conflict_note": fact.conflict_note,
                }
            )
    return rows


def _flow_summary(flows: FlowData | None, area_id: str) -> FlowSummary | None:
    if flows is None:
        return None
    try:
        destinations = destination_shares(flows, area_id)
        reasons = reason_split(flows, area_id)
    except LookupError:
        return None  # no moves from this area in the data
    total = destinations[destinations["measure"] == "total"].iloc[0]
    return FlowSummary(
        threshold=flows.threshold,
        synthetic=flows.synthetic,
        source=flows.source,
        total=None if pd.isna(total["movers"]) else int(total["movers"]),
        total_suppressed=bool(total["suppressed"]),
        destinations=_records(destinations[destinations["measure"] != "total"]),
        reasons=_records(reasons),
    )


def area_fact_sheet(store: Store, area_id: str, flows: FlowData | None = None) -> FactSheet:
    """The facts of one area's sheet.

    Parameters
    ----------
    store
        The store.
    area_id
        The area's slug.
    flows
        The protected flow cube (:func:`geo.relocation.analyses.load_flows` with the
        service's publication threshold), or None for no flows section.

    Raises
    ------
    NotFound
        No area with that id.
    """
    area = get_area(store, area_id)
    history = area_history(store, area_id)
    listed_years = {int(y) for y in history[history["status"] == "listed"]["year"]}
    code = area["municipality_code"] if isinstance(area["municipality_code"], str) else None
    return FactSheet(
        kind="area",
        key=area_id,
        name=str(area["name"]),
        municipality_code=code,
        municipality_name=str(area["municipality_name"]),
        data_version=store.data_version,
        list_years=list_years(store),
        area={
            k: (None if isinstance(v, float) and pd.isna(v) else v)
            for k, v in area.drop(labels="geometry").to_dict().items()
        },
        history=_records(history),
        criteria=_criteria_years(store, area_id, listed_years),
        indicators=_indicator_rows(store, area_id),
        plan=_plan_rows(store, area_id),
        flows=_flow_summary(flows, area_id),
        sources=_sources(store, _AREA_DATASETS),
    )


def municipality_fact_sheet(store: Store, code: str, flows: FlowData | None = None) -> FactSheet:
    """The facts of one municipality's sheet: its areas' years and their movers.

    Raises
    ------
    NotFound
        No municipality with that code.
    """
    municipality = get_municipality(store, code)
    status = municipality_status(store, code)
    years = list_years(store)
    areas = [
        {
            "area_id": row["area_id"],
            "name": row["name"],
            "boundary_source": row["boundary_source"],
            "years": {y: row[y] for y in years},
        }
        for row in status.to_dict("records")
    ]
    plans = [
        {"area_id": a["area_id"], "name": a["name"], "facts": _plan_rows(store, a["area_id"])}
        for a in areas
    ]
    area_flows: list[dict] = []
    if flows is not None:
        ids = {a["area_id"] for a in areas}
        per = origin_areas(flows)
        area_flows = _records(per[per["area_id"].isin(ids)])
    return FactSheet(
        kind="municipality",
        key=code,
        name=str(municipality["name"]),
        municipality_code=code,
        municipality_name=str(municipality["name"]),
        data_version=store.data_version,
        list_years=years,
        area={"has_boundary": municipality["has_boundary"]},
        areas=areas,
        plans=[p for p in plans if p["facts"]],
        area_flows=area_flows,
        sources=_sources(store, (*_AREA_DATASETS, "municipalities", "municipality_info")),
    )
