"""Imports never misread: Danish numbers in context, names never guessed, a workbook's other
sheets never ignored, a file without data never "imported" — each refusal leaves the store
byte-identical and names the reason."""

from __future__ import annotations

import hashlib

import openpyxl
import pytest

from geo.errors import InputRejected
from indicators.lists import import_designations
from indicators.values import import_indicators, read_indicators


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _csv(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store, importer, path, *fragments, **kwargs) -> str:
    before = _digest(store.path)
    with pytest.raises(InputRejected) as info:
        importer(store, path, **kwargs)
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, f"{fragment!r} not in:\n{text}"
    assert _digest(store.path) == before
    return text


def _value(store, area, year, code):
    frame = read_indicators(store)
    row = frame[(frame.area_id == area) & (frame.year == year) & (frame.code == code)]
    return float(row["value"].iloc[0])


def test_danish_thousands_in_a_count_column(default_store, tmp_path):
    path = _csv(tmp_path / "r.csv", "område;år;residents\nVollsmose;2022;1.000\n")
    import_indicators(default_store, path)
    assert _value(default_store, "vollsmose", 2022, "residents") == 1000


def test_danish_thousands_in_long_format_read_per_code(default_store, tmp_path):
    path = _csv(
        tmp_path / "l.csv",
        "area;year;code;value\n"
        "Vollsmose;2022;residents;5.321\n"
        "Vollsmose;2022;outside_labour_share;41,5\n",
    )
    import_indicators(default_store, path)
    assert _value(default_store, "vollsmose", 2022, "residents") == 5321
    assert _value(default_store, "vollsmose", 2022, "outside_labour_share") == 41.5


def test_ambiguous_share_is_refused_with_both_readings(default_store, tmp_path):
    path = _csv(tmp_path / "a.csv", "area;year;convicted_ratio\nVollsmose;2022;2.500\n")
    _refused(
        default_store,
        import_indicators,
        path,
        "value '2.500': ambiguous: '2.500' is 2500",
        "or 2.5 with '.' as the decimal mark",
    )


def test_mixed_decimal_marks_are_refused(default_store, tmp_path):
    path = _csv(
        tmp_path / "m.csv",
        'area,year,outside_labour_share\nVollsmose,2021,"41,5"\nVollsmose,2022,40.5\n',
    )
    _refused(default_store, import_indicators, path, "row 2", "decimal point (English)")


@pytest.mark.parametrize(
    ("year", "reason"),
    [("٢٠٢٢", "non-ASCII digits"), ("２０２２", "non-ASCII digits"), ("2093", "year outside")],
)
def test_implausible_years_are_refused(default_store, tmp_path, year, reason):
    path = _csv(tmp_path / "y.csv", f"area;year;residents\nVollsmose;{year};1200\n")
    _refused(default_store, import_indicators, path, f"value {year!r}: ", reason)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Munkebo Nord", "did you mean 'Munkebo'?"),
        ("Bispehavens Kollegium", "did you mean 'Bispehaven'"),
        ("Vollsmose" + "x" * 10_000, "10009 characters long (at most 100)"),
    ],
)
def test_a_name_starting_like_a_known_area_is_refused(default_store, tmp_path, name, reason):
    path = _csv(tmp_path / "n.csv", f"area;year;residents\n{name};2022;1200\n")
    text = _refused(default_store, import_indicators, path, "unknown area", reason)
    assert len(text) < 2000  # a 10,000-character name is not echoed whole


def test_a_name_starting_like_a_known_area_is_refused_in_lists(default_store, tmp_path):
    path = _csv(
        tmp_path / "l.csv",
        "year;area;municipality_code;category\n2022;Munkebo Nord;621;udsat\n",
    )
    _refused(
        default_store,
        import_designations,
        path,
        "value 'Munkebo Nord': no area of that name in municipality 0621; did you mean 'Munkebo'?",
        "--add-new",
    )
    areas_before = len(default_store.read("areas"))
    import_designations(default_store, path, add_new=True)
    areas = default_store.read("areas")
    assert len(areas) == areas_before + 1
    assert "munkebo-nord" in set(areas["area_id"])


def test_overlong_name_is_refused_even_with_add_new(default_store, tmp_path):
    path = _csv(
        tmp_path / "l.csv",
        "year;area;municipality_code;category\n2022;" + "Ø" * 10_000 + ";440;udsat\n",
    )
    _refused(
        default_store,
        import_designations,
        path,
        "area name is 10000 characters long (at most 100)",
        add_new=True,
    )


def test_header_only_file_is_refused(default_store, tmp_path):
    for importer, header in (
        (import_indicators, "area;year;residents\n"),
        (import_designations, "year;area;municipality_code;category\n"),
    ):
        path = _csv(tmp_path / "h.csv", header)
        _refused(default_store, importer, path, "no rows of data under the header")


def test_second_sheet_is_refused_unless_named(default_store, tmp_path):
    path = tmp_path / "two.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "2022"
    book.active.append(["area", "year", "residents"])
    book.active.append(["Vollsmose", 2022, 1200])
    other = book.create_sheet("2023")
    other.append(["area", "year", "residents"])
    other.append(["Vollsmose", 2023, 1300])
    book.save(path)
    _refused(default_store, import_indicators, path, "2 sheets ('2022', '2023')", "--sheet")
    import_indicators(default_store, path, sheet="2023")
    assert _value(default_store, "vollsmose", 2023, "residents") == 1300
    frame = read_indicators(default_store)
    assert frame[(frame.area_id == "vollsmose") & (frame.year == 2022)].empty


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted (password-protected)"),
        (b"area;year\nVollsmose;2022\n", "is not an Excel workbook"),
        (b"PK\x03\x04garbage", "is not an Excel workbook"),
    ],
)
def test_broken_workbooks_are_clear_refusals(default_store, tmp_path, content, reason):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    _refused(default_store, import_indicators, path, reason)
    _refused(default_store, import_designations, path, reason)
