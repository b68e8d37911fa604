"""Reports as data (with their importer), the evaluation's levels and timeline, the glossary,
and the programmes and survey figures."""

import hashlib

import pytest

from geo.errors import InputRejected
from indicators import evaluation, glossary, programmes
from indicators.reports import TRACKS, filter_reports, import_reports, read_reports


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


# -- reports ---------------------------------------------------------------------------------


def test_seed_reports_have_titles_tracks_and_sources(default_store):
    reports = read_reports(default_store)
    assert len(reports) >= 15
    assert set(reports["track"]) <= set(TRACKS)
    assert (reports["source"] != "").all() and (reports["title"] != "").all()
    assert "Tryghed og trivsel i udsatte boligområder" in set(reports["title"])
    # Nothing invented: years only where a source gives them.
    assert reports["year"].isna().sum() >= 10


def test_import_reports_adds_an_area_report_and_filters_find_it(default_store, tmp_path):
    path = write(
        tmp_path / "rapporter.csv",
        "title;track;publisher;year;areas;url\n"
        "Delrapport 1: Vollsmose;fysisk;BUILD/AAU;2021;Vollsmose;https://example.org/r1\n",
    )
    assert import_reports(default_store, path)["reports"] == 1
    reports = read_reports(default_store)
    found = filter_reports(reports, track="fysisk", area_id="vollsmose", year=2021)
    assert list(found["title"]) == ["Delrapport 1: Vollsmose"]
    assert filter_reports(reports, area_id="mjoelnerparken").empty
    with pytest.raises(ValueError, match="track was 'x'"):
        filter_reports(reports, track="x")


@pytest.mark.parametrize(
    ("line", "column", "value"),
    [
        ("R;okonomisk;VIVE;2021;;", "track", "okonomisk"),
        ("R;socialt;VIVE;tyve;;", "year", "tyve"),
        ("R;socialt;VIVE;2021;Atlantis;", "areas", "Atlantis"),
        ("R;socialt;VIVE;2021;;ftp://x", "url", "ftp://x"),
    ],
)
def test_bad_report_file_is_refused_whole(default_store, tmp_path, line, column, value):
    path = write(
        tmp_path / "rapporter.csv",
        "title;track;publisher;year;areas;url\nGod;socialt;VIVE;2020;;\n" + line + "\n",
    )
    before = digest(default_store.path)
    with pytest.raises(InputRejected) as caught:
        import_reports(default_store, path)
    [problem] = caught.value.problems
    assert (problem.row, problem.column, problem.value) == (2, column, value)
    assert digest(default_store.path) == before


# -- the evaluation --------------------------------------------------------------------------


def test_four_levels_with_vive_questions():
    assert [lv.code for lv in evaluation.LEVELS] == [
        "omraader",
        "beboere",
        "fraflyttere",
        "almen_sektor",
    ]
    questions = evaluation.questions()
    assert all(questions[lv.code] for lv in evaluation.LEVELS)
    assert (
        "Hvor flytter/flyttes beboere fra de hårde ghettoområder hen?" in questions["almen_sektor"]
    )
    residents = next(lv for lv in evaluation.LEVELS if lv.code == "beboere")
    assert residents.awaiting.startswith("Afventer data")


def test_timeline_has_seed_milestones_list_years_and_plan_decisions(default_store):
    events = evaluation.timeline(default_store)
    kinds = {e.kind for e in events}
    assert kinds == {"evaluering", "lov", "liste", "plan", "frist"}
    assert [e.position for e in events] == sorted(e.position for e in events)
    lists = [e.year for e in events if e.kind == "liste"]
    assert lists == list(range(2018, 2025))
    assert any(
        e.kind == "plan" and e.date == "2019-09-10" and "Vollsmose" in e.title for e in events
    )
    assert events[-1].date == "2030-01-01"
    assert all(2018 <= e.year <= 2030 for e in events)


# -- glossary --------------------------------------------------------------------------------


def test_glossary_has_the_issue_terms_with_sources():
    wanted = {
        "helhedsplan",
        "udsat boligområde",
        "parallelsamfund",
        "omdannelsesområde",
        "forebyggelsesområde",
        "hårdt ghettoområde",
        "almene familieboliger",
        "kombineret udlejning",
        "udviklingsplan",
        "vandsengseffekt",
    }
    terms = {t.term: t for t in glossary.terms()}
    assert wanted <= set(terms)
    assert all(t.source and t.definition for t in terms.values())
    assert terms["udviklingsplan"].law.startswith("almenboligloven §§ 168 a")


def test_terms_are_found_as_whole_words_longest_first():
    text = "Udsatte boligområder og omdannelsesområderne; ikke omdannelsesområdeplan."
    found = [(text[a:b], slug) for a, b, slug in glossary.find_terms(text)]
    assert found == [
        ("Udsatte boligområder", "udsat-boligomraade"),
        ("omdannelsesområderne", "omdannelsesomraade"),
    ]


# -- programmes and survey -------------------------------------------------------------------


def test_programmes_keep_both_figures_and_flag_real_disagreements():
    by_name = {p.programme: p for p in programmes.programmes()}
    assert set(by_name) == {"2006-10", "2011-14", "2015-18"}
    assert (by_name["2011-14"].per_plan_table_mio, by_name["2011-14"].per_plan_text_mio) == (
        14.56,
        9.65,
    )
    assert by_name["2006-10"].per_plan_disagrees and by_name["2011-14"].per_plan_disagrees
    # 13,08 rounds to the text's 13,1: the same figure, not a disagreement.
    assert not by_name["2015-18"].per_plan_disagrees
    assert by_name["2006-10"].total_grant_dkk == 1_200_000_000


def test_survey_2018_2021_by_measure():
    measures = {m["measure"]: m for m in programmes.survey_by_measure()}
    glad = measures["Glad for at bo i boligområdet"]["values"]
    assert [(v["group"], v["year"], v["pct"]) for v in glad] == [
        ("helhedsplan", 2018, 76.0),
        ("helhedsplan", 2021, 83.0),
        ("almen", 2021, 83.0),
        ("befolkning", 2021, 93.0),
    ]
    assert all(m["sources"] for m in measures.values())
