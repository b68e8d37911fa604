"""Validation of moves, one chunk at a time, with vectorised checks.

:func:`check_chunk` takes a chunk of a move file (an Arrow table, see
:mod:`geo.relocation.readers`) and returns the normalised moves of the chunk — the form the
join counts and the store keeps — while recording every problem in a :class:`ProblemLog` at
the row's true number in its file. Text columns are checked once per distinct value (Arrow's
dictionary encoding), numbers are parsed with a vectorised fast path for plain forms and the
project's one number parser (:func:`geo.tabular.parse_number`) for everything else, so the
checks cost about the same whatever the file's size, and a chunk of a million rows is checked
in a fraction of a second.

The rules (each names the row, column, value and what was expected):

- a year from the first list year in the store to the year after the latest, and not after
  the current year; or a date (``YYYY-MM-DD``, ``DD-MM-YYYY`` or ``DD.MM.YYYY``) in the row's
  year, not after today;
- a weight (movers) that is a whole number ≥ 1, blank meaning 1;
- a reason among the known spellings, blank meaning not stated;
- areas known to the store (id or name), municipality codes 101–999;
- both coordinates of a point, and a point in Denmark in its CRS;
- an origin and a destination in every row.

Move ids must be unique over the whole file: each chunk hands the hashes of its ids to
:func:`spill_ids`, and :func:`duplicate_ids` compares them bucket by bucket on disk.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely
from pyproj import CRS, Transformer

from geo.errors import Problem
from geo.naming import AreaMatcher, municipality_code
from geo.relocation.readers import MoveSource
from geo.tabular import parse_number

ATTRIBUTES = ("age_band", "labour_status", "household_type")
WHOLE_NUMBERS = ("year", "weight")
TEXT_COLUMNS = (
    "reason",
    "origin_area_id",
    "origin_municipality_code",
    "dest_area_id",
    "dest_municipality_code",
    *ATTRIBUTES,
)

# Reason spellings (folded to lower case, spaces collapsed); blank means not stated.
REASON_VALUES = {
    "planned": "planned",
    "planned rehousing": "planned",
    "rehousing": "planned",
    "planlagt": "planned",
    "planlagt genhusning": "planned",
    "genhusning": "planned",
    "other": "other",
    "andet": "other",
    "anden": "other",
    "andre": "other",
    "øvrige": "other",
    "oevrige": "other",
}
# A generous box around Denmark in EPSG:25832 (Bornholm and Christiansø included).
DENMARK_BOX = (400_000.0, 6_030_000.0, 910_000.0, 6_420_000.0)
MAX_PROBLEMS_PER_CHECK = 20
# Numbers the fast path reads itself: ASCII digits with at most one decimal separator that
# cannot be a thousands separator (not followed by exactly three digits). Everything else goes
# through the one parser, value by distinct value.
_PLAIN_NUMBER = r"^-?[0-9]+(?:[.,](?:[0-9]{1,2}|[0-9]{4,}))?$"
# Coordinates are never written with thousands separators: one "." or "," is the decimal mark
# whatever the number of decimals ("8.452" is 8.452 degrees, "575000,5" is metres).
_DECIMAL_NUMBER = r"^-?[0-9]+(?:[.,][0-9]+)?$"
COORDINATES = (
    "origin_x",
    "origin_y",
    "dest_x",
    "dest_y",
    "origin_lon",
    "origin_lat",
    "dest_lon",
    "dest_lat",
)
# The schema the raw moves are kept in (geo.store datasets); text as dictionaries.
_DICT = pa.dictionary(pa.int32(), pa.string())
STORED_SCHEMA = pa.schema(
    [
        ("year", pa.int16()),
        ("date", _DICT),
        ("weight", pa.int32()),
        ("reason", _DICT),
        ("origin_area_id", _DICT),
        ("origin_municipality_code", _DICT),
        ("origin_x", pa.float64()),
        ("origin_y", pa.float64()),
        ("dest_area_id", _DICT),
        ("dest_municipality_code", _DICT),
        ("dest_x", pa.float64()),
        ("dest_y", pa.float64()),
        ("age_band", _DICT),
        ("labour_status", _DICT),
        ("household_type", _DICT),
        ("source_move_id", pa.string()),
    ]
)


# -- problems --------------------------------------------------------------------------------


@dataclass
class ProblemLog:
    """Problems of a whole file, at most :data:`MAX_PROBLEMS_PER_CHECK` rows per check.

    Rows are recorded chunk by chunk in file order; logs of chunks checked elsewhere (Dask
    workers) are merged in the same order with :meth:`merge`.
    """

    general: list[Problem] = field(default_factory=list)
    checks: dict[tuple[str, str | None], list] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.general or self.checks)

    def add(self, problem: Problem) -> None:
        """Record a problem of the whole file (no row)."""
        self.general.append(problem)

    def rows(
        self,
        mask: np.ndarray,
        message: str,
        *,
        column: str | None,
        values: Callable[[int], object] | None,
        expected: str | None,
        file: str | None = None,
        offset: int = 0,
    ) -> None:
        """Record the rows where ``mask`` is true; ``values(i)`` gives row i's value."""
        rows = np.flatnonzero(mask)
        if not len(rows):
            return
        entry = self.checks.setdefault((message, column), [[], 0, expected])
        room = MAX_PROBLEMS_PER_CHECK - len(entry[0])
        for i in rows[: max(room, 0)]:
            value = None if values is None else _plain(values(int(i)))
            entry[0].append(
                Problem(
                    message,
                    row=offset + int(i) + 1,
                    column=column,
                    value=value,
                    expected=expected,
                    file=file,
                )
            )
        entry[1] += max(len(rows) - max(room, 0), 0)

    def merge(self, other: ProblemLog) -> None:
        """Append ``other`` (problems of later rows) to this log."""
        self.general.extend(other.general)
        for key, (problems, extra, expected) in other.checks.items():
            entry = self.checks.setdefault(key, [[], 0, expected])
            room = max(MAX_PROBLEMS_PER_CHECK - len(entry[0]), 0)
            entry[0].extend(problems[:room])
            entry[1] += extra + max(len(problems) - room, 0)

    def items(self) -> list[Problem]:
        """Every problem, with one "… and N more rows" line per check that had more."""
        out = list(self.general)
        for (message, column), (problems, extra, _expected) in self.checks.items():
            out.extend(problems)
            if extra:
                out.append(Problem(f"… and {extra} more rows: {message}", column=column))
        return out


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


