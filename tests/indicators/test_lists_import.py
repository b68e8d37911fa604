"""import_designations: real CSV and Excel files into a fresh default store."""

from __future__ import annotations

import hashlib
import math

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.errors import InputRejected
from indicators.lists import import_designations

HEADER = ["år", "område", "kommunekode", "kategori"]
# A 2022 udsat list: two areas the store knows (one spelled with Danish letters), one new
# area in Holbæk (whose main town is known) and one in Gladsaxe (whose town is not).
GOOD_ROWS = [
    [2022, "Gl. Jennumparken", 730, "Udsat boligområde"],
    [2022, "Rønnebærparken/Æblehaven", 265, "udsat"],
    [2022, "Nyt Område", 316, "udsat"],
    [2022, "Søndergård", 159, "udsat"],
]


def write_csv(path, rows, header=HEADER):
    """A Danish-Excel CSV: ``;``-separated, Latin-1."""
    lines = [";".join(header)] + [";".join(str(v) for v in row) for row in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(store, path, *fragments: str, add_new: bool = False) -> InputRejected:
    before, version = digest(store.path), store.data_version
    areas_before = len(store.read("areas"))
    with pytest.raises(InputRejected) as info:
        import_designations(store, path, add_new=add_new)
    text = str(info.value)
    assert str(path) in text
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert digest(store.path) == before
    assert store.data_version == version
    assert len(store.read("areas")) == areas_before
    return info.value


def udsat_2022(store) -> set[str]:
    d = store.read("designations")
    return set(d[(d["year"] == 2022) & (d["category"] == "udsat")]["area_id"])


def test_latin1_semicolon_csv_replaces_the_2022_udsat_list(default_store, tmp_path):
    path = write_csv(tmp_path / "udsatte_2022.csv", GOOD_ROWS)
    assert b"R\xf8nneb\xe6rparken" in path.read_bytes()  # really Latin-1
    before = default_store.read("designations")
    version = int(default_store.data_version)
    implied = udsat_2022(default_store) - {
        "gl-jennumparken",
        "glarbjergvej-omraadet",
        "roennebaerparken-aeblehaven",
    }
    assert len(implied) == 10  # the 2022 parallelsamfund, udsat by law

    # Two names the store does not know: refused, naming them, unless --add-new
    with pytest.raises(InputRejected, match="'Nyt Område': no area of that name"):
        import_designations(default_store, path)
    assert int(default_store.data_version) == version
    result = import_designations(default_store, path, add_new=True)

    assert result["rows"] == 4
    assert result["years"] == [2022]
    assert result["replaced"] == [(2022, "udsat")]
    assert result["new_areas"] == ["nyt-omraade", "soendergaard"]
    assert int(default_store.data_version) == version + 1

    after = default_store.read("designations")
    # Glarbjergvej was on the old 2022 list but not in the file: replaced away.
    assert udsat_2022(default_store) == implied | {
        "gl-jennumparken",
        "roennebaerparken-aeblehaven",
        "nyt-omraade",
        "soendergaard",
    }
    glarbjergvej = after[after["area_id"] == "glarbjergvej-omraadet"]
    assert 2022 not in set(glarbjergvej["year"]) and len(glarbjergvej) > 0
    imported = after[after["basis"] == "imported list"]
    assert len(imported) == 4 and set(imported["source"]) == {"udsatte_2022.csv"}

    # Every other list names the same areas; its explicit rows are untouched. (merge_lists
    # recomputes the rows the law implies, with its own wording of basis and source.)
    def others(frame, cols):
        keep = ~((frame["year"] == 2022) & (frame["category"] == "udsat"))
        explicit = ~frame["basis"].str.startswith("implied:")
        frame = frame[keep & explicit] if "basis" in cols else frame[keep]
        return frame[cols].sort_values(cols).reset_index(drop=True)

    keys = ["area_id", "year", "category"]
    pd.testing.assert_frame_equal(others(before, keys), others(after, keys))
    full = [*keys, "basis", "source"]
    pd.testing.assert_frame_equal(others(before, full), others(after, full))

    areas = default_store.read("areas").set_index("area_id")
    new = areas.loc["nyt-omraade"]
    assert new["name"] == "Nyt Område" and new["municipality_code"] == "0316"
    assert new["boundary_source"] == "approximate"
    assert new["location_precision"] == "municipal_town"
    assert new.geometry.area == pytest.approx(math.pi * 3000**2, rel=0.02)
    holbaek = default_store.read("municipality_info").set_index("code").loc["0316"]
    town = gpd.GeoSeries(
        [shapely.Point(holbaek["town_lon"], holbaek["town_lat"])], crs="EPSG:4326"
    ).to_crs(25832)
    assert new.geometry.centroid.distance(town.iloc[0]) < 1
    unknown = areas.loc["soendergaard"]
    assert unknown["boundary_source"] == "none"
    assert unknown["boundary_note"] == "placering ikke oplyst"
    assert unknown.geometry is None

    prov = default_store.read("provenance").set_index("dataset")
    assert "2022 udsatte boligområder" in prov.loc["designations", "description"]
    assert "Official designation lists" in prov.loc["designations", "description"]
    assert prov.loc["designations", "source"].endswith("udsatte_2022.csv")
    assert "2 areas added" in prov.loc["areas", "description"]


def test_excel_file_with_alias_and_source(default_store, tmp_path):
    path = tmp_path / "liste.xlsx"
    rows = [[2022, "Gellerup", 751, "udsat"], *GOOD_ROWS[:2]]
    pd.DataFrame(rows, columns=["year", "area", "municipality_code", "category"]).to_excel(
        path, index=False, engine="openpyxl"
    )
    result = import_designations(default_store, path, source="Social- og Boligministeriet")
    assert result["new_areas"] == []
    assert result["matched"] == {"Gellerup": "gellerupparken-toveshoej"}
    d = default_store.read("designations")
    imported = d[d["basis"] == "imported list"]
    assert set(imported["area_id"]) == {
        "gellerupparken-toveshoej",
        "gl-jennumparken",
        "roennebaerparken-aeblehaven",
    }
    assert set(imported["source"]) == {"Social- og Boligministeriet"}


def test_unknown_category_names_row_and_value(default_store, tmp_path):
    rows = [GOOD_ROWS[0], [2022, "Vollsmose", 461, "ghettoagtig"]]
    refused(
        default_store,
        write_csv(tmp_path / "l.csv", rows),
        "row 2",
        "'ghettoagtig'",
        "unknown category",
    )


def test_year_without_official_count(default_store, tmp_path):
    rows = [[2012, "Vollsmose", 461, "udsat"]]
    refused(
        default_store, write_csv(tmp_path / "l.csv", rows), "row 1", "'2012'", "no official count"
    )


def test_duplicate_rows_are_named(default_store, tmp_path):
    rows = [GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0]]
    refused(default_store, write_csv(tmp_path / "l.csv", rows), "row 3", "duplicate of row 1")


