"""Unit tests per rule version: thresholds exactly on the boundary, the 1,000-resident floor,
unknown values, decisive criteria, margins, the consecutive-years rule and what-if."""

import pytest

from indicators.rules import (
    VERSIONS,
    YearStatus,
    evaluate,
    get_rule,
    override_keys,
    rule_for_year,
    with_overrides,
)
from indicators.rules.versions import STATUS_FUNCTIONS

# Values well clear of every threshold, in the direction that does NOT list an area.
CLEAR = {
    "residents": 2500,
    "nonwestern_share": 20.0,
    "outside_labour_share": 20.0,
    "convicted_share": 1.0,
    "convicted_ratio": 1.0,
    "basic_education_share": 30.0,
    "income_ratio": 80.0,
}


def status(rule, values, year, history=()):
    return evaluate(rule, values, area_id="x", year=year, history=history).status


def criterion(verdict, key):
    return next(c for c in verdict.criteria if c.key == key)


# -- the registry ----------------------------------------------------------------------------


def test_every_version_is_registered_with_documented_boundaries():
    assert list(VERSIONS) == ["2010", "2014", "2018", "2021"]
    for name in VERSIONS:
        doc = STATUS_FUNCTIONS[name].__doc__
        assert "1,000" in doc or "udsat_2018" in doc, name
        assert "exceed" in doc or "udsat_2018" in doc, name


@pytest.mark.parametrize(
    ("year", "name"),
    [
        (2010, "2010"),
        (2013, "2010"),
        (2014, "2014"),
        (2017, "2014"),
        (2018, "2018"),
        (2020, "2018"),
        (2021, "2021"),
        (2024, "2021"),
    ],
)
def test_rule_for_year(year, name):
    assert rule_for_year(year).name == name


def test_no_rule_before_2010_and_unknown_names():
    with pytest.raises(KeyError, match="2010"):
        rule_for_year(2009)
    with pytest.raises(KeyError, match="known versions: 2010, 2014, 2018, 2021"):
        get_rule("2019")


# -- 2010: 2 of 3, all "exceeds" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "on_threshold", "above"),
    [
        ("nonwestern_share", 50.0, 50.1),
        ("outside_labour_share", 40.0, 40.1),
        ("convicted_share", 2.7, 2.71),
    ],
)
def test_2010_values_on_the_threshold_do_not_exceed_it(indicator, on_threshold, above):
    # One other criterion met, so this one decides.
    other = "outside_labour_share" if indicator != "outside_labour_share" else "nonwestern_share"
    base = {**CLEAR, other: 60.0}
    assert status("2010", {**base, indicator: on_threshold}, 2012) == {"ghettoomraade": False}
    assert status("2010", {**base, indicator: above}, 2012) == {"ghettoomraade": True}


def test_2010_needs_two_of_three():
    one = {**CLEAR, "nonwestern_share": 80.0}
    assert status("2010", one, 2011)["ghettoomraade"] is False
    assert status("2010", {**one, "convicted_share": 3.0}, 2011)["ghettoomraade"] is True


# -- 2014: 3 of 5, four "exceeds" and one "below" --------------------------------------------


LISTED_2014 = {**CLEAR, "nonwestern_share": 70.0, "outside_labour_share": 45.0}


@pytest.mark.parametrize(
    ("indicator", "on_threshold", "past"),
    [
        ("basic_education_share", 50.0, 50.01),
        ("income_ratio", 55.0, 54.99),
        ("convicted_share", 2.7, 2.75),
    ],
)
def test_2014_third_criterion_exactly_on_its_threshold(indicator, on_threshold, past):
    assert status("2014", {**LISTED_2014, indicator: on_threshold}, 2016) == {
        "ghettoomraade": False
    }
    assert status("2014", {**LISTED_2014, indicator: past}, 2016) == {"ghettoomraade": True}


# -- 2018: udsat 2 of 4 (convicted "at least 3 times"), parallel > 50 %, omdannelse ----------


UDSAT_ONE = {**CLEAR, "outside_labour_share": 45.0}  # one criterion met


@pytest.mark.parametrize(
    ("indicator", "on_threshold", "meets_on_threshold"),
    [
        ("convicted_ratio", 3.0, True),  # "at least" 3 times the national average
        ("basic_education_share", 60.0, False),  # "exceeds" 60 %
        ("income_ratio", 55.0, False),
    ],  # "below" 55 %
)
def test_2018_second_criterion_exactly_on_its_threshold(
    indicator, on_threshold, meets_on_threshold
):
    got = status("2018", {**UDSAT_ONE, indicator: on_threshold}, 2019)
    assert got["udsat"] is meets_on_threshold


