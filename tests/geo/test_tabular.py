"""The one number parser and the one table reader (geo.tabular)."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.errors import InputRejected
from geo.tabular import (
    NumberError,
    excel_cell_text,
    parse_number,
    parse_numbers,
    parse_year,
    read_table,
)

# -- numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "integer", "expected"),
    [
        (["1.234,5", "12,5", "1.000"], False, [1234.5, 12.5, 1000.0]),  # Danish column
        (["1,234.5", "12.5", "1,000"], False, [1234.5, 12.5, 1000.0]),  # English column
        (["12.5", "1.000"], False, [12.5, 1.0]),  # decimal points: 1.000 is one
        (["12,5", "1,000"], False, [12.5, 1.0]),  # decimal commas: 1,000 is one
        (["1.000", "250"], True, [1000.0, 250.0]),  # a count: Danish one thousand
        (["1.234.567", "3"], True, [1234567.0, 3.0]),
        (["1 234", "1\u00a0234,5", "2\u202f000"], False, [1234.0, 1234.5, 2000.0]),
        (["-4", "\u22124", "+4"], True, [-4.0, -4.0, 4.0]),
        ([12, 12.5, None], False, [12.0, 12.5, None]),
        (["", "-", "–"], False, [None, None, None]),
    ],
)
def test_numbers_in_context(column, integer, expected):
    parsed = parse_numbers(column, integer=integer)
    assert parsed.errors == [None] * len(column)
    got = [None if b else v for v, b in zip(parsed.values.tolist(), parsed.blank, strict=True)]
    assert got == expected


@pytest.mark.parametrize(
    ("column", "integer", "bad_index", "reason"),
    [
        (["1.000"], False, 0, "ambiguous"),  # a share: 1 or 1000?
        (["1,000"], True, 0, "ambiguous"),  # a count: Danish 1, English 1000
        (["12,5", "12.5"], False, 1, "decimal point (English) in a column that uses decimal"),
        (["12.5", "0.25", "12,5"], False, 2, "decimal comma (Danish)"),
        (["١٢"], False, 0, "non-ASCII digits (Arabic-Indic)"),
        (["１２"], True, 0, "non-ASCII digits (Fullwidth)"),
        (["12,5"], True, 0, "not a whole number"),
        (["1e5"], False, 0, "not a number"),
        (["1_000"], False, 0, "not a number"),
        (["nan"], False, 0, "not a number"),
        (["inf"], False, 0, "not a number"),
        (["0x10"], False, 0, "not a number"),
        (["1.2.3"], False, 0, "not a number"),
        (["12.34.56"], True, 0, "not a number"),
        (["1" * 400], False, 0, "too large"),
        ([True], False, 0, "true/false"),
        ([float("inf")], False, 0, "not a finite number"),
    ],
)
def test_numbers_refused(column, integer, bad_index, reason):
    parsed = parse_numbers(column, integer=integer)
    assert reason in (parsed.errors[bad_index] or "")
    assert parsed.bad[bad_index]


def test_parse_number_alone():
    assert parse_number("1.000", integer=True) == 1000
    assert parse_number("41,5") == 41.5
    assert parse_number("-") is None
    with pytest.raises(NumberError, match="ambiguous"):
        parse_number("2.500")


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_danish_grouped_integers_round_trip(n):
    text = f"{n:,}".replace(",", ".")
    assert parse_number(text, integer=True) == n


@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False),
)
def test_danish_decimals_round_trip(d):
    text = f"{d:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    assert parse_numbers([text, "0,5"]).values[0] == pytest.approx(float(d))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("٢٠٢٢", "non-ASCII digits"),
        ("２０２２", "non-ASCII digits"),
        ("2030", "year outside 2010–2026"),
        ("2.022", "not a year"),
        ("2022,0", "not a year"),
        ("22", "not a year"),
        (True, "not a year"),
    ],
)
def test_years_refused(raw, reason):
    with pytest.raises(NumberError, match=reason):
        parse_year(raw, lo=2010, hi=2026)


def test_years_accepted():
    assert parse_year(" 2022 ", lo=2010, hi=2026) == 2022
    assert parse_year(2022.0, lo=2010, hi=2026) == 2022


# -- tables ------------------------------------------------------------------------------


def _refusal(path, **kwargs) -> str:
    with pytest.raises(InputRejected) as info:
        read_table(path, **kwargs)
    text = str(info.value)
    assert str(path) in text
    return text


def _workbook(path, sheets: dict[str, list[list[object]]]):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_second_sheet_is_never_ignored(tmp_path):
    path = _workbook(
        tmp_path / "two.xlsx",
        {"2022": [["area", "year"], ["A", 2022]], "2023": [["area", "year"], ["B", 2023]]},
    )
    assert "2 sheets ('2022', '2023')" in _refusal(path)
    assert read_table(path, sheet="2023").to_dict("records") == [{"area": "B", "year": "2023"}]
    assert "no sheet 'x'" in _refusal(path, sheet="x")


def test_excel_numbers_are_read_exactly(tmp_path):
    path = _workbook(tmp_path / "n.xlsx", {"s": [["a", "b"], [1.234, 1000], [0.1, 2022.0]]})
    frame = read_table(path)
    assert frame["a"].tolist() == ["1,234", "0,1"]
    assert frame["b"].tolist() == ["1000", "2022"]
    assert parse_numbers(frame["a"]).values.tolist() == [1.234, 0.1]
    assert excel_cell_text(True) == "TRUE"


def test_formula_without_a_value_is_refused(tmp_path):
    path = _workbook(tmp_path / "f.xlsx", {"s": [["a", "b"], ["x", "=1+1"]]})
    assert "a formula without a computed value" in _refusal(path)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("header.csv", "area;year;value\n", "no rows of data under the header"),
        ("blank_lines.csv", "area;year;value\n\n\n", "no rows of data under the header"),
        ("empty.csv", "", "the file is empty"),
        ("short.csv", "area;year;value\nA;2022\n", "row 1: has 2 fields, the header has 3"),
        ("long.csv", "area;year\nA;2022;9\n", "row 1: has 3 fields, the header has 2"),
        ("twice.csv", "area;year;Year\nA;2022;2023\n", "column 'year' appears twice"),
        ("nameless.csv", "area;;year\nA;x;2022\n", "column 2 has values but no header"),
        ("nul.csv", "area;year\nA\x00;2022\n", "NUL bytes"),
        ("fake.xlsx", "area;year\nA;2022\n", "is not an Excel workbook"),
        ("table.ods", "x", "unsupported file type '.ods'"),
    ],
)
def test_bad_tables_are_refused(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert reason in _refusal(path)


def test_header_only_workbook_is_refused(tmp_path):
    path = _workbook(tmp_path / "h.xlsx", {"s": [["area", "year"], [None, None]]})
    assert "no rows of data under the header" in _refusal(path)


def test_encrypted_and_broken_workbooks_are_refused(tmp_path):
    ole = tmp_path / "encrypted.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    assert "encrypted (password-protected)" in _refusal(ole)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert "damaged or unsupported workbook" in _refusal(broken)
    truncated = tmp_path / "truncated.xlsx"
    good = _workbook(tmp_path / "good.xlsx", {"s": [["a"], [1]]}).read_bytes()
    truncated.write_bytes(good[: len(good) // 2])
    assert "not an Excel workbook" in _refusal(truncated)


def test_utf16_csv_is_read(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("område;år\nTåstrupgård;2022\n".encode("utf-16"))
    assert read_table(path).to_dict("records") == [{"område": "Tåstrupgård", "år": "2022"}]
