"""Relocation analyses on hand-built flows, and the synthetic generator."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.relocation.analyses import (
    ALL,
    destination_shares,
    distance_distribution,
    list_in_force,
    load_flows,
    mover_profile,
    od_flows,
    origin_areas,
    reason_series,
    reason_split,
    receiving_areas,
)
from geo.relocation.audit import audit
from geo.relocation.ingest import join_counts, write_moves
from geo.relocation.join import JoinLayers
from geo.relocation.synthetic import generate_moves
from geo.seed import build_default_store
from geo.store import Store

X0, Y0 = 600_000.0, 6_200_000.0


def _store(path) -> Store:
    store = Store(path)
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["alfa", "beta", "gamma"],
            "name": ["Alfa", "Beta", "Gamma"],
            "municipality_code": ["0101", "0751", "0751"],
        },
        geometry=[
            shapely.box(X0, Y0, X0 + 1000, Y0 + 1000),  # centre 500, 500
            shapely.box(X0 + 3000, Y0, X0 + 4000, Y0 + 1000),  # 3 km east: band 2-5 km
            shapely.box(X0 + 20000, Y0, X0 + 21000, Y0 + 1000),  # 20 km east: 10-25 km
        ],
        crs=25832,
    )
    designations = pd.DataFrame(
        {
            "area_id": ["alfa", "alfa", "alfa", "alfa", "beta", "gamma", "alfa", "alfa", "alfa"],
            "year": [2020, 2020, 2020, 2021, 2020, 2020, 2021, 2021, 2019],
            "category": [
                "omdannelsesomraade",
                "parallelsamfund",
                "udsat",
                "omdannelsesomraade",
                "udsat",
                "forebyggelsesomraade",
                "parallelsamfund",
                "udsat",
                "udsat",
            ],
            "basis": "",
            "source": "test",
        }
    )
    with store.transaction(create=True) as w:
        w.write("areas", areas)
        w.write("designations", designations)
        w.write(
            "list_counts",
            pd.DataFrame(
                {"year": [2019, 2020, 2021], "category": "udsat", "count": 3, "source": "t"}
            ),
        )
        w.write(
            "municipality_info",
            pd.DataFrame(
                {
                    "code": ["0101", "0751"],
                    "name": ["København", "Aarhus"],
                    "town": ["", ""],
                    "town_lat": [np.nan, np.nan],
                    "town_lon": [np.nan, np.nan],
                    "town_source": ["", ""],
                }
            ),
        )
        w.write("aliases", pd.DataFrame({"alias": ["x"], "area_id": ["alfa"], "source": ["t"]}))
    return store


# (year, reason, dest area, dest municipality, movers): every move leaves Alfa.
FLOWS = [
    (2021, "planned", "beta", "", 20),
    (2021, "other", "gamma", "", 10),
    (2021, "planned", "alfa", "", 30),
    (2021, "other", "", "0101", 40),
    (2021, "other", "", "0751", 25),
    (2022, "other", "beta", "", 15),
    (2022, "planned", "", "0101", 35),
]


def _moves(flows=FLOWS) -> pd.DataFrame:
    rows = [
        {
            "move_id": i + 1,
            "year": year,
            "date": "",
            "weight": movers,
            "reason": reason,
            "origin_area_id": "alfa",
            "origin_municipality_code": "",
            "origin_x": np.nan,
            "origin_y": np.nan,
            "dest_area_id": area,
            "dest_municipality_code": code,
            "dest_x": np.nan,
            "dest_y": np.nan,
            "age_band": "",
            "labour_status": "",
            "household_type": "",
        }
        for i, (year, reason, area, code, movers) in enumerate(flows)
    ]
    return pd.DataFrame(rows)


def _with_moves(store: Store, moves: pd.DataFrame, synthetic: bool = False) -> Store:
    counts = join_counts(moves, JoinLayers.from_store(store))
    with store.transaction() as w:
        write_moves(
            w, moves, counts, description="t", source="hand-built", licence="t", synthetic=synthetic
        )
    return store


@pytest.fixture
def flows(tmp_path):
    store = _with_moves(_store(tmp_path / "s.gpkg"), _moves())
    return store, load_flows(store, 5)


def _values(frame: pd.DataFrame, key: str) -> dict:
    return dict(zip(frame[key], frame["movers"].astype(object), strict=True))


def test_area_to_area_flows_of_one_year(flows):
    _store, data = flows
    table = od_flows(data, "area-area", year=2021)
    assert _values(table, "dest_id") == {
        "r:0101": 40,
        "a:alfa": 30,
        "r:0751": 25,
        "a:beta": 20,
        "a:gamma": 10,
    }
    assert not table["suppressed"].any()
    assert table["dest_name"].tolist()[0] == "København Kommune, andre steder"


def test_area_to_municipality_and_municipality_to_municipality_all_years(flows):
    _store, data = flows
    by_area = od_flows(data, "area-municipality")
    assert _values(by_area, "dest_id") == {"m:0101": 105, "m:0751": 70}
    by_municipality = od_flows(data, "municipality-municipality", reason="planned")
    assert _values(by_municipality, "dest_id") == {"m:0101": 65, "m:0751": 20}
    assert set(by_municipality["origin_id"]) == {"m:0101"}


def test_destination_shares_use_the_list_in_force_in_the_year_of_the_move(flows):
    _store, data = flows
    shares = destination_shares(data, "alfa").set_index("class")
    movers = shares["movers"].astype(object).to_dict()
    assert movers["same_area"] == 30
    assert movers["udsat"] == 20  # Beta was udsat on the list of 2020, in force in 2021
    assert movers["other_area"] == 15  # ... but not on the list of 2021
    assert movers["forebyggelsesomraade"] == 10
    assert movers["same_municipality_outside"] == 75
    assert movers["other_municipality_outside"] == 25
    assert movers["hidden"] == 0
    assert movers["total"] == 175
    assert movers["same_municipality"] == 105
    assert shares.loc["same_municipality", "share"] == pytest.approx(0.6)
    classes = shares[shares["measure"] == "class"]
    assert classes["movers"].sum() == 175


def test_distance_bands_and_reasons(flows):
    _store, data = flows
    bands = _values(distance_distribution(data, "alfa", year=2021), "band")
    assert bands["0-2 km"] == 30  # within Alfa
    assert bands["2-5 km"] == 20  # Beta, 3 km
    assert bands["10-25 km"] == 10  # Gamma, 20 km
    assert bands["ukendt"] == 65  # destinations given only as a municipality
    reasons = _values(reason_split(data, "alfa"), "reason")
    assert reasons == {"planned": 85, "other": 90, "*": 175}


def test_receiving_areas_count_inflow_from_omdannelsesomraader_but_not_moves_within(flows):
    store, data = flows
    table = receiving_areas(data, store).set_index("area_id")
    assert table.loc["beta", "inflow_from_omdannelse"] == 35
    assert table.loc["gamma", "inflow_from_omdannelse"] == 10
    assert "alfa" not in table.index
    assert table.loc["beta", "first_inflow_year"] == 2021
    # The store has no indicator values: nothing to compare, and the reason is given.
    assert table["baseline_list_year"].isna().all()
    assert table["warning"].isna().all()
    assert set(table["warning_reason"]) == {"ingen kriterieværdier for området i databasen"}
    beta_years = {p["year"]: p for p in table.loc["beta", "per_year"]}
    assert beta_years[2021]["inflow"] == 20 and beta_years[2021]["residents"] is None
    assert beta_years[2021]["rate"] is None
    assert beta_years[2021]["rate_note"] == "antal beboere i 2021 ikke oplyst"


def test_origin_list_and_unknown_origin(flows):
    _store, data = flows
    assert origin_areas(data)["movers"].tolist() == [175]
    with pytest.raises(LookupError, match="no moves from area 'beta'"):
        destination_shares(data, "beta")
    with pytest.raises(ValueError, match="level"):
        od_flows(data, "area-region")


def test_small_flows_are_never_published(tmp_path):
    small = [*FLOWS, (2021, "other", "", "0751", 2), (2022, "planned", "gamma", "", 1)]
    store = _with_moves(_store(tmp_path / "s.gpkg"), _moves(small))
    data = load_flows(store, 5)
    frames = [
        od_flows(data, level, year=year, reason=reason)
        for level in ("area-area", "area-municipality", "municipality-municipality")
        for year in (None, 2021, 2022)
        for reason in (None, "planned", "other")
    ]
    frames += [destination_shares(data, "alfa", year=y) for y in (None, 2021, 2022)]
    frames += [distance_distribution(data, "alfa", year=y) for y in (None, 2021, 2022)]
    frames += [reason_split(data, "alfa", year=y) for y in (None, 2021, 2022)]
    frames.append(receiving_areas(data, store))
    for frame in frames:
        published = frame["movers"].dropna().astype(int)
        assert ((published == 0) | (published >= 5)).all(), frame
    gamma_2022 = od_flows(data, "area-area", year=2022).set_index("dest_id").loc["a:gamma"]
    assert gamma_2022["suppressed"] and pd.isna(gamma_2022["movers"])


def test_counts_go_stale_when_boundaries_change(flows):
    store, data = flows
    assert not data.stale
    with store.transaction() as w:
        w.write(
            "municipalities",
            gpd.GeoDataFrame(
                {"code": ["0101"], "name": ["København"]},
                geometry=[shapely.box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)],
                crs=25832,
            ),
        )
    assert load_flows(store, 5).stale


def test_list_in_force():
    assert list_in_force(2021, [2018, 2019, 2020, 2021]) == 2020
    assert list_in_force(2018, [2018, 2019]) is None


def test_threshold_below_three_is_refused(flows):
    store, _data = flows
    with pytest.raises(ValueError, match="below 3"):
        load_flows(store, 2)


# -- synthetic data -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "default.gpkg"
    build_default_store(Store(path), with_outline=False)
    return path


def test_generator_is_seeded_and_counts_what_it_is_asked(default_template):
    store = Store(default_template)
    a = generate_moves(store, seed=7, n=3000)
    b = generate_moves(store, seed=7, n=3000)
    c = generate_moves(store, seed=8, n=3000)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["dest_x", "dest_y"]].equals(c[["dest_x", "dest_y"]])
    assert len(a) == 3000 and a["weight"].sum() == 3000


def test_generator_moves_out_of_the_omdannelsesomraader_of_the_list_in_force(default_template):
    store = Store(default_template)
    moves = generate_moves(store, seed=2, n=4000)
    designations = store.read("designations")
    omdannelse = designations[designations["category"] == "omdannelsesomraade"]
    listed = set(zip(omdannelse["year"] + 1, omdannelse["area_id"], strict=True))
    assert set(zip(moves["year"], moves["origin_area_id"], strict=True)) <= listed
    assert set(moves["reason"]) == {"planned", "other"}


def test_planned_rehousing_is_mostly_nearby(demo_store_file):
    from tests.conftest import DEMO_MOVES

    store = Store(demo_store_file)
    counts = store.read("move_counts")
    assert counts["movers"].sum() == DEMO_MOVES
    near = counts["distance_band"].isin(["0-2 km", "2-5 km"])
    planned = counts["reason"] == "planned"
    share_planned = counts.loc[planned & near, "movers"].sum() / counts.loc[planned, "movers"].sum()
    share_other = counts.loc[~planned & near, "movers"].sum() / counts.loc[~planned, "movers"].sum()
    assert share_planned > 0.6 > share_other
    provenance = store.read("provenance").set_index("dataset").loc["moves"]
    assert provenance["synthetic"]
    assert "yntetiske eksempeldata" in provenance["description"]
    assert load_flows(store, 5).synthetic


def test_the_protection_stored_at_import_is_the_one_the_service_would_compute(tmp_path):
    from geo.relocation.analyses import protect_counts

    small = [*FLOWS, (2021, "other", "", "0751", 2), (2022, "planned", "gamma", "", 1)]
    store = _with_moves(_store(tmp_path / "s.gpkg"), _moves(small))
    stored = load_flows(store, 5).protection
    assert stored.notes == ["stored at import"]
    fresh = protect_counts(store.read("move_counts"), 5)
    np.testing.assert_array_equal(stored.suppressed, fresh.suppressed)
    # another threshold is computed, not taken from the store
    assert load_flows(store, 6).protection.notes != ["stored at import"]


def test_early_warning_compares_criteria_under_the_rules(tmp_path):
    """Beta receives movers from 2022; by 2023 its values moved towards the udsat criteria."""
    store = _store(tmp_path / "s.gpkg")
    with store.transaction() as w:
        designations = w.read("designations")
        more = pd.DataFrame(
            {
                "area_id": ["alfa"] * 3 + ["alfa"] * 3,
                "year": [2022] * 3 + [2023] * 3,
                "category": ["omdannelsesomraade", "parallelsamfund", "udsat"] * 2,
                "basis": "",
                "source": "test",
            }
        )
        w.write("designations", pd.concat([designations, more], ignore_index=True))
        counts = pd.DataFrame(
            {"year": [2022, 2023], "category": "udsat", "count": 3, "source": "t"}
        )
        w.write("list_counts", pd.concat([w.read("list_counts"), counts], ignore_index=True))
        rows = [
            ("beta", 2021, "residents", 2000.0),
            ("beta", 2022, "residents", 2050.0),
            ("beta", 2021, "outside_labour_share", 30.0),
            ("beta", 2021, "income_ratio", 70.0),
            ("beta", 2023, "residents", 2100.0),
            ("beta", 2023, "outside_labour_share", 38.0),  # towards "over 40 %"
            ("beta", 2023, "income_ratio", 72.0),  # away from "under 55 %"
            ("gamma", 2021, "outside_labour_share", 35.0),
            ("gamma", 2021, "residents", 900.0),
            ("gamma", 2023, "outside_labour_share", 31.0),  # away
            ("gamma", 2023, "residents", 950.0),  # below the floor and rising: towards
        ]
        w.write(
            "indicators",
            pd.DataFrame(
                {
                    "area_id": [r[0] for r in rows],
                    "year": [r[1] for r in rows],
                    "code": [r[2] for r in rows],
                    "value": [r[3] for r in rows],
                    "dataset": "test",
                    "source": "test",
                    "note": "",
                    "synthetic": False,
                }
            ),
        )
    flows = [(2022, "planned", "beta", "", 40), (2023, "other", "gamma", "", 12)]
    store = _with_moves(store, _moves(flows))
    table = receiving_areas(load_flows(store, 5), store).set_index("area_id")
    beta, gamma = table.loc["beta"], table.loc["gamma"]
    assert (beta["baseline_list_year"], beta["latest_values_year"]) == (2021, 2023)
    assert beta["baseline_note"] is None  # the list in force when the inflow began
    assert beta["warning"] is True
    towards = {c["criterion"]: c["towards_threshold"] for c in beta["criteria_changes"]}
    assert towards["outside_labour"] is True and towards["income"] is False
    # 2,000 → 2,100 residents: above the 1,000 floor a rising count is not drift
    assert towards["residents"] is None
    # the rate of each year: that year's inflow over that year's residents, both shown
    (year_2022,) = beta["per_year"]
    assert (year_2022["year"], year_2022["inflow"], year_2022["residents"]) == (2022, 40, 2050)
    assert year_2022["rate"] == pytest.approx(40 / 2050, abs=1e-4)
    # Gamma's inflow began in 2023 (list in force: 2022, which has no values): the nearest
    # list year with values is the baseline, and the page is told so.
    assert gamma["baseline_list_year"] == 2021 and gamma["latest_values_year"] == 2023
    assert gamma["baseline_note"].startswith("2021: nærmeste listeår med værdier")
    towards = {c["criterion"]: c["towards_threshold"] for c in gamma["criteria_changes"]}
    assert towards["outside_labour"] is False and towards["residents"] is True
    assert gamma["warning"] is True
    (year_2023,) = gamma["per_year"]
    assert year_2023["residents"] == 950 and year_2023["rate"] == pytest.approx(12 / 950, abs=1e-4)
    assert set(table.index[:2]) == {"beta", "gamma"}, "warnings first"


def test_destination_kinds_read_the_same_cells_as_the_flow_table(flows):
    _store, data = flows
    table = od_flows(data, "area-area", origin="alfa")
    to_alfa = table[table["dest_id"] == "a:alfa"]["movers"].iloc[0]
    shares = destination_shares(data, "alfa").set_index("class")
    assert shares.loc["same_area", "movers"] == to_alfa == 30
    # Beta was udsat on the list in force in 2021 (20 movers) and on no list in 2022 (15):
    # its kind changed, so its single-year cells go to the two kinds.
    assert shares.loc["udsat", "movers"] == 20
    assert shares.loc["other_area", "movers"] == 15
    assert shares.loc["forebyggelsesomraade", "movers"] == 10
    assert not shares["at_least"].any()


def test_reason_series_reads_the_cells_of_each_year_and_reason(flows):
    _store, data = flows
    series = reason_series(data, "alfa")
    for year in data.years:
        split = _values(reason_split(data, "alfa", year=year), "reason")
        rows = series[series["year"] == year]
        assert _values(rows, "reason") == split
    everything = series[series["year"].isna()]
    assert _values(everything, "reason") == _values(reason_split(data, "alfa"), "reason")
    assert len(reason_series(data)) == (len(data.years) + 1) * (len(data.reasons) + 1)


def test_mover_profiles_are_protected_together_with_the_flows(tmp_path):
    store = _store(tmp_path / "s.gpkg")
    moves = _moves()
    # 175 movers: ages 18-29 for all but two rows; two small groups (3 and 2 movers).
    weights = moves["weight"].tolist()
    moves = moves.loc[moves.index.repeat(moves["weight"])].reset_index(drop=True)
    moves["weight"] = 1
    moves["move_id"] = range(1, len(moves) + 1)
    moves["age_band"] = "18-29"
    moves.loc[:2, "age_band"] = "65+"  # 3 movers
    moves.loc[3:4, "age_band"] = ""  # 2 movers without an age
    moves["labour_status"] = np.where(moves.index % 2 == 0, "i beskæftigelse", "ledig")
    assert sum(weights) == len(moves) == 175
    store = _with_moves(store, moves)
    data = load_flows(store, 5)
    profile = mover_profile(data, "alfa").set_index(["attribute", "value"])
    # 3 and 2 are hidden; were 170 published beside the total of 175, the attacker would
    # know 65+ + "ikke oplyst" = 5 with each ≥ 1, so 65+ could not reach 5: 170 is hidden too.
    assert profile.loc[("age_band", "65+"), "suppressed"]
    assert profile.loc[("age_band", ""), "suppressed"]
    assert profile.loc[("age_band", "18-29"), "suppressed"]
    assert profile.loc[("age_band", ""), "label"] == "Ikke oplyst"
    assert profile.loc[("labour_status", "i beskæftigelse"), "movers"] == 88
    assert profile.loc[("labour_status", "ledig"), "movers"] == 87
    assert "household_type" not in profile.index.get_level_values(0)
    published = profile["movers"].dropna()
    assert ((published == 0) | (published >= 5)).all()
    # The shared total is one number in both cubes.
    flow_total = data.cell(ALL, ALL, "a:alfa", ALL)[1]
    protection = data.profile_protection
    r, o, a = protection.cube.dims
    assert protection.value((r.index[ALL], o.index["a:alfa"], a.index[ALL])) == flow_total == 175
    # Stored at import and read back: the same cells, and they pass the attacker's audit.
    assert protection.notes == ["stored at import"]
    assert audit(
        protection.cube, np.ones(protection.cube.values.shape, bool), protection.suppressed, 5
    ).ok
