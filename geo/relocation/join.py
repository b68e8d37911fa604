"""Relocation destinations joined to areas and municipalities, and counted.

Every move has an origin (an area, a point or a municipality) and a destination (a point, an
area or a municipality). :func:`count_moves` places both ends in the store's areas and
municipalities (EPSG:25832), measures the distance between them and counts the movers per

    year × reason × origin area × origin municipality × destination area × destination
    municipality × distance band

— the *microcells* that every published figure is summed from (see
:mod:`geo.relocation.disclosure` and :mod:`geo.relocation.analyses`). A point outside every
area counts as "outside the almene areas" of its municipality; a point in no municipality (or
with no municipal boundaries loaded and no code given) counts under an unknown municipality:
nothing is guessed.

Precedence, written down once:

- destination area: the area id given in the data; else the area whose *boundary* contains
  the point — an official boundary or one a user imported (``boundary_source`` in
  :data:`RECEIVING_SOURCES`). Where such areas overlap, the smallest wins (the most specific
  estate). An approximate location (a disc around a best-known point, up to 3 km, several
  of them identical or overlapping) is not a boundary: a point that falls only inside one
  counts towards its municipality like any point outside the areas ("områdets afgrænsning
  er ikke kendt"), so areas sharing an approximate location never receive each other's
  moves, and a move to a town centre is never counted as a move into an estate. Such
  points are counted in the report (``dest_in_approximate_only``), and identical or
  overlapping approximate locations are listed in the notes at every join.
- destination municipality: the municipality of the destination area (an area belongs to one
  municipality; a code in the data that disagrees is counted in the report); else the code in
  the data (register data know the municipality of residence); else the municipality polygon
  containing the point; else unknown.
- origin: the same rules; an origin given only as an area is placed at the area's
  representative point for distances, so distances from such origins are approximate.
- distance: straight line in metres between the two points; unknown when either end is only a
  municipality.

Scale: points are located with :class:`PolygonIndex` — a grid over the polygons whose cells are
classified once as inside, on the edge of or outside each polygon, so most points are placed
without any geometry test and the rest with ``shapely.contains_xy`` on prepared polygons, never
creating a Point object. Input is processed in chunks (``chunk_size`` rows at a time) and only
the counts are kept, so memory does not grow with the number of moves. The same chunk function
runs on a Dask cluster (:func:`count_moves_dask`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.store import Store

# Distance bands (metres, lower bound inclusive). The last band is open; "ukendt" is kept apart.
BAND_EDGES_M = (0.0, 2_000.0, 5_000.0, 10_000.0, 25_000.0, 50_000.0)
BANDS = ("0-2 km", "2-5 km", "5-10 km", "10-25 km", "25-50 km", "over 50 km")
UNKNOWN_BAND = "ukendt"
ALL_BANDS = (*BANDS, UNKNOWN_BAND)

REASONS = ("planned", "other", "unknown")
UNKNOWN_MUNICIPALITY = ""  # code used for "municipality not known"

# Attributes of the movers counted per reason × origin (the profiles of
# geo.relocation.analyses); blank = not stated.
PROFILE_ATTRIBUTES = ("age_band", "labour_status", "household_type")
PROFILE_COLUMNS = [
    "reason",
    "origin_area_id",
    "origin_municipality_code",
    *PROFILE_ATTRIBUTES,
    "movers",
]

MICROCELL_COLUMNS = [
    "year",
    "reason",
    "origin_area_id",
    "origin_municipality_code",
    "dest_area_id",
    "dest_municipality_code",
    "distance_band",
    "movers",
]

# Columns a normalised moves frame carries (geo.relocation.ingest builds it; the bench
# generates it).
MOVE_COLUMNS = {
    "year": "int16",
    "weight": "int32",
    "reason": "category",
    "origin_area_id": "category",
    "origin_municipality_code": "category",
    "origin_x": "float64",
    "origin_y": "float64",
    "dest_area_id": "category",
    "dest_municipality_code": "category",
    "dest_x": "float64",
    "dest_y": "float64",
}

# Boundary kinds that may receive a point: an official boundary (the cadastral parcels of the
# order) or one imported by the user. "approximate" (a disc) and "none" never do.
RECEIVING_SOURCES = frozenset({"official", "imported"})

DEFAULT_CHUNK = 1_000_000
_YEAR_BASE = 1900
# Codes of the municipality layer are numbers below 10 000 (municipalities 101–999; a layer of
# postal districts, 1000–9990, works the same way).
CODE_RADIX = 10_000


def _index_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, e)`` for every pair, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    return offsets + np.arange(total, dtype=np.int64)


def present_or_none(mask: np.ndarray, objects: np.ndarray) -> np.ndarray:
    """An object array with ``objects`` where ``mask`` holds and None elsewhere."""
    out = np.full(len(objects), None, dtype=object)
    out[mask] = np.asarray(objects, dtype=object)[mask]
    return out


class PolygonIndex:
    """Which polygon contains each of many points, without building Point objects.

    A regular grid covers the polygons. Once, at construction, every grid cell within a
    polygon's bounding box is classified: *inside* (the cell lies in the polygon's interior),
    *edge* (the cell meets the polygon) or neither. :meth:`locate` sorts the points by cell
    and assigns points in inside cells directly; only points in edge cells are tested, with
    ``shapely.contains_xy`` on the prepared polygon. Points on a boundary count as outside.

    Where polygons overlap, the one with the lowest index wins: order the polygons by priority.
    The index pickles (for Dask workers); polygons are prepared again where they are used.
    """

    def __init__(self, geometries, *, target_cells: int = 60_000):
        geoms = np.asarray(geometries, dtype=object)
        present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        self.geometries = present_or_none(present, geoms)
        self.size = len(geoms)
        if not present.any():
            self.origin = (0.0, 0.0)
            self.cell = 1.0
            self.shape = (1, 1)
            self._inner = [np.empty(0, np.int64)] * self.size
            self._edge = [np.empty(0, np.int64)] * self.size
            return
        bounds = shapely.bounds(self.geometries[present])
        minx, miny = bounds[:, 0].min(), bounds[:, 1].min()
        maxx, maxy = bounds[:, 2].max(), bounds[:, 3].max()
        span = max(maxx - minx, maxy - miny, 1.0)
        area = max((maxx - minx) * (maxy - miny), span)
        self.cell = float(max(np.sqrt(area / target_cells), span / 4096, 1.0))
        self.origin = (float(minx), float(miny))
        nx = int((maxx - minx) // self.cell) + 1
        ny = int((maxy - miny) // self.cell) + 1
        self.shape = (ny, nx)
        self._inner, self._edge = [], []
        shapely.prepare(self.geometries[present])
        for geom in self.geometries:
            if geom is None:
                self._inner.append(np.empty(0, np.int64))
                self._edge.append(np.empty(0, np.int64))
                continue
            gx0, gy0, gx1, gy1 = self._cell_range(shapely.bounds(geom))
            grid_x, grid_y = np.meshgrid(np.arange(gx0, gx1 + 1), np.arange(gy0, gy1 + 1))
            gx, gy = grid_x.ravel(), grid_y.ravel()
            x0 = self.origin[0] + gx * self.cell
            y0 = self.origin[1] + gy * self.cell
            boxes = shapely.box(x0, y0, x0 + self.cell, y0 + self.cell)
            inside = shapely.contains_properly(geom, boxes)
            edge = ~inside & shapely.intersects(geom, boxes)
            ids = gy * nx + gx
            self._inner.append(np.sort(ids[inside]).astype(np.int64))
            self._edge.append(np.sort(ids[edge]).astype(np.int64))

    def _cell_range(self, bounds) -> tuple[int, int, int, int]:
        ny, nx = self.shape
        gx0 = int(np.clip((bounds[0] - self.origin[0]) // self.cell, 0, nx - 1))
        gy0 = int(np.clip((bounds[1] - self.origin[1]) // self.cell, 0, ny - 1))
        gx1 = int(np.clip((bounds[2] - self.origin[0]) // self.cell, 0, nx - 1))
        gy1 = int(np.clip((bounds[3] - self.origin[1]) // self.cell, 0, ny - 1))
        return gx0, gy0, gx1, gy1

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the polygon containing each point (``x``, ``y`` in metres), or -1.

        Missing coordinates (NaN) give -1.
        """
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        result = np.full(len(x), -1, dtype=np.int32)
        if len(x) == 0 or all(g is None for g in self.geometries):
            return result
        ny, nx = self.shape
        ncells = ny * nx
        with np.errstate(invalid="ignore"):
            fx = np.floor((x - self.origin[0]) / self.cell)
            fy = np.floor((y - self.origin[1]) / self.cell)
            inside_grid = (fx >= 0) & (fx < nx) & (fy >= 0) & (fy < ny)
        cell_dtype = np.uint16 if ncells < np.iinfo(np.uint16).max else np.int64
        cells = np.full(len(x), ncells, dtype=cell_dtype)
        cells[inside_grid] = (fy[inside_grid] * nx + fx[inside_grid]).astype(cell_dtype)
        # A stable sort of 16-bit keys is a radix sort: linear in the number of points.
        order = np.argsort(cells, kind="stable")
        starts = np.zeros(ncells + 2, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=ncells + 1), out=starts[1:])
        xs, ys = x[order], y[order]
        present = [g for g in self.geometries if g is not None]
        shapely.prepare(np.asarray(present, dtype=object))
        # Highest index first, so that a lower index (higher priority) is written last.
        for i in range(self.size - 1, -1, -1):
            geom = self.geometries[i]
            if geom is None:
                continue
            inner = self._inner[i]
            if len(inner):
                result[order[_index_ranges(starts[inner], starts[inner + 1])]] = i
            edge = self._edge[i]
            if len(edge):
                idx = _index_ranges(starts[edge], starts[edge + 1])
                if len(idx):
                    hit = shapely.contains_xy(geom, xs[idx], ys[idx])
                    result[order[idx[hit]]] = i
        return result


