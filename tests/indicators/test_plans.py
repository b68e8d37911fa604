"""Development plans: the embedded facts, their views (table rows, conflicts, the 40 % path),
and import-plans refusing a bad file whole with row, column and value named."""

import hashlib

import pandas as pd
import pytest

from geo.errors import InputRejected, NotFound
from indicators.plans import (
    FACT_TYPES,
    date_da,
    import_plans,
    parse_date,
    plan_areas,
    plan_facts,
    plans_overview,
    read_plan_facts,
)
from indicators.values import import_indicators


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


HEADER = "area_name,fact_type,value,unit,date,source_url,evidence_quote\n"


# -- the embedded facts ----------------------------------------------------------------------


def test_default_facts_cover_every_shared_row_with_source_and_quote(default_store, shared_data):
    facts = read_plan_facts(default_store)
    shared = pd.read_csv(shared_data / "lists" / "development_plans.csv", dtype=str)
    # Every source of the compiled file is cited by at least one embedded fact.
    assert set(shared["source_url"]) <= set(facts["source_url"])
    assert (facts["source_url"] != "").all()
    assert set(facts["fact_type"]) <= set(FACT_TYPES)
    # Facts without the source's words say why in their note.
    unquoted = facts[facts["evidence_quote"] == ""]
    assert len(unquoted) <= 2 and (unquoted["note"] != "").all()


def test_mjoelnerparken_sale_of_260_homes_with_its_source(default_store):
    plan = plan_facts(default_store, "mjoelnerparken")
    sale = next(r for r in plan.rows if r.key == "sale")
    assert [f.number for f in sale.facts] == [260.0]
    fact = sale.facts[0]
    assert fact.figure_da == "260 boliger"
    assert fact.source_url.startswith("https://koebenhavnsnetavis.dk/")
    assert "260 boliger i Mjølnerparken" in fact.evidence_quote


def test_vollsmose_demolitions_by_afdeling(default_store):
    plan = plan_facts(default_store, "vollsmose")
    demolition = next(r for r in plan.rows if r.key == "demolition")
    by_afdeling = {f.part: f.number for f in demolition.facts if f.part}
    assert by_afdeling == {
        "Granparken": 160,
        "Lærkeparken": 136,
        "Fyrreparken": 26,
        "Egeparken": 191,
        "Birkeparken": 200,
        "Bøgeparken": 287,
    }
    total = [f for f in demolition.facts if not f.part]
    assert [(f.number, f.approximate) for f in total] == [(1000.0, True)]


def test_tingbjerg_conflict_keeps_both_figures_as_a_conflict(default_store):
    plan = plan_facts(default_store, "tingbjerg-utterslevhuse")
    row = next(r for r in plan.rows if r.key == "new_private_homes")
    assert len(row.conflicts) == 1 and "uenige" in row.conflicts[0]
    sources = {f.source_url.split("/")[2] for f in row.facts}
    assert sources == {"www.bha.dk", "tingbjerg-bydel.dk"}
    assert all(f.conflict == "tingbjerg-private-boliger" for f in row.facts)
    figures = sorted((f.part, f.figure_da) for f in row.facts)
    assert figures == [
        ("", "ca. 1.500 boliger"),
        ("Bystævneparken", "ca. 660 boliger"),
        ("Tingbjerg", "ca. 1.500 boliger"),
    ]


def test_combined_figures_appear_on_both_areas_never_split(default_store):
    munkebo = plan_facts(default_store, "munkebo")
    demolition = next(r for r in munkebo.rows if r.key == "demolition")
    combined = [f for f in demolition.facts if f.shared_with]
    assert [(f.number, f.shared_with) for f in combined] == [(279.0, ["Skovvejen/Skovparken"])]
    # The other area's own figure of the same conflict is shown beside it.
    assert {f.number for f in demolition.facts} == {24.0, 243.0, 279.0}


def test_omdannelsesomraade_without_facts_has_every_row_unknown(default_store):
    assert "ringparken" in plan_areas(default_store)
    plan = plan_facts(default_store, "ringparken")
    assert plan.omdannelse_years and not plan.has_facts
    assert all(not r.known for r in plan.rows)
    assert plan.path.baseline is None and plan.path.measured == []
    assert (plan.path.target.value, plan.path.target_kind) == (40.0, "law")


def test_dispensation_and_plan_targets_replace_the_law_target(default_store):
    assert plan_facts(default_store, "noerager-soestjernevej").path.target.value == 60.0
    finlandsparken = plan_facts(default_store, "finlandsparken").path
    assert (finlandsparken.target.value, finlandsparken.target_kind) == (68.0, "plan")


def test_unknown_area_is_not_found(default_store):
    with pytest.raises(NotFound):
        plan_facts(default_store, "no-such-area")


def test_overview_sorts_numbers_and_puts_unknown_last(default_store):
    rows = plans_overview(default_store, "demolition", descending=True)
    values = [r.cells["demolition"].sort_value for r in rows]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True) and known[0] == 1000.0
    assert values[len(known) :] == [None] * (len(values) - len(known))
    ascending = [
        r.cells["demolition"].sort_value for r in plans_overview(default_store, "demolition")
    ]
    assert [v for v in ascending if v is not None] == sorted(known)
    with pytest.raises(ValueError, match="sort was 'x'"):
        plans_overview(default_store, "x")