def test_same_area_under_two_names_is_a_duplicate(default_store, tmp_path):
    rows = [[2022, "Gellerupparken/Toveshøj", 751, "udsat"], [2022, "Gellerup", 751, "udsat"]]
    refused(
        default_store,
        write_csv(tmp_path / "l.csv", rows),
        "row 2",
        "same area (gellerupparken-toveshoej) as row 1",
    )


def test_more_areas_than_the_official_count(default_store, tmp_path):
    # 10 parallelsamfund are udsat by law; 8 more make 18 against the official 17.
    new = ["Kvistgården", "Zinnia Have", "Ulmehøjen", "Birkelunden Nord", "Ravnsbjerg"]
    rows = GOOD_ROWS[:2] + [[2022, "Vollsmose", 461, "udsat"]]
    rows += [[2022, name, 316, "udsat"] for name in new]
    rows += [[2022, "Glarbjergvej-området", 730, "udsat"]]
    refused(
        default_store,
        write_csv(tmp_path / "l.csv", rows),
        "18 udsatte boligområder named for 2022",
        "more than the official 17",
        add_new=True,
    )
    rows.pop()  # 17: exactly the official count is fine
    ok = write_csv(tmp_path / "ok.csv", rows)
    assert import_designations(default_store, ok, add_new=True)["rows"] == 8


def test_bad_municipality_code(default_store, tmp_path):
    rows = [GOOD_ROWS[0], [2022, "Vollsmose", "12345", "udsat"]]
    refused(
        default_store,
        write_csv(tmp_path / "l.csv", rows),
        "row 2",
        "'12345'",
        "not a municipality code",
    )


def test_known_area_in_another_municipality(default_store, tmp_path):
    rows = [[2022, "Ringparken", 751, "udsat"]]
    refused(
        default_store,
        write_csv(tmp_path / "l.csv", rows),
        "row 1",
        "the store has the area 'Ringparken' in municipality 0330",
    )


def test_missing_column(default_store, tmp_path):
    path = write_csv(
        tmp_path / "l.csv", [[2022, "Vollsmose", "udsat"]], ["år", "område", "kategori"]
    )
    refused(default_store, path, "missing column 'municipality_code'")