@dataclass
class JoinLayers:
    """Everything the join needs from the store, small enough to send to every Dask worker."""

    area_ids: np.ndarray  # priority order: smallest area first
    area_municipality: np.ndarray  # municipality code per area ('' unknown)
    area_x: np.ndarray  # representative point per area (NaN when unlocated)
    area_y: np.ndarray
    areas: PolygonIndex  # boundaries only (RECEIVING_SOURCES); other areas are None in it
    municipality_codes: np.ndarray  # of the municipality polygons, if loaded
    municipalities: PolygonIndex | None
    signature: str = ""
    notes: list[str] = field(default_factory=list)
    approximate: PolygonIndex | None = None  # approximate locations, for the report only

    @property
    def has_municipality_boundaries(self) -> bool:
        """True when municipal boundaries are loaded (points can be placed in them)."""
        return self.municipalities is not None and len(self.municipality_codes) > 0

    @classmethod
    def from_frames(
        cls, areas: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame | None = None
    ) -> JoinLayers:
        """Build the layers from an areas frame and (optionally) municipality polygons.

        Only areas whose ``boundary_source`` is in :data:`RECEIVING_SOURCES` receive points;
        an areas frame without that column has no boundaries (nothing is assumed).
        """
        _require_metric(areas, "areas")
        geoms = areas.geometry.values
        located = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        size = np.where(located, shapely.area(geoms), np.inf)
        order = np.lexsort((areas["area_id"].to_numpy(dtype=str), size))
        areas = areas.iloc[order].reset_index(drop=True)
        geoms = areas.geometry.values
        located = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
        points = np.full((len(areas), 2), np.nan)
        if located.any():
            points[located] = shapely.get_coordinates(shapely.point_on_surface(geoms[located]))
        codes = areas["municipality_code"].fillna("").astype(str).to_numpy(dtype=object)
        bounded = _has_boundary(areas) & located
        notes: list[str] = []
        muni_codes = np.empty(0, dtype=object)
        muni_index = None
        if municipalities is not None and len(municipalities):
            _require_metric(municipalities, "municipalities")
            muni_codes = municipalities["code"].astype(str).to_numpy(dtype=object)
            numbers = pd.to_numeric(pd.Series(muni_codes), errors="coerce")
            if ((numbers < 1) | (numbers >= CODE_RADIX) | numbers.isna()).any():
                raise ValueError(
                    f"municipality codes must be whole numbers from 1 to {CODE_RADIX - 1}"
                )
            muni_index = PolygonIndex(municipalities.geometry.values)
        else:
            notes.append(
                "no municipal boundaries are loaded: a destination point outside every area "
                "gets its municipality only from a code in the data, otherwise it is counted "
                "under an unknown municipality"
            )
        notes += approximate_overlaps(areas)
        geom_objects = np.asarray(geoms, dtype=object)
        return cls(
            area_ids=areas["area_id"].astype(str).to_numpy(dtype=object),
            area_municipality=codes,
            area_x=points[:, 0],
            area_y=points[:, 1],
            areas=PolygonIndex(present_or_none(bounded, geom_objects)),
            municipality_codes=muni_codes,
            municipalities=muni_index,
            signature=layers_signature(areas, municipalities),
            notes=notes,
            approximate=PolygonIndex(present_or_none(located & ~bounded, geom_objects))
            if (located & ~bounded).any()
            else None,
        )

    @classmethod
    def from_store(cls, store: Store) -> JoinLayers:
        """The join layers of the store's areas and municipalities."""
        municipalities = store.read("municipalities")
        return cls.from_frames(store.read("areas"), municipalities if len(municipalities) else None)


