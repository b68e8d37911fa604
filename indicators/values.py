"""Indicator values: the embedded defaults, importing user tables, and reading them back.

The store's ``indicators`` table has one row per (area, year, code) and dataset:

=========  ==========================================================================
area_id    the area's slug
year       the list year the value refers to (see :mod:`indicators.catalogue`); empty
           when the source does not say (the Beboerdata tables of the seed page)
code       a catalogue code
value      the number, in the unit of the code; empty when the source lists the area
           but publishes no value ("ikke oplyst", never 0)
dataset    which load the row came from (also the key of its provenance row)
source     where the number was published
note       caveats of the source, as given
synthetic  True for synthetic example data, which is never mixed with real values
=========  ==========================================================================

Imports are validated whole before anything is written (unknown area or code, a value
outside its unit's range, a duplicate (area, year, code), a missing year), and each problem
names the file, row, column and value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.errors import InputRejected, Problem
from geo.i18n import N_
from geo.naming import AreaMatcher, area_slug, municipality_code
from geo.plausible import year_bounds
from geo.tabular import NumberError, parse_numbers, parse_year, read_table, require_columns
from indicators.catalogue import CATALOGUE, parse_code

TABLE = "indicators"
COLUMNS = ["area_id", "year", "code", "value", "dataset", "source", "note", "synthetic"]
SYNTHETIC_LABEL_DA = N_("syntetiske eksempeldata")
DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "default" / "indicator_values.csv"
DEFAULT_DATASETS = {
    "beboerdata_seed": (
        "Two Beboerdata indicators for the 15 hårde ghettoområder (share of 15–17-year-olds "
        "not in education; share of single-parent households); the year is not stated in "
        "the source, '-' kept as not published"
    ),
    "criteria_values_news": (
        "Scattered criteria values quoted in news coverage (not the ministry tables); "
        "each row's note gives its caveats (assumed list years, single-year shares, "
        "undated snapshots)"
    ),
}
FACTS_LICENCE = "facts from public sources (no copyright in facts); compiled by Områdekort"
IMPORT_LICENCE = "as supplied by the importer"

_AREA = ("area", "area_name", "area_id", "omraade", "område", "boligomraade", "boligområde")
_YEAR = ("year", "aar", "år", "listeaar", "listeår")
_LONG = {
    "area": _AREA,
    "year": _YEAR,
    "code": ("code", "indicator", "indikator", "kode"),
    "value": ("value", "vaerdi", "værdi"),
}
_MUNICIPALITY = ("municipality_code", "kommunekode", "komkode")
_OPTIONAL = {*_MUNICIPALITY, "source", "kilde", "note", "municipality_name", "kommune"}


def empty_frame() -> pd.DataFrame:
    """An indicator table with no rows and the store's columns and types."""
    return pd.DataFrame(
        {
            "area_id": pd.Series([], dtype=str),
            "year": pd.Series([], dtype="Int64"),
            "code": pd.Series([], dtype=str),
            "value": pd.Series([], dtype=float),
            "dataset": pd.Series([], dtype=str),
            "source": pd.Series([], dtype=str),
            "note": pd.Series([], dtype=str),
            "synthetic": pd.Series([], dtype=bool),
        }
    )


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["year"] = pd.to_numeric(frame["year"]).round().astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"]).astype(float)
    frame["synthetic"] = frame["synthetic"].astype(bool)
    for col in ("area_id", "code", "dataset", "source", "note"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame[COLUMNS]


# -- the embedded defaults -------------------------------------------------------------------


def load_default_values(known_area_ids: set[str]) -> pd.DataFrame:
    """The embedded indicator values (``data/default/indicator_values.csv``).

    Raises ValueError when a row names an area the default store does not have or a code
    the catalogue does not know: the embedded data must be consistent with itself.
    """
    raw = pd.read_csv(DEFAULT_FILE, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "area_id": raw["area_name"].map(area_slug),
            "year": raw["year"].replace("", None),
            "code": raw["code"],
            "value": raw["value"].replace("", None),
            "dataset": raw["dataset"],
            "source": raw["source"],
            "note": raw["note"],
            "synthetic": False,
        }
    )
    unknown = sorted(set(frame["area_id"]) - known_area_ids)
    codes = sorted(set(frame["code"]) - set(CATALOGUE))
    if unknown or codes:
        raise ValueError(f"{DEFAULT_FILE}: unknown areas {unknown} or codes {codes}")
    return _normalise(frame)


