"""Reading tabular input files (CSV and Excel) the way Danish users produce them.

CSV comes as UTF-8 (with or without BOM) or Windows-1252/Latin-1, separated by ``;`` (Danish
Excel) or ``,``; numbers may use decimal commas. Every cell is returned as text so that the
validators can name the exact value a user typed.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import openpyxl
import openpyxl.utils
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from geo.errors import InputRejected, Problem

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


# An .xlsx is a zip: refuse one that would inflate beyond this (a zip bomb) before reading.
MAX_XLSX_INFLATED = 256 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")  # Excel's "Unicode text"
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is a superset of Latin-1 for the printable range Danish needs.
        return raw.decode("cp1252", errors="strict")


def _refuse(path: Path, message: str, expected: str | None = None, **where) -> InputRejected:
    return InputRejected(str(path), [Problem(message, expected=expected, **where)])


def excel_cell_text(value: object) -> str:
    """The text of an Excel cell: numbers without thousands grouping and with a decimal comma
    (so :func:`parse_numbers` reads them exactly), dates as ISO 8601, blanks as ``""``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return np.format_float_positional(value, trim="-").replace(".", ",")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value).strip()


def _read_excel(path: Path, sheet: str | None) -> pd.DataFrame:
    head = path.read_bytes()[:8]
    if head.startswith(_OLE_MAGIC):
        raise _refuse(
            path,
            "is an encrypted (password-protected) workbook or an old .xls file",
            expected="an unprotected .xlsx workbook (in Excel: Save As → Excel Workbook)",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(
            path,
            "is not an Excel workbook (.xlsx is a zip archive; this file is not one)",
            expected="an .xlsx file saved by Excel or LibreOffice, or a CSV file named .csv",
        ) from exc
    if inflated > MAX_XLSX_INFLATED:
        raise _refuse(
            path,
            f"would unpack to {inflated / 1e6:.0f} MB",
            expected=f"a workbook of at most {MAX_XLSX_INFLATED // 2**20} MB unpacked",
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything on a damaged archive
        raise _refuse(
            path,
            f"is a damaged or unsupported workbook ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0][:200] if str(exc) else 'no detail'})",
            expected="an .xlsx file saved by Excel or LibreOffice",
        ) from exc
    try:
        names = list(book.sheetnames)
        if sheet is None and len(names) != 1:
            raise _refuse(
                path,
                f"the workbook has {len(names)} sheets ("
                + ", ".join(repr(n) for n in names)
                + "); which one to read is not guessed",
                expected="one sheet, or the sheet named with --sheet NAME",
            )
        if sheet is not None and sheet not in names:
            raise _refuse(
                path,
                f"the workbook has no sheet {sheet!r}",
                expected="one of " + ", ".join(repr(n) for n in names),
            )
        rows = [list(r) for r in book[sheet or names[0]].iter_rows(values_only=True)]
    except InputRejected:
        raise
    except Exception as exc:  # a damaged sheet part
        raise _refuse(path, f"is a damaged workbook ({type(exc).__name__})") from exc
    finally:
        book.close()
    _refuse_uncomputed_formulas(path, sheet or names[0], rows)
    while rows and all(v is None or (isinstance(v, str) and not v.strip()) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise _refuse(path, "the sheet is empty", expected="a header row and data rows")
    width = max(len(r) for r in rows)
    text = [[excel_cell_text(v) for v in r] + [""] * (width - len(r)) for r in rows]
    return pd.DataFrame(text[1:], columns=text[0])


def _refuse_uncomputed_formulas(path: Path, sheet: str, rows: list[list[object]]) -> None:
    """A formula cell whose computed value was never saved reads as blank — which would
    silently mean "not published". Refuse it instead.
    """
    if not any(v is None for r in rows for v in r):
        return
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        problems = []
        for r, row in enumerate(book[sheet].iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if (
                    isinstance(value, str)
                    and value.startswith("=")
                    and (r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None)
                ):
                    problems.append(
                        Problem(
                            "a formula without a computed value",
                            row=r if r else None,
                            column=f"{openpyxl.utils.get_column_letter(c + 1)}{r + 1}",
                            value=value[:100],
                            expected="values: open and save the file in Excel, or paste as values",
                        )
                    )
    finally:
        book.close()
    if problems:
        raise InputRejected(str(path), problems)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip():
        raise _refuse(path, "the file is empty", expected="a header row and data rows")
    text = _decode(raw)
    if "\x00" in text:
        raise _refuse(path, "contains NUL bytes: not a text file", expected="a CSV text file")
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    first = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    width = len(first)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise InputRejected(str(path), _field_count_problems(text, delimiter, width)) from exc
    frame = table.to_pandas()
    header = [str(v) for v in frame.iloc[0]] if len(frame) else first
    return pd.DataFrame(frame.iloc[1:].to_numpy(), columns=header)


def _field_count_problems(text: str, delimiter: str, width: int) -> list[Problem]:
    """Name the rows whose number of fields differs from the header's (the slow path, only
    for a refused file).
    """
    problems = []
    for number, fields in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter)):
        if fields and len(fields) != width:
            problems.append(
                Problem(
                    f"has {len(fields)} fields, the header has {width}",
                    row=number,
                    expected=f"{width} fields separated by {delimiter!r}",
                )
            )
    return problems or [Problem("cannot be read as CSV", expected="a CSV text file")]


def read_table(path: str | Path, *, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel file into a DataFrame of strings (empty cells as ``""``).

    Column names are stripped and lowercased; cells are stripped. Excel numbers come as text
    without grouping and with a decimal comma (see :func:`excel_cell_text`).

    Parameters
    ----------
    path
        A ``.csv``/``.txt``/``.tsv`` or ``.xlsx``/``.xlsm`` file.
    sheet
        The sheet of a workbook to read; required when the workbook has more than one.

    Raises
    ------
    InputRejected
        Naming the file: missing, empty, header only, unreadable, encrypted, not really a
        workbook, several sheets without ``sheet``, duplicate or blank column names, rows
        with too few fields.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise _refuse(path, "file not found")
    if suffix not in CSV_SUFFIXES | EXCEL_SUFFIXES:
        raise _refuse(
            path,
            f"unsupported file type {suffix or '(none)'!r}",
            expected="one of " + ", ".join(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES)),
        )
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise _refuse(path, "--sheet was given but the file is not a workbook")
    try:
        frame = _read_excel(path, sheet) if suffix in EXCEL_SUFFIXES else _read_csv(path)
    except InputRejected:
        raise
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError, csv.Error, OSError) as exc:
        raise _refuse(path, f"cannot be read: {str(exc).splitlines()[0][:300]}") from exc
    columns = [str(c).strip().lower() for c in frame.columns]
    problems = []
    seen: dict[str, int] = {}
    for number, name in enumerate(columns, start=1):
        if not name:
            if (frame.iloc[:, number - 1].astype(str).str.strip() != "").any():
                problems.append(
                    Problem(f"column {number} has values but no header", expected="a header")
                )
            continue
        if name in seen:
            problems.append(
                Problem(
                    f"column {name!r} appears twice (columns {seen[name]} and {number})",
                    expected="each column once",
                )
            )
        seen.setdefault(name, number)
    if problems:
        raise InputRejected(str(path), problems)
    keep = [i for i, name in enumerate(columns) if name]
    frame = frame.iloc[:, keep]
    frame.columns = [columns[i] for i in keep]
    frame = frame.map(lambda v: v.strip() if isinstance(v, str) else v).reset_index(drop=True)
    if frame.empty:
        raise _refuse(
            path,
            "no rows of data under the header: nothing to import",
            expected="at least one data row under the header",
        )
    return frame


def require_columns(frame: pd.DataFrame, source: str, columns: dict[str, tuple[str, ...]]) -> dict:
    """Find each required column under one of its accepted names.

    ``columns`` maps a canonical name to the accepted header spellings. Returns canonical →
    actual header; raises :class:`InputRejected` listing every missing column.
    """
    found, problems = {}, []
    for canonical, accepted in columns.items():
        actual = next((a for a in accepted if a in frame.columns), None)
        if actual is None:
            problems.append(
                Problem(
                    f"missing column {canonical!r}",
                    expected="a header named " + " or ".join(repr(a) for a in accepted),
                )
            )
        else:
            found[canonical] = actual
    if problems:
        raise InputRejected(source, problems)
    return found


# -- numbers --------------------------------------------------------------------------------
#
# The one number parser of the project. Danish writes 1.234,5 (points group thousands, a comma
# marks decimals); English writes 1,234.5. A value with one separator followed by exactly three
# digits ("1.000", "1,000") can be either, so it is read from the other values of its column:
# a column that elsewhere shows decimal commas (or Danish grouping) is Danish, one that shows
# decimal points is English, a column that shows both is refused. Without such evidence
# "1.000" in a whole-number column is Danish one thousand; anything else that could be read
# two ways is refused, naming both readings. Only the ASCII digits 0–9 are numbers: the
# Arabic-Indic "١٢" or full-width "１２" that Python's float() accepts are refused, as are
# exponents, underscores, "nan" and "inf".

BLANK_NUMBER = frozenset({"", "-", "–", "—"})
"""Cells that mean "not published": blank and dashes."""

_SIGN = r"[+-]?"
_PATTERNS = {
    "int": rf"^{_SIGN}[0-9]+$",
    # one separator followed by exactly three digits: thousands or decimals?
    "g3": rf"^{_SIGN}[1-9][0-9]{{0,2}}[.,][0-9]{{3}}$",
    "dec_comma": rf"^{_SIGN}[0-9]+,[0-9]+$",
    "dec_point": rf"^{_SIGN}[0-9]+\.[0-9]+$",
    "danish": rf"^{_SIGN}[1-9][0-9]{{0,2}}(\.[0-9]{{3}})+(,[0-9]+)?$",
    "english": rf"^{_SIGN}[1-9][0-9]{{0,2}}(,[0-9]{{3}})+(\.[0-9]+)?$",
    "spaced": rf"^{_SIGN}[1-9][0-9]{{0,2}}( [0-9]{{3}})+([.,][0-9]+)?$",
}
_SPACES = ("\u00a0", "\u202f", "\u2009", "\u2007")  # no-break, narrow no-break, thin, figure
_MINUS = "\u2212"


class NumberError(ValueError):
    """One value that is not a number in the expected form; ``reason`` says why."""

    def __init__(self, value: object, reason: str):
        super().__init__(f"{value!r}: {reason}")
        self.value = value
        self.reason = reason


@dataclass
class Numbers:
    """A parsed column: ``values`` (NaN where blank or refused), ``blank`` (not published),
    ``errors`` (the reason per refused cell, else None) and the decimal ``convention`` read
    from the column (``"comma"``, ``"point"`` or None).
    """

    values: np.ndarray
    blank: np.ndarray
    errors: list[str | None]
    convention: str | None

    @property
    def bad(self) -> np.ndarray:
        """True where a cell was refused."""
        return np.array([e is not None for e in self.errors], dtype=bool)


def _is_unicode_digit(ch: str) -> bool:
    return not ("0" <= ch <= "9") and unicodedata.decimal(ch, None) is not None


def non_ascii_digit_reason(text: str) -> str | None:
    """Why ``text`` is refused when it holds digits other than ASCII 0–9, else None."""
    odd = [ch for ch in text if _is_unicode_digit(ch) or (ch.isdigit() and not ch.isascii())]
    if not odd:
        return None
    names = sorted({unicodedata.name(ch, "?").rsplit(" DIGIT", 1)[0].title() for ch in odd})
    return f"non-ASCII digits ({', '.join(names)}); write it with the digits 0–9"


def _as_text(value: object) -> str | None:
    """Text form of a cell, or None for a missing one; numbers are not text."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value if isinstance(value, str) else None


def parse_numbers(
    values: Sequence[object] | pd.Series | np.ndarray,
    *,
    integer: bool = False,
    convention: str | None = None,
) -> Numbers:
    """Parse a column of numbers written the Danish way (or consistently the English way).

    Parameters
    ----------
    values
        The column's cells: text as typed, or numbers from a typed file (Parquet, Excel).
    integer
        The column holds whole numbers (counts, codes): a fractional value is refused, and
        ``"1.000"`` with no other evidence is one thousand.
    convention
        ``"comma"`` (Danish) or ``"point"`` (English) to impose a decimal mark instead of
        reading it from the column.

    Returns
    -------
    Numbers
        Values, blanks, per-cell refusal reasons and the convention used.

    Examples
    --------
    >>> parse_numbers(["1.234,5", "12,5", "1.000"]).values.tolist()
    [1234.5, 12.5, 1000.0]
    >>> parse_numbers(["1.000"], integer=True).values.tolist()
    [1000.0]
    >>> parse_numbers(["1.000"]).errors[0].startswith("ambiguous")
    True
    """
    if convention not in (None, "comma", "point"):
        raise ValueError(f"convention {convention!r} is not 'comma', 'point' or None")
    cells = list(values.tolist() if isinstance(values, pd.Series | np.ndarray) else values)
    n = len(cells)
    out = np.full(n, np.nan)
    blank = np.zeros(n, dtype=bool)
    errors: list[str | None] = [None] * n
    text_index: list[int] = []
    texts: list[str] = []
    for i, cell in enumerate(cells):
        if isinstance(cell, bool | np.bool_):
            errors[i] = "a true/false value, not a number"
        elif isinstance(cell, int | np.integer):
            out[i] = float(cell)
        elif isinstance(cell, float | np.floating) and not math.isnan(cell):
            if math.isfinite(cell):
                out[i] = float(cell)
            else:
                errors[i] = "not a finite number"
        else:
            text = _as_text(cell)
            if text is None:
                if cell is None or _is_missing(cell):
                    blank[i] = True
                else:
                    errors[i] = f"a {type(cell).__name__}, not a number"
                continue
            text_index.append(i)
            texts.append(text)
    used = convention
    if texts:
        used = _parse_texts(texts, text_index, integer, convention, out, blank, errors)
    if integer:
        for k in np.flatnonzero(~np.isnan(out)).tolist():
            if out[k] != math.floor(out[k]):
                errors[k] = "not a whole number"
    for i, err in enumerate(errors):
        if err is not None:
            out[i] = np.nan
    return Numbers(out, blank, errors, used)


def _is_missing(cell: object) -> bool:
    try:
        return bool(pd.isna(cell))
    except (TypeError, ValueError):
        return False


def _parse_texts(
    texts: list[str],
    index: list[int],
    integer: bool,
    convention: str | None,
    out: np.ndarray,
    blank: np.ndarray,
    errors: list[str | None],
) -> str | None:
    arr = pc.utf8_trim_whitespace(pa.array(texts, type=pa.string()))
    for space in _SPACES:
        arr = pc.replace_substring(arr, space, " ")
    arr = pc.replace_substring(arr, _MINUS, "-")
    stripped = arr.to_pylist()
    is_blank = np.asarray(pc.is_in(arr, value_set=pa.array(sorted(BLANK_NUMBER))))
    m = {
        name: np.asarray(pc.match_substring_regex(arr, pattern))
        for name, pattern in _PATTERNS.items()
    }
    has_comma = np.asarray(pc.match_substring(arr, ","))
    has_point = np.asarray(pc.match_substring(arr, "."))
    g3 = m["g3"]
    comma_ev = (m["dec_comma"] & ~g3) | (m["danish"] & ~g3) | (m["spaced"] & has_comma)
    point_ev = (m["dec_point"] & ~g3) | (m["english"] & ~g3) | (m["spaced"] & has_point)
    used = convention
    if used is None:
        n_comma, n_point = int(comma_ev.sum()), int(point_ev.sum())
        if n_comma and n_point:
            # refuse the minority (on a tie, the decimal points: Danish comes first)
            used = "comma" if n_comma >= n_point else "point"
        elif n_comma:
            used = "comma"
        elif n_point:
            used = "point"
    first_comma = next((stripped[k] for k in np.flatnonzero(comma_ev)), None)
    first_point = next((stripped[k] for k in np.flatnonzero(point_ev)), None)
    normalised: list[str | None] = [None] * len(texts)
    for k, text in enumerate(stripped):
        i = index[k]
        if is_blank[k]:
            blank[i] = True
            continue
        if used == "point" and comma_ev[k]:
            errors[i] = "a decimal comma (Danish) in a column that uses decimal points" + (
                f" (e.g. {first_point!r})" if first_point else ""
            )
            continue
        if used == "comma" and point_ev[k]:
            errors[i] = "a decimal point (English) in a column that uses decimal commas" + (
                f" (e.g. {first_comma!r})" if first_comma else ""
            )
            continue
        if m["int"][k]:
            normalised[k] = text
        elif g3[k]:
            sep = "." if has_point[k] else ","
            thousands, decimal = text.replace(sep, ""), text.replace(sep, ".")
            if (sep == "." and used == "comma") or (sep == "," and used == "point"):
                normalised[k] = thousands
            elif (sep == "." and used == "point") or (sep == "," and used == "comma"):
                normalised[k] = decimal
            elif sep == "." and integer:
                normalised[k] = thousands  # "1.000" persons: Danish one thousand
            else:
                errors[i] = (
                    f"ambiguous: {text!r} is {_plain(thousands)} with {sep!r} grouping "
                    f"thousands, or {_plain(decimal)} with {sep!r} as the decimal mark, and "
                    "no other value in the column says which; write "
                    f"{_plain(thousands)} or use the other separator"
                )
        elif m["spaced"][k]:
            normalised[k] = text.replace(" ", "").replace(",", ".")
        elif m["danish"][k]:
            normalised[k] = text.replace(".", "").replace(",", ".")
        elif m["english"][k]:
            normalised[k] = text.replace(",", "")
        elif m["dec_comma"][k]:
            normalised[k] = text.replace(",", ".")
        elif m["dec_point"][k]:
            normalised[k] = text
        else:
            errors[i] = non_ascii_digit_reason(text) or (
                "not a number (write e.g. 1234, 1.234, 12,5 or 1.234,5)"
            )
    for k, norm in enumerate(normalised):
        if norm is not None:
            value = float(norm)
            if math.isfinite(value):
                out[index[k]] = value
            else:
                errors[index[k]] = "too large"
    return used


def _plain(number_text: str) -> str:
    value = float(number_text)
    return str(int(value)) if value == int(value) else repr(value)


def parse_number(
    value: object, *, integer: bool = False, convention: str | None = None
) -> float | None:
    """Parse one number on its own (see :func:`parse_numbers`); None for a blank or a dash.

    A value on its own has no column to settle ``"1.000"`` or ``"1,000"``: in a whole-number
    context ``"1.000"`` is one thousand, otherwise both are refused as ambiguous.

    Raises
    ------
    NumberError
        The value is not a number, is ambiguous, uses non-ASCII digits, or (``integer``) is
        not whole.
    """
    parsed = parse_numbers([value], integer=integer, convention=convention)
    if parsed.errors[0] is not None:
        raise NumberError(value, parsed.errors[0])
    if parsed.blank[0]:
        return None
    return float(parsed.values[0])


def parse_year(value: object, *, lo: int, hi: int) -> int:
    """Parse a year: four ASCII digits (or a whole number from a typed file) from lo to hi.

    Raises
    ------
    NumberError
        Not a year, non-ASCII digits, or outside ``lo``–``hi``.
    """
    year: int | None = None
    if isinstance(value, bool | np.bool_):
        year = None
    elif isinstance(value, int | np.integer):
        year = int(value)
    elif isinstance(value, float | np.floating):
        if math.isfinite(value) and value == int(value):
            year = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if len(text) == 4 and text.isascii() and text.isdigit():
            year = int(text)
        else:
            reason = non_ascii_digit_reason(text)
            if reason:
                raise NumberError(value, f"not a year: {reason}")
    if year is None:
        raise NumberError(value, "not a year (four digits, e.g. 2022)")
    if not lo <= year <= hi:
        raise NumberError(value, f"year outside {lo}–{hi}")
    return year


def ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more of the ASCII digits 0–9 and nothing else."""
    return bool(text) and text.isascii() and text.isdigit()


# -- downloads: spreadsheet formula injection ----------------------------------------------
#
# OWASP "CSV Injection": a cell that starts with = + - @ (or a tab or carriage return) is
# read by spreadsheet programs as a formula. Every text cell of every CSV or Excel download
# passes through neutralise_cell, which puts a ' before such a cell (the apostrophe Excel and
# LibreOffice themselves use for "this is text"). Leading spaces, the full-width forms and a
# line break before the sign do not get around it. Numbers stay numbers.

FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def neutralise_cell(value: object) -> object:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula; numbers,
    booleans and None are returned unchanged.
    """
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_STARTS or value.lstrip(" \u00a0")[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with :func:`neutralise_cell` applied to every text cell (and to
    the column names).
    """
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise_cell)
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out
