"""Reading boundary files: one function, one table from file extension to GDAL driver.

Every file is read with the pyogrio engine (never fiona) and must be read by the driver its
extension promises; a file GDAL reads with another driver is refused rather than guessed at.
Geometries come back two-dimensional and in the store CRS, EPSG:25832.

TopoJSON note: GDAL's TopoJSON driver (checked with GDAL 3.12) only accepts arc positions of
exactly two numbers. A position with a third element (a height, often ``-999`` in DAGI
exports) is skipped, and because arcs are delta-encoded every later point of that arc is then
wrong. Such files (``sogne.topojson`` among them) are handed to the driver with the extra
elements removed; the heights would be dropped on import anyway.
"""

from __future__ import annotations

import contextlib
import json
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo import STORE_CRS, WEB_CRS
from geo.errors import InputRejected, Problem
from geo.plausible import features_outside_denmark

DRIVERS = {
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".zip": "ESRI Shapefile",  # a zipped shapefile, read through /vsizip/
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",  # or TopoJSON when the top-level type is "Topology"
    ".topojson": "TopoJSON",
    ".gml": "GML",  # e.g. the cadastre (Matrikelkortet) as GML
}
# GDAL open options per driver: a GML file's schema is read from beside it or worked out from
# the file, never downloaded from the address it names (an import makes no network request).
OPEN_OPTIONS = {"GML": {"DOWNLOAD_SCHEMA": "NO"}}
JSON_SUFFIXES = (".geojson", ".json", ".topojson")

# A generous box around Denmark (longitude/latitude). A file none of whose features touches
# it is in a different CRS than the one it declares (or was given with ``--crs``).
DENMARK_LONLAT = (6.0, 53.5, 16.5, 58.5)

_GDAL_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyogrio.errors.GeometryError,
    pyogrio.errors.FeatureError,
)
_TOPOLOGY_HEAD = re.compile(rb'"type"\s*:\s*"Topology"')


@dataclass
class BoundaryFile:
    """Features read from a boundary file, ready for checking.

    ``frame`` has the file's attribute columns and a two-dimensional geometry column in
    EPSG:25832, in file order with a fresh RangeIndex: feature number ``n`` (1-based, as
    reported to users) is row ``n - 1``.
    """

    path: Path
    frame: gpd.GeoDataFrame
    driver: str
    layer: str
    crs_in: str
    notes: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[str]:
        """The attribute fields of the file (its columns without the geometry)."""
        return [str(c) for c in self.frame.columns if c != self.frame.geometry.name]


def _refuse(path: Path, message: str, **kwargs) -> InputRejected:
    return InputRejected(str(path), [Problem(message, **kwargs)])


def _describe_crs(crs: CRS) -> str:
    epsg = crs.to_epsg()
    if epsg is not None:
        return f"EPSG:{epsg}"
    authority = crs.to_authority()
    return ":".join(authority) if authority else crs.name


