"""Import boundary files into the store: base layers replaced whole, area shapes matched by name.

The whole file is checked before anything is written, and the write goes through
:meth:`geo.store.Store.transaction`, so a refused or failed import leaves the store exactly as
it was (byte for byte).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from tqdm import tqdm

from boundaries.clean import dissolve, feature_label, geometry_problems, repair
from boundaries.io import BoundaryFile, read_boundaries
from geo import STORE_CRS
from geo.errors import InputRejected, Problem
from geo.naming import AreaMatcher, area_slug, check_name, municipality_code
from geo.store import BASE_LAYERS, Store

LAYERS = ("areas", *BASE_LAYERS)
LICENCE = "as supplied by the importer"

# Typical id fields of the official DAGI downloads, for the message when none is given.
ID_FIELD_EXAMPLES = {
    "municipalities": "KOMKODE",
    "regions": "REGIONKODE",
    "parishes": "SOGNEKODE",
    "postal_districts": "POSTNR_TXT",
}
LAYER_NOUNS = {
    "areas": "area boundaries",
    "municipalities": "municipalities",
    "regions": "regions",
    "parishes": "parishes",
    "postal_districts": "postal districts",
}
# Fields tried, case-insensitively, when no name field is given for areas.
AREA_NAME_FIELDS = ("name", "navn", "area_name", "omraade", "område", "boligomraade")
# Fields tried, case-insensitively, for a municipality code that narrows area matching.
MUNICIPALITY_FIELDS = ("municipality_code", "kommunekode", "KOMKODE")
IMPORTED_NOTE_DA = "importeret afgrænsning ({})"


@dataclass
class ImportReport:
    """What an import did, for the command line and the tests.

    Feature numbers are 1-based positions in the file.
    """

    layer: str
    source: str
    features_read: int
    records_written: int
    repaired: list[tuple[int, str]] = field(default_factory=list)
    dissolved: int = 0
    matched: dict[str, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    crs_in: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        """A multi-line English summary for the command line."""
        name = Path(self.source).name
        lines = [
            f"Imported {LAYER_NOUNS.get(self.layer, self.layer)} from {name} into layer "
            f"{self.layer!r} ({self.crs_in} → {STORE_CRS}) in {self.seconds:.1f} s",
            f"  features read:    {self.features_read}",
            f"  records written:  {self.records_written}",
        ]
        if self.dissolved:
            lines.append(
                f"  dissolved:        {self.dissolved} feature(s) merged into another feature "
                "with the same " + ("area" if self.layer == "areas" else "code")
            )
        lines.append(f"  repaired:         {len(self.repaired)} invalid polygon(s)")
        for number, ident in self.repaired[:10]:
            lines.append(f"    - {feature_label(number, ident)}")
        if len(self.repaired) > 10:
            lines.append(f"    … and {len(self.repaired) - 10} more")
        if self.layer == "areas":
            lines.append(f"  matched:          {len(self.matched)} feature name(s)")
            for ident, area_id in list(self.matched.items())[:50]:
                lines.append(f"    - {ident!r} → {area_id}")
            if len(self.matched) > 50:
                lines.append(f"    … and {len(self.matched) - 50} more")
            lines.append(f"  added:            {len(self.added)} new area(s)")
            for area_id in self.added:
                lines.append(f"    - {area_id}")
        for note in self.notes:
            lines.append(f"  note: {note}")
        return "\n".join(lines)


class _Stages:
    """A progress bar over the stages of an import (off unless asked for)."""

    def __init__(self, enabled: bool, path: Path, total: int):
        self.bar = tqdm(
            total=total,
            disable=not enabled,
            file=sys.stderr,
            unit="stage",
            desc=path.name,
            leave=False,
        )

    def start(self, name: str) -> None:
        self.bar.set_postfix_str(name)

    def done(self) -> None:
        self.bar.update()

    def close(self) -> None:
        self.bar.close()


def _find_field(data: BoundaryFile, name: str, role: str) -> str:
    """The file's field called ``name`` (exact, else the one case-insensitive match)."""
    fields = data.fields
    if name in fields:
        return name
    folded = [f for f in fields if f.casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputRejected(
        str(data.path),
        [
            Problem(
                f"the file has no field {name!r} (given as the {role})",
                expected="one of the file's fields: " + (", ".join(fields) or "(none)"),
            )
        ],
    )


def _optional_field(data: BoundaryFile, candidates: tuple[str, ...]) -> str | None:
    by_fold = {f.casefold(): f for f in data.fields}
    return next((by_fold[c.casefold()] for c in candidates if c.casefold() in by_fold), None)


def _text(values: pd.Series) -> list[str]:
    """Cell values as stripped text; missing as ``""``; whole floats without ``.0``."""
    out = []
    for v in values.tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append("")
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v).strip())
    return out


