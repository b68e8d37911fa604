"""Move files read in chunks, never whole: CSV, Parquet (a file or a directory), GeoPackage.

:func:`open_moves` reads only what describes a file — its header or schema, its CRS, its
encoding and separator — checks everything that can be checked without reading rows (known
columns, one column per meaning, an origin and a destination column, both coordinates of a
pair, a CRS for coordinates) and returns a :class:`MoveSource`: a small, picklable plan that a
Dask worker can use as well. :func:`iter_chunks` then yields the rows as Arrow tables of exactly
``chunk_size`` rows (the last one shorter), each tagged with its file and the number of rows
before it in that file, so that a problem found in a chunk is reported at its true row.

- CSV: UTF-8 (with or without BOM) or Windows-1252, ``;``, ``,`` or tab, read by Arrow's
  streaming CSV reader with every cell as text (numbers are parsed by the validation, which
  knows Danish formats). The encoding is decided on the whole file, as before, by one pass
  that only decodes.
- Parquet and GeoParquet: Arrow record batches of the needed columns only. A directory of
  Parquet files is one input (files in natural sort order); every file must have the same
  columns. A GeoParquet's geometry (WKB or GeoArrow points) is the destination point, in the
  CRS the file declares.
- GeoPackage: one layer, streamed through OGR's Arrow interface; its point geometry is the
  destination.
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.errors import InputRejected, Problem
from geo.tabular import CSV_SUFFIXES

PARQUET_SUFFIXES = {".parquet", ".geoparquet", ".parq", ".pq"}
GPKG_SUFFIXES = {".gpkg"}
SUPPORTED = sorted(CSV_SUFFIXES | PARQUET_SUFFIXES | GPKG_SUFFIXES)
GEOMETRY = "__geometry"  # the name a destination geometry column gets in a chunk

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


@dataclass(frozen=True)
class PointPair:
    """Two coordinate columns of one end of a move and the CRS they are in."""

    end: str  # "origin" or "dest"
    x: str  # canonical column names
    y: str
    crs: str  # as CRS.to_wkt() would be too long to show; to_string()


@dataclass
class MoveSource:
    """A move file (or directory of Parquet files) as opened: everything but its rows.

    Small and picklable: it travels to Dask workers.
    """

    path: Path
    kind: str  # "csv", "parquet" or "gpkg"
    files: list[Path]
    columns: dict[str, str]  # canonical name → the file's own header
    pairs: list[PointPair]
    geometry: str | None = None  # the file's geometry column (the destination point)
    geometry_encoding: str = "WKB"  # or "point" (GeoArrow)
    geometry_crs: str | None = None
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only
    rows: int | None = None  # known for Parquet and GeoPackage
    size: int = 0  # bytes, for progress on CSV
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        """The input as errors name it."""
        return str(self.path)

    def file_label(self, file: Path) -> str | None:
        """How a problem names ``file``: None for a single file (the error names it)."""
        if len(self.files) == 1 and file == self.path:
            return None
        try:
            return str(file.relative_to(self.path))
        except ValueError:
            return str(file)

    @property
    def has_dest_geometry(self) -> bool:
        """True when a geometry column gives the destination point."""
        return self.geometry is not None


def parse_crs(text: str, source: str) -> CRS:
    """A CRS given by the user (``--crs``); refused by name when unknown."""
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise InputRejected(
            source,
            [Problem("unknown CRS", column="--crs", value=text, expected="e.g. EPSG:25832")],
        ) from exc


def _natural_key(path: Path) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(path))]


def open_moves(path: str | Path, crs: str | None = None) -> MoveSource:
    """Open a move file or a directory of Parquet files; check what needs no rows.

    Raises :class:`InputRejected` naming the file and every problem found.
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PARQUET_SUFFIXES),
            key=_natural_key,
        )
        if not files:
            raise InputRejected(
                source,
                [Problem("the directory holds no Parquet files", expected="*.parquet files")],
            )
        kind = "parquet"
    elif not path.is_file():
        raise InputRejected(source, [Problem("file not found")])
    elif suffix in CSV_SUFFIXES:
        files, kind = [path], "csv"
    elif suffix in PARQUET_SUFFIXES:
        files, kind = [path], "parquet"
    elif suffix in GPKG_SUFFIXES:
        files, kind = [path], "gpkg"
    else:
        raise InputRejected(
            source,
            [
                Problem(
                    f"unsupported file type {suffix or '(none)'!r}",
                    expected="one of " + ", ".join(SUPPORTED) + ", or a directory of Parquet files",
                )
            ],
        )
    given = parse_crs(crs, source) if crs else None
    if kind == "csv":
        return _open_csv(path, given)
    if kind == "parquet":
        return _open_parquet(path, files, given)
    return _open_gpkg(path, given)