# -- cells -----------------------------------------------------------------------------------


@dataclass
class Text:
    """A text column as ``uniques[codes]``: stripped cells, missing cells as ``''``."""

    codes: np.ndarray
    uniques: np.ndarray  # object array of str

    def at(self, i: int) -> str:
        """Row ``i``'s cell."""
        return self.uniques[self.codes[i]]

    @property
    def given(self) -> np.ndarray:
        """Rows with a non-blank cell."""
        return (self.uniques != "")[self.codes]

    def map(self, func: Callable[[str], object], missing: object = None) -> np.ndarray:
        """``func`` of every distinct non-blank value, spread over the rows."""
        mapped = np.empty(len(self.uniques), dtype=object)
        for i, value in enumerate(self.uniques):
            mapped[i] = func(value) if value != "" else missing
        return mapped[self.codes]

    def categorical(self, mapped_uniques: np.ndarray) -> pd.Categorical:
        """A categorical of ``mapped_uniques[codes]`` (str values; '' stays '')."""
        cats, inverse = np.unique(mapped_uniques.astype(str), return_inverse=True)
        return pd.Categorical.from_codes(
            inverse.astype(np.int32)[self.codes], categories=pd.Index(cats, dtype=object)
        )


def _as_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def text_of(column: pa.ChunkedArray | pa.Array) -> Text:
    """The cells of ``column`` as :class:`Text`, stripping each distinct value once."""
    arr = _as_array(column)
    if pa.types.is_dictionary(arr.type):
        dictionary, indices = arr.dictionary, arr.indices
    else:
        if pa.types.is_timestamp(arr.type):
            arr = pc.cast(arr, pa.date32())
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            arr = pc.cast(arr, pa.string())
        encoded = pc.dictionary_encode(arr)
        dictionary, indices = encoded.dictionary, encoded.indices
    if not (pa.types.is_string(dictionary.type) or pa.types.is_large_string(dictionary.type)):
        if pa.types.is_timestamp(dictionary.type):
            dictionary = pc.cast(dictionary, pa.date32())
        dictionary = pc.cast(dictionary, pa.string())
    raw = [("" if v is None else v.strip()) for v in dictionary.to_pylist()] + [""]
    codes = indices.fill_null(len(raw) - 1).to_numpy(zero_copy_only=False).astype(np.int32)
    remap, uniques = pd.factorize(pd.Series(raw, dtype=object))
    return Text(remap.astype(np.int32)[codes], np.asarray(uniques, dtype=object))


