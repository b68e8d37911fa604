"""Apply the rules to the store: one area's verdict, a whole year's classification, what-if.

The store supplies the values (``indicators`` table), the official lists (``designations``)
and the earlier parallelsamfund years an omdannelsesområde needs. Earlier years are taken
from the official lists since 2018 only: the list-history check
(:mod:`indicators.rules.history`) shows that the old ghetto lists before 2018 are not what the
law counts, so a run that reaches 2018 is reported as "at least".
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from geo.i18n import N_
from indicators.rules import Verdict, evaluate, get_rule, rule_for_year
from indicators.rules.history import ListHistory
from indicators.values import read_indicators, values_by_area


def _history(store) -> ListHistory:
    return ListHistory(store.read("designations"), store.read("list_counts"), None)


def official_categories(store, year: int) -> dict[str, list[str]]:
    """area_id → the categories it had on the official lists of ``year``.

    Before 2018 the law knew one list, the ghettoområder (the old lists of 2015–2017 as far
    as sources name them, ``earlier_lists``): an area on it has the category
    ``ghettoomraade``; a store without those lists knows no category before 2018.
    """
    if year < 2018:
        if not store.has("earlier_lists"):
            return {}
        earlier = store.read("earlier_lists")
        rows = earlier[(earlier["year"] == year) & earlier["listed"].astype(bool)]
        return {area_id: ["ghettoomraade"] for area_id in rows["area_id"]}
    designations = store.read("designations")
    rows = designations[designations["year"] == year]
    out: dict[str, list[str]] = {}
    for area_id, category in zip(rows["area_id"], rows["category"], strict=True):
        out.setdefault(area_id, []).append(category)
    return out


def assess_area(
    store,
    area_id: str,
    year: int,
    *,
    rule: str | None = None,
    overrides: Mapping[str, float] | None = None,
    synthetic: bool = False,
    extra_values: Mapping[str, float] | None = None,
) -> Verdict:
    """The verdict of one area in one list year (the rule of that year unless named).

    ``extra_values`` fill in values the store does not have (e.g. the residents floor, to
    say what the criteria decide if the area has 1,000 residents).
    """
    version = get_rule(rule) if rule else rule_for_year(year)
    values = values_by_area(read_indicators(store, synthetic=synthetic), year).get(area_id, {})
    if extra_values:
        values = {
            **{k: v for k, v in extra_values.items() if values.get(k) is None},
            **{k: v for k, v in values.items() if v is not None},
        }
    return evaluate(
        version,
        values,
        area_id=area_id,
        year=year,
        history=_history(store).statuses(area_id, use_earlier=False),
        overrides=overrides,
    )


def _change(baseline: bool | None, what_if: bool | None) -> str | None:
    if baseline == what_if:
        return None
    if what_if is True:
        return "enters"
    if baseline is True:
        return "leaves"
    return "uncertain"


def classify(
    store,
    year: int,
    *,
    rule: str | None = None,
    overrides: Mapping[str, float] | None = None,
    synthetic: bool = False,
) -> dict:
    """Evaluate every area that has values for ``year`` or is on that year's lists.

    With ``overrides`` each area is also evaluated under the unmodified rule (the baseline),
    and ``changes`` says per category whether it *enters* or *leaves* the list under the
    user's thresholds (``uncertain`` when the values cannot decide one of the two).

    Returns
    -------
    dict
        ``rule``, ``year``, ``overrides``, ``synthetic``, ``areas`` (one dict per area with
        ``verdict``, ``baseline`` statuses, ``official`` categories and ``changes``) and
        ``summary`` per category (computed yes / undetermined, official named, entering,
        leaving).
    """
    version = get_rule(rule) if rule else rule_for_year(year)
    frame = read_indicators(store, synthetic=synthetic)
    values = values_by_area(frame, year)
    official = official_categories(store, year)
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    history = _history(store)
    population = sorted((set(values) | set(official)) & set(names), key=lambda a: names[a])
    out_areas = []
    for area_id in population:
        statuses = history.statuses(area_id, use_earlier=False)
        verdict = evaluate(
            version,
            values.get(area_id, {}),
            area_id=area_id,
            year=year,
            history=statuses,
            overrides=overrides,
        )
        baseline = (
            evaluate(
                version, values.get(area_id, {}), area_id=area_id, year=year, history=statuses
            ).status
            if overrides
            else dict(verdict.status)
        )
        changes = {c: _change(baseline[c], verdict.status[c]) for c in version.categories}
        out_areas.append(
            {
                "area_id": area_id,
                "name": names[area_id],
                "has_values": area_id in values,
                "verdict": verdict,
                "baseline": baseline,
                "official": sorted(official.get(area_id, [])),
                "changes": {c: v for c, v in changes.items() if v},
            }
        )
    summary = []
    for category in version.categories:
        summary.append(
            {
                "category": category,
                "computed": sum(a["verdict"].status[category] is True for a in out_areas),
                "undetermined": sum(a["verdict"].status[category] is None for a in out_areas),
                "official_named": sum(category in a["official"] for a in out_areas),
                "enters": [
                    a["area_id"] for a in out_areas if a["changes"].get(category) == "enters"
                ],
                "leaves": [
                    a["area_id"] for a in out_areas if a["changes"].get(category) == "leaves"
                ],
            }
        )
    return {
        "rule": version.name,
        "year": year,
        "overrides": dict(overrides or {}),
        "synthetic": synthetic,
        "areas": out_areas,
        "summary": summary,
    }


def years_with_values(store, *, synthetic: bool = False) -> list[int]:
    """The years for which the store has indicator values (real ones unless ``synthetic``)."""
    frame = read_indicators(store, synthetic=synthetic)
    return sorted(int(y) for y in frame["year"].dropna().unique())


def indicator_table(store, code: str, year: int | None, *, synthetic: bool = False) -> pd.DataFrame:
    """One indicator in one year (``None``: the undated values) for every area that has a
    row for it or is on that year's lists; value NaN = "ikke oplyst".

    Columns: area_id, name, value, source, note, dataset, rank (1 = highest, NaN when not
    published). Ordered by value, highest first, unpublished last (then by name).
    """
    frame = read_indicators(store, synthetic=synthetic)
    rows = frame[frame["code"] == code]
    rows = rows[rows["year"].isna()] if year is None else rows[rows["year"] == year]
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    table = rows[["area_id", "value", "source", "note", "dataset"]].copy()
    if year is not None:
        listed = set(official_categories(store, year)) - set(table["area_id"])
        extra = pd.DataFrame(
            {
                "area_id": sorted(listed),
                "value": float("nan"),
                "source": "",
                "note": N_("ikke i de indlæste data"),
                "dataset": "",
            }
        )
        table = pd.concat([table, extra], ignore_index=True) if len(extra) else table
    table = table[table["area_id"].isin(names)].copy()
    table["name"] = table["area_id"].map(names)
    table["rank"] = table["value"].rank(ascending=False, method="min")
    table["_missing"] = table["value"].isna()
    table = table.sort_values(
        ["_missing", "value", "name"], ascending=[True, False, True], key=None
    ).drop(columns="_missing")
    return table.reset_index(drop=True)[
        ["area_id", "name", "value", "rank", "source", "note", "dataset"]
    ]


def _official_for(store, year: int, earlier: pd.DataFrame) -> tuple[dict, dict] | None:
    """Official categories of ``year`` and what is known about them.

    Returns ``(categories, known)``: area_id → its categories, and (area_id, category) →
    whether the official status is known (named on the list, or the list of that category
    is complete, or a source says the area was not on it). Before 2018 the old ghetto lists
    are used. None when nothing is known about that year.
    """
    from indicators.lists import list_summary

    counts = store.read("list_counts")
    if year in set(counts["year"].astype(int)):
        categories = official_categories(store, year)
        complete = {
            s["category"]: s["complete"]
            for s in list_summary(store.read("designations"), counts, year)
        }
        return categories, {"complete": complete, "absent": set()}
    rows = earlier[earlier["year"] == year]
    if not len(rows):
        return None
    listed = rows[rows["listed"]]
    categories = {a: ["ghettoomraade"] for a in listed["area_id"]}
    complete = {"ghettoomraade": len(listed) == int(rows["list_total"].iloc[0])}
    return categories, {"complete": complete, "absent": set(rows[~rows["listed"]]["area_id"])}


def _official_status(official, area_id: str, category: str) -> bool | None:
    if official is None:
        return None
    categories, known = official
    if category in categories.get(area_id, []):
        return True
    if known["complete"].get(category, False) or area_id in known["absent"]:
        return False
    return None


def criteria_reproduction(store) -> dict:
    """Compare the categories computed from the published criteria values with the official
    lists, per (area, year) with dated real values.

    Where the residents figure is not published but the area is on an official list of that
    year, the floor of 1,000 residents is supplied (being listed requires it), so that the
    other criteria are checked; such rows say ``residents_assumed``. A category is
    ``agrees`` when the computed status equals the official one, ``disagrees`` when it
    differs, ``undetermined`` when the values cannot decide it or the official status is not
    known (the lists of udsatte boligområder and forebyggelsesområder are incomplete).
    """
    from indicators.rules.history import read_earlier_lists

    frame = read_indicators(store)
    earlier = read_earlier_lists(store)
    history = _history(store)
    areas = store.read("areas")
    names = dict(zip(areas["area_id"], areas["name"], strict=True))
    rows, totals = [], {"agrees": 0, "disagrees": 0, "undetermined": 0}
    for year in sorted(int(y) for y in frame["year"].dropna().unique()):
        try:
            version = rule_for_year(year)
        except KeyError:
            continue
        official = _official_for(store, year, earlier)
        for area_id, values in sorted(values_by_area(frame, year).items()):
            statuses = {c: _official_status(official, area_id, c) for c in version.categories}
            listed = any(v is True for v in statuses.values())
            assumed = values.get("residents") is None and listed
            inputs = {**values, "residents": 1000.0} if assumed else values
            verdict = evaluate(
                version,
                inputs,
                area_id=area_id,
                year=year,
                history=history.statuses(area_id, use_earlier=False),
            )
            outcome = {}
            for category in version.categories:
                computed, is_official = verdict.status[category], statuses[category]
                if computed is None or is_official is None:
                    outcome[category] = "undetermined"
                else:
                    outcome[category] = "agrees" if computed == is_official else "disagrees"
                totals[outcome[category]] += 1
            rows.append(
                {
                    "area_id": area_id,
                    "name": names.get(area_id, area_id),
                    "year": year,
                    "rule": version.name,
                    "residents_assumed": assumed,
                    "official": [c for c in version.categories if statuses[c] is True],
                    "computed": verdict.categories,
                    "outcome": outcome,
                }
            )
    return {"rows": rows, "totals": totals}


def criterion_threshold(code: str, year: int) -> tuple[float, str] | None:
    """The threshold and comparison the rule of ``year`` puts on indicator ``code``.

    The udsat (before 2018: ghetto) criterion comes before the parallelsamfund and
    forebyggelse ones; for a relative criterion, the absolute threshold published for that
    year counts for the indicator it is expressed in (convicted share 2.27 % in 2020). None
    when no criterion of that year uses ``code``.
    """
    try:
        rule = rule_for_year(year)
    except KeyError:
        return None
    for c in rule.criteria():
        if c.indicator == code:
            return c.threshold, c.comparison
        fallback = c.fallback_for(year)
        if fallback and fallback[0] == code:
            return fallback[1], c.comparison
    return None