def test_2018_outside_labour_exactly_40_is_not_met():
    values = {**CLEAR, "convicted_ratio": 3.5, "outside_labour_share": 40.0}
    assert status("2018", values, 2019)["udsat"] is False
    assert status("2018", {**values, "outside_labour_share": 40.1}, 2019)["udsat"] is True


def test_2018_parallel_needs_non_western_share_over_50():
    udsat = {**UDSAT_ONE, "convicted_ratio": 4.0}
    assert status("2018", {**udsat, "nonwestern_share": 50.0}, 2019)["parallelsamfund"] is False
    assert status("2018", {**udsat, "nonwestern_share": 50.1}, 2019)["parallelsamfund"] is True


@pytest.mark.parametrize("rule", ["2010", "2014", "2018", "2021"])
def test_fewer_than_1000_residents_is_never_listed(rule):
    worst = {
        "residents": 999,
        "nonwestern_share": 90.0,
        "outside_labour_share": 60.0,
        "convicted_share": 5.0,
        "convicted_ratio": 5.0,
        "basic_education_share": 80.0,
        "income_ratio": 40.0,
    }
    history = [YearStatus(y, True, "test") for y in range(2010, 2025)]
    got = status(rule, worst, rule_for_year(int(rule)).first_year, history)
    assert not any(got.values()), got
    got = status(rule, {**worst, "residents": 1000}, rule_for_year(int(rule)).first_year, history)
    assert any(got.values()), "exactly 1,000 residents is 'at least 1,000'"


PARALLEL = {**CLEAR, "outside_labour_share": 45.0, "convicted_ratio": 3.2, "nonwestern_share": 70.0}


def test_2018_omdannelse_needs_five_consecutive_years():
    four_before = [YearStatus(y, True, "list") for y in (2017, 2016, 2015, 2014)]
    verdict = evaluate("2018", PARALLEL, area_id="x", year=2018, history=four_before)
    assert verdict.omdannelse.required_years == 5
    # Four earlier years known, the fifth before them unknown: the run is *at least* five.
    assert verdict.omdannelse.consecutive_years == 5
    assert verdict.status["omdannelsesomraade"] is True

    three_then_gap = [
        YearStatus(2017, True, "l"),
        YearStatus(2016, True, "l"),
        YearStatus(2015, True, "l"),
        YearStatus(2014, False, "l"),
    ]
    verdict = evaluate("2018", PARALLEL, area_id="x", year=2018, history=three_then_gap)
    assert verdict.omdannelse.consecutive_years == 4
    assert verdict.omdannelse.at_least is False
    assert verdict.status["omdannelsesomraade"] is False
    assert verdict.categories == ["udsat", "parallelsamfund"]

    three_then_unknown = three_then_gap[:3]
    verdict = evaluate("2018", PARALLEL, area_id="x", year=2018, history=three_then_unknown)
    assert verdict.omdannelse.at_least is True
    assert verdict.status["omdannelsesomraade"] is None
    assert verdict.undetermined == ["omdannelsesomraade"]


def test_omdannelse_years_can_be_set_to_four_for_what_if():
    three_then_gap = [
        YearStatus(2020, True, "l"),
        YearStatus(2019, True, "l"),
        YearStatus(2018, True, "l"),
        YearStatus(2017, False, "l"),
    ]
    assert status("2021", PARALLEL, 2021, three_then_gap)["omdannelsesomraade"] is False
    got = evaluate(
        "2021",
        PARALLEL,
        area_id="x",
        year=2021,
        history=three_then_gap,
        overrides={"omdannelse_years": 4},
    )
    assert got.status["omdannelsesomraade"] is True
    assert got.notes == ["what-if thresholds: omdannelse_years=4"]


# -- 2021: forebyggelse ----------------------------------------------------------------------


FOREBYGGELSE = {
    **CLEAR,
    "nonwestern_share": 35.0,
    "outside_labour_share": 32.0,
    "convicted_ratio": 2.0,
}


def test_2021_forebyggelse_boundaries():
    got = status("2021", FOREBYGGELSE, 2022)
    assert got["forebyggelsesomraade"] is True, "convicted exactly 2 times is 'at least'"
    assert got["udsat"] is False
    assert (
        status("2021", {**FOREBYGGELSE, "nonwestern_share": 30.0}, 2022)["forebyggelsesomraade"]
        is False
    )
    assert (
        status("2021", {**FOREBYGGELSE, "outside_labour_share": 30.0}, 2022)["forebyggelsesomraade"]
        is False
    )
    assert (
        status("2021", {**FOREBYGGELSE, "convicted_ratio": 1.0, "income_ratio": 65.0}, 2022)[
            "forebyggelsesomraade"
        ]
        is False
    )
    assert (
        status("2021", {**FOREBYGGELSE, "convicted_ratio": 1.0, "income_ratio": 64.9}, 2022)[
            "forebyggelsesomraade"
        ]
        is True
    )