def _has_boundary(areas: pd.DataFrame) -> np.ndarray:
    """True for areas with an official or imported boundary (not an approximate location)."""
    if "boundary_source" not in areas.columns:
        return np.zeros(len(areas), dtype=bool)
    return areas["boundary_source"].isin(RECEIVING_SOURCES).to_numpy(dtype=bool)


def approximate_overlaps(areas: gpd.GeoDataFrame) -> list[str]:
    """Notes naming every pair of areas whose approximate locations are identical or overlap.

    Neither of such a pair receives the other's moves (nor any move by its location): the
    join places points only in boundaries. The notes are printed at every import and join.
    """
    geoms = areas.geometry.values
    located = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    approx = located & ~_has_boundary(areas)
    frame = areas[approx].sort_values("area_id").reset_index(drop=True)
    if len(frame) < 2:
        return []
    tree = shapely.STRtree(frame.geometry.values)
    left, right = tree.query(frame.geometry.values, predicate="intersects")
    names = frame["name"].astype(str).to_numpy() if "name" in frame else frame["area_id"]
    notes = []
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = frame.geometry.values[i], frame.geometry.values[j]
        if shapely.touches(a, b):
            continue
        kind = "are identical" if shapely.equals(a, b) else "overlap"
        notes.append(
            f"approximate locations of {names[i]} ({frame['area_id'][i]}) and {names[j]} "
            f"({frame['area_id'][j]}) {kind}: neither receives moves by location, only "
            "moves that name it by code"
        )
    return notes