# The one parser learns whole-number context ("1.000" movers is one thousand) with issue 10;
# until then it takes the text alone.
_PARSER_TAKES_INTEGER = "integer" in inspect.signature(parse_number).parameters


def _parse(value: str, integer: bool = False) -> float:
    """One value through the project's number parser; NaN for blank, ValueError if bad."""
    if integer and _PARSER_TAKES_INTEGER:
        number = parse_number(value, integer=True)  # type: ignore[call-arg,unused-ignore]
    else:
        number = parse_number(value)
    if number is None:
        return np.nan
    if not np.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return float(number)


def numbers_of(
    column: pa.ChunkedArray | pa.Array, integer: bool = False, decimal: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad): blank → NaN; ``bad`` marks non-blank cells that are not numbers.

    Typed numeric columns are used as they are. Text uses :func:`geo.tabular.parse_number`
    (Danish formats); plain forms such as ``575000``, ``10,17`` or ``56.1601`` are read in
    bulk with the same result. With ``decimal`` (coordinates) a single ``.`` or ``,`` is always
    the decimal mark, since such columns carry no thousands separators.
    """
    arr = _as_array(column)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type):
        values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
        values = np.where(np.asarray(arr.is_null()), np.nan, values)
        return values, np.isinf(values)
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    trimmed = pc.utf8_trim_whitespace(arr.fill_null(""))
    n = len(trimmed)
    values = np.full(n, np.nan)
    bad = np.zeros(n, dtype=bool)
    plain = np.asarray(
        pc.match_substring_regex(trimmed, _DECIMAL_NUMBER if decimal else _PLAIN_NUMBER)
    )
    if plain.all():
        values = pc.cast(pc.replace_substring(trimmed, ",", "."), pa.float64()).to_numpy(
            zero_copy_only=False
        )
        return values, bad
    if plain.any():
        picked = pc.filter(trimmed, pa.array(plain))
        values[plain] = pc.cast(pc.replace_substring(picked, ",", "."), pa.float64()).to_numpy(
            zero_copy_only=False
        )
    rest = ~plain & np.asarray(pc.not_equal(trimmed, ""))
    if rest.any():
        others = pc.filter(trimmed, pa.array(rest))
        encoded = pc.dictionary_encode(others)
        parsed = np.full(len(encoded.dictionary), np.nan)
        wrong = np.zeros(len(encoded.dictionary), dtype=bool)
        for i, value in enumerate(encoded.dictionary.to_pylist()):
            try:
                parsed[i] = _parse(value, integer)
            except (ValueError, OverflowError):
                wrong[i] = True
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        values[rest] = parsed[codes]
        bad[rest] = wrong[codes]
    return values, bad


class Cells:
    """The columns of one chunk by canonical name, converted once each."""

    def __init__(self, table: pa.Table, moves: MoveSource):
        self.table = table
        self.moves = moves
        self.n = table.num_rows
        self._text: dict[str, Text] = {}
        self._numbers: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.moves.columns

    def column(self, name: str) -> pa.ChunkedArray:
        """The file's column of canonical ``name``."""
        return self.table.column(self.moves.columns[name])

    def text(self, name: str) -> Text:
        """Column ``name`` as :class:`Text` (converted once)."""
        if name not in self._text:
            self._text[name] = text_of(self.column(name))
        return self._text[name]

    def numbers(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Column ``name`` as numbers, see :func:`numbers_of` (converted once); the year and
        the weight are whole numbers.
        """
        if name not in self._numbers:
            self._numbers[name] = numbers_of(
                self.column(name), integer=name in WHOLE_NUMBERS, decimal=name in COORDINATES
            )
        return self._numbers[name]

    def shown(self, name: str) -> Callable[[int], object]:
        """Row i's cell of ``name`` as text, converted only when a problem needs it."""
        return lambda i: self.text(name).at(i)

    def given(self, name: str) -> np.ndarray:
        """Rows with a non-blank cell in ``name``."""
        if name not in self:
            return np.zeros(self.n, dtype=bool)
        if name in self._numbers:
            values, bad = self._numbers[name]
            return ~np.isnan(values) | bad
        kind = self.column(name).type
        if pa.types.is_integer(kind) or pa.types.is_floating(kind):
            return np.asarray(_as_array(self.column(name)).is_valid())
        return self.text(name).given


# -- context ---------------------------------------------------------------------------------


@dataclass
class Context:
    """What validation needs from the store: known areas and the lists' years."""

    matcher: AreaMatcher
    known_area_ids: set[str]
    first_year: int
    last_year: int
    today: dt.date

    @property
    def years_expected(self) -> str:
        """What a problem with a year says was expected."""
        return (
            f"a whole year from {self.first_year} to {self.last_year} (the lists in the store "
            f"begin in {self.first_year}; no year after the current one)"
        )


def context_from_frames(
    areas: pd.DataFrame,
    aliases: pd.DataFrame,
    list_years: list[int],
    today: dt.date | None = None,
) -> Context:
    """A validation context from the store's areas, aliases and list years."""
    today = today or dt.date.today()
    matcher = AreaMatcher(
        list(
            zip(
                areas["area_id"].astype(str),
                areas["name"].astype(str),
                areas["municipality_code"]
                .astype(object)
                .where(areas["municipality_code"].notna(), None),
                strict=True,
            )
        ),
        list(zip(aliases.get("alias", []), aliases.get("area_id", []), strict=True)),
    )
    years = sorted(int(y) for y in list_years)
    if not years:
        raise ValueError("the store has no lists: moves can only be checked against list years")
    # Moves in year y leave areas on the list of 1 December y - 1: the last list's year + 1.
    last = min(years[-1] + 1, today.year)
    return Context(matcher, set(areas["area_id"].astype(str)), years[0], last, today)


# -- the checks ------------------------------------------------------------------------------


@dataclass
class Where:
    """Where a chunk's rows are: the file label problems carry and rows before the chunk."""

    file: str | None
    offset: int


def _rows(log: ProblemLog, where: Where, mask, message, *, column, values, expected) -> None:
    log.rows(
        np.asarray(mask),
        message,
        column=column,
        values=values,
        expected=expected,
        file=where.file,
        offset=where.offset,
    )


_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")


def _parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.replace(".", "-") if "." in text else text, fmt).date()
        except ValueError:
            continue
    return None