def _zip_target(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(path, f"not a readable zip archive: {exc}") from exc
    shapefiles = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX/")]
    if not shapefiles:
        raise _refuse(
            path,
            "the zip archive holds no shapefile (.shp)",
            expected="a zip with one shapefile (.shp, .shx, .dbf and .prj)",
        )
    if len(shapefiles) > 1:
        raise _refuse(
            path,
            "the zip archive holds several shapefiles: " + ", ".join(sorted(shapefiles)),
            expected="a zip with exactly one shapefile",
        )
    return f"/vsizip/{path.resolve()}/{shapefiles[0]}"


def _strip_extra_dimensions(topology: dict) -> int:
    """Reduce every arc position to (x, y) in place; return how many positions changed."""
    changed = 0
    arcs = topology.get("arcs")
    if not isinstance(arcs, list):
        return 0
    for arc in arcs:
        if not isinstance(arc, list):
            continue
        for i, position in enumerate(arc):
            if isinstance(position, list) and len(position) > 2:
                arc[i] = position[:2]
                changed += 1
    return changed


def _json_target(path: Path, suffix: str) -> tuple[str | bytes, str, list[str], str | None]:
    """Decide GeoJSON or TopoJSON; return (target, driver, notes, declared CRS hint)."""
    if suffix != ".topojson":
        with open(path, "rb") as fh:
            head = fh.read(65536)
        if not _TOPOLOGY_HEAD.search(head):
            return str(path), "GeoJSON", [], None
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(path, f"not valid JSON: {exc}") from exc
    kind = document.get("type") if isinstance(document, dict) else None
    if kind != "Topology":
        if suffix == ".topojson":
            raise _refuse(
                path,
                f"a .topojson file must be a TopoJSON Topology, but its type is {kind!r}",
                expected='a top-level "type": "Topology"',
            )
        return str(path), "GeoJSON", [], None
    hint = None
    for obj in (document.get("objects") or {}).values():
        declared = obj.get("crs") if isinstance(obj, dict) else None
        if isinstance(declared, dict):
            hint = (declared.get("properties") or {}).get("name")
            break
    notes: list[str] = []
    changed = _strip_extra_dimensions(document)
    if changed:
        notes.append(
            f"{changed} TopoJSON arc positions had more than two coordinates; only x and y "
            "were kept (GDAL's TopoJSON reader cannot decode longer positions)"
        )
        return json.dumps(document).encode("utf-8"), "TopoJSON", notes, hint
    return str(path), "TopoJSON", notes, hint


def _pick_layer(path: Path, target: str | bytes, wanted: str | None = None) -> str:
    layers = pyogrio.list_layers(target)
    spatial = [str(name) for name, geometry_type in layers if geometry_type is not None]
    if not spatial:
        raise _refuse(path, "the file has no layer with geometries")
    if wanted is not None:
        # exact, else the one case-insensitive match (shapefile layers are named after the
        # file: JORDSTYKKE.shp holds the layer 'JORDSTYKKE')
        if wanted in spatial:
            return wanted
        folded = [name for name in spatial if name.casefold() == wanted.casefold()]
        if len(folded) == 1:
            return folded[0]
        raise _refuse(
            path,
            f"the file has no layer {wanted!r}",
            expected="one of its layers: " + ", ".join(spatial),
        )
    if len(spatial) > 1:
        raise _refuse(
            path,
            "the file has several layers with geometries: " + ", ".join(spatial),
            expected="a file with one boundary layer",
        )
    return spatial[0]


@contextlib.contextmanager
def _gdal_warnings(notes: list[str]) -> Iterator[None]:
    """Collect GDAL's warnings about the file (pyogrio raises them as RuntimeWarning) as notes.

    They describe the user's file (an unusual extension, a field it could not convert) and
    belong in the import report; other warning categories pass through untouched.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        yield
    for warning in caught:
        if issubclass(warning.category, RuntimeWarning):
            message = f"GDAL: {warning.message}"
            if message not in notes:
                notes.append(message)
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )


def _denmark_box() -> shapely.Geometry:
    box = gpd.GeoSeries([shapely.box(*DENMARK_LONLAT)], crs=WEB_CRS)
    return box.to_crs(STORE_CRS).iloc[0]


def read_boundaries(
    path: str | Path,
    *,
    crs: str | None = None,
    layer: str | None = None,
    where: str | Callable[[dict[str, str]], str | None] | None = None,
) -> BoundaryFile:
    """Read a boundary file into EPSG:25832 with two-dimensional geometries.

    Parameters
    ----------
    path
        A GeoPackage (.gpkg), shapefile (.shp), zipped shapefile (.zip), GeoJSON (.geojson,
        .json), TopoJSON (.topojson, or .json with a top-level ``"type": "Topology"``) or GML
        (.gml).
    crs
        The CRS of the coordinates (anything pyproj accepts, e.g. ``"EPSG:4326"``). Required
        when the file declares none; when given it overrides what the file declares.
    layer
        The layer to read from a file with several (e.g. ``jordstykke`` of a Matriklen
        GeoPackage); matched exactly, else case-insensitively. Without it, a file with
        several layers is refused.
    where
        An OGR SQL attribute filter applied while reading (only the matching features are
        loaded: a national cadastre is read for the few ejerlav an import needs), or a
        function that builds it from the chosen layer's fields (name → numpy dtype name), which may
        raise :class:`InputRejected` when a field it needs is absent.

    Returns
    -------
    BoundaryFile

    Raises
    ------
    InputRejected
        Naming the file and the problem: unknown extension, a file GDAL cannot open or reads
        with another driver than the extension promises, several layers, no CRS, an unknown
        ``crs``, or coordinates that lie nowhere near Denmark (a wrong CRS).
    """
    path = Path(path)
    if not path.is_file():
        raise _refuse(path, "file not found")
    suffix = path.suffix.lower()
    if suffix not in DRIVERS:
        raise _refuse(
            path,
            f"unsupported file type {suffix or '(none)'!r}",
            expected="one of " + ", ".join(DRIVERS),
        )

    notes: list[str] = []
    hint = None
    expected = DRIVERS[suffix]
    target: str | bytes = str(path)
    if suffix == ".zip":
        target = _zip_target(path)
    elif suffix in JSON_SUFFIXES:
        target, expected, notes, hint = _json_target(path, suffix)

    try:
        with _gdal_warnings(notes):
            layer_name = _pick_layer(path, target, layer)
            options = OPEN_OPTIONS.get(expected, {})
            info = pyogrio.read_info(target, layer=layer_name, **options)
            if info["driver"] != expected:
                raise _refuse(
                    path,
                    f"GDAL reads this file as {info['driver']}, but a {suffix} file must be "
                    f"{expected}",
                )
            if callable(where):
                where = where(dict(zip(info["fields"], info["dtypes"], strict=True)))
            frame = gpd.read_file(
                target, layer=layer_name, engine="pyogrio", where=where, **options
            )
    except _GDAL_ERRORS as exc:
        # GDAL's hint about '<DRIVER>:' path prefixes means nothing to a user of the CLI.
        message = str(exc).split("; It might help to specify the correct driver")[0]
        raise _refuse(path, f"GDAL cannot read the file: {message}") from exc

    frame = frame.reset_index(drop=True)
    if frame.empty:
        raise _refuse(
            path,
            "the file has no features: nothing to import",
            expected="at least one polygon feature",
        )
    frame = frame.set_geometry(shapely.force_2d(frame.geometry.values), crs=frame.crs)

    if crs is not None:
        try:
            given = CRS.from_user_input(crs)
        except CRSError as exc:
            raise _refuse(path, f"--crs {crs!r} is not a CRS pyproj knows: {exc}") from exc
        if frame.crs is not None and not frame.crs.equals(given):
            notes.append(
                f"the file declares {_describe_crs(frame.crs)}; the given CRS "
                f"{_describe_crs(given)} was used instead"
            )
        frame = frame.set_crs(given, allow_override=True)
    elif frame.crs is None:
        message = "the file has no CRS (coordinate reference system)"
        if hint:
            message += f" that GDAL can read (it names {hint!r}, which its format does not define)"
        raise _refuse(
            path, message + ": pass the CRS of its coordinates with --crs, e.g. --crs EPSG:4326"
        )
    crs_in = _describe_crs(frame.crs)
    source_geometries, source_crs = frame.geometry.values, frame.crs

    frame = frame.to_crs(STORE_CRS)
    geometries = frame.geometry.values
    present = ~(shapely.is_missing(geometries) | shapely.is_empty(geometries))
    if present.any():
        finite = np.isfinite(shapely.bounds(geometries[present])).all(axis=1)
        near = finite & shapely.intersects(geometries[present], _denmark_box())
        if not near.any():
            raise _refuse(
                path,
                f"no feature lies in or near Denmark when its coordinates are read as {crs_in}: "
                "the CRS is wrong",
                expected="the CRS the coordinates are really in, given with --crs",
            )
        outside = features_outside_denmark(source_geometries, source_crs)
        if outside:
            raise InputRejected(
                str(path),
                [
                    Problem(
                        f"feature {i + 1} {reason} when read as {crs_in}",
                        expected="every feature in Denmark; fix or remove this one",
                    )
                    for i, reason in outside
                ],
            )
    return BoundaryFile(
        path=path, frame=frame, driver=expected, layer=layer_name, crs_in=crs_in, notes=notes
    )