def _require_metric(frame: gpd.GeoDataFrame, name: str) -> None:
    if frame.crs is None or frame.crs.to_epsg() != 25832:
        raise ValueError(f"{name} must be in EPSG:25832 for the join, got {frame.crs}")


def layers_signature(areas: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame | None) -> str:
    """A digest of the polygons and ids the join used, to tell when counts are stale."""
    digest = hashlib.sha256()
    for frame, key, extras in (
        (areas, "area_id", ("municipality_code", "boundary_source")),
        (municipalities, "code", ()),
    ):
        if frame is None or not len(frame):
            digest.update(b"-")
            continue
        ordered = frame.sort_values(key)
        digest.update("|".join(ordered[key].astype(str)).encode())
        for extra in extras:
            if extra in ordered.columns:
                digest.update("|".join(ordered[extra].fillna("").astype(str)).encode())
        wkb = shapely.to_wkb(ordered.geometry.values, output_dimension=2)
        for item in wkb:
            digest.update(item if item is not None else b"\x00")
    return digest.hexdigest()[:16]


def _codes(values: pd.Series, categories: np.ndarray) -> np.ndarray:
    """Position of each value in ``categories``; -1 for blank or unknown values."""
    index = pd.Index(categories)
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = np.append(index.get_indexer(values.cat.categories), -1)
        return lookup[values.cat.codes.to_numpy()].astype(np.int32)  # code -1 → the -1 appended
    return index.get_indexer(values.astype(object)).astype(np.int32)