def _check_year(cells: Cells, ctx: Context, log: ProblemLog, where: Where):
    n = cells.n
    year = np.full(n, np.nan)
    date_out = None
    if "year" in cells:
        values, bad = cells.numbers("year")
        shown = cells.shown("year")
        _rows(log, where, bad, "not a number", column="year", values=shown, expected="a year")
        whole = ~np.isnan(values) & (values == np.floor(np.nan_to_num(values)))
        out = ~np.isnan(values) & (~whole | (values < ctx.first_year) | (values > ctx.last_year))
        _rows(
            log,
            where,
            out & ~bad,
            "not a year",
            column="year",
            values=shown,
            expected=ctx.years_expected,
        )
        year = np.where(out, np.nan, values)
    if "date" in cells:
        text = cells.text("date")
        parsed = np.array([_parse_date(u) if u else None for u in text.uniques], dtype=object)
        bad_u = np.array([u != "" and p is None for u, p in zip(text.uniques, parsed, strict=True)])
        _rows(
            log,
            where,
            bad_u[text.codes],
            "not a date",
            column="date",
            values=text.at,
            expected="YYYY-MM-DD or DD-MM-YYYY",
        )
        date_year_u = np.array([p.year if p else np.nan for p in parsed], dtype=np.float64)
        future_u = np.array([p is not None and p > ctx.today for p in parsed])
        _rows(
            log,
            where,
            future_u[text.codes],
            "the date is after today",
            column="date",
            values=text.at,
            expected=f"a date no later than {ctx.today.isoformat()}",
        )
        date_year = date_year_u[text.codes]
        disagree = ~np.isnan(year) & ~np.isnan(date_year) & (year != date_year)
        _rows(
            log,
            where,
            disagree,
            "the date is not in the row's year",
            column="date",
            values=text.at,
            expected="a date in the year given in column 'year'",
        )
        early_u = ~np.isnan(date_year_u) & (date_year_u < ctx.first_year) & ~future_u
        _rows(
            log,
            where,
            early_u[text.codes] & np.isnan(year),
            "the date is before the first list year",
            column="date",
            values=text.at,
            expected=f"a date from {ctx.first_year} on",
        )
        year = np.where(np.isnan(year), date_year, year)
        iso = np.array([p.isoformat() if p else "" for p in parsed], dtype=object)
        date_out = text.categorical(iso)
    blank = np.isnan(year)
    already = cells.given("year") | cells.given("date")
    _rows(
        log,
        where,
        blank & ~already,
        "no year and no date",
        column="year",
        values=None,
        expected="a year or a date in every row",
    )
    return year, date_out


