"""The embedded default store: every fact traceable, nothing invented."""

import math

import pandas as pd
import pytest
import shapely
from pyproj import Transformer

from geo.areas import area_history, areas_for_year, list_years, year_summary
from geo.seed import DATA_DIR


def test_years_are_the_lists_2018_to_2024(built_store):
    assert list_years(built_store) == [2018, 2019, 2020, 2021, 2022, 2023, 2024]


def test_no_year_names_more_areas_than_its_official_count(built_store):
    designations = built_store.read("designations")
    counts = built_store.read("list_counts").set_index(["year", "category"])["count"]
    named = designations.groupby(["year", "category"])["area_id"].nunique()
    for key, n in named.items():
        assert n <= counts[key], f"{key}: {n} named, official {counts[key]}"


def test_parallelsamfund_and_omdannelse_lists_are_complete(built_store):
    for year in list_years(built_store):
        for s in year_summary(built_store, year):
            if s["category"] in ("parallelsamfund", "omdannelsesomraade"):
                assert s["complete"], (year, s)


def test_front_page_counts_of_2022(built_store):
    summary = {s["category"]: s for s in year_summary(built_store, 2022)}
    assert summary["udsat"]["most_severe_official"] == 7
    assert summary["parallelsamfund"]["most_severe_official"] == 1
    assert summary["omdannelsesomraade"]["most_severe_official"] == 9
    assert summary["udsat"]["official"] == 17
    assert summary["udsat"]["named"] == 13
    # the seed document's own table agrees
    seed = pd.read_csv(DATA_DIR.parents[1] / ".." / "shared/data/seed/counts_2022_front_page.csv")
    assert seed["count"].tolist() == [7, 1, 9, 17]


def test_law_implications_hold_in_every_year(built_store):
    d = built_store.read("designations")
    have = set(zip(d["area_id"], d["year"], d["category"], strict=True))
    for area_id, year, category in have:
        if category == "omdannelsesomraade":
            assert (area_id, year, "parallelsamfund") in have
        if category == "parallelsamfund":
            assert (area_id, year, "udsat") in have


def test_every_row_names_its_source(built_store):
    d = built_store.read("designations")
    assert (d["source"].str.len() > 0).all()
    prov = built_store.read("provenance")
    assert {"designations", "list_counts", "areas", "outline"} <= set(prov["dataset"])
    assert not prov["synthetic"].any()


def test_area_discs_have_the_radius_of_their_uncertainty(built_store):
    areas = built_store.read("areas")
    assert areas.crs.to_epsg() == 25832
    located = areas[~areas.geometry.isna()]
    assert (located["boundary_source"] == "approximate").all()
    assert (located["boundary_note"] == "omtrentlig placering, ikke officiel afgrænsning").all()
    # a 32-gon inscribed in the circle: area within 2 % of pi r^2
    ratio = located.geometry.area / (math.pi * located["uncertainty_m"] ** 2)
    assert ratio.between(0.97, 1.0).all()
    tingbjerg = located.set_index("area_id").loc["tingbjerg-utterslevhuse"]
    assert tingbjerg["uncertainty_m"] == 300
    assert tingbjerg["location_precision"] == "estate"


def test_area_without_own_location_uses_municipal_town(built_store):
    areas = built_store.read("areas").set_index("area_id")
    gull = areas.loc["gullandsgaarden"]  # København, not in locations.csv
    assert gull["location_precision"] == "municipal_town"
    assert gull["uncertainty_m"] == 3000
    centre = shapely.centroid(gull.geometry)
    # København's main town (55.6711 N, 12.56529 E) projected independently
    x, y = Transformer.from_crs(4326, 25832, always_xy=True).transform(12.56529, 55.6711)
    assert centre.distance(shapely.Point(x, y)) < 1.0


def test_area_without_any_location_has_no_shape(built_store):
    areas = built_store.read("areas").set_index("area_id")
    for area_id in ("nivaa", "vaerebro", "pileparken"):
        assert areas.loc[area_id].geometry is None
        assert areas.loc[area_id, "boundary_note"] == "placering ikke oplyst"


def test_areas_for_year_orders_most_severe_first(built_store):
    areas = areas_for_year(built_store, 2022)
    assert len(areas) == 18
    assert areas["most_severe_category"].iloc[0] == "omdannelsesomraade"
    assert areas["most_severe_category"].iloc[-1] == "forebyggelsesomraade"
    gellerup = areas.set_index("area_id").loc["gellerupparken-toveshoej"]
    assert gellerup["categories"] == ["udsat", "parallelsamfund", "omdannelsesomraade"]


def test_history_says_unknown_where_the_lists_are_incomplete(built_store):
    history = area_history(built_store, "nivaa").set_index("year")
    assert history.loc[2021, "status"] == "listed"
    assert history.loc[2022, "status"] == "unknown"
    assert set(history.loc[2022, "incomplete_categories"]) == {"udsat", "forebyggelsesomraade"}


def test_unknown_year_is_not_found(built_store):
    from geo.errors import NotFound

    with pytest.raises(NotFound, match="2018"):
        areas_for_year(built_store, 2012)