def _canonical(headers: Iterable[str], source: str) -> dict[str, str]:
    """Canonical name → header, refusing two headers of one meaning or a header twice."""
    headers = list(headers)
    folded = [str(h).strip().lower() for h in headers]
    problems = []
    seen: dict[str, int] = {}
    for i, name in enumerate(folded):
        if name in seen:
            problems.append(
                Problem(
                    f"column {name!r} appears twice",
                    column=headers[i],
                    expected="each column once",
                )
            )
        seen.setdefault(name, i)
    found = {}
    for canonical, accepted in COLUMNS.items():
        present = [a for a in accepted if a in seen]
        if len(present) > 1:
            problems.append(
                Problem(
                    f"columns {present} all mean {canonical!r}",
                    column=present[1],
                    expected="one column per meaning",
                )
            )
        elif present:
            found[canonical] = headers[seen[present[0]]]
    if problems:
        raise InputRejected(source, problems)
    return found


def _plan(
    path: Path,
    kind: str,
    files: list[Path],
    columns: dict[str, str],
    given: CRS | None,
    *,
    geometry: str | None = None,
    geometry_encoding: str = "WKB",
    geometry_crs: CRS | None = None,
    geometry_declared: bool = True,
    **extra,
) -> MoveSource:
    """Check the columns and CRSs of a file and return its plan."""
    source = str(path)
    problems = []
    if "year" not in columns and "date" not in columns:
        problems.append(
            Problem(
                "missing column 'year' (or 'date')",
                expected="a header named " + " or ".join(repr(a) for a in COLUMNS["year"]),
            )
        )
    for end in ("origin", "dest"):
        forms = [c for c in (f"{end}_area", f"{end}_municipality", f"{end}_x", f"{end}_lon")]
        if not any(c in columns for c in forms) and not (end == "dest" and geometry):
            problems.append(
                Problem(
                    f"no {'origin' if end == 'origin' else 'destination'} column",
                    expected=f"at least one of {end}_area, {end}_municipality, "
                    f"{end}_x/{end}_y or {end}_lon/{end}_lat",
                )
            )
    pairs = []
    for end in ("origin", "dest"):
        for xs, ys, crs in (
            (f"{end}_x", f"{end}_y", given),
            (f"{end}_lon", f"{end}_lat", CRS.from_epsg(4326)),
        ):
            has_x, has_y = xs in columns, ys in columns
            if has_x != has_y:
                problems.append(
                    Problem(
                        f"column {xs if has_x else ys!r} without {ys if has_x else xs!r}",
                        column=xs if has_x else ys,
                        expected="both coordinate columns, or neither",
                    )
                )
            elif has_x and crs is None:
                problems.append(
                    Problem(
                        f"columns {xs!r}/{ys!r} have coordinates but no CRS was given",
                        column=xs,
                        expected="--crs, e.g. EPSG:25832 or EPSG:4326",
                    )
                )
            elif has_x and crs is not None:
                pairs.append(PointPair(end, xs, ys, crs.to_string()))
    notes = []
    crs_text = None
    if geometry is not None:
        if geometry_crs is None and not geometry_declared and given is None:
            problems.append(
                Problem(
                    "the file declares no CRS",
                    column="geometry",
                    expected="a file with a CRS, or --crs (e.g. EPSG:25832)",
                )
            )
        use = geometry_crs or given
        if given is not None and geometry_crs is not None and geometry_crs != given:
            notes.append(
                f"--crs {given.to_string()} ignored: the file declares {geometry_crs.to_string()}"
            )
        crs_text = use.to_string() if use is not None else None
    if problems:
        raise InputRejected(source, problems)
    return MoveSource(
        path=path,
        kind=kind,
        files=files,
        columns=columns,
        pairs=pairs,
        geometry=geometry,
        geometry_encoding=geometry_encoding,
        geometry_crs=crs_text,
        notes=notes,
        **extra,
    )


