"""Official area boundaries: the order's parcel lists joined to the cadastre.

The law does not publish area polygons. It defines an area as "et område med fysisk
sammenhængende matrikelnumre, som i 2010 var ejet af almene boligafdelinger" and lists every
area's parcels in Bilag 1 of the order on area boundaries (BEK nr. 1365 af 29/11/2018 and the
orders after it). Joining that list to the cadastre reproduces the official boundary: each
area's boundary is the union of its parcels, dissolved, with holes kept (a parcel inside the
area that is not on the list) and several polygons where the parcels are not contiguous.

Every import is one version of the boundaries, stored with the order's number and date, the
date from which it is in force, and the cadastre's date. The layer ``area_boundaries`` keeps
every version of every area, including the shape it had before its first official boundary
(in force from the beginning), so a list year is drawn with the boundary in force on
1 December of that year (:func:`geo.areas.with_boundaries_in_force`). The ``areas`` layer
holds each area's latest version: that is the shape every analysis uses.

``boundary_source`` values: ``official`` (this module), ``imported`` (a user's polygons,
:mod:`boundaries.importer`), ``approximate`` (a disc, :mod:`boundaries.approximate`) and
``none``. Official and imported boundaries receive moves in the relocation join; discs do not
(:data:`geo.relocation.join.RECEIVING_SOURCES`).

Writes go through the store's writer (:meth:`geo.store.Store.writing`), held from the first
read of the store to the swap, so no other writer can change what the import is based on.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from boundaries.cadastre import DEFAULT_LAYER, Cadastre, read_cadastre
from boundaries.clean import geometry_problems, repair, to_multipolygons
from boundaries.parcel_list import ListedParcel, ParcelList, read_parcel_list
from geo import STORE_CRS
from geo.errors import InputRejected, Problem
from geo.naming import AreaMatcher, area_slug
from geo.store import Store

OFFICIAL = "official"
IMPORTED = "imported"
APPROXIMATE = "approximate"
HISTORY_LAYER = "area_boundaries"
OFFICIAL_NOTE_DA = "officiel afgrænsning ({order})"
LICENCE = (
    "Bilag 1: Danish law text (retsinformation.dk, free to reuse); cadastre: Matriklen "
    "(Klimadatastyrelsen, free data), as supplied by the importer"
)
# The columns of an area that describe its boundary; each version in the history has them.
BOUNDARY_COLUMNS = (
    "boundary_source",
    "boundary_note",
    "location_precision",
    "uncertainty_m",
    "location_note",
    "location_source",
    "location_source_label",
    "location_read_via",
    "boundary_order",
    "boundary_order_date",
    "boundary_valid_from",
    "boundary_cadastre_date",
    "boundary_parcels_listed",
    "boundary_parcels_found",
    "boundary_parcels_missing",
)

NUMERIC_COLUMNS = ("uncertainty_m", "boundary_parcels_listed", "boundary_parcels_found")


@dataclass(frozen=True)
class Order:
    """The executive order (bekendtgørelse) whose Bilag 1 is imported."""

    number: str
    date: str  # ISO

    @property
    def label(self) -> str:
        """``BEK nr. 1365 af 29/11/2018``, as the order is cited."""
        day = date.fromisoformat(self.date)
        return f"BEK nr. {self.number} af {day:%d/%m/%Y}"


@dataclass
class AreaBoundary:
    """One area's boundary from the list: the union of the parcels the cadastre has."""

    name: str  # as the list names it
    municipality_code: str
    area_id: str
    new: bool
    listed: list[ListedParcel]
    missing: list[ListedParcel]
    features: int
    geometry: object  # a MultiPolygon in EPSG:25832

    @property
    def found(self) -> int:
        """Listed parcels the cadastre has."""
        return len(self.listed) - len(self.missing)

    @property
    def parts(self) -> int:
        """Separate polygons of the boundary (the order allows non-contiguous areas)."""
        return int(shapely.get_num_geometries(self.geometry))

    @property
    def holes(self) -> int:
        """Interior rings (holes) kept in the boundary."""
        parts = shapely.get_parts(self.geometry)
        return int(shapely.get_num_interior_rings(parts).sum())