def test_dates_are_parsed_strictly_and_said_in_danish():
    assert parse_date("2019-09-10") == "2019-09-10"
    assert parse_date("2019-13") is None
    assert parse_date("2019-02-30") is None
    assert parse_date("19") is None
    assert parse_date("maj 2019") is None
    assert date_da("2019-09-10") == "10. september 2019"
    assert date_da("2019-06") == "juni 2019"


# -- the 40 % path takes imported indicator values -------------------------------------------


def test_imported_share_values_join_the_path_and_gaps_are_listed(default_store, tmp_path):
    path = write(
        tmp_path / "andel.csv",
        "area;year;code;value\n"
        "Tingbjerg/Utterslevhuse;2021;almene_familieboliger_share;88,5\n"
        "Tingbjerg/Utterslevhuse;2023;almene_familieboliger_share;81\n",
    )
    import_indicators(default_store, path)
    share = plan_facts(default_store, "tingbjerg-utterslevhuse").path
    assert [(p.year, p.value) for p in share.measured] == [(2021, 88.5), (2023, 81.0)]
    assert share.baseline.value == 96.0 and share.baseline.year == 2019
    assert 2022 in share.missing_years and 2021 not in share.missing_years


# -- import-plans ----------------------------------------------------------------------------


def test_import_adds_facts_and_replaces_the_same_fact(default_store, tmp_path):
    before = len(read_plan_facts(default_store))
    path = write(
        tmp_path / "planer.csv",
        HEADER + "Ringparken,demolition,ca. 120,homes,2024-03,https://example.org/a,citat\n"
        "Mjølnerparken,sale,260,homes,2023,https://koebenhavnsnetavis.dk/ny-fremtid-for-"
        "mjoelnerparken-nyt-alment-privat-samarbejde-skal-skabe-en-tryg-aaben-og-attraktiv-"
        "bydel/,ny ordlyd\n",
    )
    summary = import_plans(default_store, path)
    assert summary["facts"] == 2 and summary["replaced"] == 1
    facts = read_plan_facts(default_store)
    assert len(facts) == before + 1
    ring = plan_facts(default_store, "ringparken")
    demolition = next(r for r in ring.rows if r.key == "demolition")
    assert [(f.number, f.approximate, f.date) for f in demolition.facts] == [
        (120.0, True, "2024-03")
    ]
    sale = next(r for r in plan_facts(default_store, "mjoelnerparken").rows if r.key == "sale")
    assert [f.evidence_quote for f in sale.facts] == ["ny ordlyd"]


def test_import_from_excel(default_store, tmp_path):
    path = tmp_path / "planer.xlsx"
    pd.DataFrame(
        [
            {
                "area_name": "Motalavej",
                "fact_type": "status",
                "value": "Nedrivning begyndt",
                "date": "2024",
                "source_url": "https://example.org/b",
            }
        ]
    ).to_excel(path, index=False)
    assert import_plans(default_store, path)["facts"] == 1
    status = next(r for r in plan_facts(default_store, "motalavej").rows if r.key == "status")
    assert [f.text for f in status.facts] == ["Nedrivning begyndt"]


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        ("Atlantis,sale,10,homes,2020,https://x.dk,q", "area_name", "Atlantis", "unknown area"),
        (
            "Vollsmose,teardown,10,homes,2020,https://x.dk,q",
            "fact_type",
            "teardown",
            "unknown fact type",
        ),
        ("Vollsmose,demolition,mange,homes,2020,https://x.dk,q", "value", "mange", "not a number"),
        ("Vollsmose,dispensation,140,pct,2020,https://x.dk,q", "value", "140", "outside the range"),
        ("Vollsmose,sale,10,pct,2020,https://x.dk,q", "unit", "pct", "unit does not fit"),
        ("Vollsmose,sale,10,homes,maj 2020,https://x.dk,q", "date", "maj 2020", "not a date"),
        ("Vollsmose,sale,10,homes,2020,,q", "source_url", "", "no source"),
    ],
)
def test_bad_file_is_refused_whole_naming_row_column_value(
    default_store, tmp_path, line, column, value, message
):
    good = "Mjølnerparken,sale,99,homes,2024,https://example.org/c,q\n"
    path = write(tmp_path / "planer.csv", HEADER + good + line + "\n")
    before = digest(default_store.path)
    with pytest.raises(InputRejected) as caught:
        import_plans(default_store, path)
    problems = caught.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.row, problem.column, problem.value) == (2, column, value)
    assert message in problem.message
    assert str(path) in str(caught.value)
    assert digest(default_store.path) == before


def test_the_compiled_file_itself_is_refused_for_its_worded_figures(default_store, shared_data):
    before = digest(default_store.path)
    with pytest.raises(InputRejected) as caught:
        import_plans(default_store, shared_data / "lists" / "development_plans.csv")
    refused = {(p.row, p.value) for p in caught.value.problems if "not a number" in p.message}
    assert (12, "600 (400 Gellerup + 200 Toveshøj)") in refused
    assert digest(default_store.path) == before