def _check_weight(cells: Cells, log: ProblemLog, where: Where) -> np.ndarray:
    if "weight" not in cells:
        return np.ones(cells.n, dtype=np.int32)
    values, bad = cells.numbers("weight")
    blank = np.isnan(values) & ~bad
    not_whole = ~np.isnan(values) & ((values != np.floor(np.nan_to_num(values))) | (values < 1))
    too_big = ~np.isnan(values) & (values > np.iinfo(np.int32).max)
    _rows(
        log,
        where,
        bad | not_whole | too_big,
        "not a number of movers",
        column="weight",
        values=cells.shown("weight"),
        expected="a whole number ≥ 1 (blank means 1)",
    )
    ok = ~(blank | bad | not_whole | too_big)
    return np.where(ok, np.nan_to_num(values), 1).astype(np.int32)


def _fold_reason(value: str) -> str | None:
    folded = " ".join(value.lower().replace("_", " ").replace("-", " ").split())
    return REASON_VALUES.get(folded)


def _check_reason(cells: Cells, log: ProblemLog, where: Where) -> pd.Categorical:
    if "reason" not in cells:
        return pd.Categorical.from_codes(np.zeros(cells.n, np.int32), categories=["unknown"])
    text = cells.text("reason")
    mapped = np.array([_fold_reason(u) if u else "unknown" for u in text.uniques], dtype=object)
    bad = np.array([m is None for m in mapped])
    _rows(
        log,
        where,
        bad[text.codes],
        "unknown reason",
        column="reason",
        values=text.at,
        expected="planned rehousing (planlagt genhusning) or other (andet); blank if not known",
    )
    return text.categorical(np.where(bad, "unknown", mapped))


def _check_areas(
    cells: Cells, column: str, ctx: Context, log: ProblemLog, where: Where
) -> pd.Categorical:
    if column not in cells:
        return _blank(cells.n)
    text = cells.text(column)
    found = np.array(
        [
            (u if u in ctx.known_area_ids else (ctx.matcher.match(u) or "")) if u else ""
            for u in text.uniques
        ],
        dtype=object,
    )
    bad = (text.uniques != "") & (found == "")
    _rows(
        log,
        where,
        bad[text.codes],
        "unknown or ambiguous area",
        column=column,
        values=text.at,
        expected="the id or name of an area in the store (see /omraader), e.g. "
        "'gellerupparken-toveshoej'",
    )
    return text.categorical(found)


def _municipality(value: str) -> str | None:
    try:
        return municipality_code(value)
    except ValueError:
        return None


def _check_municipalities(
    cells: Cells, column: str, log: ProblemLog, where: Where
) -> pd.Categorical:
    if column not in cells:
        return _blank(cells.n)
    text = cells.text(column)
    codes = np.array([_municipality(u) if u else "" for u in text.uniques], dtype=object)
    bad = np.array([c is None for c in codes])
    _rows(
        log,
        where,
        bad[text.codes],
        "not a municipality code",
        column=column,
        values=text.at,
        expected="a municipality code from 101 to 999, e.g. 0751",
    )
    return text.categorical(np.where(bad, "", codes))


def _blank(n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, np.int32), categories=pd.Index([""], dtype=object))


_TRANSFORMERS: dict[str, Transformer | None] = {}


def _to_store(crs: str) -> Transformer | None:
    """The transformer from ``crs`` to EPSG:25832 (None when it is EPSG:25832), cached."""
    if crs not in _TRANSFORMERS:
        source = CRS.from_user_input(crs)
        _TRANSFORMERS[crs] = (
            None
            if source.to_epsg() == 25832
            else Transformer.from_crs(source, 25832, always_xy=True)
        )
    return _TRANSFORMERS[crs]