def test_2021_an_udsat_area_is_not_a_forebyggelsesomraade():
    values = {**FOREBYGGELSE, "outside_labour_share": 45.0, "convicted_ratio": 3.0}
    got = status("2021", values, 2022)
    assert got["udsat"] is True
    assert got["forebyggelsesomraade"] is False


# -- unknown values, decisive criteria, margins, fallbacks -----------------------------------


def test_unknown_values_leave_categories_undetermined_unless_decided():
    verdict = evaluate(
        "2018", {"outside_labour_share": 45.0, "residents": 1500}, area_id="x", year=2019
    )
    assert verdict.status["udsat"] is None
    assert "udsat" in verdict.undetermined
    decided = evaluate(
        "2018",
        {"outside_labour_share": 45.0, "basic_education_share": 70.0, "residents": 1500},
        area_id="x",
        year=2019,
    )
    assert decided.status["udsat"] is True
    assert decided.status["parallelsamfund"] is None
    assert criterion(decided, "income").met is None
    assert criterion(decided, "income").basis == "ikke oplyst"


def test_decisive_criteria_and_margins():
    values = {
        **CLEAR,
        "outside_labour_share": 52.3,
        "basic_education_share": 61.0,
        "nonwestern_share": 55.0,
    }
    verdict = evaluate("2018", values, area_id="x", year=2019)
    assert verdict.categories == ["udsat", "parallelsamfund"]
    assert verdict.met_count == {"udsat": 2} and verdict.required == {"udsat": 2}
    outside = criterion(verdict, "outside_labour")
    assert outside.decisive and outside.margin == pytest.approx(12.3)
    assert outside.comparison == "gt" and outside.threshold == 40.0
    assert criterion(verdict, "basic_education").decisive
    assert criterion(verdict, "nonwestern").decisive
    assert not criterion(verdict, "income").decisive  # meeting it too changes nothing
    income = criterion(verdict, "income")
    assert income.met is False and income.margin == pytest.approx(25.0)

    three = evaluate("2018", {**values, "income_ratio": 50.0}, area_id="x", year=2019)
    assert not criterion(three, "outside_labour").decisive  # 3 of 4: any one may go


def test_convicted_share_is_compared_with_the_published_absolute_threshold_in_2020():
    values = {**UDSAT_ONE, "convicted_ratio": None, "convicted_share": 2.27}
    verdict = evaluate("2018", values, area_id="x", year=2020)
    convicted = criterion(verdict, "convicted")
    assert convicted.indicator == "convicted_share" and convicted.threshold == 2.27
    assert convicted.met is True and "tv2fyn.dk" in convicted.basis and "2,27 %" in convicted.basis
    assert (
        evaluate("2018", {**values, "convicted_share": 2.26}, area_id="x", year=2020).status[
            "udsat"
        ]
        is False
    )
    # No absolute threshold is published for 2019: the share alone decides nothing.
    assert criterion(evaluate("2018", values, area_id="x", year=2019), "convicted").met is None


# -- what-if overrides -----------------------------------------------------------------------


def test_overrides_change_thresholds_and_are_validated():
    values = {**CLEAR, "outside_labour_share": 36.0, "basic_education_share": 65.0}
    assert status("2018", values, 2019)["udsat"] is False
    assert (
        evaluate("2018", values, area_id="x", year=2019, overrides={"outside_labour": 35}).status[
            "udsat"
        ]
        is True
    )
    assert set(override_keys(get_rule("2010"))) == {
        "nonwestern",
        "outside_labour",
        "convicted",
        "min_residents",
        "min_met",
    }
    with pytest.raises(ValueError, match="`speed` is not a threshold of rule 2018"):
        with_overrides(get_rule("2018"), {"speed": 1})
    with pytest.raises(ValueError, match="`outside_labour` was 140"):
        with_overrides(get_rule("2018"), {"outside_labour": 140})
    with pytest.raises(ValueError, match="`min_met` was 5"):
        with_overrides(get_rule("2018"), {"min_met": 5})
    scaled = with_overrides(get_rule("2018"), {"convicted": 1.5})
    convicted = next(c for c in scaled.base.criteria if c.key == "convicted")
    assert convicted.fallback[0][2] == pytest.approx(1.135)  # 2.27 % scaled with the ratio


def test_min_residents_override():
    values = {**PARALLEL, "residents": 900}
    assert status("2018", values, 2019)["udsat"] is False
    assert (
        evaluate("2018", values, area_id="x", year=2019, overrides={"min_residents": 800}).status[
            "udsat"
        ]
        is True
    )