def _repair_or_refuse(data: BoundaryFile, idents: list[str]):
    geometries = np.asarray(data.frame.geometry.values, dtype=object)
    fixed, repaired, failed = repair(geometries)
    if len(failed):
        raise InputRejected(
            str(data.path),
            [
                Problem(
                    f"{feature_label(int(i) + 1, idents[i])} is an invalid polygon and "
                    "repairing it leaves nothing polygonal",
                    expected="a polygon with an area",
                )
                for i in failed
            ],
        )
    return fixed, [(int(i) + 1, idents[i]) for i in repaired]


def import_boundaries(
    store: Store,
    path: str | Path,
    *,
    layer: str,
    id_field: str | None = None,
    name_field: str | None = None,
    crs: str | None = None,
    add_new: bool = False,
    progress: bool = False,
    source: str | None = None,
) -> ImportReport:
    """Import a boundary file into one layer of the store.

    Parameters
    ----------
    store
        An existing store.
    path
        A .gpkg, .shp, .zip (zipped shapefile), .geojson/.json or .topojson file.
    layer
        ``"areas"`` or one of the base layers ``"municipalities"``, ``"regions"``,
        ``"parishes"``, ``"postal_districts"``.
    id_field
        The field holding each feature's code; required for base layers (e.g. ``KOMKODE``,
        ``REGIONKODE``, ``SOGNEKODE``, ``POSTNR_TXT``). For areas optional: a value equal to a
        known area id matches that area.
    name_field
        The field holding names. For areas, features are matched to known areas by name
        (aliases included); when not given, a field called name/navn/area_name is used.
    crs
        The CRS of the coordinates, needed when the file declares none (e.g. TopoJSON).
    add_new
        Areas only: add features that match no known area as new areas instead of refusing.
    progress
        Show a progress bar on stderr.
    source
        Where the file comes from, recorded as provenance (default: the file name).

    Returns
    -------
    ImportReport

    Raises
    ------
    ValueError
        ``layer`` is not one of the allowed layers.
    InputRejected
        The file is refused; nothing was written.
    geo.errors.StoreError
        The store does not exist.
    """
    if layer not in LAYERS:
        raise ValueError(f"unknown layer {layer!r}: use one of " + ", ".join(LAYERS))
    started = time.perf_counter()
    path = Path(path)
    store.layers()  # raises StoreError when there is no store to import into
    stages = _Stages(progress, path, total=4)
    try:
        stages.start("reading")
        data = read_boundaries(path, crs=crs)
        stages.done()
        if layer == "areas":
            report = _import_areas(store, data, stages, id_field, name_field, add_new, source)
        else:
            report = _import_base(store, data, stages, layer, id_field, name_field, source)
    finally:
        stages.close()
    report.notes = data.notes + report.notes
    report.seconds = time.perf_counter() - started
    return report


