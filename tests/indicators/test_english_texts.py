"""Our English texts next to the Danish ones (glossary, timeline, reports, programmes,
survey, evaluation levels and tracks): complete in the embedded data, refused when missing."""

import pandas as pd
import pytest

from indicators import evaluation, glossary, programmes, reports
from indicators.reports import TRACKS, validate_reports


def test_every_embedded_text_has_its_english():
    for t in glossary.terms():
        assert t.term_en and t.definition_en, t.slug
        assert bool(t.law) == bool(t.law_en), t.slug
    for e in evaluation._seed_events():
        assert e.title_en and bool(e.text) == bool(e.text_en), e.title
    for lv in evaluation.LEVELS:
        assert lv.title_en and lv.scale_en and lv.text_en
        assert bool(lv.awaiting) == bool(lv.awaiting_en)
    for track in evaluation.TRACKS_TEXT:
        assert len(track) == 5 and all(track)
    for t in TRACKS.values():
        assert t.label_en and t.description_en
    for p in programmes.programmes():
        assert p.note_en
    for m in programmes.survey_by_measure():
        assert m["measure_en"] and m["dimension_en"]
    table = pd.read_csv(reports.DEFAULT_FILE, dtype=str, keep_default_na=False)
    assert (table["summary_en"].str.strip() != "").all()


@pytest.fixture
def glossary_file(tmp_path, monkeypatch):
    """A copy of the glossary the test may spoil; the cache is cleared around it."""
    path = tmp_path / "glossary.csv"
    path.write_bytes(glossary.FILE.read_bytes())
    monkeypatch.setattr(glossary, "FILE", path)
    glossary.terms.cache_clear()
    yield path
    glossary.terms.cache_clear()


def test_glossary_refuses_a_term_without_english(glossary_file):
    table = pd.read_csv(glossary_file, dtype=str, keep_default_na=False)
    table.loc[table["slug"] == "vandsengseffekt", "definition_en"] = " "
    table.to_csv(glossary_file, index=False)
    with pytest.raises(ValueError, match="'vandsengseffekt': definition_en is blank"):
        glossary.terms()


def test_glossary_refuses_a_law_reference_in_one_language_only(glossary_file):
    table = pd.read_csv(glossary_file, dtype=str, keep_default_na=False)
    table.loc[table["slug"] == "udviklingsplan", "law_en"] = ""
    table.to_csv(glossary_file, index=False)
    with pytest.raises(ValueError, match="'udviklingsplan': law"):
        glossary.terms()


def test_glossary_refuses_a_file_without_the_english_columns(glossary_file):
    table = pd.read_csv(glossary_file, dtype=str, keep_default_na=False)
    table.drop(columns=["term_en"]).to_csv(glossary_file, index=False)
    with pytest.raises(ValueError, match="missing columns \\['term_en'\\]"):
        glossary.terms()


@pytest.fixture
def timeline_dir(tmp_path, monkeypatch):
    (tmp_path / "evaluation_timeline.csv").write_bytes(
        (evaluation.DATA_DIR / "evaluation_timeline.csv").read_bytes()
    )
    monkeypatch.setattr(evaluation, "DATA_DIR", tmp_path)
    evaluation._seed_events.cache_clear()
    yield tmp_path / "evaluation_timeline.csv"
    evaluation._seed_events.cache_clear()


def test_timeline_refuses_an_event_without_english(timeline_dir):
    table = pd.read_csv(timeline_dir, dtype=str, keep_default_na=False)
    table.loc[0, "text_en"] = ""
    table.to_csv(timeline_dir, index=False)
    with pytest.raises(ValueError, match="row 1 .*only one of text and text_en"):
        evaluation._seed_events()


def test_timeline_refuses_an_unknown_kind(timeline_dir):
    table = pd.read_csv(timeline_dir, dtype=str, keep_default_na=False)
    table.loc[2, "kind"] = "fest"
    table.to_csv(timeline_dir, index=False)
    with pytest.raises(ValueError, match="row 3: kind 'fest'"):
        evaluation._seed_events()


class _Matcher:
    def match(self, name):
        return {"Vollsmose": "vollsmose"}.get(name)


def test_reports_take_an_optional_english_summary():
    frame = pd.DataFrame(
        {
            "title": ["Rapport A", "Rapport B"],
            "track": ["socialt", "fysisk"],
            "summary": ["Et resumé.", "Et andet."],
            "summary_en": ["A summary.", ""],
        }
    )
    out = validate_reports(frame, "test.csv", _Matcher(), dataset="test")
    assert list(out["summary_en"]) == ["A summary.", ""]
    # a file without the column: no English summary, nothing refused
    out = validate_reports(frame.drop(columns=["summary_en"]), "t.csv", _Matcher(), dataset="t")
    assert list(out["summary_en"]) == ["", ""]


def test_reports_written_before_english_summaries_still_read():
    old = reports.empty_frame().drop(columns=["summary_en"])
    assert "summary_en" in reports._normalise(old).columns


@pytest.fixture
def programmes_dir(tmp_path, monkeypatch):
    for name in ("programmes.csv", "survey_2018_2021.csv"):
        (tmp_path / name).write_bytes((programmes.DATA_DIR / name).read_bytes())
    monkeypatch.setattr(programmes, "DATA_DIR", tmp_path)
    programmes.programmes.cache_clear()
    programmes.survey.cache_clear()
    yield tmp_path
    programmes.programmes.cache_clear()
    programmes.survey.cache_clear()


def test_programmes_refuse_a_note_without_english(programmes_dir):
    path = programmes_dir / "programmes.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[1, "note_en"] = ""
    table.to_csv(path, index=False)
    with pytest.raises(ValueError, match="note_en"):
        programmes.programmes()


def test_survey_refuses_a_measure_without_english(programmes_dir):
    path = programmes_dir / "survey_2018_2021.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[4, "measure_en"] = ""
    table.to_csv(path, index=False)
    with pytest.raises(ValueError, match="measure_en is blank or missing in rows \\[5\\]"):
        programmes.survey()


def test_plan_notes_and_conflicts_have_their_english():
    from indicators import plans

    table = pd.read_csv(plans.DEFAULT_FILE, dtype=str, keep_default_na=False)
    noted = table["note"].str.strip() != ""
    assert ((table["note_en"].str.strip() != "") == noted).all()
    assert all(en for _da, en in plans._conflict_notes().values())


def test_plan_conflicts_refuse_a_description_without_english(tmp_path, monkeypatch):
    from indicators import plans

    path = tmp_path / "plan_conflicts.csv"
    table = pd.read_csv(plans.CONFLICTS_FILE, dtype=str, keep_default_na=False)
    table.loc[0, "description_en"] = ""
    table.to_csv(path, index=False)
    monkeypatch.setattr(plans, "CONFLICTS_FILE", path)
    with pytest.raises(ValueError, match="description_en"):
        plans._conflict_notes()


def test_plan_facts_written_before_english_notes_still_read():
    from indicators import plans

    old = plans.empty_frame().drop(columns=["note_en", "conflict_note_en"])
    assert {"note_en", "conflict_note_en"} <= set(plans._normalise(old).columns)