def geometry_points(column: pa.ChunkedArray | pa.Array, encoding: str):
    """(x, y, type_id) of the destination geometry; NaN and -1 where there is none.

    Two-dimensional little-endian WKB points are read straight from the buffer; anything else
    through shapely. A multipoint of one point counts as that point.
    """
    arr = _as_array(column)
    n = len(arr)
    if encoding == "point":
        x = pc.struct_field(arr, [0]).to_numpy(zero_copy_only=False).astype(np.float64)
        y = pc.struct_field(arr, [1]).to_numpy(zero_copy_only=False).astype(np.float64)
        missing = np.asarray(arr.is_null())
        x[missing], y[missing] = np.nan, np.nan
        return x, y, np.where(missing, -1, 0)
    if pa.types.is_binary(arr.type) and arr.null_count == 0 and n:
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + n + 1]
        data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
        if np.all(np.diff(offsets) == 21):
            records = data[offsets[0] : offsets[-1]].reshape(n, 21)
            if np.all(records[:, 0] == 1) and np.all(records[:, 1:5].view("<u4") == 1):
                xy = records[:, 5:21].copy().view("<f8")
                return xy[:, 0].copy(), xy[:, 1].copy(), np.zeros(n, dtype=np.int64)
    geoms = shapely.from_wkb(np.asarray(arr.to_numpy(zero_copy_only=False), dtype=object))
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    single = (types == 4) & (shapely.get_num_geometries(geoms) == 1)
    geoms = np.where(single, shapely.get_geometry(geoms, 0), geoms)
    types = np.where(missing, -1, shapely.get_type_id(geoms))
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    points = types == 0
    if points.any():
        xy = shapely.get_coordinates(geoms[points])
        x[points], y[points] = xy[:, 0], xy[:, 1]
    return x, y, types


def _check_points(cells: Cells, end: str, log: ProblemLog, where: Where):
    """Points of one end in EPSG:25832; NaN where the row has none."""
    n = cells.n
    moves = cells.moves
    x, y = np.full(n, np.nan), np.full(n, np.nan)
    sources: list[tuple[str | None, str | None, str | None]] = [
        (p.x, p.y, p.crs) for p in moves.pairs if p.end == end
    ]
    if end == "dest" and moves.geometry is not None:
        sources.append((None, None, moves.geometry_crs))
    for xs, ys, crs in sources:
        if xs is None:
            vx, vy, types = geometry_points(
                cells.table.column(moves.geometry), moves.geometry_encoding
            )
            _rows(
                log,
                where,
                types > 0,
                "the geometry is not a point",
                column="geometry",
                values=lambda i, t=types: int(t[i]),
                expected="a point (the destination) per feature; type ids: 0 is Point",
            )
            column: str = "geometry"
            shown: Callable[[int], object] | None = None
        else:
            assert ys is not None
            vx, bad_x = cells.numbers(xs)
            vy, bad_y = cells.numbers(ys)
            sx, sy = cells.shown(xs), cells.shown(ys)
            _rows(log, where, bad_x, "not a number", column=xs, values=sx, expected="a coordinate")
            _rows(log, where, bad_y, "not a number", column=ys, values=sy, expected="a coordinate")
            half = np.isnan(vx) != np.isnan(vy)
            _rows(
                log,
                where,
                half & ~bad_x & ~bad_y,
                f"only one of {xs!r}/{ys!r} is filled in",
                column=xs,
                values=sx,
                expected="both coordinates or neither",
            )
            column = xs

            def _pair(
                i: int, a: Callable[[int], object] = sx, b: Callable[[int], object] = sy
            ) -> object:
                return f"{a(i)} {b(i)}"

            shown = _pair

        both = ~np.isnan(vx) & ~np.isnan(vy)
        tx, ty = np.full(n, np.nan), np.full(n, np.nan)
        if both.any() and crs is not None:
            transformer = _to_store(crs)
            if transformer is None:
                tx[both], ty[both] = vx[both], vy[both]
            else:
                tx[both], ty[both] = transformer.transform(vx[both], vy[both])
        minx, miny, maxx, maxy = DENMARK_BOX
        with np.errstate(invalid="ignore"):
            outside = both & ~((tx >= minx) & (tx <= maxx) & (ty >= miny) & (ty <= maxy))
        _rows(
            log,
            where,
            outside,
            f"the point lies outside Denmark when read as {crs}",
            column=column,
            values=shown,
            expected="a point in Denmark in the file's CRS (check --crs and the x/y order)",
        )
        tx[outside], ty[outside] = np.nan, np.nan
        fill = np.isnan(x) & ~np.isnan(tx)
        x[fill], y[fill] = tx[fill], ty[fill]
    return x, y


def _first_form(moves: MoveSource, end: str) -> str:
    for c in (f"{end}_area", f"{end}_municipality", f"{end}_x", f"{end}_lon"):
        if c in moves.columns:
            return c
    return "geometry"


