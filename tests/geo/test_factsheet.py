"""The facts of the printable fact sheets (geo.factsheet)."""

from __future__ import annotations

import pytest

from geo.errors import NotFound
from geo.factsheet import area_fact_sheet, municipality_fact_sheet
from geo.relocation.analyses import load_flows
from geo.store import Store


def test_area_sheet_has_history_criteria_and_sources(default_store: Store):
    sheet = area_fact_sheet(default_store, "mjoelnerparken")
    assert (sheet.name, sheet.municipality_code) == ("Mjølnerparken", "0101")
    assert sheet.list_years == [2018, 2019, 2020, 2021, 2022, 2023, 2024]
    years = {h["year"]: h for h in sheet.history}
    assert years[2022]["most_severe_category"] == "omdannelsesomraade"
    assert years[2023]["status"] == "unknown"  # not named; the 2023 udsat list is incomplete
    # 2023: 966 residents against the floor of 1,000, evaluated by the rules engine
    [c2023] = [c for c in sheet.criteria if c.year == 2023]
    residents = next(c for c in c2023.criteria if c["key"] == "residents")
    assert (residents["value"], residents["threshold"], residents["met"]) == (966.0, 1000.0, False)
    assert {s["dataset"] for s in sheet.sources} >= {"areas", "designations", "list_counts"}
    assert sheet.flows is None  # no flow cube given
    assert sheet.data_version == default_store.data_version


def test_area_sheet_flows_come_from_the_protected_cube(demo_store_file):
    store = Store(demo_store_file)
    flows = load_flows(store, 5)
    sheet = area_fact_sheet(store, "gellerupparken-toveshoej", flows)
    assert sheet.flows is not None and sheet.flows.synthetic and sheet.flows.threshold == 5
    for row in sheet.flows.destinations + sheet.flows.reasons:
        # every published count is at least the threshold or zero; the rest is suppressed
        assert row["movers"] is None or row["movers"] == 0 or row["movers"] >= 5
        assert not (row["suppressed"] and row["movers"] is not None)


def test_municipality_sheet_lists_its_areas(default_store: Store):
    sheet = municipality_fact_sheet(default_store, "0751")
    assert sheet.name == "Aarhus"
    ids = [a["area_id"] for a in sheet.areas]
    assert "gellerupparken-toveshoej" in ids and "bispehaven" in ids
    gellerup = next(a for a in sheet.areas if a["area_id"] == "gellerupparken-toveshoej")
    assert gellerup["years"][2024] == "omdannelsesomraade"


def test_unknown_ids_are_not_found(default_store: Store):
    with pytest.raises(NotFound):
        area_fact_sheet(default_store, "no-such-area")
    with pytest.raises(NotFound):
        municipality_fact_sheet(default_store, "0999")


def test_area_sheet_carries_the_development_plan(default_store: Store):
    sheet = area_fact_sheet(default_store, "gellerupparken-toveshoej")
    demolition = [p for p in sheet.plan if p["row"] == "Nedrivning"]
    assert demolition and all(p["source"].startswith("http") for p in demolition)
    assert any(s["dataset"] == "plan_facts" for s in sheet.sources)