@dataclass
class ParcelReport:
    """What an import of a parcel list did, for the command line and the tests."""

    list_path: str
    cadastre_path: str
    layout: str
    schema: str
    cadastre_date: str
    cadastre_date_from: str
    order: Order
    valid_from: str
    areas: list[AreaBoundary]
    repaired: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def missing(self) -> list[tuple[str, int, str]]:
        """Every listed parcel the cadastre lacks: (area, ejerlav, matrikelnummer)."""
        return [(a.name, p.ejerlav, p.parcel) for a in self.areas for p in a.missing]

    def summary(self) -> str:
        """A multi-line English summary for the command line."""
        listed = sum(len(a.listed) for a in self.areas)
        lines = [
            f"Imported official boundaries of {len(self.areas)} area(s) from "
            f"{Path(self.list_path).name} ({self.order.label}, in force from "
            f"{self.valid_from}) and {Path(self.cadastre_path).name} "
            f"({self.schema}, cadastre of {self.cadastre_date}, {self.cadastre_date_from}) "
            f"in {self.seconds:.1f} s",
            f"  list layout:      {self.layout}",
            f"  parcels:          {listed} listed, {listed - len(self.missing)} found, "
            f"{len(self.missing)} missing from the cadastre",
        ]
        for a in self.areas:
            flag = " (new area)" if a.new else ""
            lines.append(
                f"    - {a.name!r} → {a.area_id}{flag}: {a.found} of {len(a.listed)} parcels "
                f"({a.features} features), {a.parts} polygon(s), {a.holes} hole(s), "
                f"{shapely.area(a.geometry) / 1e4:.2f} ha"
            )
        if self.missing:
            lines.append("  missing parcels (listed, but not in the cadastre):")
            for name, ejerlav, parcel in self.missing:
                lines.append(f"    - {name}: ejerlav {ejerlav}, matrikelnummer {parcel}")
        lines.append(f"  repaired:         {len(self.repaired)} invalid parcel polygon(s)")
        lines += [f"    - {r}" for r in self.repaired[:10]]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def _iso(value: str | None, what: str, source: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise InputRejected(
            source, [Problem(f"{what} {value!r} is not a date", expected="YYYY-MM-DD")]
        ) from exc


def _match_areas(
    store: Store, parcel_list: ParcelList, add_new: bool
) -> dict[tuple[str, str], tuple[str, bool]]:
    """(list name, municipality) → (area id, whether new); refuses unmatched names."""
    areas = store.read("areas")
    aliases = store.read("aliases")
    municipality_of = [m if isinstance(m, str) and m else None for m in areas["municipality_code"]]
    known = dict(zip(areas["area_id"], municipality_of, strict=True))
    matcher = AreaMatcher(
        list(zip(areas["area_id"], areas["name"], municipality_of, strict=True)),
        list(zip(aliases["alias"], aliases["area_id"], strict=True)),
    )
    out: dict[tuple[str, str], tuple[str, bool]] = {}
    claimed: dict[str, tuple[str, int]] = {}
    problems: list[Problem] = []
    for (name, code), parcels in parcel_list.areas().items():
        row = parcels[0].row
        area_id = matcher.match(name, code)
        new = False
        if area_id is None:
            if not add_new:
                problems.append(
                    Problem(
                        f"no area in the store matches this name in municipality {code}",
                        row=row,
                        column="område",
                        value=name,
                        expected="an area's name (correct it, or import with --add-new to add "
                        "it as a new area)",
                    )
                )
                continue
            try:
                area_id, new = area_slug(name), True
            except ValueError:
                problems.append(Problem("the name has no letters or digits", row=row, value=name))
                continue
            if area_id in known:
                problems.append(
                    Problem(
                        f"cannot be added as a new area: the area {area_id!r} already exists "
                        f"in municipality {known[area_id]}, not {code}",
                        row=row,
                        column="område",
                        value=name,
                    )
                )
                continue
        if area_id in claimed:
            other, other_row = claimed[area_id]
            problems.append(
                Problem(
                    f"matches the area {area_id!r}, as does {other!r} in row {other_row}",
                    row=row,
                    column="område",
                    value=name,
                    expected="each area once in the list",
                )
            )
            continue
        claimed[area_id] = (name, row)
        out[(name, code)] = (area_id, new)
    if problems:
        raise InputRejected(str(parcel_list.path), problems)
    return out


def official_boundaries(
    parcel_list: ParcelList, cadastre: Cadastre, geometries: np.ndarray
) -> tuple[dict[tuple[str, str], tuple[object, list[ListedParcel], int]], list[Problem]]:
    """Join the list to the cadastre: per area, the union of its parcels.

    Parameters
    ----------
    parcel_list
        The parsed Bilag 1 table.
    cadastre
        The parcels of the list's ejerlav.
    geometries
        The cadastre's valid (repaired) polygons, one per feature of ``cadastre``.

    Returns
    -------
    boundaries
        (list name, municipality) → (MultiPolygon, missing parcels, number of features).
        Areas none of whose parcels is in the cadastre are left out.
    problems
        One per such area, naming its parcels.
    """
    features = cadastre.features_of()
    out = {}
    problems = []
    for key, parcels in parcel_list.areas().items():
        missing = [p for p in parcels if (p.ejerlav, p.parcel) not in features]
        rows = [i for p in parcels for i in features.get((p.ejerlav, p.parcel), [])]
        if not rows:
            shown = ", ".join(f"{p.ejerlav} {p.parcel}" for p in parcels[:20])
            more = f" and {len(parcels) - 20} more" if len(parcels) > 20 else ""
            problems.append(
                Problem(
                    f"none of the {len(parcels)} parcel(s) of {key[0]!r} is in the cadastre "
                    f"(ejerlav and matrikelnummer: {shown}{more})",
                    row=parcels[0].row,
                    column="matrikelnummer",
                    expected="a cadastre covering the area's ejerlav",
                )
            )
            continue
        union = shapely.union_all(geometries[rows])
        out[key] = (to_multipolygons(np.array([union], dtype=object))[0], missing, len(rows))
    return out, problems


def import_parcels(
    store: Store,
    list_path: str | Path,
    cadastre_path: str | Path,
    *,
    order_number: str,
    order_date: str,
    list_date: str | None = None,
    cadastre_date: str | None = None,
    layer: str | None = DEFAULT_LAYER,
    ejerlav_field: str | None = None,
    parcel_field: str | None = None,
    crs: str | None = None,
    add_new: bool = False,
    source: str | None = None,
) -> ParcelReport:
    """Import official area boundaries from a Bilag 1 parcel list and the cadastre.

    Parameters
    ----------
    store
        An existing store.
    list_path
        The parcel list (CSV or Excel), see :mod:`boundaries.parcel_list`.
    cadastre_path
        The cadastre (see :func:`boundaries.cadastre.read_cadastre`).
    order_number, order_date
        The order whose Bilag 1 the list is (``"1365"``, ``"2018-11-29"``).
    list_date
        The date from which these boundaries are in force (default: the order's date). A
        list year is drawn with the version in force on 1 December of that year.
    cadastre_date
        The cadastre extract's date (default: the GeoPackage's own date of the layer).
    layer, ejerlav_field, parcel_field, crs
        Where the parcels are in the cadastre file, when not the defaults.
    add_new
        Add areas that match no known area instead of refusing the list.
    source
        Where the list comes from, recorded with the boundaries (default: the file names).

    Returns
    -------
    ParcelReport

    Raises
    ------
    InputRejected
        Refused whole, nothing written: a bad list or cadastre, an unmatched area name
        (without ``add_new``), an area none of whose parcels is in the cadastre.
    """
    started = time.perf_counter()
    store.layers()  # raises StoreError when there is no store to import into
    with store.writing():
        return _import_parcels(
            store,
            list_path,
            cadastre_path,
            order_number=order_number,
            order_date=order_date,
            list_date=list_date,
            cadastre_date=cadastre_date,
            layer=layer,
            ejerlav_field=ejerlav_field,
            parcel_field=parcel_field,
            crs=crs,
            add_new=add_new,
            source=source,
            started=started,
        )


def _import_parcels(
    store: Store,
    list_path: str | Path,
    cadastre_path: str | Path,
    *,
    order_number: str,
    order_date: str,
    list_date: str | None,
    cadastre_date: str | None,
    layer: str | None,
    ejerlav_field: str | None,
    parcel_field: str | None,
    crs: str | None,
    add_new: bool,
    source: str | None,
    started: float,
) -> ParcelReport:
    list_source = str(list_path)
    order = _order(order_number, order_date, list_source)
    valid_from = _iso(list_date, "--list-date", list_source) or order.date
    cadastre_day = _iso(cadastre_date, "--cadastre-date", str(cadastre_path))

    parcel_list = read_parcel_list(list_path, _municipality_names(store))
    targets = _match_areas(store, parcel_list, add_new)
    cadastre = read_cadastre(
        cadastre_path,
        {p.ejerlav for p in parcel_list.parcels},
        layer=layer,
        ejerlav_field=ejerlav_field,
        parcel_field=parcel_field,
        crs=crs,
        cadastre_date=cadastre_day,
    )
    geometries, repaired = _valid_parcels(cadastre)
    joined, problems = official_boundaries(parcel_list, cadastre, geometries)
    if problems:
        raise InputRejected(list_source, problems)

    results = []
    for key, parcels in parcel_list.areas().items():
        shape, missing, features = joined[key]
        area_id, new = targets[key]
        results.append(
            AreaBoundary(key[0], key[1], area_id, new, parcels, missing, features, shape)
        )
    names = f"{Path(list_path).name}; {Path(cadastre_path).name}"
    _write(store, results, order, valid_from, cadastre.date, source or names, names)
    notes = parcel_list.notes + cadastre.data.notes
    if valid_from < order.date:
        notes.append(f"in force from {valid_from}, before the order's date {order.date}")
    return ParcelReport(
        list_path=list_source,
        cadastre_path=str(cadastre_path),
        layout=parcel_list.layout,
        schema=f"{cadastre.schema}: {cadastre.ejerlav_field} + {cadastre.parcel_field}",
        cadastre_date=cadastre.date,
        cadastre_date_from=cadastre.date_from,
        order=order,
        valid_from=valid_from,
        areas=results,
        repaired=repaired,
        notes=notes,
        seconds=time.perf_counter() - started,
    )


def _municipality_names(store: Store) -> dict[str, str]:
    info = store.read("municipality_info")
    names = dict(zip(info["code"], info["name"], strict=True))
    boundaries = store.read("municipalities")
    names.update(zip(boundaries["code"], boundaries["name"], strict=True))
    return names


def _order(number: str, day: str, source: str) -> Order:
    text = str(number).strip()
    if not text.isdigit():
        raise InputRejected(
            source,
            [Problem(f"order number {number!r} is not a number", expected="e.g. 1365")],
        )
    return Order(number=str(int(text)), date=_iso(day, "order date", source) or "")


def _valid_parcels(cadastre: Cadastre) -> tuple[np.ndarray, list[str]]:
    frame = cadastre.data.frame
    labels = [f"{e} {p}" for e, p in cadastre.keys]
    geometries = np.asarray(frame.geometry.values, dtype=object)
    problems = geometry_problems(geometries, labels)
    fixed, repaired, failed = repair(geometries)
    problems += [
        Problem(f"parcel {labels[i]}: repairing its invalid polygon leaves nothing polygonal")
        for i in failed
        if not shapely.is_missing(geometries[i])
    ]
    if problems:
        raise InputRejected(str(cadastre.data.path), problems)
    return fixed, [f"parcel {labels[i]}" for i in repaired]


def _history(store: Store) -> gpd.GeoDataFrame:
    if not store.has(HISTORY_LAYER):
        columns = {"area_id": pd.Series([], dtype=str)}
        columns.update({c: pd.Series([], dtype=object) for c in BOUNDARY_COLUMNS})
        return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=STORE_CRS))
    return store.read(HISTORY_LAYER).copy()