def write_default_indicators(writer, area_ids: set[str]) -> int:
    """Write the embedded indicator values and their provenance inside a store transaction."""
    values = load_default_values(area_ids)
    writer.write(TABLE, values)
    for dataset, description in DEFAULT_DATASETS.items():
        rows = values[values["dataset"] == dataset]
        writer.record_provenance(
            f"indicators:{dataset}",
            description=description,
            source="data/default/indicator_values.csv (per-row sources: "
            + ", ".join(sorted(set(rows["source"].str.split(",").str[0])))[:900]
            + ")",
            licence=FACTS_LICENCE,
            records=len(rows),
        )
    return len(values)


# -- reading ---------------------------------------------------------------------------------


def read_indicators(store, *, synthetic: bool | None = False) -> pd.DataFrame:
    """The store's indicator values (real ones by default; ``synthetic=True`` for the
    synthetic example data only, ``None`` for both). An older store without the table reads
    as empty.
    """
    frame = empty_frame() if TABLE not in store.layers() else _normalise(store.read(TABLE))
    if synthetic is None:
        return frame
    return frame[frame["synthetic"] == synthetic].reset_index(drop=True)


def has_synthetic(store) -> bool:
    """True when the store holds synthetic example indicator values."""
    return bool(len(read_indicators(store, synthetic=True)))


def values_by_area(frame: pd.DataFrame, year: int) -> dict[str, dict[str, float | None]]:
    """area_id → {code: value} for one list year (undated rows excluded)."""
    rows = frame[frame["year"] == year]
    out: dict[str, dict[str, float | None]] = {}
    for area_id, code, value in zip(rows["area_id"], rows["code"], rows["value"], strict=True):
        out.setdefault(area_id, {})[code] = None if pd.isna(value) else float(value)
    return out


# -- importing -------------------------------------------------------------------------------


@dataclass
class _Cell:
    row: int
    area_id: str
    year: int
    code: str
    value: float
    source: str
    note: str


def _matcher(store) -> tuple[AreaMatcher, set[str]]:
    areas = store.read("areas")
    aliases = store.read("aliases")
    municipality_of = [m if isinstance(m, str) and m else None for m in areas["municipality_code"]]
    matcher = AreaMatcher(
        list(zip(areas["area_id"], areas["name"], municipality_of, strict=True)),
        list(zip(aliases["alias"], aliases["area_id"], strict=True)),
    )
    return matcher, set(areas["area_id"])


