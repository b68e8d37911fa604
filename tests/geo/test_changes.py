"""What changed between two lists (geo.changes), on the embedded default store."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from geo.changes import change_years, list_changes
from geo.errors import NotFound
from geo.store import Store


def _category(changes, code):
    return next(c for c in changes.categories if c.category == code)


def _entry(changes, area_id):
    return next(a for a in changes.areas if a.area_id == area_id)


def test_2021_areas_that_left_when_the_2021_rules_came_in(built_store: Store):
    changes = list_changes(built_store, 2021)
    assert (changes.rule_before, changes.rule_after) == ("2018", "2021")
    assert changes.rules_changed
    omdannelse = _category(changes, "omdannelsesomraade")
    assert omdannelse.left == ["motalavej", "ringparken", "solbakken"]
    assert (omdannelse.official_before, omdannelse.official_after) == (13, 10)
    parallel = _category(changes, "parallelsamfund")
    assert parallel.left == ["motalavej", "noejsomhed-sydvej", "ringparken", "solbakken"]
    assert parallel.entered == ["agervang"]
    assert (parallel.official_before, parallel.official_after) == (15, 12)
    # Whether Solbakken stayed udsat is not known: the 2021 udsat list is incomplete.
    solbakken = _entry(changes, "solbakken")
    assert solbakken.left == ["parallelsamfund", "omdannelsesomraade"]
    assert solbakken.possibly_left == ["udsat"]
    assert solbakken.after["udsat"] is None
    assert solbakken.kind == "uncertain"
    assert {e.reason for e in solbakken.explanations} == {"no_values"}
    assert not any(e.decided for e in solbakken.explanations)


def test_2021_names_the_first_forebyggelsesomraader(built_store: Store):
    changes = list_changes(built_store, 2021)
    fore = _category(changes, "forebyggelsesomraade")
    designations = built_store.read("designations")
    named = designations[
        (designations["year"] == 2021) & (designations["category"] == "forebyggelsesomraade")
    ]
    assert fore.entered == sorted(named["area_id"])
    assert len(fore.entered) == 10
    assert fore.official_before is None and fore.official_after == 62
    assert fore.left == [] and fore.stayed == 0
    for area_id in fore.entered:
        explanation = _entry(changes, area_id).explanations[0]
        assert (explanation.category, explanation.reason) == (
            "forebyggelsesomraade",
            "new_category",
        )
        # A forebyggelsesområde is never udsat (§ 61 b): known from the list itself.
        assert _entry(changes, area_id).after["udsat"] is False


def test_a_threshold_crossed_is_named_with_its_margin(built_store: Store):
    # Mjølnerparken left in 2023: 966 residents, below the floor of 1,000 (the one decisive
    # criterion the published values give).
    changes = list_changes(built_store, 2023)
    entry = _entry(changes, "mjoelnerparken")
    assert entry.left == ["parallelsamfund", "omdannelsesomraade"]
    explanation = entry.explanations[0]
    assert explanation.decided and explanation.reason == "criteria"
    [criterion] = explanation.criteria
    assert criterion.key == "residents"
    assert criterion.value_after == 966.0
    assert criterion.threshold == 1000.0
    assert criterion.margin == -34.0
    assert criterion.met_after is False


def test_category_change_is_reported_once(built_store: Store):
    changes = list_changes(built_store, 2022)
    agervang = _entry(changes, "agervang")
    assert agervang.kind == "changed"
    assert (agervang.most_severe_before, agervang.most_severe_after) == (
        "parallelsamfund",
        "forebyggelsesomraade",
    )
    assert [a.area_id for a in changes.areas].count("agervang") == 1
    # its known other names travel with it
    assert {"Grønneparken", "Vang-kvarteret"} <= {a["alias"] for a in agervang.aliases}


def test_first_list_year_has_no_changes(built_store: Store):
    assert change_years(built_store) == [2019, 2020, 2021, 2022, 2023, 2024]
    with pytest.raises(NotFound, match="no list for 2017"):
        list_changes(built_store, 2018)
    with pytest.raises(NotFound, match="no list for 2030"):
        list_changes(built_store, 2030)


def test_every_named_difference_is_accounted_for(built_store: Store):
    designations = built_store.read("designations")
    for year in change_years(built_store):
        changes = list_changes(built_store, year)
        for c in changes.categories:
            rows = designations[designations["category"] == c.category]
            before = set(rows[rows["year"] == year - 1]["area_id"])
            after = set(rows[rows["year"] == year]["area_id"])
            assert c.named_before == len(before) and c.named_after == len(after)
            assert set(c.entered) | set(c.possibly_entered) == after - before, (year, c.category)
            assert set(c.left) | set(c.possibly_left) == before - after, (year, c.category)
            assert c.stayed == len(before & after)


def with_renamed_area(default_store: Store) -> Store:
    """Agervang's 2022–2023 rows moved to a second area, Grønneparken (a known alias)."""
    areas = default_store.read("areas")
    agervang = areas[areas["area_id"] == "agervang"].copy()
    agervang["area_id"], agervang["name"] = "groenneparken", "Grønneparken"
    areas = gpd.GeoDataFrame(
        pd.concat([areas, agervang], ignore_index=True), geometry="geometry", crs=areas.crs
    )
    designations = default_store.read("designations")
    moved = (designations["area_id"] == "agervang") & (designations["year"] >= 2022)
    designations.loc[moved, "area_id"] = "groenneparken"
    with default_store.transaction() as w:
        w.write("areas", areas)
        w.write("designations", designations)
    return default_store


def test_an_alias_pair_is_shown_as_a_rename(default_store: Store):
    store = with_renamed_area(default_store)
    changes = list_changes(store, 2022)
    ids = [a.area_id for a in changes.areas]
    assert "agervang" not in ids
    renamed = _entry(changes, "groenneparken")
    assert renamed.kind == "renamed"
    assert renamed.counterparts == [{"area_id": "agervang", "name": "Agervang", "role": "before"}]
    assert (renamed.most_severe_before, renamed.most_severe_after) == (
        "parallelsamfund",
        "forebyggelsesomraade",
    )
    fore = _category(changes, "forebyggelsesomraade")
    parallel = _category(changes, "parallelsamfund")
    assert "groenneparken" not in fore.entered and "agervang" not in parallel.left
    assert {"from": ["agervang"], "to": ["groenneparken"], "kind": "renamed"} in parallel.renamed
    assert {"from": ["agervang"], "to": ["groenneparken"], "kind": "renamed"} in fore.renamed


def test_changes_map_layers(built_store: Store):
    from geo.maps.changes import changes_map_data

    changes = list_changes(built_store, 2021)
    data = changes_map_data(built_store, changes)
    areas = data.layers["areas"]
    assert areas.crs.to_epsg() == 4326
    drawn = set(areas["area_id"]) | set(data.layers["unlocated"]["area_id"])
    assert drawn == {a.area_id for a in changes.areas}
    by_id = dict(zip(areas["area_id"], areas["map_class"], strict=True))
    assert by_id["solbakken"] == "left"  # left two lists; whether still udsat is unknown
    assert by_id["charlotteager"] == "entered"  # one of the first forebyggelsesområder
    assert not areas.set_index("area_id").loc["solbakken", "certain"]