def _municipality_numbers(values: pd.Series) -> np.ndarray:
    """'0751' → 751; blank or missing → 0 (unknown)."""
    cat = pd.Categorical(values)
    numbers = pd.to_numeric(pd.Series(cat.categories, dtype=object), errors="coerce")
    lookup = np.append(np.nan_to_num(numbers.to_numpy(dtype=float), nan=0.0), 0).astype(np.int32)
    return lookup[cat.codes]  # code -1 (missing) picks the appended 0


def _as_moves_frame(chunk: pd.DataFrame) -> pd.DataFrame:
    """Accept a GeoDataFrame whose geometry is the destination point (dask-geopandas input)."""
    if isinstance(chunk, gpd.GeoDataFrame) and chunk.geometry.name in chunk.columns:
        geoms = chunk.geometry.values
        out = pd.DataFrame(chunk.drop(columns=chunk.geometry.name))
        out["dest_x"] = shapely.get_x(geoms)
        out["dest_y"] = shapely.get_y(geoms)
        return out
    return chunk


@dataclass
class ChunkCounts:
    """Counts of one chunk, keyed by an integer that packs all microcell coordinates."""

    keys: np.ndarray
    movers: np.ndarray
    report: dict[str, int]
    # Movers per reason × origin × age band × labour status × household type (PROFILE_COLUMNS),
    # for chunks that carry any of the attributes; None when none does.
    profiles: pd.DataFrame | None = None


def _column(chunk: pd.DataFrame, name: str, default) -> pd.Series:
    if name in chunk.columns:
        return chunk[name]
    return pd.Series(default, index=chunk.index)


def count_chunk(chunk: pd.DataFrame, layers: JoinLayers) -> ChunkCounts:
    """Join one chunk of normalised moves and count movers per microcell."""
    chunk = _as_moves_frame(chunk)
    n = len(chunk)
    na = len(layers.area_ids)
    weight = _column(chunk, "weight", 1).to_numpy(dtype=np.int64)
    year = _column(chunk, "year", 0).to_numpy(dtype=np.int64) - _YEAR_BASE
    reason = _codes(_column(chunk, "reason", "unknown"), np.asarray(REASONS, dtype=object))
    reason = np.where(reason < 0, REASONS.index("unknown"), reason)

    def place(prefix: str):
        area = _codes(_column(chunk, f"{prefix}_area_id", None), layers.area_ids)
        px = _column(chunk, f"{prefix}_x", np.nan).to_numpy(dtype=np.float64)
        py = _column(chunk, f"{prefix}_y", np.nan).to_numpy(dtype=np.float64)
        has_point = ~np.isnan(px) & ~np.isnan(py)
        need = (area < 0) & has_point
        if need.any():
            area[need] = layers.areas.locate(px[need], py[need])
        given = _municipality_numbers(_column(chunk, f"{prefix}_municipality_code", None))
        area_muni = np.zeros(n, dtype=np.int32)
        in_area = area >= 0
        if in_area.any():
            numbers = pd.to_numeric(pd.Series(layers.area_municipality), errors="coerce")
            lookup = np.nan_to_num(numbers.to_numpy(dtype=float), nan=0.0).astype(np.int32)
            area_muni[in_area] = lookup[area[in_area]]
        muni = np.where(in_area & (area_muni > 0), area_muni, given)
        mismatch = int((in_area & (area_muni > 0) & (given > 0) & (given != area_muni)).sum())
        located_muni = 0
        if layers.has_municipality_boundaries:
            need_muni = (muni == 0) & has_point
            if need_muni.any():
                assert layers.municipalities is not None  # has_municipality_boundaries
                hit = layers.municipalities.locate(px[need_muni], py[need_muni])
                numbers = pd.to_numeric(pd.Series(layers.municipality_codes), errors="coerce")
                lookup = np.append(np.nan_to_num(numbers.to_numpy(dtype=float), nan=0.0), 0)
                found = lookup.astype(np.int32)[hit]
                muni[need_muni] = found
                located_muni = int((found > 0).sum())
        # The point used for distances: the given point, else the area's representative point.
        x = np.where(has_point, px, np.nan)
        y = np.where(has_point, py, np.nan)
        use_area = ~has_point & in_area
        x[use_area] = layers.area_x[area[use_area]]
        y[use_area] = layers.area_y[area[use_area]]
        approx_only = 0
        if layers.approximate is not None:
            outside = (area < 0) & has_point
            if outside.any():
                approx_only = int((layers.approximate.locate(px[outside], py[outside]) >= 0).sum())
        return area, muni, x, y, mismatch, located_muni, int(in_area.sum()), approx_only

    o_area, o_muni, ox, oy, o_mis, o_loc, o_in, o_apx = place("origin")
    d_area, d_muni, dx, dy, d_mis, d_loc, d_in, d_apx = place("dest")
    distance = np.hypot(dx - ox, dy - oy)
    band = np.searchsorted(np.asarray(BAND_EDGES_M), distance, side="right") - 1
    band = np.where(np.isnan(distance), len(BANDS), band)

    # Mixed-radix key: year | reason | origin area | origin muni | dest area | dest muni | band.
    key = year
    for value, radix in (
        (reason, len(REASONS)),
        (o_area + 1, na + 1),
        (o_muni, CODE_RADIX),
        (d_area + 1, na + 1),
        (d_muni, CODE_RADIX),
        (band, len(ALL_BANDS)),
    ):
        key = key * radix + value
    inverse, uniq = pd.factorize(key, sort=False)
    movers = np.bincount(inverse, weights=weight, minlength=len(uniq)).astype(np.int64)
    report = {
        "moves": n,
        "movers": int(weight.sum()),
        "dest_in_area": d_in,
        "dest_in_approximate_only": d_apx,
        "dest_municipality_unknown": int((d_muni == 0).sum()),
        "dest_municipality_from_boundaries": d_loc,
        "dest_code_disagrees_with_area": d_mis,
        "origin_in_area": o_in,
        "origin_in_approximate_only": o_apx,
        "origin_municipality_unknown": int((o_muni == 0).sum()),
        "origin_municipality_from_boundaries": o_loc,
        "origin_code_disagrees_with_area": o_mis,
        "distance_unknown": int(np.isnan(distance).sum()),
    }
    return ChunkCounts(uniq, movers, report, _profiles(chunk, layers, reason, o_area, o_muni))


