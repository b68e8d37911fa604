"""Importing indicator tables: formats, validation with file/row/column/value, store untouched
on refusal, real and synthetic values kept apart; the embedded defaults."""

import hashlib

import pandas as pd
import pytest
from click.testing import CliRunner

from geo.errors import InputRejected
from indicators.catalogue import CATALOGUE, catalogue_records, parse_code
from indicators.values import import_indicators, read_indicators
from service.cli import cli


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


# -- the catalogue ---------------------------------------------------------------------------

ISSUE_INDICATORS = {
    "residents",
    "outside_labour_share",
    "convicted_share",
    "convicted_ratio",
    "basic_education_share",
    "income_ratio",
    "nonwestern_share",
    "almene_familieboliger_share",
    "youth_not_in_education",
    "single_parent_households",
}


def test_catalogue_has_every_indicator_the_issue_lists():
    assert set(CATALOGUE) >= ISSUE_INDICATORS
    for record in catalogue_records():
        assert record["label_da"] and record["label_en"] and record["source"]
        assert record["better"] in ("lower", "higher", None)
        lo, hi = record["valid_range"]
        assert lo < hi
    assert parse_code("Grunduddannelse") == "basic_education_share"
    assert parse_code("nonsense") is None


# -- good input ------------------------------------------------------------------------------


def test_long_csv_windows_1252_semicolons_decimal_commas(default_store, tmp_path):
    path = write_csv(
        tmp_path / "vaerdier.csv",
        "område;år;kode;værdi\n"
        "Gellerupparken/Toveshøj;2022;outside_labour_share;41,7\n"
        "Gellerup;2022;residents;5 123\n"
        "Tåstrupgård;2022;nonwestern_share;-\n",
        encoding="cp1252",
    )
    before = default_store.data_version
    result = import_indicators(default_store, path, source="Social- og Boligstyrelsen 2022")
    assert result["values"] == 2 and result["skipped"] == 1 and result["replaced"] == 0
    assert int(default_store.data_version) == int(before) + 1
    frame = read_indicators(default_store)
    gellerup = frame[(frame["area_id"] == "gellerupparken-toveshoej") & (frame["year"] == 2022)]
    assert dict(zip(gellerup["code"], gellerup["value"], strict=True)) == {
        "outside_labour_share": 41.7,
        "residents": 5123.0,
    }
    assert set(gellerup["source"]) == {"Social- og Boligstyrelsen 2022"}
    provenance = default_store.read("provenance")
    assert "indicators:import:vaerdier.csv" in set(provenance["dataset"])


def test_wide_excel_and_reimport_replaces(default_store, tmp_path):
    path = tmp_path / "wide.xlsx"
    pd.DataFrame(
        {
            "area": ["Vollsmose", "Bispehaven"],
            "year": [2021, 2021],
            "outside_labour_share": [44.0, 39.5],
            "nonwestern_share": [72.5, None],
        }
    ).to_excel(path, index=False)
    result = import_indicators(default_store, path)
    assert result["values"] == 3 and result["codes"] == ["nonwestern_share", "outside_labour_share"]
    again = import_indicators(default_store, path)
    assert again["replaced"] == 3
    frame = read_indicators(default_store)
    assert len(frame[frame["year"] == 2021]) == 3


def test_synthetic_values_are_kept_apart(default_store, tmp_path):
    path = write_csv(
        tmp_path / "demo.csv", "area,year,code,value\nVollsmose,2021,outside_labour_share,50\n"
    )
    import_indicators(default_store, path, synthetic=True)
    real = read_indicators(default_store)
    synthetic = read_indicators(default_store, synthetic=True)
    assert len(synthetic) == 1 and synthetic["note"].iloc[0] == "syntetiske eksempeldata"
    assert not ((real["year"] == 2021) & (real["area_id"] == "vollsmose")).any()
    provenance = default_store.read("provenance").set_index("dataset")
    assert bool(provenance.loc["indicators:synthetic:demo.csv", "synthetic"]) is True


# -- bad input: refused whole, store byte-identical ------------------------------------------