def check_chunk(
    table: pa.Table, moves: MoveSource, ctx: Context, log: ProblemLog, where: Where
) -> pd.DataFrame:
    """Check one chunk; return its normalised moves (problems go to ``log``).

    The frame has the columns of :data:`STORED_SCHEMA` (text as categoricals); it is only
    meaningful when ``log`` received no problem from this chunk.
    """
    cells = Cells(table, moves)
    n = cells.n
    year, date = _check_year(cells, ctx, log, where)
    weight = _check_weight(cells, log, where)
    reason = _check_reason(cells, log, where)
    origin_area = _check_areas(cells, "origin_area", ctx, log, where)
    dest_area = _check_areas(cells, "dest_area", ctx, log, where)
    origin_muni = _check_municipalities(cells, "origin_municipality", log, where)
    dest_muni = _check_municipalities(cells, "dest_municipality", log, where)
    ox, oy = _check_points(cells, "origin", log, where)
    dx, dy = _check_points(cells, "dest", log, where)

    def any_given(end: str) -> np.ndarray:
        out = np.zeros(n, bool)
        for c in (f"{end}_area", f"{end}_municipality", f"{end}_x", f"{end}_lon"):
            out |= cells.given(c)
        if end == "dest" and moves.geometry is not None:
            out |= np.asarray(_as_array(table.column(moves.geometry)).is_valid())
        return out

    _rows(
        log,
        where,
        ~any_given("origin"),
        "no origin",
        column=_first_form(moves, "origin"),
        values=None,
        expected="an origin area, point or municipality code in every row",
    )
    _rows(
        log,
        where,
        ~any_given("dest"),
        "no destination",
        column=_first_form(moves, "dest"),
        values=None,
        expected="a destination point, area or municipality code in every row",
    )
    frame = pd.DataFrame(
        {
            "year": np.nan_to_num(year).astype(np.int16),
            "date": date if date is not None else _blank(n),
            "weight": weight,
            "reason": reason,
            "origin_area_id": origin_area,
            "origin_municipality_code": origin_muni,
            "origin_x": ox,
            "origin_y": oy,
            "dest_area_id": dest_area,
            "dest_municipality_code": dest_muni,
            "dest_x": dx,
            "dest_y": dy,
        }
    )
    for attr in ATTRIBUTES:
        frame[attr] = (
            cells.text(attr).categorical(cells.text(attr).uniques) if attr in cells else _blank(n)
        )
    return frame


def stored_table(frame: pd.DataFrame, ids: pa.Array | None) -> pa.Table:
    """A normalised chunk as the raw-moves dataset keeps it (:data:`STORED_SCHEMA`)."""
    arrays = []
    for name in STORED_SCHEMA.names:
        if name == "source_move_id":
            arrays.append(ids if ids is not None else pa.nulls(len(frame), pa.string()))
            continue
        kind = STORED_SCHEMA.field(name).type
        column = frame[name]
        if pa.types.is_dictionary(kind):
            cat = column.array if isinstance(column.dtype, pd.CategoricalDtype) else None
            if cat is None:
                cat = pd.Categorical(column.astype(str))
            arrays.append(
                pa.DictionaryArray.from_arrays(
                    pa.array(cat.codes.astype(np.int32)),
                    pa.array(np.asarray(cat.categories, dtype=object), pa.string()),
                )
            )
        else:
            arrays.append(pa.array(column.to_numpy(), type=kind))
    return pa.Table.from_arrays(arrays, schema=STORED_SCHEMA)


# -- move ids over the whole file ------------------------------------------------------------

ID_BUCKETS = 64
_ID_RECORD = np.dtype([("hash", "<u8"), ("part", "<i4"), ("row", "<i4")])


@dataclass
class MoveIds:
    """A chunk's move ids: as stored (text), which rows have one, and their hashes."""

    text: pa.Array
    present: np.ndarray
    hashes: np.ndarray  # of the present ids, in row order


def id_text(cells_table: pa.Table, moves: MoveSource) -> MoveIds | None:
    """The chunk's move ids, or None when the file has no move id column.

    Integer id columns are hashed from their values (a bijection, see :func:`id_hashes`),
    which gives the same hash as their text would.
    """
    if "move_id" not in moves.columns:
        return None
    arr = _as_array(cells_table.column(moves.columns["move_id"]))
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    if pa.types.is_integer(arr.type):
        present = np.asarray(arr.is_valid())
        values = pc.filter(arr, pa.array(present)).to_numpy(zero_copy_only=False)
        text = pc.cast(arr, pa.string())
        if len(values) and (values.min() < 0 or values.max() >= 10**18):
            return MoveIds(text, present, id_hashes(pc.filter(text, pa.array(present))))
        return MoveIds(text, present, _mix(values.astype(np.int64)))
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.string())
    ids = pc.cast(pc.utf8_trim_whitespace(arr.fill_null("")), pa.string())
    present = np.asarray(pc.not_equal(ids, ""))
    return MoveIds(ids, present, id_hashes(pc.filter(ids, pa.array(present))))