def _profiles(
    chunk: pd.DataFrame,
    layers: JoinLayers,
    reason: np.ndarray,
    o_area: np.ndarray,
    o_muni: np.ndarray,
) -> pd.DataFrame | None:
    """Movers per reason × origin × attributes of one chunk (None without attributes).

    Grouped on integer codes (one mixed-radix key per row) and turned into text only for the
    groups: grouping a million rows on six text columns cost about a second per chunk.
    """
    present = [a for a in PROFILE_ATTRIBUTES if a in chunk.columns]
    if not present:
        return None
    # the grouping columns as codes 0..k-1 with the value of each code
    codes: list[np.ndarray] = [
        np.asarray(reason, dtype=np.int64),
        np.asarray(o_area, dtype=np.int64) + 1,  # index -1 → 0, the area ""
    ]
    values: list[np.ndarray] = [
        np.asarray(REASONS, dtype=object),
        np.concatenate([np.array([""], dtype=object), np.asarray(layers.area_ids, dtype=object)]),
    ]
    muni_code, muni_values = pd.factorize(np.asarray(o_muni, dtype=np.int64), sort=False)
    codes.append(muni_code.astype(np.int64))
    values.append(np.asarray(muni_values, dtype=np.int64))
    for attr in PROFILE_ATTRIBUTES:
        code, text = _text_codes(_column(chunk, attr, ""))
        codes.append(code)
        values.append(text)
    group = np.zeros(len(chunk), dtype=np.int64)
    for code, value in zip(codes, values, strict=True):
        # compacted after every column, so the key never overflows whatever a file holds
        group = pd.factorize(group * len(value) + code, sort=False)[0]
    groups = int(group.max()) + 1 if len(group) else 0
    weight = _column(chunk, "weight", 1).to_numpy(dtype=np.int64)
    movers = np.bincount(group, weights=weight, minlength=groups).astype(np.int64)
    row = np.empty(groups, dtype=np.int64)  # a row of every group (all have the same codes)
    row[group] = np.arange(len(group))
    out = pd.DataFrame(
        {
            name: value[code[row]]
            for name, code, value in zip(PROFILE_COLUMNS[:-1], codes, values, strict=True)
        }
    )
    out["movers"] = movers
    if not (out[list(PROFILE_ATTRIBUTES)] != "").to_numpy().any():
        return None
    return out


