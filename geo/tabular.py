"""Reading tabular input files (CSV and Excel) the way Danish users produce them.

CSV comes as UTF-8 (with or without BOM) or Windows-1252/Latin-1, separated by ``;`` (Danish
Excel) or ``,``; numbers may use decimal commas. Every cell is returned as text so that the
validators can name the exact value a user typed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from geo.errors import InputRejected, Problem

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is a superset of Latin-1 for the printable range Danish needs.
        return raw.decode("cp1252", errors="strict")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV or Excel file into a DataFrame of strings (empty cells as ``""``).

    Column names are stripped and lowercased. Raises :class:`InputRejected` naming the file
    when it cannot be read at all.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputRejected(str(path), [Problem("file not found")])
    try:
        if suffix in EXCEL_SUFFIXES:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        elif suffix in CSV_SUFFIXES:
            text = _decode(path.read_bytes())
            sample = text[:4096]
            try:
                delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
            except csv.Error:
                delimiter = ";" if sample.count(";") > sample.count(",") else ","
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False)
        else:
            raise InputRejected(
                str(path),
                [
                    Problem(
                        f"unsupported file type {suffix or '(none)'!r}",
                        expected="one of " + ", ".join(sorted(CSV_SUFFIXES | EXCEL_SUFFIXES)),
                    )
                ],
            )
    except InputRejected:
        raise
    except (UnicodeDecodeError, ValueError, pd.errors.ParserError, OSError) as exc:
        raise InputRejected(str(path), [Problem(f"cannot be read: {exc}")]) from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame.map(lambda v: v.strip() if isinstance(v, str) else v)


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


def parse_number(text: str) -> float | None:
    """Parse ``"12,5"``, ``"12.5"``, ``"1.234,5"`` or ``"1 234"``; None for blank.

    Raises ValueError for anything else.
    """
    t = text.replace("\u00a0", "").replace(" ", "")
    if t == "" or t in {"-", "–"}:
        return None
    if "," in t and "." in t:
        t = (
            t.replace(".", "").replace(",", ".")
            if t.rfind(",") > t.rfind(".")
            else t.replace(",", "")
        )
    elif "," in t:
        t = t.replace(",", ".")
    return float(t)