def _import_base(
    store: Store,
    data: BoundaryFile,
    stages: _Stages,
    layer: str,
    id_field: str | None,
    name_field: str | None,
    source: str | None,
) -> ImportReport:
    stages.start("checking")
    frame = data.frame
    if id_field is None:
        raise InputRejected(
            str(data.path),
            [
                Problem(
                    f"importing layer {layer!r} needs the id field: the field holding each "
                    f"feature's code (e.g. {ID_FIELD_EXAMPLES[layer]})",
                    expected="one of the file's fields: " + (", ".join(data.fields) or "(none)"),
                )
            ],
        )
    id_col = _find_field(data, id_field, "id field")
    name_col = _find_field(data, name_field, "name field") if name_field else None
    raw = _text(frame[id_col])
    problems: list[Problem] = []
    codes = []
    for i, value in enumerate(raw, start=1):
        if not value:
            problems.append(
                Problem(f"feature {i} has a blank {id_col}", expected="a code for every feature")
            )
            codes.append("")
        elif layer == "municipalities":
            try:
                codes.append(municipality_code(value))
            except ValueError:
                problems.append(
                    Problem(
                        f"{feature_label(i, value)}: {id_col} is not a municipality code",
                        expected="a code from 101 to 999, e.g. 0101 for København",
                    )
                )
                codes.append("")
        else:
            codes.append(value)
    problems += geometry_problems(np.asarray(frame.geometry.values, dtype=object), raw)
    if problems:
        raise InputRejected(str(data.path), problems)
    stages.done()

    stages.start("repairing")
    geometries, repaired = _repair_or_refuse(data, raw)
    stages.done()

    stages.start("writing")
    keys, merged, first = dissolve(geometries, codes)
    notes = []
    if name_col:
        all_names = _text(frame[name_col])
        names = [all_names[i] for i in first]
    else:
        known = {}
        if layer == "municipalities":
            info = store.read("municipality_info")
            known = dict(zip(info["code"], info["name"], strict=True))
        names = [known.get(code, code) for code in keys]
        notes.append(
            "no name field given: names "
            + ("from the store's municipality table where known, else " if known else "")
            + "the code"
        )
    out = gpd.GeoDataFrame(
        {"code": pd.Series(keys, dtype=str), "name": pd.Series(names, dtype=str)},
        geometry=gpd.GeoSeries(merged, crs=STORE_CRS),
        crs=STORE_CRS,
    )
    noun = LAYER_NOUNS[layer]
    with store.transaction() as w:
        w.write(layer, out)
        w.record_provenance(
            layer,
            description=f"{len(out)} {noun} imported from {data.path.name} "
            f"({len(frame)} features, {len(repaired)} repaired)",
            source=source or data.path.name,
            licence=LICENCE,
            records=len(out),
        )
    stages.done()
    return ImportReport(
        layer=layer,
        source=str(data.path),
        features_read=len(frame),
        records_written=len(out),
        repaired=repaired,
        dissolved=len(frame) - len(out),
        crs_in=data.crs_in,
        notes=notes,
    )