_CANONICAL_INTEGER = r"^(?:0|[1-9][0-9]{0,17})$"


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijection of uint64 that spreads consecutive ids."""
    z = values.astype(np.uint64)
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def id_hashes(ids: pa.Array) -> np.ndarray:
    """64-bit hashes of id texts, the same for the same text in any chunk.

    An id that is a canonical integer (no sign, no leading zero, up to 18 digits) hashes
    through a bijection of its value (fast, and without collisions among such ids); any other
    id through pandas' hash of the text. Equal hashes are confirmed by the ids themselves.
    """
    hashes = np.empty(len(ids), dtype=np.uint64)
    integer = np.asarray(pc.match_substring_regex(ids, _CANONICAL_INTEGER))
    if integer.any():
        picked = pc.filter(ids, pa.array(integer))
        hashes[integer] = _mix(pc.cast(picked, pa.int64()).to_numpy(zero_copy_only=False))
    if not integer.all():
        rest = pc.filter(ids, pa.array(~integer)).to_numpy(zero_copy_only=False)
        hashes[~integer] = pd.util.hash_array(np.asarray(rest, dtype=object), categorize=False)
    return hashes


def spill_ids(directory: Path, part: int, ids: MoveIds) -> None:
    """Write the 64-bit hashes of a part's ids into :data:`ID_BUCKETS` files by hash."""
    rows = np.flatnonzero(ids.present).astype(np.int32)
    if not len(rows):
        return
    hashes = ids.hashes
    bucket = (hashes >> np.uint64(58)).astype(np.int64)
    order = np.argsort(bucket, kind="stable")
    starts = np.searchsorted(bucket[order], np.arange(ID_BUCKETS + 1))
    for b in range(ID_BUCKETS):
        pick = order[starts[b] : starts[b + 1]]
        if not len(pick):
            continue
        record = np.empty(len(pick), dtype=_ID_RECORD)
        record["hash"], record["part"], record["row"] = hashes[pick], part, rows[pick]
        target = directory / f"b{b:02d}"
        target.mkdir(parents=True, exist_ok=True)
        record.tofile(target / f"p{part:06d}.bin")


@dataclass
class DuplicateIds:
    """Rows whose move id repeats an earlier row's, as (part, row, id), in file order."""

    rows: list[tuple[int, int, str]]
    more: int  # further duplicate rows not listed


def duplicate_ids(
    directory: Path, bucket: int, part_file: Callable[[int], Path], limit: int = 100_000
) -> DuplicateIds:
    """Exact duplicates among the ids of one bucket.

    Rows with equal hashes are compared by their stored ids (``part_file(part)`` names the
    raw-moves file of a part), so a hash collision never refuses a file.
    """
    files = sorted((directory / f"b{bucket:02d}").glob("p*.bin"))
    if not files:
        return DuplicateIds([], 0)
    records = np.concatenate([np.fromfile(f, dtype=_ID_RECORD) for f in files])
    # Files are in part order and rows ascend within each: a stable sort by hash keeps
    # (part, row) order within equal hashes.
    records = records[np.argsort(records["hash"], kind="stable")]
    same = records["hash"][1:] == records["hash"][:-1]
    involved = np.zeros(len(records), dtype=bool)
    involved[1:] |= same
    involved[:-1] |= same
    candidates = records[involved]
    if not len(candidates):
        return DuplicateIds([], 0)
    more = max(len(candidates) - limit, 0)
    candidates = candidates[:limit]
    values = np.empty(len(candidates), dtype=object)
    import pyarrow.parquet as pq

    for part in np.unique(candidates["part"]):
        pick = np.flatnonzero(candidates["part"] == part)
        column = pq.read_table(part_file(int(part)), columns=["source_move_id"]).column(0)
        taken = column.take(pa.array(candidates["row"][pick].astype(np.int64)))
        values[pick] = np.asarray(taken.to_pylist(), dtype=object)
    frame = pd.DataFrame(
        {"value": values, "part": candidates["part"], "row": candidates["row"]}
    ).sort_values(["part", "row"])
    repeated = frame[frame.duplicated("value", keep="first")]
    return DuplicateIds(
        [
            (int(p), int(r), str(v))
            for v, p, r in repeated[["value", "part", "row"]].itertuples(index=False)
        ],
        more,
    )
