"""Every table download of the service: CSV (two dialects) and Excel workbooks.

ONE function writes CSV for the whole service (:func:`csv_bytes`) and one writes workbooks
(:func:`xlsx_bytes`), so the rules hold for every download:

- ``dialekt=excel`` (default): what Danish Excel opens by double-click — UTF-8 with BOM,
  ``;`` between fields, decimal comma, CRLF. ``dialekt=rfc4180``: the international form —
  UTF-8 without BOM, ``,``, decimal point, CRLF (RFC 4180).
- Codes stay text: municipality codes are written with their four digits (``0751``), never
  as numbers. (Excel keeps them in the .xlsx file, where the cells are typed text; in a CSV
  opened by double-click Excel may still drop the zero — the download block says so.)
- Formula injection (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``,
  ``-``, ``@``, TAB or CR gets a leading apostrophe, in both formats. Numbers are written as
  numbers and are never touched.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence

import pandas as pd
from flask import Response

from geo.tabular import neutralise_cell
from service.errors import BadParameter

DIALECTS = ("excel", "rfc4180")
_FILENAME_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def dialect_arg(args) -> str:
    """``dialekt`` (or ``dialect``): excel (Danish Excel, default) or rfc4180."""
    name = "dialekt" if "dialekt" in args else "dialect"
    raw = args.get(name, "") or "excel"
    if raw not in DIALECTS:
        raise BadParameter(f"`{name}` was {raw!r} but is expected to be one of {list(DIALECTS)}")
    return raw


def neutralise(text: str) -> str:
    """A text cell made safe from formula injection: the project's one rule,
    :func:`geo.tabular.neutralise_cell` (leading apostrophe when needed)."""
    return str(neutralise_cell(text))


def _cell(value: object, dialect: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        if dialect == "excel":
            return "ja" if value else "nej"
        return "true" if value else "false"
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return str(int(value))  # type: ignore[call-overload]
    if isinstance(value, float) or (hasattr(value, "dtype") and "float" in str(value.dtype)):
        x = float(value)  # type: ignore[arg-type]
        if math.isnan(x):
            return ""
        text = str(int(x)) if x == int(x) and abs(x) < 1e15 else repr(x)
        return text.replace(".", ",") if dialect == "excel" else text
    return neutralise(str(value))


def csv_bytes(
    columns: Sequence[str], rows: Iterable[Sequence[object]], dialect: str = "excel"
) -> bytes:
    """Rows written as CSV in ``dialect`` (see the module docstring)."""
    out = io.StringIO()
    writer = csv.writer(
        out,
        delimiter=";" if dialect == "excel" else ",",
        lineterminator="\r\n",
        quoting=csv.QUOTE_MINIMAL,
    )
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        writer.writerow([_cell(v, dialect) for v in row])
    text = out.getvalue()
    return ("\ufeff" + text if dialect == "excel" else text).encode("utf-8")


def frame_csv_bytes(frame: pd.DataFrame, dialect: str = "excel") -> bytes:
    """A data frame (no geometry column) as CSV in ``dialect``."""
    return csv_bytes(
        list(frame.columns), frame.astype(object).itertuples(index=False, name=None), dialect
    )


def xlsx_bytes(
    sheets: Sequence[tuple[str, pd.DataFrame]],
    text_columns: Iterable[str] = (),
) -> bytes:
    """An .xlsx workbook with one sheet per (name, frame); ``text_columns`` are typed text.

    Every text cell is neutralised like the CSV's and written as a string cell (openpyxl
    would otherwise read ``=…`` as a formula).
    """
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    text_cols = set(text_columns)
    book = Workbook()
    book.remove(book.active)
    for name, frame in sheets:
        sheet = book.create_sheet(title=name[:31])
        sheet.append([str(c) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in frame.astype(object).itertuples(index=False, name=None):
            row = []
            for column, value in zip(frame.columns, values, strict=True):
                if (
                    value is None
                    or value is pd.NA
                    or (isinstance(value, float) and math.isnan(value))
                ):
                    row.append(None)
                elif column in text_cols or isinstance(value, str):
                    row.append(neutralise(str(value)))
                else:
                    row.append(value)
            sheet.append(row)
        for column_cells in sheet.iter_cols(min_row=2):
            for cell in column_cells:
                if isinstance(cell.value, str):
                    cell.data_type = TYPE_STRING
                    cell.number_format = "@"
        for i, column in enumerate(frame.columns, start=1):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = min(
                60, max(8, width + 2)
            )
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_name(*parts: object, ext: str) -> str:
    """A download file name that says what is in it: ``omraadekort-omraader-2024-0751.csv``."""
    words = ["omraadekort", *[str(p) for p in parts if p not in (None, "")]]
    stem = "-".join(_FILENAME_UNSAFE.sub("-", w.lower()).strip("-") for w in words)
    return f"{stem}.{ext}"


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, mimetype: str, name: str) -> Response:
    """A download response with its file name."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- the area table's data dictionary ----------------------------------------------------------

TEXT_COLUMNS = ("area_id", "municipality_code", "name", "municipality_name")
AREA_COLUMNS = {
    "area_id": ("Områdets id (slug), fast på tværs af år", "tekst"),
    "name": ("Områdets navn som på listen", "tekst"),
    "municipality_code": ("Kommunekode, fire cifre (0751 = Aarhus)", "tekst"),
    "municipality_name": ("Kommunens navn", "tekst"),
    "year": ("Listeår: listen offentliggjort 1. december dette år", "år"),
    "categories": (
        "Kategorier på listen dette år, adskilt af ';' (udsat, parallelsamfund, "
        "omdannelsesomraade, forebyggelsesomraade; før 2021 hed parallelsamfund "
        "ghettoområde og omdannelsesområde hårdt ghettoområde)",
        "koder",
    ),
    "most_severe_category": ("Den strengeste kategori dette år", "kode"),
    "boundary_source": (
        "Afgrænsningens kilde: approximate = cirkel om bedst kendte placering (ikke "
        "officiel), official = officiel matrikelliste, imported = indlæst, none = ingen",
        "kode",
    ),
    "boundary_note": ("Afgrænsningen forklaret", "tekst"),
    "uncertainty_m": ("Cirklens radius: usikkerheden på placeringen", "meter"),
    "location_source": ("Kilde til placeringen (kanonisk adresse)", "URL"),
    "location_source_label": ("Kilden til placeringen, kort", "tekst"),
    "location_read_via": ("Hvor tallet faktisk blev læst (kopi eller spejl)", "URL"),
    "designation_sources": ("Kilder til udpegningen dette år, adskilt af ' | '", "tekst"),
    "centroid_lon": ("Længdegrad for figurens midtpunkt (WGS84)", "grader"),
    "centroid_lat": ("Breddegrad for figurens midtpunkt (WGS84)", "grader"),
}


def area_dictionary(columns: Iterable[str]) -> pd.DataFrame:
    """Kolonne, beskrivelse, enhed for every column of an area download."""
    from indicators.catalogue import CATALOGUE

    rows = []
    for column in columns:
        if column in AREA_COLUMNS:
            text, unit = AREA_COLUMNS[column]
        elif column.startswith("ind_") and column[4:] in CATALOGUE:
            ind = CATALOGUE[column[4:]]
            text, unit = f"{ind.label_da} (kilde: {ind.source})", ind.unit
        else:
            text, unit = "", ""
        rows.append({"kolonne": column, "beskrivelse": text, "enhed": unit})
    return pd.DataFrame(rows)