# -- CSV -------------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as UTF-8 (BOM or not), else Windows-1252.

    Decodes in blocks, holding one block at a time; a file that is neither is refused.
    """
    with open(path, "rb") as handle:
        start = handle.read(3)
        if start == b"\xef\xbb\xbf":
            return "utf-8"
        handle.seek(0)
        decoder: codecs.IncrementalDecoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(1 << 24):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("cp1252")()
        try:
            while block := handle.read(1 << 24):
                decoder.decode(block)
        except UnicodeDecodeError as exc:
            raise InputRejected(
                str(path),
                [
                    Problem(
                        f"cannot be read: neither UTF-8 nor Windows-1252 ({exc.reason})",
                        expected="a CSV file in UTF-8 or Windows-1252",
                    )
                ],
            ) from exc
    return "cp1252"


def _open_csv(path: Path, given: CRS | None) -> MoveSource:
    source = str(path)
    encoding = _csv_encoding(path)
    with open(path, encoding="utf-8-sig" if encoding == "utf-8" else encoding, newline="") as f:
        sample = f.read(1 << 16)
    if not sample.strip():
        raise InputRejected(
            source,
            [Problem("the file is empty", expected="a header and one row per move")],
        )
    head = sample[:4096]
    try:
        delimiter = csv.Sniffer().sniff(head, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if head.count(";") > head.count(",") else ","
    header = next(csv.reader(sample.splitlines(), delimiter=delimiter), [])
    columns = _canonical(header, source)
    return _plan(
        path,
        "csv",
        [path],
        columns,
        given,
        encoding=encoding,
        delimiter=delimiter,
        size=path.stat().st_size,
    )


class _CountingFile:
    """A binary file that counts the bytes read from it (for progress on CSV)."""

    def __init__(self, path: Path):
        self._handle = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.read_bytes = 0
        self.closed = False

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self.read_bytes += len(data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        self._handle.close()
        self.closed = True


def _csv_batches(moves: MoveSource, progress_bytes: list[int] | None) -> Iterator[pa.RecordBatch]:
    file = moves.files[0]
    header = list(moves.columns.values())
    handle = _CountingFile(file)
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(
                encoding="utf8" if moves.encoding == "utf-8" else moves.encoding,
                block_size=1 << 22,
            ),
            parse_options=pacsv.ParseOptions(delimiter=moves.delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=header,
                column_types={name: pa.string() for name in header},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            if progress_bytes is not None:
                progress_bytes[0] = handle.read_bytes
            yield batch
    except pa.ArrowInvalid as exc:
        raise InputRejected(
            moves.source,
            [Problem(f"cannot be read as CSV: {exc}", expected="the same number of cells per row")],
        ) from exc
    finally:
        handle.close()


# -- Parquet ---------------------------------------------------------------------------------


def _geo_metadata(schema: pa.Schema) -> dict | None:
    raw = (schema.metadata or {}).get(b"geo")
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _open_parquet(path: Path, files: list[Path], given: CRS | None) -> MoveSource:
    source = str(path)
    schemas, rows = [], 0
    for file in files:
        try:
            meta = pq.read_metadata(file)
            schemas.append(meta.schema.to_arrow_schema())
            rows += meta.num_rows
        except (OSError, pa.ArrowException) as exc:
            raise InputRejected(str(file), [Problem(f"cannot be read as Parquet: {exc}")]) from exc
    first = schemas[0]
    for file, schema in zip(files[1:], schemas[1:], strict=True):
        if [n.strip().lower() for n in schema.names] != [n.strip().lower() for n in first.names]:
            raise InputRejected(
                source,
                [
                    Problem(
                        f"{file.name} has other columns than {files[0].name}",
                        value=", ".join(schema.names),
                        expected="the same columns in every file: " + ", ".join(first.names),
                    )
                ],
            )
    geo = _geo_metadata(first)
    geometry, encoding, geometry_crs, declared = None, "WKB", None, True
    names = list(first.names)
    if geo is not None:
        geometry = geo.get("primary_column", "geometry")
        spec = geo.get("columns", {}).get(geometry, {})
        encoding = spec.get("encoding", "WKB")
        if encoding not in ("WKB", "point"):
            raise InputRejected(
                source,
                [
                    Problem(
                        f"unsupported GeoParquet geometry encoding {encoding!r}",
                        column=geometry,
                        expected="WKB or point",
                    )
                ],
            )
        if "crs" not in spec:
            geometry_crs = CRS.from_user_input("OGC:CRS84")  # the GeoParquet default
        elif spec["crs"] is None:
            declared = False
        else:
            try:
                geometry_crs = CRS.from_user_input(spec["crs"])
            except CRSError as exc:
                raise InputRejected(
                    source,
                    [Problem(f"the file's CRS cannot be read: {exc}", column=geometry)],
                ) from exc
        names = [n for n in names if n != geometry]
    columns = _canonical(names, source)
    return _plan(
        path,
        "parquet",
        files,
        columns,
        given,
        geometry=geometry,
        geometry_encoding=encoding,
        geometry_crs=geometry_crs,
        geometry_declared=declared,
        rows=rows,
        size=sum(f.stat().st_size for f in files),
    )


def _parquet_batches(moves: MoveSource, file: Path, chunk_size: int) -> Iterator[pa.RecordBatch]:
    wanted = list(moves.columns.values()) + ([moves.geometry] if moves.geometry else [])
    try:
        # pre_buffer off: with it, the reader keeps every row group's buffers it has read
        # until it is closed (about 20 MB per million rows here), so memory grew with the file
        handle = pq.ParquetFile(file, pre_buffer=False)
        yield from handle.iter_batches(batch_size=chunk_size, columns=wanted)
    except (OSError, pa.ArrowException) as exc:
        raise InputRejected(str(file), [Problem(f"cannot be read as Parquet: {exc}")]) from exc


# -- GeoPackage ------------------------------------------------------------------------------


def _open_gpkg(path: Path, given: CRS | None) -> MoveSource:
    import pyogrio
    import pyogrio.errors

    source = str(path)
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
        info = pyogrio.read_info(path)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise InputRejected(source, [Problem(f"cannot be read as GeoPackage: {exc}")]) from exc
    geometry = GEOMETRY if info.get("geometry_type") else None
    crs = CRS.from_user_input(info["crs"]) if info.get("crs") else None
    columns = _canonical([str(f) for f in info["fields"]], source)
    return _plan(
        path,
        "gpkg",
        [path],
        columns,
        given,
        geometry=geometry,
        geometry_crs=crs,
        geometry_declared=crs is not None,
        rows=int(info.get("features") or 0),
        size=path.stat().st_size,
    )


def _gpkg_batches(moves: MoveSource, chunk_size: int) -> Iterator[pa.RecordBatch]:
    from pyogrio.raw import open_arrow

    with open_arrow(
        moves.files[0],
        columns=list(moves.columns.values()),
        batch_size=chunk_size,
        use_pyarrow=True,
        datetime_as_string=True,
    ) as (meta, reader):
        geometry = meta.get("geometry_name") or "wkb_geometry"
        for batch in reader:
            if moves.geometry and geometry in batch.schema.names:
                index = batch.schema.get_field_index(geometry)
                batch = batch.rename_columns(
                    [GEOMETRY if i == index else n for i, n in enumerate(batch.schema.names)]
                )
            yield batch


# -- chunks ----------------------------------------------------------------------------------


@dataclass
class Chunk:
    """Rows of one file: ``table`` holds them, ``offset`` rows of the file come before."""

    table: pa.Table
    file: Path
    offset: int
    index: int  # the chunk's number in the whole input (0, 1, …)

    @property
    def rows(self) -> int:
        """Number of rows in the chunk."""
        return self.table.num_rows


def rechunk(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """Tables of exactly ``size`` rows from batches of any size (the last one shorter)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        while batch.num_rows:
            take = min(size - count, batch.num_rows)
            pending.append(batch.slice(0, take))
            count += take
            batch = batch.slice(take)
            if count == size:
                yield pa.Table.from_batches(pending)
                pending, count = [], 0
    if count:
        yield pa.Table.from_batches(pending)


def iter_chunks(
    moves: MoveSource, chunk_size: int, progress_bytes: list[int] | None = None
) -> Iterator[Chunk]:
    """The rows of ``moves``, ``chunk_size`` at a time, in file order.

    A chunk never spans two files. Column names are the file's own (see
    ``moves.columns``); a GeoPackage's geometry is named :data:`GEOMETRY`.
    ``progress_bytes[0]`` is kept at the number of bytes read (CSV).
    """
    index = 0
    for file in moves.files:
        if moves.kind == "csv":
            batches: Iterable[pa.RecordBatch] = _csv_batches(moves, progress_bytes)
        elif moves.kind == "parquet":
            batches = _parquet_batches(moves, file, chunk_size)
        else:
            batches = _gpkg_batches(moves, chunk_size)
        offset = 0
        for table in rechunk(batches, chunk_size):
            yield Chunk(table, file, offset, index)
            offset += table.num_rows
            index += 1
