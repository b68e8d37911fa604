"""Geometry checks and repairs for imported boundaries, vectorised with shapely 2.

Feature numbers are 1-based positions in the file, the way a user counts features; every
problem names the feature (and its id or name where there is one) so it can be found and fixed.
"""

from __future__ import annotations

import numpy as np
import shapely

from geo.errors import Problem

POLYGON, MULTIPOLYGON = 3, 6  # shapely type ids
_TYPE_NAMES = {
    0: "Point",
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def feature_label(number: int, ident: str | None = None) -> str:
    """``feature 3`` or ``feature 3 ('0101')``; a long name is cut to 60 characters."""
    if ident and len(ident) > 60:
        ident = ident[:60] + "…"
    return f"feature {number} ({ident!r})" if ident else f"feature {number}"


def geometry_problems(geometries: np.ndarray, idents: list[str] | None = None) -> list[Problem]:
    """Problems for features without a geometry or with a geometry that is not polygonal.

    Parameters
    ----------
    geometries
        Object array of shapely geometries (or None), one per feature in file order.
    idents
        The feature's id or name, used to make the problem easier to find.
    """
    missing = shapely.is_missing(geometries)
    empty = ~missing & shapely.is_empty(geometries)
    types = shapely.get_type_id(geometries)
    other = ~missing & ~empty & ~np.isin(types, (POLYGON, MULTIPOLYGON))
    problems = []
    for i in np.flatnonzero(missing | empty | other):
        label = feature_label(int(i) + 1, idents[i] if idents else None)
        if missing[i]:
            what = "has no geometry (null)"
        elif empty[i]:
            what = "has an empty geometry"
        else:
            what = f"is a {_TYPE_NAMES.get(int(types[i]), 'geometry')}, not a polygon"
        problems.append(
            Problem(f"{label} {what}", expected="a Polygon or MultiPolygon for every feature")
        )
    return problems


def polygon_parts(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every non-empty polygon inside ``geometries``, with the index of the geometry it is from.

    Multi-geometries and collections are flattened (recursively); points and lines dropped.
    The indices come back in increasing order.
    """
    parts, index = shapely.get_parts(geometries, return_index=True)
    types = shapely.get_type_id(parts)
    nested = types >= 4
    while nested.any():
        sub, sub_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], sub])
        index = np.concatenate([index[~nested], index[nested][sub_index]])
        types = shapely.get_type_id(parts)
        nested = types >= 4
    keep = (types == POLYGON) & ~shapely.is_empty(parts)
    parts, index = parts[keep], index[keep]
    order = np.argsort(index, kind="stable")
    return parts[order], index[order]


def _assemble(parts: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """MultiPolygons from polygons grouped by ``index``; None where a group has no part."""
    out = np.full(size, None, dtype=object)
    if len(parts):
        groups, inverse = np.unique(index, return_inverse=True)
        out[groups] = shapely.multipolygons(parts, indices=inverse)
    return out


def to_multipolygons(geometries: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry as a MultiPolygon (None where there is none)."""
    parts, index = polygon_parts(geometries)
    return _assemble(parts, index, len(geometries))


def repair(geometries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Make every invalid polygon valid with :func:`shapely.make_valid`.

    Only the polygonal parts of a repair are kept (a bow-tie becomes two triangles; a ring
    that collapses to a line disappears).

    Returns
    -------
    geometries
        MultiPolygons, all valid; None where nothing polygonal survived the repair.
    repaired
        Positions of the features that were invalid and repaired.
    failed
        Positions of the features whose repair left nothing polygonal.
    """
    out = to_multipolygons(geometries)
    present = ~shapely.is_missing(out)
    invalid = np.flatnonzero(present & ~shapely.is_valid(out))
    if len(invalid):
        fixed = to_multipolygons(shapely.make_valid(out[invalid]))
        # The polygons of one make_valid result do not overlap, so their MultiPolygon is
        # valid; union whatever is not, to be certain.
        still = ~shapely.is_missing(fixed) & ~shapely.is_valid(fixed)
        if still.any():
            fixed[still] = to_multipolygons(
                np.array([shapely.union_all(shapely.get_parts(g)) for g in fixed[still]])
            )
        out[invalid] = fixed
    failed = np.flatnonzero(shapely.is_missing(out) & present)
    repaired = np.setdiff1d(invalid, failed)
    failed_before = np.flatnonzero(~present & ~shapely.is_missing(geometries))
    return out, repaired, np.union1d(failed, failed_before)


def dissolve(geometries: np.ndarray, keys: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Merge the features that share a key into one MultiPolygon per key.

    Parameters
    ----------
    geometries
        Valid Polygons or MultiPolygons, one per feature.
    keys
        The key (code or area id) of each feature.

    Returns
    -------
    keys
        The distinct keys, sorted.
    geometries
        One valid MultiPolygon per key.
    first
        For each key, the position of its first feature (to take names from).
    """
    unique, first, inverse = np.unique(
        np.asarray(keys, dtype=object).astype(str), return_index=True, return_inverse=True
    )
    parts, index = polygon_parts(geometries)
    group = inverse[index]
    order = np.argsort(group, kind="stable")
    # Fast path: the parts of one key side by side. Valid unless they overlap or share an
    # edge (neighbouring features); those groups are unioned.
    merged = _assemble(parts[order], group[order], len(unique))
    for g in np.flatnonzero(~shapely.is_valid(merged)):
        members = geometries[inverse == g]
        merged[g] = to_multipolygons(np.array([shapely.union_all(members)]))[0]
    return [str(k) for k in unique], merged, first
