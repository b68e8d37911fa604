"""Relocation data in: read, validate and normalise moves; store them with their counts.

A move file has one row per move, or one row per group of moves with a weight. Each row has a
year (or a date), an origin and a destination:

- origin: an area (id or name), a point, or a municipality code — any that are known;
- destination: a point in any CRS, an area, or a municipality code;
- optional: weight (number of movers, default 1), reason (planned rehousing / other),
  age band, labour-market status, household type, a move id.

Formats: CSV (UTF-8 or Windows-1252, ``;`` or ``,``), Parquet (GeoParquet too: its geometry is
the destination point) and GeoPackage (the layer's point geometry is the destination). Point
columns ``*_x``/``*_y`` are in the CRS given with ``crs`` (required for them; a GeoPackage or
GeoParquet declares its own); ``*_lon``/``*_lat`` columns are WGS84.

A file with any problem is refused whole (:class:`~geo.errors.InputRejected`), each problem
naming the row, column, value and what was expected; the store is then left as it was. Raw
moves are kept in the store's ``moves`` table for re-joining and are never served: the web
service reads only the counts (``move_counts``) through disclosure control.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from geo.errors import InputRejected, Problem
from geo.naming import AreaMatcher, municipality_code
from geo.relocation.join import (
    DEFAULT_CHUNK,
    MICROCELL_COLUMNS,
    JoinLayers,
    MoveCounts,
    count_moves,
)
from geo.store import Store
from geo.tabular import CSV_SUFFIXES, read_table

PARQUET_SUFFIXES = {".parquet", ".geoparquet"}
GPKG_SUFFIXES = {".gpkg"}
SUPPORTED = sorted(CSV_SUFFIXES | PARQUET_SUFFIXES | GPKG_SUFFIXES)

# Canonical column → accepted headers (compared lower-case, stripped).
COLUMNS: dict[str, tuple[str, ...]] = {
    "move_id": ("move_id", "id", "flytning_id"),
    "year": ("year", "aar", "år"),
    "date": ("date", "dato", "move_date", "flyttedato"),
    "weight": ("weight", "movers", "antal", "vaegt", "vægt"),
    "origin_area": ("origin_area", "origin_area_id", "fra_omraade", "fra_område"),
    "origin_municipality": (
        "origin_municipality",
        "origin_municipality_code",
        "fra_kommune",
        "fra_kommunekode",
    ),
    "origin_x": ("origin_x", "fra_x"),
    "origin_y": ("origin_y", "fra_y"),
    "origin_lon": ("origin_lon", "fra_lon"),
    "origin_lat": ("origin_lat", "fra_lat"),
    "dest_area": ("dest_area", "dest_area_id", "destination_area", "til_omraade", "til_område"),
    "dest_municipality": (
        "dest_municipality",
        "dest_municipality_code",
        "destination_municipality",
        "til_kommune",
        "til_kommunekode",
    ),
    "dest_x": ("dest_x", "destination_x", "til_x"),
    "dest_y": ("dest_y", "destination_y", "til_y"),
    "dest_lon": ("dest_lon", "destination_lon", "til_lon"),
    "dest_lat": ("dest_lat", "destination_lat", "til_lat"),
    "reason": ("reason", "aarsag", "årsag"),
    "age_band": ("age_band", "aldersgruppe", "alder"),
    "labour_status": ("labour_status", "labour_market_status", "arbejdsmarkedsstatus"),
    "household_type": ("household_type", "husstandstype", "husstand"),
}
ATTRIBUTES = ("age_band", "labour_status", "household_type")

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
EARLIEST_YEAR, LATEST_YEAR = 1980, 2100
# A generous box around Denmark in EPSG:25832 (Bornholm and Christiansø included).
DENMARK_BOX = (400_000.0, 6_030_000.0, 910_000.0, 6_420_000.0)
MAX_PROBLEMS_PER_CHECK = 20

STORED_COLUMNS = [
    "move_id",
    "year",
    "date",
    "weight",
    "reason",
    "origin_area_id",
    "origin_municipality_code",
    "origin_x",
    "origin_y",
    "dest_area_id",
    "dest_municipality_code",
    "dest_x",
    "dest_y",
    *ATTRIBUTES,
]


@dataclass
class MovesFile:
    """A move file as read: raw cells, the CRS of its point columns, its destination points."""

    path: Path
    frame: pd.DataFrame  # columns renamed to canonical names
    crs: CRS | None
    dest_points: np.ndarray | None = None  # (n, 2) from a GeoPackage/GeoParquet geometry
    notes: list[str] = field(default_factory=list)


class _Problems:
    """Collects problems, at most :data:`MAX_PROBLEMS_PER_CHECK` rows per check."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def rows(
        self,
        mask: np.ndarray,
        message: str,
        *,
        column: str | None,
        values: pd.Series | np.ndarray | None,
        expected: str | None,
    ) -> None:
        rows = np.flatnonzero(np.asarray(mask))
        for i in rows[:MAX_PROBLEMS_PER_CHECK]:
            value = None if values is None else _plain(np.asarray(values, dtype=object)[i])
            self.items.append(
                Problem(message, row=int(i) + 1, column=column, value=value, expected=expected)
            )
        if len(rows) > MAX_PROBLEMS_PER_CHECK:
            self.items.append(
                Problem(
                    f"… and {len(rows) - MAX_PROBLEMS_PER_CHECK} more rows: {message}",
                    column=column,
                )
            )

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def raise_if_any(self, source: str) -> None:
        if self.items:
            raise InputRejected(source, self.items)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _text(series: pd.Series) -> pd.Series:
    """Cells as stripped text; missing cells as ''."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    out = series.astype(object).where(series.notna(), "")
    return out.map(lambda v: v.strip() if isinstance(v, str) else str(v))


def _numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad) where blank → NaN and ``bad`` marks non-blank cells that are not numbers.

    Text uses a decimal point or a Danish decimal comma.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return values, ~np.isfinite(values) & ~np.isnan(values)
    text = _text(series)
    cleaned = text.str.replace("\u00a0", "", regex=False).str.replace(" ", "", regex=False)
    comma_only = cleaned.str.contains(",", regex=False) & ~cleaned.str.contains(".", regex=False)
    cleaned = cleaned.where(~comma_only, cleaned.str.replace(",", ".", regex=False))
    values = pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce")
    values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = (cleaned != "").to_numpy() & ~np.isfinite(values)
    return values, bad


def _canonical(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    frame = frame.copy()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    rename, problems = {}, _Problems()
    for canonical, accepted in COLUMNS.items():
        present = [a for a in accepted if a in frame.columns]
        if len(present) > 1:
            problems.add(
                Problem(
                    f"columns {present} all mean {canonical!r}",
                    column=present[1],
                    expected="one column per meaning",
                )
            )
        elif present:
            rename[present[0]] = canonical
    problems.raise_if_any(source)
    return frame.rename(columns=rename)


def read_moves_file(path: str | Path, crs: str | None = None) -> MovesFile:
    """Read a CSV, Parquet or GeoPackage move file (nothing is validated yet)."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputRejected(source, [Problem("file not found")])
    if suffix not in CSV_SUFFIXES | PARQUET_SUFFIXES | GPKG_SUFFIXES:
        raise InputRejected(
            source,
            [
                Problem(
                    f"unsupported file type {suffix or '(none)'!r}",
                    expected="one of " + ", ".join(SUPPORTED),
                )
            ],
        )
    given_crs = _parse_crs(crs, source) if crs else None
    if suffix in CSV_SUFFIXES:
        frame = read_table(path)
        return MovesFile(path, _canonical(frame, source), given_crs)
    if suffix in PARQUET_SUFFIXES:
        try:
            metadata = pq.read_schema(path).metadata or {}
            if b"geo" in metadata:
                geo = gpd.read_parquet(path)
                return _with_geometry(path, geo, given_crs)
            frame = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise InputRejected(source, [Problem(f"cannot be read as Parquet: {exc}")]) from exc
        return MovesFile(path, _canonical(frame, source), given_crs)
    try:
        layers = pyogrio.list_layers(path)
        if len(layers) != 1:
            raise InputRejected(
                source,
                [
                    Problem(
                        f"has {len(layers)} layers",
                        expected="a GeoPackage with exactly one layer of moves",
                    )
                ],
            )
        geo = pyogrio.read_dataframe(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputRejected(source, [Problem(f"cannot be read as GeoPackage: {exc}")]) from exc
    if not isinstance(geo, gpd.GeoDataFrame):
        return MovesFile(path, _canonical(pd.DataFrame(geo), source), given_crs)
    return _with_geometry(path, geo, given_crs)


def _parse_crs(text: str, source: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InputRejected(
            source,
            [Problem("unknown CRS", column="--crs", value=text, expected="e.g. EPSG:25832")],
        ) from exc


def _with_geometry(path: Path, geo: gpd.GeoDataFrame, given_crs: CRS | None) -> MovesFile:
    source = str(path)
    geoms = geo.geometry.values
    problems = _Problems()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    types = shapely.get_type_id(geoms)
    multi_single = (types == 4) & (shapely.get_num_geometries(geoms) == 1)
    geoms = np.where(multi_single, shapely.get_geometry(geoms, 0), geoms)
    types = shapely.get_type_id(geoms)
    problems.rows(
        ~missing & (types != 0),
        "the geometry is not a point",
        column="geometry",
        values=shapely.get_type_id(geoms).astype(object),
        expected="a point (the destination) per feature; type ids: 0 is Point",
    )
    crs = geo.crs
    if crs is None and given_crs is None:
        problems.add(
            Problem(
                "the file declares no CRS",
                column="geometry",
                expected="a file with a CRS, or --crs (e.g. EPSG:25832)",
            )
        )
    problems.raise_if_any(source)
    crs = CRS.from_user_input(crs) if crs is not None else given_crs
    points = np.full((len(geo), 2), np.nan)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if present.any():
        points[present] = shapely.get_coordinates(geoms[present])[:, :2]
    frame = _canonical(pd.DataFrame(geo.drop(columns=geo.geometry.name)), source)
    notes = []
    if given_crs is not None and geo.crs is not None and CRS.from_user_input(geo.crs) != given_crs:
        notes.append(f"--crs {given_crs.to_string()} ignored: the file declares {crs.to_string()}")
    return MovesFile(path, frame, crs, dest_points=points, notes=notes)


@dataclass
class _Context:
    """What validation needs from the store."""

    matcher: AreaMatcher
    known_area_ids: set[str]


def _context(store: Store) -> _Context:
    areas = store.read("areas")
    aliases = store.read("aliases") if store.has("aliases") else pd.DataFrame(columns=["alias"])
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
    return _Context(matcher, set(areas["area_id"].astype(str)))


def _check_year(frame: pd.DataFrame, problems: _Problems) -> np.ndarray:
    n = len(frame)
    year = np.full(n, np.nan)
    if "year" in frame:
        values, bad = _numbers(frame["year"])
        problems.rows(
            bad, "not a number", column="year", values=_text(frame["year"]), expected="a year"
        )
        whole = ~np.isnan(values) & (values == np.floor(np.nan_to_num(values)))
        out = ~np.isnan(values) & (~whole | (values < EARLIEST_YEAR) | (values > LATEST_YEAR))
        problems.rows(
            out & ~bad,
            "not a year",
            column="year",
            values=_text(frame["year"]),
            expected=f"a whole year from {EARLIEST_YEAR} to {LATEST_YEAR}",
        )
        year = np.where(out, np.nan, values)
    if "date" in frame:
        text = _text(frame["date"])
        parsed = pd.to_datetime(text.where(text != "", None), format="%Y-%m-%d", errors="coerce")
        danish = pd.to_datetime(
            text.where(text != "", None).str.replace(".", "-", regex=False),
            format="%d-%m-%Y",
            errors="coerce",
        )
        parsed = parsed.fillna(danish)
        bad = (text != "").to_numpy() & parsed.isna().to_numpy()
        problems.rows(
            bad, "not a date", column="date", values=text, expected="YYYY-MM-DD or DD-MM-YYYY"
        )
        date_year = parsed.dt.year.to_numpy(dtype=np.float64, na_value=np.nan)
        disagree = ~np.isnan(year) & ~np.isnan(date_year) & (year != date_year)
        problems.rows(
            disagree,
            "the date is not in the row's year",
            column="date",
            values=text,
            expected="a date in the year given in column 'year'",
        )
        year = np.where(np.isnan(year), date_year, year)
        frame["date"] = parsed.dt.strftime("%Y-%m-%d").fillna("").astype(str)
    if "year" not in frame and "date" not in frame:
        problems.add(
            Problem(
                "missing column 'year' (or 'date')",
                expected="a header named " + " or ".join(repr(a) for a in COLUMNS["year"]),
            )
        )
        return year
    blank = np.isnan(year)
    already = np.zeros(n, bool)
    for col in ("year", "date"):
        if col in frame:
            already |= (_text(frame[col]) != "").to_numpy()
    problems.rows(
        blank & ~already,
        "no year and no date",
        column="year",
        values=None,
        expected="a year or a date in every row",
    )
    return year


def _check_weight(frame: pd.DataFrame, problems: _Problems) -> np.ndarray:
    if "weight" not in frame:
        return np.ones(len(frame), dtype=np.int64)
    values, bad = _numbers(frame["weight"])
    text = _text(frame["weight"])
    blank = np.isnan(values) & ~bad
    not_whole = ~np.isnan(values) & ((values != np.floor(np.nan_to_num(values))) | (values < 1))
    problems.rows(
        bad | not_whole,
        "not a number of movers",
        column="weight",
        values=text,
        expected="a whole number ≥ 1 (blank means 1)",
    )
    return np.where(blank | bad | not_whole, 1, np.nan_to_num(values)).astype(np.int64)


def _check_reason(frame: pd.DataFrame, problems: _Problems) -> np.ndarray:
    if "reason" not in frame:
        return np.full(len(frame), "unknown", dtype=object)
    text = _text(frame["reason"])
    folded = text.str.lower().str.replace(r"[\s_-]+", " ", regex=True).str.strip()
    mapped = folded.map(REASON_VALUES)
    bad = (text != "").to_numpy() & mapped.isna().to_numpy()
    problems.rows(
        bad,
        "unknown reason",
        column="reason",
        values=text,
        expected="planned rehousing (planlagt genhusning) or other (andet); blank if not known",
    )
    return mapped.fillna("unknown").to_numpy(dtype=object)


def _check_areas(
    frame: pd.DataFrame, column: str, ctx: _Context, problems: _Problems
) -> np.ndarray:
    n = len(frame)
    if column not in frame:
        return np.full(n, "", dtype=object)
    text = _text(frame[column])
    uniques = pd.unique(text[text != ""])
    found = {}
    for value in uniques:
        found[value] = value if value in ctx.known_area_ids else ctx.matcher.match(value)
    mapped = text.map(lambda v: (found.get(v) or "") if v else "")
    bad = (text != "").to_numpy() & (mapped == "").to_numpy()
    problems.rows(
        bad,
        "unknown or ambiguous area",
        column=column,
        values=text,
        expected="the id or name of an area in the store (see /omraader), e.g. "
        "'gellerupparken-toveshoej'",
    )
    return mapped.to_numpy(dtype=object)


def _check_municipalities(frame: pd.DataFrame, column: str, problems: _Problems) -> np.ndarray:
    n = len(frame)
    if column not in frame:
        return np.full(n, "", dtype=object)
    text = _text(frame[column])
    codes = {}
    for value in pd.unique(text[text != ""]):
        try:
            codes[value] = municipality_code(value)
        except ValueError:
            codes[value] = None
    mapped = text.map(lambda v: codes.get(v) if v else "")
    bad = mapped.isna().to_numpy()
    problems.rows(
        bad,
        "not a municipality code",
        column=column,
        values=text,
        expected="a municipality code from 101 to 999, e.g. 0751",
    )
    return mapped.fillna("").to_numpy(dtype=object)


def _check_points(
    moves: MovesFile, prefix: str, problems: _Problems
) -> tuple[np.ndarray, np.ndarray]:
    """Points of one end (origin or dest) in EPSG:25832; NaN where the row has none."""
    frame = moves.frame
    n = len(frame)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    pairs = []
    for xs, ys, crs, label in (
        (f"{prefix}_x", f"{prefix}_y", moves.crs, "projected"),
        (f"{prefix}_lon", f"{prefix}_lat", CRS.from_epsg(4326), "WGS84"),
    ):
        has_x, has_y = xs in frame, ys in frame
        if has_x != has_y:
            problems.add(
                Problem(
                    f"column {xs if has_x else ys!r} without {ys if has_x else xs!r}",
                    column=xs if has_x else ys,
                    expected="both coordinate columns, or neither",
                )
            )
            continue
        if not has_x:
            continue
        if crs is None:
            problems.add(
                Problem(
                    f"columns {xs!r}/{ys!r} have coordinates but no CRS was given",
                    column=xs,
                    expected="--crs, e.g. EPSG:25832 or EPSG:4326",
                )
            )
            continue
        pairs.append((xs, ys, crs, label))
    if prefix == "dest" and moves.dest_points is not None:
        pairs.append((None, None, moves.crs, "geometry"))
    to_store = {}
    for xs, ys, crs, _label in pairs:
        if xs is None:
            vx, vy = moves.dest_points[:, 0].copy(), moves.dest_points[:, 1].copy()
            column, values = "geometry", None
        else:
            vx, bad_x = _numbers(frame[xs])
            vy, bad_y = _numbers(frame[ys])
            problems.rows(
                bad_x, "not a number", column=xs, values=_text(frame[xs]), expected="a coordinate"
            )
            problems.rows(
                bad_y, "not a number", column=ys, values=_text(frame[ys]), expected="a coordinate"
            )
            half = np.isnan(vx) != np.isnan(vy)
            problems.rows(
                half & ~bad_x & ~bad_y,
                f"only one of {xs!r}/{ys!r} is filled in",
                column=xs,
                values=_text(frame[xs]),
                expected="both coordinates or neither",
            )
            column, values = xs, _text(frame[xs]) + " " + _text(frame[ys])
        both = ~np.isnan(vx) & ~np.isnan(vy)
        key = crs.to_string()
        if key not in to_store:
            to_store[key] = Transformer.from_crs(crs, 25832, always_xy=True)
        tx, ty = np.full(n, np.nan), np.full(n, np.nan)
        if both.any():
            tx[both], ty[both] = to_store[key].transform(vx[both], vy[both])
        minx, miny, maxx, maxy = DENMARK_BOX
        outside = both & ~((tx >= minx) & (tx <= maxx) & (ty >= miny) & (ty <= maxy))
        problems.rows(
            outside,
            f"the point lies outside Denmark when read as {crs.to_string()}",
            column=column,
            values=values,
            expected="a point in Denmark in the file's CRS (check --crs and the x/y order)",
        )
        tx[outside], ty[outside] = np.nan, np.nan
        fill = np.isnan(x) & ~np.isnan(tx)
        x[fill], y[fill] = tx[fill], ty[fill]
    return x, y


def validate_moves(moves: MovesFile, store: Store) -> pd.DataFrame:
    """Check every row; return the normalised moves (columns :data:`STORED_COLUMNS`).

    Raises :class:`InputRejected` listing every problem (up to 20 rows per check).
    """
    source = str(moves.path)
    frame = moves.frame.reset_index(drop=True)
    moves.frame = frame
    problems = _Problems()
    n = len(frame)
    if n == 0:
        raise InputRejected(source, [Problem("the file has no rows", expected="one row per move")])
    origin_forms = [c for c in ("origin_area", "origin_municipality") if c in frame] + [
        c for c in ("origin_x", "origin_lon") if c in frame
    ]
    dest_forms = [c for c in ("dest_area", "dest_municipality") if c in frame] + [
        c for c in ("dest_x", "dest_lon") if c in frame
    ]
    if moves.dest_points is not None:
        dest_forms.append("geometry")
    for end, forms in (("origin", origin_forms), ("dest", dest_forms)):
        if not forms:
            problems.add(
                Problem(
                    f"no {'origin' if end == 'origin' else 'destination'} column",
                    expected=f"at least one of {end}_area, {end}_municipality, "
                    f"{end}_x/{end}_y or {end}_lon/{end}_lat",
                )
            )
    problems.raise_if_any(source)

    ctx = _context(store)
    year = _check_year(frame, problems)
    weight = _check_weight(frame, problems)
    reason = _check_reason(frame, problems)
    origin_area = _check_areas(frame, "origin_area", ctx, problems)
    dest_area = _check_areas(frame, "dest_area", ctx, problems)
    origin_muni = _check_municipalities(frame, "origin_municipality", problems)
    dest_muni = _check_municipalities(frame, "dest_municipality", problems)
    ox, oy = _check_points(moves, "origin", problems)
    dx, dy = _check_points(moves, "dest", problems)

    def given(col: str) -> np.ndarray:
        return (_text(frame[col]) != "").to_numpy() if col in frame else np.zeros(n, bool)

    def any_given(prefix: str) -> np.ndarray:
        out = np.zeros(n, bool)
        for c in (f"{prefix}_area", f"{prefix}_municipality", f"{prefix}_x", f"{prefix}_lon"):
            out |= given(c)
        if prefix == "dest" and moves.dest_points is not None:
            out |= ~np.isnan(moves.dest_points[:, 0])
        return out

    problems.rows(
        ~any_given("origin"),
        "no origin",
        column=origin_forms[0],
        values=None,
        expected="an origin area, point or municipality code in every row",
    )
    problems.rows(
        ~any_given("dest"),
        "no destination",
        column=dest_forms[0],
        values=None,
        expected="a destination point, area or municipality code in every row",
    )

    if "move_id" in frame:
        ids = _text(frame["move_id"])
        duplicated = ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()
        problems.rows(
            duplicated,
            "duplicate move id",
            column="move_id",
            values=ids,
            expected="each move id once",
        )
    problems.raise_if_any(source)

    out = pd.DataFrame(
        {
            "move_id": np.arange(1, n + 1, dtype=np.int64),
            "year": year.astype(np.int64),
            "date": frame["date"].astype(str) if "date" in frame else "",
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
    if "move_id" in frame:
        out["source_move_id"] = _text(frame["move_id"]).to_numpy(dtype=object)
    for attr in ATTRIBUTES:
        out[attr] = _text(frame[attr]).to_numpy(dtype=object) if attr in frame else ""
    return out


def stored_frame(moves: pd.DataFrame) -> pd.DataFrame:
    """The moves as written to the store's ``moves`` table (plain columns, text as str)."""
    out = moves.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype) or out[col].dtype == object:
            out[col] = out[col].astype(str)
    return out


def write_moves(
    writer,
    moves: pd.DataFrame,
    counts: MoveCounts,
    *,
    description: str,
    source: str,
    licence: str,
    synthetic: bool,
) -> None:
    """Write raw moves, their counts and the join report in one store transaction."""
    from geo.relocation.analyses import stored_threshold

    movers = int(moves["weight"].sum()) if len(moves) else 0
    writer.write("moves", stored_frame(moves))
    write_counts(writer, counts)
    writer.record_provenance(
        "moves",
        description=description,
        source=source,
        licence=licence,
        # The provenance table is shown on /om: a total below the threshold is not published.
        records=movers if movers >= stored_threshold() else 0,
        synthetic=synthetic,
    )


def write_counts(writer, counts: MoveCounts) -> None:
    """Write the counts, the join report and the disclosure protection of the counts.

    The protection (for ``OMRAADEKORT_MIN_PUBLISHED_COUNT``, default 5) is computed here, once,
    so that the web service does not have to: it is the slow part for national data.
    """
    from geo.relocation.analyses import protection_table, stored_threshold

    cells = counts.cells[MICROCELL_COLUMNS]
    writer.write("move_counts", cells)
    rows = [("signature", counts.signature)]
    if len(cells):
        table, keys = protection_table(cells, stored_threshold())
        writer.write("move_protection", table)
        rows += list(keys.items())
    rows += [(f"report.{k}", str(v)) for k, v in counts.report.items()]
    rows += [(f"note.{i}", note) for i, note in enumerate(counts.notes)]
    writer.write("move_join", pd.DataFrame(rows, columns=["key", "value"]))


@dataclass
class ImportResult:
    rows: int
    movers: int
    cells: int
    report: dict[str, int]
    notes: list[str]

    def summary(self) -> str:
        lines = [
            f"imported {self.rows} rows ({self.movers} movers) into {self.cells} counted cells"
        ]
        lines += [f"  {k}: {v}" for k, v in self.report.items() if k not in ("moves", "movers")]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def join_counts(
    moves: pd.DataFrame,
    layers: JoinLayers,
    *,
    dask_scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> MoveCounts:
    """Count ``moves`` in this process, or on the Dask cluster at ``dask_scheduler``."""
    if not dask_scheduler:
        return count_moves(moves, layers, chunk_size=chunk_size)
    import dask.dataframe as dd
    from distributed import Client

    from geo.relocation.join import count_moves_dask

    with Client(dask_scheduler) as client:
        nparts = max(1, -(-len(moves) // chunk_size))
        return count_moves_dask(dd.from_pandas(moves, npartitions=nparts), layers, client)


def import_moves(
    store: Store,
    path: str | Path,
    *,
    crs: str | None = None,
    source: str | None = None,
    dask_scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> ImportResult:
    """Read, validate, join and store a move file; all or nothing.

    The moves replace any moves in the store (also synthetic demo moves).
    """
    moves_file = read_moves_file(path, crs)
    moves = validate_moves(moves_file, store)
    layers = JoinLayers.from_store(store)
    counts = join_counts(moves, layers, dask_scheduler=dask_scheduler, chunk_size=chunk_size)
    notes = moves_file.notes + counts.notes
    with store.transaction() as w:
        write_moves(
            w,
            moves,
            counts,
            description="Register-based relocation data (moves out of areas), imported with "
            "omraadekort import-moves; never served raw",
            source=source or Path(path).name,
            licence="as agreed with the data provider (not for publication below the "
            "disclosure threshold)",
            synthetic=False,
        )
    return ImportResult(
        rows=len(moves),
        movers=int(moves["weight"].sum()),
        cells=len(counts.cells),
        report=counts.report,
        notes=notes,
    )


def rejoin_moves(
    store: Store, *, dask_scheduler: str | None = None, chunk_size: int = DEFAULT_CHUNK
) -> MoveCounts:
    """Join the stored moves again (after new boundaries) and replace their counts."""
    if not store.has("moves"):
        raise InputRejected(
            str(store.path),
            [Problem("the store has no moves", expected="omraadekort import-moves FILE first")],
        )
    moves = store.read("moves")
    layers = JoinLayers.from_store(store)
    counts = join_counts(moves, layers, dask_scheduler=dask_scheduler, chunk_size=chunk_size)
    with store.transaction() as w:
        write_counts(w, counts)
    return counts