BAD = {
    "unknown_area": (
        "area,year,code,value\nVollsmose,2022,residents,5000\nAtlantis,2022,residents,1200\n",
        "row 2, column 'area', value 'Atlantis': unknown area",
    ),
    "unknown_code": (
        "area,year,code,value\nVollsmose,2022,happiness,7\n",
        "row 1, column 'code', value 'happiness': unknown indicator code",
    ),
    "unknown_code_column": (
        "area,year,outside_labour_share,happiness\nVollsmose,2022,40,7\n",
        "column 'happiness', value 'happiness': unknown indicator code in the header",
    ),
    "out_of_range": (
        "area,year,code,value\nVollsmose,2022,outside_labour_share,140\n",
        "row 1, column 'value', value '140': value outside the range of outside_labour_share",
    ),
    "negative_residents": (
        "area,year,residents\nVollsmose,2022,-5\n",
        "row 1, column 'residents', value '-5': value outside the range of residents",
    ),
    "fractional_residents": (
        'area,year,residents\nVollsmose,2022,"1000,5"\n',
        "value '1000,5': not a whole number",
    ),
    "duplicate": (
        "area,year,code,value\nVollsmose,2022,residents,5000\nvollsmose,2022,residents,5100\n",
        "row 2, column 'value', value '5100': duplicate of row 1",
    ),
    "duplicate_by_alias": (
        "area,year,code,value\nAgervang,2022,residents,1500\nGrønneparken,2022,residents,1501\n",
        "row 2, column 'value', value '1501': duplicate of row 1",
    ),
    "missing_year": (
        "area,year,code,value\nVollsmose,,residents,5000\n",
        "row 1, column 'year', value '': missing year",
    ),
    "bad_year": (
        "area,year,code,value\nVollsmose,2022.5,residents,5000\n",
        "row 1, column 'year', value '2022.5': not a year",
    ),
    "not_a_number": (
        "area,year,code,value\nVollsmose,2022,residents,mange\n",
        "row 1, column 'value', value 'mange': not a number",
    ),
    "missing_column": (
        "area,code,value\nVollsmose,residents,5000\n",
        "missing column 'year'",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_and_the_store_is_unchanged(default_store, tmp_path, case):
    text, message = BAD[case]
    path = write_csv(tmp_path / f"{case}.csv", text)
    before_hash, before_version = digest(default_store.path), default_store.data_version
    with pytest.raises(InputRejected) as info:
        import_indicators(default_store, path)
    assert str(path) in str(info.value)
    assert message in str(info.value)
    assert "refused, nothing was written" in str(info.value)
    assert digest(default_store.path) == before_hash
    assert default_store.data_version == before_version


def test_every_problem_of_a_file_is_reported(default_store, tmp_path):
    path = write_csv(
        tmp_path / "many.csv",
        "area,year,code,value\nAtlantis,2022,residents,1\nVollsmose,,residents,1\n"
        "Vollsmose,2022,happiness,1\n",
    )
    with pytest.raises(InputRejected) as info:
        import_indicators(default_store, path)
    assert [p.row for p in info.value.problems] == [1, 2, 3]


def test_cli_import_indicators(default_store, tmp_path):
    good = write_csv(tmp_path / "good.csv", "area;year;code;value\nVollsmose;2022;residents;5317\n")
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["import-indicators", str(good), "--store", str(default_store.path), "--source", "test"],
    )
    assert result.exit_code == 0, result.output
    assert "values=1" in result.output
    bad = write_csv(tmp_path / "bad.csv", "area;year;code;value\nAtlantis;2022;residents;1\n")
    before = digest(default_store.path)
    result = runner.invoke(cli, ["import-indicators", str(bad), "--store", str(default_store.path)])
    assert result.exit_code != 0
    assert "unknown area" in result.output
    assert digest(default_store.path) == before
    result = runner.invoke(
        cli, ["import-indicators", str(good), "--store", str(default_store.path), "--synthetic"]
    )
    assert result.exit_code == 0 and "syntetiske eksempeldata" in result.output


# -- the embedded defaults -------------------------------------------------------------------


def test_default_values_match_the_seed_tables_and_name_their_sources(default_store, shared_data):
    frame = read_indicators(default_store)
    seed = pd.read_csv(shared_data / "seed" / "beboerdata_15_omraader.csv")
    beboerdata = frame[frame["dataset"] == "beboerdata_seed"]
    assert beboerdata["year"].isna().all(), "the seed page does not state a year"
    assert len(beboerdata) == 30
    for code, column in (
        ("youth_not_in_education", "share_15_17_basic_school_not_in_education_pct"),
        ("single_parent_households", "share_households_single_parents_pct"),
    ):
        got = beboerdata[beboerdata["code"] == code]["value"]
        assert got.isna().sum() == seed[column].isna().sum()
        assert sorted(got.dropna()) == sorted(seed[column].dropna())
    assert (frame["source"] != "").all()
    assert not frame["synthetic"].any()
    one_year = frame[frame["code"] == "outside_labour_share_1y"]
    assert set(one_year["area_id"]) == {"sundparken", "bispehaven", "vollsmose"}
    assert "ikke det toårige gennemsnit" in one_year["note"].iloc[0]