def _import_areas(
    store: Store,
    data: BoundaryFile,
    stages: _Stages,
    id_field: str | None,
    name_field: str | None,
    add_new: bool,
    source: str | None,
) -> ImportReport:
    stages.start("matching")
    frame = data.frame
    path = str(data.path)
    areas = store.read("areas").copy()
    aliases = store.read("aliases")
    id_col = _find_field(data, id_field, "id field") if id_field else None
    name_col: str | None
    if name_field:
        name_col = _find_field(data, name_field, "name field")
    else:
        name_col = _optional_field(data, AREA_NAME_FIELDS)
    if id_col is None and name_col is None:
        raise InputRejected(
            path,
            [
                Problem(
                    "importing area boundaries needs the name field (or the id field) to match "
                    "features to areas",
                    expected="one of the file's fields: " + (", ".join(data.fields) or "(none)"),
                )
            ],
        )
    n = len(frame)
    ids = _text(frame[id_col]) if id_col else [""] * n
    names = _text(frame[name_col]) if name_col else [""] * n
    labels = [name or ident for name, ident in zip(names, ids, strict=True)]
    code_col = _optional_field(data, MUNICIPALITY_FIELDS)
    raw_codes = _text(frame[code_col]) if code_col else [""] * n

    problems: list[Problem] = []
    codes: list[str | None] = []
    for i, value in enumerate(raw_codes, start=1):
        if not value:
            codes.append(None)
            continue
        try:
            codes.append(municipality_code(value))
        except ValueError:
            codes.append(None)
            problems.append(
                Problem(
                    f"{feature_label(i, labels[i - 1])}: {code_col} {value!r} is not a "
                    "municipality code",
                    expected="a code from 101 to 999, or an empty cell",
                )
            )
    problems += geometry_problems(np.asarray(frame.geometry.values, dtype=object), labels)

    # An area without a municipality code (None, not NaN) is a candidate in every municipality.
    municipality_of = [m if isinstance(m, str) and m else None for m in areas["municipality_code"]]
    known = dict(zip(areas["area_id"], municipality_of, strict=True))
    matcher = AreaMatcher(
        list(zip(areas["area_id"], areas["name"], municipality_of, strict=True)),
        list(zip(aliases["alias"], aliases["area_id"], strict=True)),
    )
    targets: list[str] = []
    matched: dict[str, str] = {}
    unmatched: list[Problem] = []
    new_areas: dict[str, tuple[str, str | None]] = {}
    for i in range(n):
        number, area_id = i + 1, None
        if ids[i] and ids[i] in known:
            area_id = ids[i]
        elif names[i]:
            area_id = matcher.match(names[i], codes[i])
        if area_id is not None:
            matched[labels[i]] = area_id
            targets.append(area_id)
            continue
        label = feature_label(number, labels[i])
        if not labels[i]:
            unmatched.append(Problem(f"{label} has no name to match it by"))
            targets.append("")
            continue
        try:
            check_name(labels[i])
            new_id = area_slug(labels[i])
        except ValueError as exc:
            unmatched.append(Problem(f"{label}: {exc}"))
            targets.append("")
            continue
        if not add_new or matcher.ambiguous(names[i], codes[i]):
            unmatched.append(Problem(f"{label}: {matcher.explain(labels[i], codes[i])}"))
            targets.append("")
            continue
        if new_id in known:
            unmatched.append(
                Problem(
                    f"{label}: cannot be added as a new area, because the area {new_id!r} "
                    f"already exists in municipality {known[new_id]}, not {codes[i]}"
                )
            )
            targets.append("")
            continue
        new_areas.setdefault(new_id, (labels[i], codes[i]))
        targets.append(new_id)
    if unmatched:
        hint = (
            f"{len(unmatched)} feature(s) match no area in the store: correct the names, or "
            "import them with --add-new to add them as new areas"
            if not add_new
            else f"{len(unmatched)} feature(s) cannot be added as new areas"
        )
        problems = [Problem(hint), *unmatched, *problems]
    if problems:
        raise InputRejected(path, problems)
    stages.done()

    stages.start("repairing")
    geometries, repaired = _repair_or_refuse(data, labels)
    stages.done()

    stages.start("writing")
    keys, merged, _ = dissolve(geometries, targets)
    notes = []
    members: dict[str, list[int]] = {}
    for i, area_id in enumerate(targets, start=1):
        members.setdefault(area_id, []).append(i)
    for area_id, numbers in members.items():
        if len(numbers) > 1:
            notes.append(
                "features "
                + ", ".join(str(k) for k in numbers)
                + f" all match {area_id}: dissolved into one shape"
            )
    label_da = IMPORTED_NOTE_DA.format(data.path.name)
    if new_areas:
        new_rows = gpd.GeoDataFrame(
            {
                "area_id": list(new_areas),
                "name": [name for name, _ in new_areas.values()],
                "municipality_code": [code for _, code in new_areas.values()],
            },
            geometry=gpd.GeoSeries([None] * len(new_areas), crs=STORE_CRS),
            crs=STORE_CRS,
        )
        areas = pd.concat([areas, new_rows], ignore_index=True)
    shapes = dict(zip(keys, merged, strict=True))
    hit = areas["area_id"].isin(shapes)
    geometry = np.asarray(areas.geometry.values, dtype=object)
    geometry[hit.to_numpy()] = [shapes[a] for a in areas.loc[hit, "area_id"]]
    areas = areas.set_geometry(gpd.GeoSeries(geometry, index=areas.index, crs=STORE_CRS))
    areas.loc[hit, "boundary_source"] = "imported"
    areas.loc[hit, "boundary_note"] = label_da
    areas.loc[hit, "location_precision"] = "boundary"
    areas.loc[hit, "uncertainty_m"] = np.nan
    areas.loc[hit, "location_note"] = f"boundary imported from {data.path.name}"
    areas.loc[hit, "location_source"] = source or data.path.name
    areas.loc[hit, "location_source_label"] = source or data.path.name
    areas.loc[hit, "location_read_via"] = source or data.path.name
    areas = areas.sort_values("area_id").reset_index(drop=True)

    with store.transaction() as w:
        w.write("areas", areas)
        w.record_provenance(
            "areas",
            description=f"{len(keys)} area boundaries imported from {data.path.name} "
            f"({len(new_areas)} new areas); the other {len(areas) - len(keys)} areas keep "
            "their earlier shapes (approximate locations unless imported before)",
            source=source or data.path.name,
            licence=LICENCE,
            records=len(areas),
        )
    stages.done()
    return ImportReport(
        layer="areas",
        source=path,
        features_read=n,
        records_written=len(keys),
        repaired=repaired,
        dissolved=n - len(keys),
        matched=matched,
        added=list(new_areas),
        crs_in=data.crs_in,
        notes=notes,
    )