def _text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes 0..k-1 of a column read as text (missing → ""), and the text of each code."""
    code, uniques = pd.factorize(values, sort=False, use_na_sentinel=True)
    text = np.array([str(u) for u in uniques] + [""], dtype=object)
    code = np.where(code < 0, len(uniques), code)
    # two codes with the same text ("" given and missing) become one
    canonical, text = pd.factorize(text, sort=False)
    return canonical[code].astype(np.int64), np.asarray(text, dtype=object)


def merge_profiles(parts: Iterable[pd.DataFrame | None]) -> pd.DataFrame | None:
    """Sum chunk profiles; municipality numbers become codes ('0751', '' unknown)."""
    frames = [p for p in parts if p is not None and len(p)]
    if not frames:
        return None
    merged = pd.concat(frames, ignore_index=True)
    merged = merged.groupby(PROFILE_COLUMNS[:-1], sort=True)["movers"].sum().reset_index()
    numbers = merged["origin_municipality_code"].to_numpy(dtype=np.int64)
    merged["origin_municipality_code"] = np.where(
        numbers > 0, np.char.zfill(numbers.astype(str), 4), UNKNOWN_MUNICIPALITY
    )
    merged["movers"] = merged["movers"].astype(np.int64)
    return merged[PROFILE_COLUMNS]


def merge_counts(parts: Iterable[ChunkCounts], compact_at: int = 4_000_000) -> ChunkCounts:
    """Sum chunk counts by key, compacting as it goes so memory stays bounded."""
    keys: list[np.ndarray] = []
    movers: list[np.ndarray] = []
    report: dict[str, int] = {}
    profiles: list[pd.DataFrame | None] = []
    pending = 0

    def compact() -> None:
        all_keys = np.concatenate(keys)
        inverse, uniq = pd.factorize(all_keys, sort=False)
        total = np.bincount(inverse, weights=np.concatenate(movers), minlength=len(uniq))
        keys[:] = [uniq.astype(np.int64)]
        movers[:] = [total.astype(np.int64)]

    for part in parts:
        keys.append(part.keys)
        movers.append(part.movers)
        if part.profiles is not None:
            # Kept as municipality numbers until the end; summed now so memory stays bounded.
            profiles[:] = [_sum_profiles([*profiles, part.profiles])]
        pending += len(part.keys)
        for k, v in part.report.items():
            report[k] = report.get(k, 0) + v
        if pending >= compact_at:
            compact()
            pending = len(keys[0])
    profile = profiles[0] if profiles else None
    if not keys:
        return ChunkCounts(np.empty(0, np.int64), np.empty(0, np.int64), report, profile)
    compact()
    return ChunkCounts(keys[0], movers[0], report, profile)


def _sum_profiles(frames: list[pd.DataFrame | None]) -> pd.DataFrame:
    merged = pd.concat([f for f in frames if f is not None], ignore_index=True)
    return merged.groupby(PROFILE_COLUMNS[:-1], sort=False)["movers"].sum().reset_index()


def decode_counts(counts: ChunkCounts, layers: JoinLayers) -> pd.DataFrame:
    """The microcell counts as a frame with area ids and municipality codes, not indexes."""
    na = len(layers.area_ids)
    key = counts.keys.copy()
    parts = {}
    for name, radix in (
        ("band", len(ALL_BANDS)),
        ("d_muni", CODE_RADIX),
        ("d_area", na + 1),
        ("o_muni", CODE_RADIX),
        ("o_area", na + 1),
        ("reason", len(REASONS)),
    ):
        parts[name] = key % radix
        key = key // radix
    area_ids = np.append(np.asarray([""], dtype=object), layers.area_ids)

    def muni(values):
        return np.where(values > 0, np.char.zfill(values.astype(str), 4), UNKNOWN_MUNICIPALITY)

    frame = pd.DataFrame(
        {
            "year": (key + _YEAR_BASE).astype(np.int64),
            "reason": np.asarray(REASONS, dtype=object)[parts["reason"]],
            "origin_area_id": area_ids[parts["o_area"]],
            "origin_municipality_code": muni(parts["o_muni"]),
            "dest_area_id": area_ids[parts["d_area"]],
            "dest_municipality_code": muni(parts["d_muni"]),
            "distance_band": np.asarray(ALL_BANDS, dtype=object)[parts["band"]],
            "movers": counts.movers,
        }
    )
    for col in MICROCELL_COLUMNS[1:-1]:
        frame[col] = frame[col].astype(str)
    frame = frame.sort_values(MICROCELL_COLUMNS[:-1]).reset_index(drop=True)
    # The profiles travel with the cells (MoveCounts picks them up), so that every caller of
    # _decode keeps them.
    frame.attrs["profiles"] = merge_profiles([counts.profiles])
    return frame


@dataclass
class MoveCounts:
    """The microcell counts of a set of moves and what the join found on the way."""

    cells: pd.DataFrame  # columns MICROCELL_COLUMNS
    report: dict[str, int]
    notes: list[str]
    signature: str
    profiles: pd.DataFrame | None = None  # columns PROFILE_COLUMNS; None without attributes

    def __post_init__(self) -> None:
        if self.profiles is None:
            self.profiles = self.cells.attrs.get("profiles")
        self.cells.attrs.pop("profiles", None)


def chunks_of(frame: pd.DataFrame, chunk_size: int = DEFAULT_CHUNK) -> Iterator[pd.DataFrame]:
    """``frame`` in consecutive slices of at most ``chunk_size`` rows."""
    for start in range(0, len(frame), chunk_size):
        yield frame.iloc[start : start + chunk_size]


def count_moves(
    moves: pd.DataFrame | Iterable[pd.DataFrame],
    layers: JoinLayers,
    *,
    chunk_size: int = DEFAULT_CHUNK,
) -> MoveCounts:
    """Join and count moves in one process, ``chunk_size`` rows at a time.

    ``moves`` is a normalised moves frame (see :data:`MOVE_COLUMNS`) or an iterable of such
    frames (for input read in batches, e.g. Parquet row groups).
    """
    source = chunks_of(moves, chunk_size) if isinstance(moves, pd.DataFrame) else moves
    merged = merge_counts(count_chunk(chunk, layers) for chunk in source)
    return MoveCounts(
        decode_counts(merged, layers), merged.report, list(layers.notes), layers.signature
    )


def _partition_counts(partition: pd.DataFrame, layers: JoinLayers) -> pd.DataFrame:
    counts = count_chunk(partition, layers)
    frame = pd.DataFrame({"key": counts.keys, "movers": counts.movers})
    report = pd.DataFrame({"key": [-1 - i for i in range(len(counts.report))], "movers": 0})
    report["movers"] = list(counts.report.values())
    return pd.concat([frame, report], ignore_index=True)


def count_moves_dask(moves, layers: JoinLayers, client) -> MoveCounts:
    """The same join and count on a Dask cluster.

    ``moves`` is a dask DataFrame of normalised moves, or a dask-geopandas GeoDataFrame whose
    geometry is the destination point (as read by ``dask_geopandas.read_file`` or
    ``read_parquet``). ``client`` is a ``distributed.Client``. Each partition runs
    :func:`count_chunk`; only the counts travel back.
    """
    import dask

    shared = dask.delayed(layers, pure=True)
    meta = pd.DataFrame({"key": pd.Series([], dtype=np.int64), "movers": np.int64(0)})
    parts = moves.map_partitions(_partition_counts, shared, meta=meta)
    frames = client.compute(parts.to_delayed())
    collected = client.gather(frames)
    report_names = list(count_chunk(pd.DataFrame({"year": []}), layers).report)
    chunk_counts = []
    for frame in collected:
        body = frame[frame["key"] >= 0]
        tail = frame[frame["key"] < 0].sort_values("key", ascending=False)
        chunk_counts.append(
            ChunkCounts(
                body["key"].to_numpy(np.int64),
                body["movers"].to_numpy(np.int64),
                dict(zip(report_names, tail["movers"].astype(int).tolist(), strict=True)),
            )
        )
    merged = merge_counts(chunk_counts)
    return MoveCounts(
        decode_counts(merged, layers), merged.report, list(layers.notes), layers.signature
    )