def _layout(frame: pd.DataFrame, source: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """Decide long or wide format; return (format, key columns, code columns for wide)."""
    columns = set(frame.columns)
    if any(c in columns for c in _LONG["code"]) or any(c in columns for c in _LONG["value"]):
        return "long", require_columns(frame, source, _LONG), {}
    keys = require_columns(frame, source, {"area": _AREA, "year": _YEAR})
    code_columns, problems = {}, []
    for column in frame.columns:
        if column in keys.values() or column in _OPTIONAL:
            continue
        code = parse_code(column)
        if code is None:
            problems.append(
                Problem(
                    "unknown indicator code in the header",
                    column=column,
                    value=column,
                    expected="a catalogue code: " + ", ".join(sorted(CATALOGUE)),
                )
            )
        else:
            code_columns[column] = code
    if not code_columns and not problems:
        problems.append(
            Problem(
                "no indicator columns",
                expected="long format (area, year, code, value) or wide format (area, year "
                "and one column per catalogue code)",
            )
        )
    if problems:
        raise InputRejected(source, problems)
    return "wide", keys, code_columns


def _parse_values(frame: pd.DataFrame, fmt: str, keys: dict, code_columns: dict) -> dict:
    """Parse every value cell with the one number parser, in the context of its indicator:
    a wide column, or in long format the rows of one code (whole numbers for counts, so that
    "1.000" residents is one thousand; a decimal column that cannot say whether "1.000" is
    1 or 1000 refuses it). Returns ``{column: (values, errors)}`` for wide format and
    ``{"__long__": (values, errors)}`` for long.
    """
    if fmt == "wide":
        out = {}
        for column, code in code_columns.items():
            parsed = parse_numbers(frame[column], integer=CATALOGUE[code].unit_info.whole)
            out[column] = (parsed.values, parsed.errors, parsed.blank)
        return out
    n = len(frame)
    values, blank = np.full(n, np.nan), np.zeros(n, dtype=bool)
    errors: list[str | None] = [None] * n
    codes = frame[keys["code"]].map(parse_code)
    for code, rows in codes.groupby(codes, dropna=True).groups.items():
        positions = frame.index.get_indexer(rows)
        parsed = parse_numbers(
            frame[keys["value"]].iloc[positions], integer=CATALOGUE[code].unit_info.whole
        )
        values[positions] = parsed.values
        blank[positions] = parsed.blank
        for k, p in enumerate(positions):
            errors[p] = parsed.errors[k]
    return {"__long__": (values, errors, blank)}


def _validate(
    frame: pd.DataFrame, source: str, store, default_source: str
) -> tuple[list[_Cell], int]:
    fmt, keys, code_columns = _layout(frame, source)
    matcher, _known = _matcher(store)
    muni_col = next((c for c in _MUNICIPALITY if c in frame.columns), None)
    src_col = next((c for c in ("source", "kilde") if c in frame.columns), None)
    note_col = "note" if "note" in frame.columns else None
    problems: list[Problem] = []
    cells: list[_Cell] = []
    seen: dict[tuple[str, int, str], int] = {}
    skipped = 0
    parsed_values = _parse_values(frame, fmt, keys, code_columns)
    years = year_bounds()
    for number, record in enumerate(frame.to_dict("records"), start=1):
        row_problems: list[Problem] = []
        raw_area = str(record[keys["area"]])
        municipality = None
        if muni_col and record[muni_col]:
            try:
                municipality = municipality_code(record[muni_col])
            except ValueError:
                row_problems.append(
                    Problem(
                        "not a municipality code",
                        row=number,
                        column=muni_col,
                        value=record[muni_col],
                        expected="a code from 101 to 999",
                    )
                )
        area_id = matcher.match(raw_area, municipality) if raw_area else None
        if area_id is None:
            row_problems.append(
                Problem(
                    (f"unknown area: {matcher.explain(raw_area, municipality)}")
                    if raw_area
                    else "area is blank",
                    row=number,
                    column=keys["area"],
                    value=raw_area if len(raw_area) <= 60 else raw_area[:60] + "…",
                    expected="the name or id of an area in the store (see /omraader)",
                )
            )
        raw_year = str(record[keys["year"]])
        year = None
        if raw_year == "":
            row_problems.append(
                Problem(
                    "missing year",
                    row=number,
                    column=keys["year"],
                    value=raw_year,
                    expected="the list year the value refers to, e.g. 2022",
                )
            )
        else:
            try:
                year = parse_year(raw_year, lo=years[0], hi=years[1])
            except NumberError as exc:
                row_problems.append(
                    Problem(
                        exc.reason,
                        row=number,
                        column=keys["year"],
                        value=raw_year,
                        expected=f"a list year from {years[0]} to {years[1]}",
                    )
                )
        if fmt == "long":
            raw_code = record[keys["code"]]
            code = parse_code(raw_code)
            if code is None:
                row_problems.append(
                    Problem(
                        "unknown indicator code",
                        row=number,
                        column=keys["code"],
                        value=raw_code,
                        expected="one of " + ", ".join(sorted(CATALOGUE)),
                    )
                )
                pairs = []
            else:
                pairs = [(keys["value"], code)]
        else:
            pairs = list(code_columns.items())
        for column, code in pairs:
            raw_value = str(record[column])
            values, errors, blanks = parsed_values["__long__" if fmt == "long" else column]
            if errors[number - 1] is not None:
                unit = CATALOGUE[code].unit_info
                row_problems.append(
                    Problem(
                        str(errors[number - 1]),
                        row=number,
                        column=column,
                        value=raw_value,
                        expected=(
                            "a whole number such as 1.234 or 1234"
                            if unit.whole
                            else "a number such as 41,5 or 1.234,5"
                        ),
                    )
                )
                continue
            if blanks[number - 1]:
                skipped += 1  # blank or '-': not published; nothing is stored
                continue
            value = float(values[number - 1])
            unit = CATALOGUE[code].unit_info
            if not unit.contains(value) or (unit.whole and value != int(value)):
                row_problems.append(
                    Problem(
                        f"value outside the range of {code}",
                        row=number,
                        column=column,
                        value=raw_value,
                        expected=("a whole number " if unit.whole else "a number ")
                        + f"from {unit.minimum:g} to {unit.maximum:g} ({unit.label_da})",
                    )
                )
                continue
            if area_id is None or year is None:
                continue
            key = (area_id, year, code)
            if key in seen:
                row_problems.append(
                    Problem(
                        f"duplicate of row {seen[key]} (same area {area_id}, year {year} and "
                        f"code {code})",
                        row=number,
                        column=column,
                        value=raw_value,
                        expected="one value per area, year and code",
                    )
                )
                continue
            seen[key] = number
            cells.append(
                _Cell(
                    row=number,
                    area_id=area_id,
                    year=year,
                    code=code,
                    value=value,
                    source=str(record[src_col]) if src_col and record[src_col] else default_source,
                    note=str(record[note_col]) if note_col else "",
                )
            )
        problems.extend(row_problems)
    if problems:
        raise InputRejected(source, problems)
    if not cells:
        raise InputRejected(source, [Problem("the file has no values to import")])
    return cells, skipped


def import_indicators(
    store,
    path: str | Path,
    *,
    source: str | None = None,
    synthetic: bool = False,
    sheet: str | None = None,
) -> dict:
    """Import an indicator table (CSV or Excel, long or wide format) into the store.

    ``sheet`` names the sheet to read from a workbook with several (one is never guessed).

    Long format: columns area, year, code, value (Danish spellings accepted). Wide format:
    area, year and one column per catalogue code. Optional columns: municipality_code
    (narrows the area match), source, note. Blank cells and ``-`` mean "not published" and
    are skipped. Values replace the store's values for the same (area, year, code) of the
    same kind (real or synthetic); synthetic values never replace real ones or vice versa.

    Returns
    -------
    dict
        ``values`` imported, ``replaced`` (existing values overwritten), ``skipped``
        (blank cells), ``areas``, ``years``, ``codes``, ``dataset``.

    Raises
    ------
    InputRejected
        Anything wrong with the file; the store is not touched.
    """
    path = Path(path)
    frame = read_table(path, sheet=sheet)
    default_source = source or path.name
    cells, skipped = _validate(frame, str(path), store, default_source)
    dataset = ("synthetic:" if synthetic else "import:") + path.name
    incoming = _normalise(
        pd.DataFrame(
            {
                "area_id": [c.area_id for c in cells],
                "year": [c.year for c in cells],
                "code": [c.code for c in cells],
                "value": [c.value for c in cells],
                "dataset": dataset,
                "source": [c.source for c in cells],
                "note": [c.note or (SYNTHETIC_LABEL_DA if synthetic else "") for c in cells],
                "synthetic": synthetic,
            }
        )
    )
    existing = read_indicators(store, synthetic=None)
    keys = set(zip(incoming["area_id"], incoming["year"], incoming["code"], strict=True))
    same_kind = existing["synthetic"] == synthetic
    clash = same_kind & pd.Series(
        [
            (a, y, c) in keys
            for a, y, c in zip(existing["area_id"], existing["year"], existing["code"], strict=True)
        ],
        index=existing.index,
        dtype=bool,
    )
    merged = pd.concat([existing[~clash], incoming], ignore_index=True)
    merged = merged.sort_values(["synthetic", "area_id", "year", "code"]).reset_index(drop=True)
    with store.transaction() as w:
        w.write(TABLE, merged)
        w.record_provenance(
            f"indicators:{dataset}",
            description=(
                f"{SYNTHETIC_LABEL_DA.capitalize()}: " if synthetic else "Indicator values "
            )
            + f"imported from {path.name} ({len(incoming)} values, "
            f"{incoming['area_id'].nunique()} areas)",
            source=default_source,
            licence=IMPORT_LICENCE,
            records=len(incoming),
            synthetic=synthetic,
        )
    return {
        "values": len(incoming),
        "replaced": int(clash.sum()),
        "skipped": skipped,
        "areas": int(incoming["area_id"].nunique()),
        "years": sorted(int(y) for y in incoming["year"].unique()),
        "codes": sorted(set(incoming["code"])),
        "dataset": dataset,
    }