def _version_rows(
    results: list[AreaBoundary], order: Order, valid_from: str, cadastre_date: str, source: str
) -> gpd.GeoDataFrame:
    label = order.label
    return gpd.GeoDataFrame(
        {
            "area_id": [a.area_id for a in results],
            "boundary_source": OFFICIAL,
            "boundary_note": OFFICIAL_NOTE_DA.format(order=label),
            "location_precision": "boundary",
            "uncertainty_m": np.nan,
            "location_note": [
                f"union of {a.found} cadastral parcel(s) listed for the area in Bilag 1 of "
                f"{label}, from the cadastre of {cadastre_date}"
                + (f"; {len(a.missing)} listed parcel(s) not in the cadastre" if a.missing else "")
                for a in results
            ],
            "location_source": source,
            "location_source_label": f"Bilag 1 til {label}",
            "location_read_via": source,
            "boundary_order": label,
            "boundary_order_date": order.date,
            "boundary_valid_from": valid_from,
            "boundary_cadastre_date": cadastre_date,
            "boundary_parcels_listed": [len(a.listed) for a in results],
            "boundary_parcels_found": [a.found for a in results],
            "boundary_parcels_missing": [
                "; ".join(f"{p.ejerlav} {p.parcel}" for p in a.missing) for a in results
            ],
        },
        geometry=gpd.GeoSeries([a.geometry for a in results], crs=STORE_CRS),
        crs=STORE_CRS,
    )


def _write(
    store: Store,
    results: list[AreaBoundary],
    order: Order,
    valid_from: str,
    cadastre_date: str,
    source: str,
    names: str,
) -> None:
    areas = store.read("areas").copy()
    for column in BOUNDARY_COLUMNS:
        if column not in areas.columns:
            areas[column] = np.nan if column == "uncertainty_m" else None
    added = [a for a in results if a.new]
    if added:
        new_rows = gpd.GeoDataFrame(
            {
                "area_id": [a.area_id for a in added],
                "name": [a.name for a in added],
                "municipality_code": [a.municipality_code for a in added],
                "boundary_source": "none",
                "boundary_note": "placering ikke oplyst",
                "location_precision": "unknown",
            },
            geometry=gpd.GeoSeries([None] * len(added), crs=STORE_CRS),
            crs=STORE_CRS,
        )
        areas = pd.concat([areas, new_rows], ignore_index=True)

    history = _history(store)
    touched = {a.area_id for a in results}
    # The shape an area had before its first official boundary stays in force before it.
    first = areas[areas["area_id"].isin(touched - set(history["area_id"]))]
    base = gpd.GeoDataFrame(
        first[["area_id", *BOUNDARY_COLUMNS]].assign(boundary_valid_from=""),
        geometry=first.geometry.values,
        crs=STORE_CRS,
    )
    versions = _version_rows(results, order, valid_from, cadastre_date, source)
    kept = history[
        ~(history["area_id"].isin(touched) & (history["boundary_valid_from"] == valid_from))
    ]
    history = pd.concat([kept, base, versions], ignore_index=True)
    history = history.sort_values(["area_id", "boundary_valid_from"]).reset_index(drop=True)
    for column in NUMERIC_COLUMNS:
        history[column] = pd.to_numeric(history[column], errors="coerce")

    latest = history[history["area_id"].isin(touched)].groupby("area_id").tail(1)
    latest = latest.set_index("area_id")
    hit = areas["area_id"].isin(touched).to_numpy()
    ids = areas.loc[hit, "area_id"]
    for column in BOUNDARY_COLUMNS:
        areas[column] = areas[column].astype(object)
        areas.loc[hit, column] = ids.map(latest[column]).to_numpy()
    geometry = np.asarray(areas.geometry.values, dtype=object)
    geometry[hit] = ids.map(latest.geometry).to_numpy()
    areas = areas.set_geometry(gpd.GeoSeries(geometry, index=areas.index, crs=STORE_CRS))
    for column in NUMERIC_COLUMNS:
        areas[column] = pd.to_numeric(areas[column], errors="coerce")
    areas = areas.sort_values("area_id").reset_index(drop=True)

    with store.transaction() as w:
        w.write("areas", areas)
        w.write(HISTORY_LAYER, history)
        w.record_provenance(
            "official_boundaries",
            description=f"official boundaries of {len(results)} area(s) ({len(added)} new) "
            f"from Bilag 1 of {order.label}, in force from {valid_from}, joined to the "
            f"cadastre of {cadastre_date} ({names}); {len(history)} boundary versions kept",
            source=source,
            licence=LICENCE,
            records=len(results),
        )
